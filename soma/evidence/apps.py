from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "soma.evidence"
    label = "evidence"
    verbose_name = _("Evidence")

    def ready(self):
        from soma.core import housekeeping
        from soma.evidence import files

        files.connect()
        housekeeping.register(files.sweep_orphans)  # by the worker, at its start and hourly

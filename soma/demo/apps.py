from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data set and its `soma demo` command. No models: it writes through the other apps' services."""

    name = "soma.demo"
    label = "demo"
    verbose_name = _("Demo data")

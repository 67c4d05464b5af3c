from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResponsesConfig(AppConfig):
    """The question-by-question workspace. No models of its own: the Response model lives in findings."""

    name = "soma.responses"
    label = "responses"
    verbose_name = _("Responses")

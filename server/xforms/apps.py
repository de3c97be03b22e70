from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class XformsConfig(AppConfig):
    name = "server.xforms"
    label = "xforms"
    verbose_name = _("Forms")

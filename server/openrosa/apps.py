from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenRosaConfig(AppConfig):
    name = "server.openrosa"
    label = "openrosa"
    verbose_name = _("ODK Collect (OpenRosa)")

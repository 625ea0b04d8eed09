from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "sunlit.portal"
    verbose_name = "公开门户"

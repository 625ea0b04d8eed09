from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "sunlit.core"
    verbose_name = "基础"

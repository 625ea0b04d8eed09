from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    name = "sunlit.console"
    verbose_name = "工作台"

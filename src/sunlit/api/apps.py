from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sunlit.api"
    verbose_name = "接口"

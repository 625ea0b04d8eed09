from django.apps import AppConfig


class HandbookConfig(AppConfig):
    name = "sunlit.handbook"
    label = "handbook"
    verbose_name = "权力手册与图板"

from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sunlit.cases"
    label = "cases"
    verbose_name = "网上运行（办件）"

from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "sunlit.catalog"
    verbose_name = "清权：权力清单"

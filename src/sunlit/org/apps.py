from django.apps import AppConfig


class OrgConfig(AppConfig):
    name = "sunlit.org"
    verbose_name = "配权：单位与岗位"

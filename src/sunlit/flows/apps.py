from django.apps import AppConfig


class FlowsConfig(AppConfig):
    name = "sunlit.flows"
    verbose_name = "制权：流程图"

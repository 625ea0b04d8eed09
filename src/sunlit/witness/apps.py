from django.apps import AppConfig


class WitnessAppConfig(AppConfig):
    name = "sunlit.witness"
    label = "witness"
    verbose_name = "见证：透明日志的见证人"

from django.apps import AppConfig


class RecordConfig(AppConfig):
    name = "sunlit.record"
    label = "record"
    verbose_name = "全程记录：透明日志"

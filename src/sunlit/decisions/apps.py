from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "sunlit.decisions"
    label = "decisions"
    verbose_name = "三重一大（重大事项决策）"

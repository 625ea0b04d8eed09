from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "sunlit.cases"
    label = "cases"
    verbose_name = "网上运行（办件）"

    def ready(self) -> None:
        # Deadlines follow the calendar: an administrator's entry moves the open cases' deadlines it touches.
        from sunlit.cases.services import on_calendar_changed
        from sunlit.core.calendar import calendar_changed

        calendar_changed.connect(on_calendar_changed, dispatch_uid="cases.recompute_deadlines")

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class OrgConfig(AppConfig):
    name = "sunlit.org"
    verbose_name = "配权：单位与岗位"

    def ready(self) -> None:
        # Imported here because the receivers reach models, which exist only once apps are loaded.
        from sunlit.org import signals

        user_logged_in.connect(signals.on_login, dispatch_uid="sunlit.org.login")

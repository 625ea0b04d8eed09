from django.apps import AppConfig


class ServerConfig(AppConfig):
    """Running Sunlit: `init`, `migrate` (init first), `serve`. Knows no domain app, so a production
    install can leave the demo out."""

    name = "sunlit.server"
    verbose_name = "服务"

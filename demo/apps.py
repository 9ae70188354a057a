from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (never in production): sits on top of the three layers, like web/ and config/."""

    name = "demo"
    verbose_name = "Demo data"

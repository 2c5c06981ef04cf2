from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "upstream.core"
    label = "core"
    verbose_name = "Upstream core"

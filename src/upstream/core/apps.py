from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "upstream.core"
    label = "core"
    verbose_name = "Upstream core"

    def ready(self) -> None:
        """Makes `upstream migrate` create the shared cache's table (the public forms' rate limit)."""
        from django.db.models.signals import post_migrate

        from upstream.core.ratelimit import create_cache_table

        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="upstream-core-cache-table")

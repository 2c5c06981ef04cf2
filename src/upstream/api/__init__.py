"""The HTTP API (Django Ninja). Each package's routes live in its own api.py and are added here."""

from ninja import NinjaAPI

api = NinjaAPI(
    title="Upstream API",
    version="1",
    description="Staff and partner API for Upstream. OpenAPI document at /api/openapi.json.",
    urls_namespace="api",
)


@api.get("/health", tags=["service"], auth=None)
def health(request):  # noqa: ANN001, ANN201, ARG001 - Ninja passes the request and reads the signature
    """Returns whether the service is up."""
    return {"status": "ok"}


def _mount_routers() -> None:
    # Imported here, after NinjaAPI exists, so capability packages may import this module without a cycle.
    from upstream.directory.api import router as hsds_router

    api.add_router("/hsds/", hsds_router)

    from upstream.referrals.api import router as referrals_router

    api.add_router("/referrals/", referrals_router)


_mount_routers()

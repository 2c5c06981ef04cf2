"""Who may look at areas and load boundaries.

Places are not personal data: every staff role that works by place may see every area, so the record
scope lets all areas through. They are still staff pages, so visitors and roles not listed see nothing.
"""

from upstream.core.policy import allow, register_filter, register_scope
from upstream.core.roles import Role
from upstream.places.models import Area

AREA_VIEW = "places:area:view"
BOUNDARY_IMPORT = "places:boundary:import"

AREA_VIEWERS = [
    Role.OFFICER,
    Role.ANALYST,
    Role.SUPERVISOR,
    Role.CALL_HANDLER,
    Role.PARTNER_CASEWORKER,
    Role.DIRECTORY_COORDINATOR,
]

allow(AREA_VIEW, AREA_VIEWERS)
allow(BOUNDARY_IMPORT, [Role.ADMINISTRATOR])

register_scope(Area, lambda _actor, _area: True)
register_filter(Area, lambda _actor, queryset: queryset)

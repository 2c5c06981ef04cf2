"""Who may look at areas and load boundaries.

Places are not personal data: every staff role that works by place may see every area, so the record
scope lets all areas through. They are still staff pages, so visitors and roles not listed see nothing.
"""

from upstream.core.policy import allow, register_filter, register_scope
from upstream.core.roles import Role
from upstream.places.models import AnalysisRun, Area, PrioritySet

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

# Analyses of place (crime counts by area) hold no personal data; analysts and supervisors start them and
# pick priority areas, and every area viewer may read the results.
ANALYSIS_RUN = "places:analysis:run"
ANALYSIS_VIEW = "places:analysis:view"
PRIORITY_CREATE = "places:priority:create"

allow(ANALYSIS_RUN, [Role.ANALYST, Role.SUPERVISOR])
allow(ANALYSIS_VIEW, AREA_VIEWERS)
allow(PRIORITY_CREATE, [Role.ANALYST, Role.SUPERVISOR])

for _model in (AnalysisRun, PrioritySet):
    register_scope(_model, lambda _actor, _record: True)
    register_filter(_model, lambda _actor, queryset: queryset)

"""Who may do what in the directory. Its records are public by design: they describe services, not people."""

from upstream.core.policy import PUBLIC, allow, register_filter, register_scope
from upstream.core.roles import Role
from upstream.directory.models import Organization, Service

allow("directory:service:view", [PUBLIC])
allow("directory:search:run", [PUBLIC])
allow("directory:problem:report", [PUBLIC])
allow("directory:hsds:import", [Role.DIRECTORY_COORDINATOR, Role.ADMINISTRATOR])
allow("directory:hsds:export", [Role.DIRECTORY_COORDINATOR, Role.ADMINISTRATOR])

register_scope(Service, lambda _actor, _service: True)
register_filter(Service, lambda _actor, queryset: queryset)
register_scope(Organization, lambda _actor, _organization: True)
register_filter(Organization, lambda _actor, queryset: queryset)

# The co-ordinator's workspace: keeping the directory true (docs/directory.md, "Keeping it true").
WORKSPACE_VIEW = "directory:workspace:view"
SERVICE_VERIFY = "directory:service:verify"
SERVICE_EDIT = "directory:service:edit"
SERVICE_CLOSE = "directory:service:close"
PROPOSAL_CREATE = "directory:proposal:create"
PROPOSAL_DECIDE = "directory:proposal:decide"
PROBLEM_RESOLVE = "directory:problem:resolve"
DUPLICATE_DECIDE = "directory:duplicate:decide"
CHECK_RUN = "directory:check:run"
PROVIDER_LINK = "directory:provider:link"
NOTE_VIEW = "directory:note:view"
NOTE_CREATE = "directory:note:create"
GUIDE_VIEW = "directory:guide:view"
GUIDE_EDIT = "directory:guide:edit"

KEEPERS = [Role.DIRECTORY_COORDINATOR, Role.ADMINISTRATOR]
# Every signed-in role is staff: each may read and write the internal notes on a service.
STAFF = [role.value for role in Role]

for _action in (
    WORKSPACE_VIEW,
    SERVICE_VERIFY,
    SERVICE_EDIT,
    SERVICE_CLOSE,
    PROPOSAL_DECIDE,
    PROBLEM_RESOLVE,
    DUPLICATE_DECIDE,
    CHECK_RUN,
    PROVIDER_LINK,
    GUIDE_EDIT,
):
    allow(_action, KEEPERS)
# Partner staff may propose changes; the service layer then checks that their organisation runs the service.
allow(PROPOSAL_CREATE, [Role.PARTNER_CASEWORKER])
allow(NOTE_VIEW, STAFF)
allow(NOTE_CREATE, STAFF)
allow(GUIDE_VIEW, [PUBLIC])


def runs_service(actor: object, service: Service) -> bool:
    """Returns whether the actor's organisation is linked to the organisation that runs the service."""
    from upstream.directory.models import ProviderLink

    organisation_id = getattr(actor, "organisation_id", None)
    if organisation_id is None or service.organization_id is None:
        return False
    return ProviderLink.objects.filter(
        organization_id=service.organization_id, organisation_id=organisation_id
    ).exists()

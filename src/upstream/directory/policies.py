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

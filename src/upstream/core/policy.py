"""The one access policy: ``can(actor, action, resource)``.

Every view, query and API route asks this module. It denies by default: an action nobody registered, an
anonymous or inactive actor, or a resource outside the actor's scope is refused.

Two questions are asked in turn:

1. **Role**: does one of the actor's roles allow the action at all? (``ROLE_ACTIONS`` below, extended by
   each capability package with :func:`allow`.)
2. **Record scope**: for personal data, is the record held by the actor's own organisation, or shared with
   them explicitly (a :class:`~upstream.core.models.AccessGrant`)? Capability packages register a scope
   check per resource type with :func:`register_scope`, and a queryset filter with :func:`register_filter`
   so lists never return what :func:`can` would refuse.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db.models import Model, QuerySet

from upstream.core.roles import Role


class Actor(Protocol):
    """What the policy needs to know about whoever is acting."""

    is_authenticated: bool
    is_active: bool

    @property
    def role_set(self) -> frozenset[str]:
        """Returns the actor's roles."""
        ...

    @property
    def organisation_id(self) -> int | None:
        """Returns the id of the actor's organisation."""
        ...


PUBLIC = "public"  # a pseudo-role: anyone, signed in or not

# Actions are "package:subject:verb" strings, as audit tags are. Role → actions it allows.
ROLE_ACTIONS: dict[str, set[str]] = {role.value: set() for role in Role}
ROLE_ACTIONS[PUBLIC] = set()

ScopeCheck = Callable[[Any, Any], bool]
ScopeFilter = Callable[[Any, QuerySet[Any]], QuerySet[Any]]
_scope_checks: dict[type, ScopeCheck] = {}
_scope_filters: dict[type, ScopeFilter] = {}

M = TypeVar("M", bound=Model)


def allow(action: str, roles: Iterable[str]) -> None:
    """Lets the given roles take an action (each capability package declares its own in policies.py)."""
    for role in roles:
        if role not in ROLE_ACTIONS:
            raise ValueError(f"Unknown role {role!r} in the access policy")
        ROLE_ACTIONS[role].add(action)


def register_scope(model: type, check: ScopeCheck) -> None:
    """Declares who may touch one record of a model: check(actor, record) -> bool."""
    _scope_checks[model] = check


def register_filter(model: type, scope_filter: ScopeFilter) -> None:
    """Declares how to narrow a queryset of a model to the records an actor may see."""
    _scope_filters[model] = scope_filter


def roles_of(actor: Any) -> frozenset[str]:
    """Returns the roles an actor holds; anonymous visitors hold only PUBLIC."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not getattr(actor, "is_active", False):
        return frozenset({PUBLIC})
    return frozenset(getattr(actor, "role_set", frozenset())) | {PUBLIC}


def role_allows(actor: Any, action: str) -> bool:
    """Returns whether any of the actor's roles allows the action, ignoring record scope."""
    return any(action in ROLE_ACTIONS.get(role, ()) for role in roles_of(actor))


def can(actor: Any, action: str, resource: Any = None) -> bool:
    """Returns whether the actor may take the action on the resource (None: the action in general)."""
    if not role_allows(actor, action):
        return False
    if resource is None:
        return True
    check = _check_for(type(resource))
    if check is None:
        # Default deny: a resource type nobody declared a scope for is not reachable record by record.
        return False
    return bool(check(actor, resource))


def scoped(actor: Any, action: str, queryset: QuerySet[M]) -> QuerySet[M]:
    """Returns the queryset narrowed to the records the actor may take the action on."""
    if not role_allows(actor, action):
        return queryset.none()
    scope_filter = _filter_for(queryset.model)
    if scope_filter is None:
        return queryset.none()
    return scope_filter(actor, queryset)


def _check_for(model: type) -> ScopeCheck | None:
    for klass in model.__mro__:
        if klass in _scope_checks:
            return _scope_checks[klass]
    return None


def _filter_for(model: type) -> ScopeFilter | None:
    for klass in model.__mro__:
        if klass in _scope_filters:
            return _scope_filters[klass]
    return None


def same_organisation(actor: Any, organisation_id: int | None) -> bool:
    """Returns whether a record held by the given organisation belongs to the actor's organisation."""
    actor_org = getattr(actor, "organisation_id", None)
    return actor_org is not None and organisation_id is not None and actor_org == organisation_id


class PermissionDenied(DjangoPermissionDenied):
    """Raised by a service function when the policy refuses an act; views turn it into a 403 page."""

    def __init__(self, actor: Any, action: str, resource: Any = None) -> None:
        self.actor = actor
        self.action = action
        self.resource = resource
        super().__init__(f"{getattr(actor, 'username', 'anonymous')} may not {action}")


def require(actor: Any, action: str, resource: Any = None) -> None:
    """Raises PermissionDenied unless the policy allows the act."""
    if not can(actor, action, resource):
        raise PermissionDenied(actor, action, resource)

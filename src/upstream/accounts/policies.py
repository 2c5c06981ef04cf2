"""Who may manage users, organisations and teams."""

from upstream.core.policy import allow
from upstream.core.roles import Role

allow("accounts:user:manage", [Role.ADMINISTRATOR])
allow("accounts:team:view", [Role.SUPERVISOR, Role.ADMINISTRATOR, Role.ANALYST, Role.OFFICER])
# Everyone who holds a role may see their own account and change their own password.
allow("accounts:own-account:view", list(Role.values))

"""Who may manage users, organisations and teams."""

from upstream.core.policy import allow
from upstream.core.roles import Role

allow("accounts:user:manage", [Role.ADMINISTRATOR])
allow("accounts:team:view", [Role.SUPERVISOR, Role.ADMINISTRATOR, Role.ANALYST, Role.OFFICER])

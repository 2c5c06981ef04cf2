"""Who may see the gap analysis: the people who commission and keep services. It shows counts, never people."""

from upstream.core.policy import allow
from upstream.core.roles import Role

GAPS_VIEW = "gaps:analysis:view"
GAPS_EXPORT = "gaps:analysis:export"

COMMISSIONING_ROLES = [Role.DIRECTORY_COORDINATOR, Role.ANALYST, Role.SUPERVISOR]
allow(GAPS_VIEW, COMMISSIONING_ROLES)
allow(GAPS_EXPORT, COMMISSIONING_ROLES)

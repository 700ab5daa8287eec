"""Who may discover networks in the statistics: agency staff; only those who run networks act on a result."""

from blueprints.core.access import Permission
from blueprints.core.roles import STAFF

DISCOVER = Permission("discover_networks", STAFF)
PERMISSIONS = (DISCOVER,)

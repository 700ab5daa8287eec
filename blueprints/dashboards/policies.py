"""Who may read the dashboards: managers and admins follow the figures; facilitators may read them too."""

from blueprints.core.access import Permission
from blueprints.core.roles import ADMIN, FACILITATOR, MANAGER

READ_DASHBOARDS = Permission("read_dashboards", (MANAGER, ADMIN, FACILITATOR))
PERMISSIONS = (READ_DASHBOARDS,)

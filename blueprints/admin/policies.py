"""Who may administer: users and roles, need areas, the audit log and the e-mail queue."""

from blueprints.core.access import Permission
from blueprints.core.roles import ADMIN

ADMINISTER = Permission("administer", (ADMIN,))
PERMISSIONS = (ADMINISTER,)

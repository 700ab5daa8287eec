"""Who may change how people sign in."""

from blueprints.core.access import Permission
from blueprints.core.roles import ADMIN

MANAGE_SIGN_IN = Permission("manage_sign_in", (ADMIN,))
PERMISSIONS = (MANAGE_SIGN_IN,)

"""Who may do what with accounts: inviting people and personal API tokens."""

from blueprints.core.access import Permission
from blueprints.core.roles import ADMIN, FACILITATOR, STAFF

INVITE_USERS = Permission("invite_users", (FACILITATOR, ADMIN))
INVITE_ANY_ROLE = Permission("invite_any_role", (ADMIN,))  # others invite buyers only
USE_API_TOKENS = Permission("use_api_tokens", STAFF)
PERMISSIONS = (INVITE_USERS, INVITE_ANY_ROLE, USE_API_TOKENS)

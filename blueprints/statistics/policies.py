"""Who may do what with the procurement statistics: admins import them; staff read the analyses; buyers see
the evidence on their own organisation's pages."""

from blueprints.core.access import Permission
from blueprints.core.roles import ADMIN, STAFF

IMPORT_STATISTICS = Permission("import_statistics", (ADMIN,))
READ_STATISTICS = Permission("read_statistics", STAFF)
PERMISSIONS = (IMPORT_STATISTICS, READ_STATISTICS)

"""The CPV aliases again (``vocabulary/data/cpv-aliases-sv.tsv``, now with the words of real procurement
titles such as "lokalvård" and "städtjänster"): each code's ``aliases`` and its search text, recomputed.

Revision ID: 0015_cpv_aliases
Revises: 0014_login_throttling
"""

import csv
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0015_cpv_aliases"
down_revision = "0014_login_throttling"
branch_labels = None
depends_on = None

ALIASES = Path(__file__).resolve().parents[2] / "blueprints" / "vocabulary" / "data" / "cpv-aliases-sv.tsv"


def upgrade():
    aliases = {}
    with ALIASES.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            for code in row["codes"].split():
                aliases.setdefault(code, []).append(row["term"])
    cpv = sa.table(
        "cpv_code",
        sa.column("code"), sa.column("label_sv"), sa.column("label_en"), sa.column("aliases"), sa.column("search_text"),
    )
    connection = op.get_bind()
    rows = connection.execute(sa.select(cpv.c.code, cpv.c.label_sv, cpv.c.label_en).where(cpv.c.code.in_(aliases)))
    for code, label_sv, label_en in rows.all():
        terms = aliases[code]
        connection.execute(
            sa.update(cpv)
            .where(cpv.c.code == code)
            .values(aliases=" ".join(terms), search_text=" ".join([label_sv, label_en, *terms]).casefold())
        )


def downgrade():
    pass  # the aliases before this are a subset of these: nothing to take back

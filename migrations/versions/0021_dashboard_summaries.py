"""Dashboard summaries: the dashboard's counts per Swedish day and per month, by need area, län and organisation
kind (``summary_challenge``, ``summary_review``, ``summary_request``, ``summary_session``, ``summary_hours``),
and ``summary_lock``, which lets writers of the same month take turns. Filled here from the rows already
stored; the app keeps them in step from then on.

Revision ID: 0021_dashboard_summaries
Revises: 0020_operations
"""

import sqlalchemy as sa
from alembic import op

revision = "0021_dashboard_summaries"
down_revision = "0020_operations"
branch_labels = None
depends_on = None

SHARED = ("grouping", "span", "day", "need_area_id", "county_code", "org_kind")
TABLES = {
    "summary_challenge": ([], ["count"]),
    "summary_review": ([sa.Column("to_status", sa.String(12)), sa.Column("previous_day", sa.Date())], ["count"]),
    "summary_request": ([sa.Column("waited", sa.SmallInteger()), sa.Column("late_from", sa.Date())], ["count"]),
    "summary_session": (
        [sa.Column("kind", sa.String(20)), sa.Column("status", sa.String(10))],
        ["count", "feedback_sent", "feedback_answered", "rating_sum"],
    ),
    "summary_hours": ([sa.Column("facilitator_id", sa.Integer())], ["hours"]),
}


def _shared_columns() -> list[sa.Column]:
    return [
        sa.Column("grouping", sa.SmallInteger(), nullable=False),
        sa.Column("span", sa.String(1), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("need_area_id", sa.Integer(), nullable=False),
        sa.Column("county_code", sa.String(2), nullable=False),
        sa.Column("org_kind", sa.String(20), nullable=False),
    ]


def upgrade():
    for table, (keys, values) in TABLES.items():
        for key in keys:
            key.nullable = False
        value_type = sa.Float() if values == ["hours"] else sa.Integer()
        op.create_table(
            table,
            *_shared_columns(),
            *keys,
            *(sa.Column(value, value_type, nullable=False) for value in values),
            sa.PrimaryKeyConstraint(*SHARED, *(key.name for key in keys), name=op.f(f"pk_{table}")),
            sqlite_with_rowid=False,
        )
    op.create_table(
        "summary_lock",
        sa.Column("summary", sa.String(20), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("changes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("summary", "month", name=op.f("pk_summary_lock")),
    )
    # The app's own counting, so that the stored figures are the ones it keeps from now on.
    from blueprints.dashboards.summaries import rebuild

    bind = op.get_bind()
    rebuild(lambda: bind)


def downgrade():
    op.drop_table("summary_lock")
    for table in reversed(TABLES):
        op.drop_table(table)

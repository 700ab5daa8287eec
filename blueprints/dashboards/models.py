"""Summary tables: the dashboard's counts kept per Swedish day and per month, by need area, län and organisation
kind, so that a dashboard in any scope reads a few hundred rows instead of counting hundreds of thousands.

Derived data only: ``summaries.py`` keeps them in step with the rows they count, in the same transaction, and
can rebuild them from scratch. Every row belongs to one *grouping*: which of the three dimensions it is broken
down by (a bit each; the others are rolled up and hold the filler 0 / ""). A need area of 0 or a län of "" in a
broken-down dimension means "none". Rows of ``span`` "d" count one day; rows of span "m" the month that
``day`` begins."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from blueprints.core.db import Base

DAY, MONTH = "d", "m"
# The groupings' bits: a row broken down by need area has AREA set, and so on; 0 is the total.
AREA, COUNTY, KIND = 1, 2, 4
GROUPINGS = tuple(range(8))
NO_AREA, NO_COUNTY, NO_KIND = 0, "", ""  # also the filler of a rolled-up dimension
# Every key column is NOT NULL, so that a row is found by its key: a date's "none" is periods.NEVER.


class SummaryRow(Base):
    """The columns every summary shares: which grouping, day or month, and the three dimensions."""

    __abstract__ = True
    KEYS: tuple[str, ...] = ()  # the summary's own key columns, after the shared ones
    VALUES: tuple[str, ...] = ("count",)

    grouping: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    span: Mapped[str] = mapped_column(sa.String(1), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    need_area_id: Mapped[int] = mapped_column(primary_key=True)
    county_code: Mapped[str] = mapped_column(sa.String(2), primary_key=True)
    org_kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)

    @declared_attr.directive
    def __table_args__(cls) -> dict[str, bool]:
        return {"sqlite_with_rowid": False}  # the rows are stored in key order: a period is one range


class ChallengeSummary(SummaryRow):
    """Challenges submitted, by the day of their first submission."""

    __tablename__ = "summary_challenge"
    count: Mapped[int]


class ReviewSummary(SummaryRow):
    """Challenges reaching a status (reviewed, matched), by the day of the history entry. ``previous_day``: the
    day of the challenge's entry to the same status before this one (``NEVER``): a period counts an entry
    only when the one before it lies before the period, so each challenge once per period."""

    __tablename__ = "summary_review"
    KEYS = ("to_status", "previous_day")
    to_status: Mapped[str] = mapped_column(sa.String(12), primary_key=True)
    previous_day: Mapped[date] = mapped_column(primary_key=True)
    count: Mapped[int]


class RequestSummary(SummaryRow):
    """Support requests by the day submitted: ``waited`` working days to the first response (-1: none yet), and
    for those not answered, ``late_from``, the first day on which they are past the response target
    (``NEVER`` for answered ones)."""

    __tablename__ = "summary_request"
    KEYS = ("waited", "late_from")
    waited: Mapped[int] = mapped_column(sa.SmallInteger, primary_key=True)
    late_from: Mapped[date] = mapped_column(primary_key=True)
    count: Mapped[int]


class SessionSummary(SummaryRow):
    """Sessions by the day they start, their kind and status; for those held, their feedback links, the links
    answered and the sum of the ratings given."""

    __tablename__ = "summary_session"
    KEYS = ("kind", "status")
    VALUES = ("count", "feedback_sent", "feedback_answered", "rating_sum")
    kind: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    status: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    count: Mapped[int]
    feedback_sent: Mapped[int]
    feedback_answered: Mapped[int]
    rating_sum: Mapped[int]


class HoursSummary(SummaryRow):
    """Hours of sessions that are not cancelled, per facilitator, by the day they start (total grouping only:
    utilisation is not narrowed by län, need area or kind)."""

    __tablename__ = "summary_hours"
    KEYS = ("facilitator_id",)
    VALUES = ("hours",)
    facilitator_id: Mapped[int] = mapped_column(primary_key=True)
    hours: Mapped[float] = mapped_column(sa.Float)


class SummaryLock(Base):
    """One row per summary and month, locked (updated) by a transaction that changes that month's rows: two
    writers of the same month take turns, so each recounts after the other's commit."""

    __tablename__ = "summary_lock"
    summary: Mapped[str] = mapped_column(sa.String(20), primary_key=True)
    month: Mapped[date] = mapped_column(primary_key=True)
    changes: Mapped[int] = mapped_column(default=0)

"""The agency's real 2021 export, at full size, through the command an operator runs. Skipped (with the reason)
where the files are absent: they are never part of this repository."""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa

from blueprints.core.db import db
from blueprints.statistics.models import Procurement, StatisticsImport
from tests.conftest import PROJECT_ROOT

DATA = Path(os.environ.get("STATISTICS_DIR", PROJECT_ROOT.parent / "shared" / "data"))
COUNTS = DATA / "statistikdatabasen-2021-antal-upphandlingar.xlsx"
VALUES = DATA / "statistikdatabasen-2021-kontrakterat-varde.xlsx"

pytestmark = pytest.mark.skipif(not COUNTS.exists() or not VALUES.exists(), reason=f"no real statistics in {DATA}")


def test_the_real_2021_files_import_whole_and_a_second_time_change_nothing(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["statistics", "import", str(COUNTS)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        counts = db.session.scalar(sa.select(StatisticsImport))
        # Every row kept: the faulty ones marked and counted, none dropped.
        assert (counts.rows, counts.created, counts.years) == (18_421, 18_421, "2021")
        assert counts.report["unverified"]["organisationsnummer"] == 79
        assert counts.report["unverified"]["cpv"] == 31
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Procurement)) == 18_421

    assert runner.invoke(args=["statistics", "import", str(VALUES)]).exit_code == 0
    with app.app_context():
        values = db.session.scalars(sa.select(StatisticsImport).order_by(StatisticsImport.id.desc())).first()
        # The value file enriches the count file's rows, 20 of them found by ID and buyer (the agency wrote
        # their title or day differently); 31 procurements are only in the value file and are kept.
        assert (values.rows, values.updated, values.created) == (9_780, 9_749, 31)
        assert values.report["matched_by_id_and_buyer"] == 20
        valued = sa.select(sa.func.count()).where(Procurement.contracted_value_sek.is_not(None))
        assert db.session.scalar(valued) == 9_780
        lund = db.session.scalar(sa.select(Procurement).where(Procurement.buyer_org_number == "2120001132").limit(1))
        assert lund.organisation.name == "Lunds kommun" and lund.organisation.county_code == "12"

    again = runner.invoke(args=["statistics", "import", str(COUNTS)])
    assert again.exit_code == 0 and "18421 rader, 0 nya, 0 ändrade, 18421 oförändrade" in again.output

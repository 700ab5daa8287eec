"""The architecture holds: areas import one way (import-linter's contracts in pyproject.toml), the pure engine
loads no Flask, every area wires itself in through app.py's one list, and docs/architecture.md names them all."""

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import blueprints
from app import AREAS
from tests.conftest import PROJECT_ROOT


def test_imports_run_one_way():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "lint-imports"), "--no-cache"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout


def test_the_matching_engine_loads_no_flask_and_no_database_layer():
    probe = (
        "import sys; import blueprints.networks.matching, blueprints.networks.cpv_model, blueprints.networks.artefacts,"
        " blueprints.vocabulary.cpv;"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'flask_babel', 'sqlalchemy', 'werkzeug'}))"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=PROJECT_ROOT, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_every_area_is_listed_once_and_wires_itself_in():
    packages = {info.name for info in pkgutil.iter_modules(blueprints.__path__) if info.ispkg}
    assert sorted(AREAS) == sorted(packages - {"core"}) and len(set(AREAS)) == len(AREAS)
    for area in AREAS:
        assert callable(importlib.import_module(f"blueprints.{area}").init_app), area


def test_core_knows_no_area_by_name():
    core = PROJECT_ROOT / "blueprints" / "core"
    for path in core.glob("*.py"):
        text = path.read_text()
        for area in AREAS:
            assert f"blueprints.{area}" not in text, f"{path.name} names the {area} area"


def test_the_registry_collects_each_areas_contributions(app):
    registry = app.extensions["kopkraft.areas"]
    assert [item.endpoint for item in registry.links][:6] == [
        "site.index",
        "challenges.index",
        "networks.index",
        "support.index",
        "knowledge.index",
        "organisations.index",
    ]
    slots = {"start", "start.cards", "challenge.form", "challenge.detail", "organisation.detail", "network.detail"}
    assert slots | {"network.phase", "support.detail"} <= set(registry.panels)
    assert "propose_challenges" in registry.permissions and "administer" in registry.permissions


def test_the_architecture_document_names_every_area():
    document = (PROJECT_ROOT / "docs" / "architecture.md").read_text()
    for area in ("core", *AREAS):
        assert f"`{area}/`" in document, area

"""The learnt CPV model on its own (no app, no database): training, proposals, the held-out scores, the files it
is kept in, and what the engine makes of it (predicted groups, the statistics' history, reasons)."""

import json
import random
from datetime import UTC, datetime

import numpy as np
import pytest

from blueprints.networks import artefacts
from blueprints.networks.cpv_model import TooLittleData, train
from blueprints.networks.matching import Item, MatchingEngine

# Words of six CPV groups; texts are drawn from each group's words, so the model has something real to learn.
VOCABULARY = {
    "60130000": [
        "skolskjuts",
        "elevtransport",
        "färdtjänst",
        "skolbuss",
        "resor",
        "elever",
        "särskild",
        "kollektivtrafik",
    ],
    "90910000": [
        "lokalvård",
        "städning",
        "fönsterputs",
        "golvvård",
        "lokaler",
        "rengöring",
        "städtjänster",
        "storstäd",
    ],
    "15800000": ["livsmedel", "mejeri", "frukt", "grönsaker", "bröd", "kött", "dagligvaror", "skolmat"],
    "30200000": ["datorer", "bärbara", "skärmar", "surfplattor", "it-utrustning", "servrar", "tangentbord", "klienter"],
    "45200000": [
        "byggentreprenad",
        "ombyggnad",
        "nybyggnad",
        "förskola",
        "totalentreprenad",
        "renovering",
        "mark",
        "tak",
    ],
    "39100000": ["möbler", "skolmöbler", "kontorsmöbler", "stolar", "bord", "inredning", "förvaring", "soffor"],
}
LABELS = {
    "60100000": "Vägtransporttjänster",
    "60130000": "Passagerartransport på väg för särskilda ändamål",
    "90900000": "Städning och sanering",
    "90910000": "Städning",
    "15800000": "Diverse livsmedelsprodukter",
    "30200000": "Datorutrustning och datortillbehör",
    "45200000": "Arbeten för fullständiga eller partiella byggnadskonstruktioner",
    "39100000": "Möbler",
}


def _rows(count: int, seed: int = 3) -> tuple[list[str], list[str], list[int]]:
    rng = random.Random(seed)
    texts, codes, buyers = [], [], []
    for n in range(count):
        code = list(VOCABULARY)[n % len(VOCABULARY)]
        texts.append(" ".join(rng.sample(VOCABULARY[code], 3)))
        codes.append(code)
        buyers.append(rng.randrange(60))
    return texts, codes, buyers


@pytest.fixture(scope="module")
def training():
    return train(*_rows(600))


def test_the_model_proposes_the_group_a_text_is_about_and_probabilities_add_up(training):
    proposals = training.model.suggest("Upphandling av lokalvård och fönsterputs i skolor")
    assert proposals[0][0] == "909"
    assert proposals[0][1] > 0.5 > proposals[1][1]
    distribution = training.model.distributions(["datorer"])[0]
    assert distribution.sum() == pytest.approx(1.0, abs=1e-4)
    assert training.model.suggest("skolskjuts", digits=2)[0][0] == "60"


def test_training_reports_scores_on_buyers_it_never_learnt_from(training):
    assert training.rows == 600 and training.groups == 6
    assert 0 < training.held_out_rows < 600
    assert set(training.scores) == {"division_top1", "division_top5", "group_top1", "group_top5"}
    assert training.scores["group_top1"] > 0.9  # six well separated groups
    assert training.scores["group_top5"] >= training.scores["group_top1"]


def test_too_little_data_is_refused_instead_of_fitted():
    with pytest.raises(TooLittleData, match="120 labelled texts"):
        train(*_rows(120))
    texts, _codes, buyers = _rows(400)
    with pytest.raises(TooLittleData, match="1 CPV groups"):
        train(texts, ["60130000"] * 400, buyers)


def test_rows_without_a_code_are_not_learnt_from():
    texts, codes, buyers = _rows(310)
    codes[:20] = ["00000000"] * 20
    with pytest.raises(TooLittleData, match="290 labelled texts"):
        train(texts, codes, buyers)


def _save(directory, training, at=datetime(2026, 9, 8, 8, 0, tzinfo=UTC)):
    return artefacts.save(directory, training, trained_at=at, sources={"statistics": 600}, training_seconds=1.5)


def test_a_saved_model_loads_back_and_proposes_the_same(tmp_path, training):
    info = _save(tmp_path, training)
    model, loaded = artefacts.load(tmp_path)
    assert loaded == info and loaded.rows == 600 and loaded.sources == {"statistics": 600}
    text = "skolbuss för elever"
    assert model.suggest(text) == pytest.approx(training.model.suggest(text))
    assert artefacts.describe(tmp_path).trained_at == datetime(2026, 9, 8, 8, 0, tzinfo=UTC)


def test_a_newer_model_replaces_the_current_one_and_only_two_are_kept(tmp_path, training):
    names = [_save(tmp_path, training, datetime(2026, 9, day, tzinfo=UTC)).name for day in (1, 2, 3)]
    assert artefacts.current_name(tmp_path) == names[-1]
    assert sorted(p.name for p in tmp_path.glob("model-*")) == names[1:]


def test_no_model_a_corrupt_one_and_one_of_another_format_are_refused_with_the_reason(tmp_path, training):
    with pytest.raises(artefacts.ModelUnavailable, match="Ingen modell"):
        artefacts.load(tmp_path)
    info = _save(tmp_path, training)
    weights = tmp_path / info.name / "weights_data.npy"
    data = bytearray(weights.read_bytes())
    data[-4:] = b"\x00\x00\x80\x7f"  # one weight changed
    weights.write_bytes(bytes(data))
    with pytest.raises(artefacts.ModelUnavailable, match=r"skadad: weights_data\.npy"):
        artefacts.load(tmp_path)
    info = _save(tmp_path, training, datetime(2026, 9, 9, tzinfo=UTC))
    manifest = tmp_path / info.name / "manifest.json"
    manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "format": 0}))
    with pytest.raises(artefacts.ModelUnavailable, match="format 0"):
        artefacts.load(tmp_path)
    (tmp_path / info.name / "manifest.json").write_text("{not json")
    with pytest.raises(artefacts.ModelUnavailable, match="går inte att läsa"):
        artefacts.describe(tmp_path)


ENGINE_ITEMS = [
    Item("challenge", 1, frozenset({1}), "Resor för elever till och från skolan"),
    Item("challenge", 2, frozenset({2}), "Skolbuss och elevtransport"),
    Item("challenge", 3, frozenset({3}), "Rengöring av lokaler"),
    Item("challenge", 4, frozenset({4}), "Bärbara datorer och skärmar"),
]


def test_the_engine_matches_texts_the_model_puts_in_one_group_and_says_so(training):
    query = Item("challenge", 9, frozenset({9}), "Färdtjänst")  # no word in common with 1 or 2
    without = MatchingEngine(ENGINE_ITEMS, LABELS)
    assert [s.id for s in without.rank(query, k=2)] == []
    engine = MatchingEngine(ENGINE_ITEMS, LABELS, model=training.model)
    suggestions = engine.rank(query, k=2)
    assert {s.id for s in suggestions} == {1, 2}
    assert "Troligen samma CPV-grupp: 601 Passagerartransport på väg för särskilda ändamål" not in suggestions[0].texts
    assert any(t.startswith("Troligen samma CPV-grupp: 601") for t in suggestions[0].texts)


def test_an_organisation_that_bought_the_branch_before_ranks_higher_with_its_reason(training):
    query = Item("challenge", 9, frozenset({9}), "Skolbuss", cpv_codes=("60130000",))
    history = {2: {"601": 14}}
    engine = MatchingEngine(ENGINE_ITEMS, LABELS, model=training.model, history=history)
    suggestions = engine.rank(query, k=2)
    assert suggestions[0].id == 2
    assert "Har upphandlat inom 601 Vägtransporttjänster enligt upphandlingsstatistiken (14 upphandlingar)" in (
        suggestions[0].texts
    )
    plain = MatchingEngine(ENGINE_ITEMS, LABELS, model=training.model)
    assert plain.rank(query, k=2)[0].score < suggestions[0].score


def test_changed_items_get_predicted_groups_without_a_rebuild(training):
    engine = MatchingEngine(ENGINE_ITEMS, LABELS, model=training.model)
    engine.upsert([Item("challenge", 5, frozenset({5}), "Kollektivtrafik för särskilda resor")])
    query = Item("challenge", 9, frozenset({9}), "Färdtjänst")
    assert 5 in {s.id for s in engine.rank(query, k=3)}
    assert engine.agreement_scores(query).shape == (5,)
    assert np.all(engine.agreement_scores(query) <= 1.0001)

"""The matching engine on its own (no app, no database): relevance, reasons, determinism, exclusions."""

from blueprints.networks.matching import Item, MatchingEngine, cpv_closeness

LABELS = {
    "60000000": "Transporter (utom avfallstransport)",
    "60100000": "Vägtransporter",
    "60130000": "Passagerartransport på väg för särskilda ändamål",
    "90910000": "Städning",
    "90919300": "Städning av skolor",
    "15894210": "Skolmåltider",
    "34144910": "Elbussar",
}
COUNTIES = {"14": "Västra Götalands län", "12": "Skåne län"}


def _engine(items):
    return MatchingEngine(items, LABELS, COUNTIES)


ITEMS = [
    Item(
        "challenge",
        1,
        frozenset({1}),
        "Fossilfri skolskjuts",
        cpv_codes=("60130000",),
        need_area_id=1,
        planned_quarter=2027 * 4 + 1,
        county_code="14",
    ),
    Item(
        "challenge",
        2,
        frozenset({2}),
        "Skolskjutsar med elbuss",
        cpv_codes=("60130000", "34144910"),
        need_area_id=1,
        planned_quarter=2027 * 4 + 2,
        county_code="14",
    ),
    Item(
        "challenge",
        3,
        frozenset({3}),
        "Upphandling av skolskjutstrafik",
        cpv_codes=("60100000",),
        planned_quarter=2029 * 4,
        county_code="12",
    ),
    Item("challenge", 4, frozenset({4}), "Städning av förskolor", cpv_codes=("90919300",)),
    Item("challenge", 5, frozenset({5}), "Skolmåltider med lokala råvaror", cpv_codes=("15894210",)),
    Item("challenge", 6, frozenset({1}), "Skolskjuts i norr", cpv_codes=("60130000",)),  # same organisation
    Item("network", 7, frozenset({8, 9}), "Nätverk för fossilfria skolskjutsar", cpv_codes=("60130000",)),
]


def test_inflections_and_compounds_match_and_rank_first():
    ranked = _engine(ITEMS).rank(ITEMS[0], k=5)
    ids = [(s.kind, s.id) for s in ranked]
    assert set(ids[:3]) == {("challenge", 2), ("challenge", 3), ("network", 7)}
    assert ("challenge", 6) not in ids and ("challenge", 1) not in ids  # own organisation, and itself


def test_reasons_are_swedish_and_checkable():
    ranked = _engine(ITEMS).rank(ITEMS[0], k=5)
    best = next(s for s in ranked if (s.kind, s.id) == ("challenge", 2))
    assert "Samma CPV-kod: 60130000 Passagerartransport på väg för särskilda ändamål" in best.reasons
    assert "Samma behovsområde" in best.reasons
    assert "Planerad upphandling inom 6 månader" in best.reasons
    assert "Båda i Västra Götalands län" in best.reasons
    assert "Gemensamma ord: skolskjuts" in best.reasons
    network = next(s for s in ranked if s.kind == "network")
    assert "Gemensamma ord: fossilfri, skolskjuts" in network.reasons


def test_scores_are_between_0_and_1_and_deterministic():
    engine = _engine(ITEMS)
    first = engine.rank(ITEMS[3], k=10)
    assert first == engine.rank(ITEMS[3], k=10)
    assert all(0.0 <= s.score <= 1.0 for s in first)
    assert [s.score for s in first] == sorted((s.score for s in first), reverse=True)


def test_the_cpv_vocabulary_helps_when_words_differ():
    query = Item("challenge", 99, frozenset({99}), "Skolstädning")  # no code chosen, a compound
    ranked = _engine(ITEMS).rank(query, k=1)
    assert ranked[0].id == 4


def test_cpv_closeness_levels():
    assert cpv_closeness(["60130000"], ["60130000"]) == (1.0, "60130000")
    assert cpv_closeness(["60130000"], ["60100000"]) == (0.5, "601")
    assert cpv_closeness(["60130000"], ["90910000"]) == (0.0, None)

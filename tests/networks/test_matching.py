"""The matching engine on its own (no app, no database): relevance, reasons, determinism, exclusions."""

from dataclasses import replace

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
COUNTIES = {"14": "Västra Götalands län", "12": "Skåne län", "13": "Hallands län"}
NEIGHBOURS = {"14": {"13"}, "13": {"14", "12"}, "12": {"13"}}


def _engine(items):
    return MatchingEngine(items, LABELS, COUNTIES, NEIGHBOURS)


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
    assert "Samma CPV-kod: 60130000 Passagerartransport på väg för särskilda ändamål" in best.texts
    assert "Samma behovsområde" in best.texts
    assert "Planerad upphandling inom 6 månader" in best.texts
    assert "Båda i Västra Götalands län" in best.texts
    assert "Gemensamma ord: skolskjuts" in best.texts
    network = next(s for s in ranked if s.kind == "network")
    assert "Gemensamma ord: fossilfri, skolskjuts" in network.texts
    group = next(s for s in ranked if (s.kind, s.id) == ("challenge", 3))
    assert "Samma CPV-grupp: 601 Vägtransporter" in group.texts


def test_neighbouring_county_counts_half_and_says_so():
    halland = replace(ITEMS[1], id=20, organisation_ids=frozenset({20}), county_code="13")
    far = replace(ITEMS[1], id=21, organisation_ids=frozenset({21}), county_code="25")
    ranked = _engine([ITEMS[0], ITEMS[1], halland, far]).rank(ITEMS[0], k=3)
    scores = {s.id: s for s in ranked}
    assert "Grannlän: Västra Götalands län och Hallands län" in scores[20].texts
    assert not any(t.startswith(("Grannlän", "Båda i")) for t in scores[21].texts)
    assert scores[2].score > scores[20].score > scores[21].score


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


def test_a_changed_or_new_item_is_matched_without_a_rebuild():
    engine = _engine(ITEMS)
    # A new challenge on the same need, and challenge 4 rewritten to be about school transport.
    engine.upsert(
        [
            Item("challenge", 30, frozenset({30}), "Elbussar för skolskjutsning", cpv_codes=("60130000",)),
            replace(ITEMS[3], title="Skolskjuts med taxi", cpv_codes=("60130000",)),
        ]
    )
    ranked = [(s.kind, s.id) for s in engine.rank(ITEMS[0], k=10)]
    assert ("challenge", 30) in ranked[:4] and ("challenge", 4) in ranked[:5]
    assert ranked.count(("challenge", 4)) == 1  # the old row is gone, not doubled
    engine.remove([("challenge", 30)])
    assert ("challenge", 30) not in [(s.kind, s.id) for s in engine.rank(ITEMS[0], k=10)]
    assert engine.pending_changes == 2
    engine.rebuild()
    assert engine.pending_changes == 0 and len(engine) == len(ITEMS)
    assert ("challenge", 4) in [(s.kind, s.id) for s in engine.rank(ITEMS[0], k=5)]


def test_an_empty_index_learns_from_its_first_items():
    engine = _engine([])
    assert engine.rank(ITEMS[0]) == []
    engine.upsert(ITEMS[1:3])
    assert {s.id for s in engine.rank(ITEMS[0])} == {2, 3}


def test_dismissed_and_hidden_items_are_left_out():
    hidden = replace(ITEMS[1], visible_to_all=False)
    engine = _engine([ITEMS[0], hidden, *ITEMS[2:]])
    assert ("challenge", 2) in [(s.kind, s.id) for s in engine.rank(ITEMS[0])]
    assert ("challenge", 2) not in [(s.kind, s.id) for s in engine.rank(ITEMS[0], public_only=True)]
    kept = engine.rank(ITEMS[0], exclude=[("network", 7), ("challenge", 3)])
    assert {("network", 7), ("challenge", 3)}.isdisjoint((s.kind, s.id) for s in kept)


def test_items_without_words_or_cpv_hints_do_not_break_the_index():
    engine = _engine([Item("challenge", 1, frozenset({1}), "2026"), Item("challenge", 2, frozenset({2}), "och")])
    assert engine.rank(ITEMS[0]) == []
    engine.upsert([Item("challenge", 3, frozenset({3}), "Xyzzy plugh")])  # words, but none the CPV labels know
    assert engine.rank(Item("challenge", 4, frozenset({4}), "Xyzzy"))[0].id == 3
    assert len(engine) == 3


def test_a_shared_cpv_code_is_suggested_even_without_shared_words():
    other = Item("network", 40, frozenset({40}), "Resor", cpv_codes=("60130000",))
    group = Item("challenge", 41, frozenset({41}), "Färdtjänst", cpv_codes=("60100000",))
    engine = _engine([*ITEMS, other, group])
    ranked = {(s.kind, s.id): s for s in engine.rank(ITEMS[0], k=20)}
    assert "Samma CPV-kod: 60130000 Passagerartransport på väg för särskilda ändamål" in ranked[("network", 40)].texts
    assert "Samma CPV-grupp: 601 Vägtransporter" in ranked[("challenge", 41)].texts
    assert ranked[("network", 40)].score > ranked[("challenge", 41)].score
    assert ("network", 40) not in {(s.kind, s.id) for s in engine.rank(ITEMS[0], k=20, exclude=[("network", 40)])}


def test_items_come_back_from_the_store_as_they_went_in_and_new_ones_are_looked_up():
    items = [
        *ITEMS,
        Item("network", 7, frozenset({1, 3}), "Nätverk för städning", "Skolor och förskolor", ("90910000",)),
    ]
    engine = _engine(items)
    assert [engine.items[i] for i in range(len(items))] == items
    added = Item("challenge", 8, frozenset({5}), "Städning av skolor", cpv_codes=("90919300",), county_code="12")
    engine.upsert([added])
    assert engine.items[len(items)] == added
    query = Item("challenge", 9, frozenset({9}), "Skolstädning", cpv_codes=("90919300",))
    assert 8 in {s.id for s in engine.rank(query, k=5)}


def test_what_people_write_around_any_need_is_no_shared_word():
    engine = _engine(
        [
            Item(
                "challenge", 1, frozenset({1}), "Vi behöver dialog om krav", "Vi vill upphandla med olika leverantörer"
            ),
            Item(
                "challenge", 2, frozenset({2}), "Vi behöver dialog om krav", "Vi vill upphandla med olika leverantörer"
            ),
        ]
    )
    query = Item(
        "challenge", 3, frozenset({3}), "Vi behöver dialog om krav", "Vi vill upphandla med olika leverantörer"
    )
    for suggestion in engine.rank(query, 5):
        shared = [dict(r.params).get("words", "") for r in suggestion.reasons if r.kind == "words"]
        assert not any(word in text for text in shared for word in ("behöver", "dialog", "krav", "upphandla"))

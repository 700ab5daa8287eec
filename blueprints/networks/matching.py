"""The matching engine (pure: no Flask, no SQLAlchemy). Plain dataclasses in, ranked suggestions with
Swedish reasons out.

Text similarity is TF-IDF cosine over Swedish word stems plus character 4- and 5-grams of each stem (so
"skolskjuts" ~ "skolskjutsar" ~ "skolskjutstrafik", and compounds share their parts), plus what the CPV
vocabulary knows: title words are looked up among the CPV labels' stems (also as the tail of a compound,
"skolstädning" → "städning"), giving each text a soft profile of CPV divisions and groups. Structured signals
then add CPV-hierarchy closeness of the codes actually chosen, the same need area, planned procurement close
in time and the same or a neighbouring län. Scores are in [0, 1]; ties are broken by kind and id.

The index is built once and then kept current item by item (``upsert``/``remove``): changed items get a
fresh row in a small delta matrix, computed with the vocabulary of the last full build, and their old row is
masked. ``pending_changes`` tells the owner when a full rebuild would pay off.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import snowballstemmer
from scipy import sparse
from stop_words import get_stop_words

from blueprints.networks.cpv_model import CpvModel, unit_rows
from blueprints.vocabulary.cpv import tokens

# Swedish function words (the stop-words package's list), words every procurement title uses, and what
# people write around any need ("vi behöver", "krav", "dialog med leverantörer").
STOPWORDS = frozenset(get_stop_words("swedish")) | frozenset(
    [
        "nya",
        "ny",
        "avseende",
        "gällande",
        "upphandling",
        "upphandlingar",
        "ramavtal",
        "avtal",
        "leverans",
        "inköp",
        "köp",
        "the",
        "of",
        "and",
        "for",
        # What people write around a need, whatever the need: shared, they say nothing about it.
        "behöver",
        "behov",
        "behovet",
        "behoven",
        "önskar",
        "söker",
        "krav",
        "kraven",
        "kravställning",
        "upphandla",
        "upphandlas",
        "dialog",
        "dialogen",
        "tjänst",
        "tjänster",
        "projekt",
        "projektet",
        "verksamhet",
        "verksamheten",
        "verksamheter",
        "möjlighet",
        "möjligheter",
        "olika",
        "befintlig",
        "befintliga",
        "genomföra",
        "kommun",
        "kommunen",
        "kommuner",
        "region",
        "regionen",
        "leverantör",
        "leverantörer",
        "marknaden",
        "lösning",
        "lösningar",
    ]
)


# A marker for message extraction (pybabel's default keyword N_); the engine itself stays free of Flask.
def N_(message: str) -> str:
    return message


REASON_TEXTS = {
    "cpv_code": N_("Samma CPV-kod: %(code)s %(label)s"),
    "cpv_category": N_("Samma CPV-kategori: %(code)s %(label)s"),
    "cpv_class": N_("Samma CPV-klass: %(code)s %(label)s"),
    "cpv_group": N_("Samma CPV-grupp: %(code)s %(label)s"),
    "cpv_division": N_("Samma CPV-huvudgrupp: %(code)s %(label)s"),
    "predicted_group": N_("Troligen samma CPV-grupp: %(code)s %(label)s"),
    "history": N_("Har upphandlat inom %(code)s %(label)s enligt upphandlingsstatistiken (%(count)s upphandlingar)"),
    "words": N_("Gemensamma ord: %(words)s"),
    "need_area": N_("Samma behovsområde"),
    "time": N_("Planerad upphandling inom 6 månader"),
    "same_county": N_("Båda i %(county)s"),
    "neighbouring_county": N_("Grannlän: %(county)s och %(other_county)s"),
}
CPV_REASONS = {8: "cpv_code", 5: "cpv_category", 4: "cpv_class", 3: "cpv_group", 2: "cpv_division"}
LABELLED_REASONS = frozenset([*CPV_REASONS.values(), "predicted_group", "history"])  # their params name a code
CPV_PROFILE_WEIGHT = 0.5  # chosen on a separate sample from the one bench/matching.py reports
# How much each signal counts. With a learnt model, text shares its weight with the agreement of the two texts'
# predicted CPV groups (both chosen on a different sample of buyers from the one bench/matching.py reports).
WEIGHTS = {"text": 0.6, "cpv": 0.25, "need_area": 0.05, "time": 0.05, "region": 0.05}
PREDICTED_SHARE = 0.7  # of the text weight, when a model predicts groups
HISTORY_WEIGHT = 0.05  # the other organisation bought the branch before (the statistics)
PREDICTED_TOP = 5  # groups kept per item
PREDICTED_REASON_AT = 0.5  # agreement from which "Troligen samma CPV-grupp" is said
PREDICTED_BRANCH_AT = 0.35  # a predicted group this likely counts as the query's branch for history
NO_ROWS = np.array([], dtype=np.int64)
MINIMUM_SCORE = 0.08  # weaker matches are not suggested


@dataclass(frozen=True)
class Item:
    """A challenge, a network or a knowledge article, as the engine sees it."""

    kind: str  # "challenge", "network" or "article" (a knowledge article)
    id: int
    organisation_ids: frozenset[int]
    title: str
    description: str = ""
    cpv_codes: tuple[str, ...] = ()
    need_area_id: int | None = None
    planned_quarter: int | None = None  # year * 4 + quarter - 1
    county_code: str | None = None
    visible_to_all: bool = True  # False: only agency staff (and the item's own organisations) may see it

    @property
    def key(self) -> tuple[str, int]:
        """("challenge", 12) or ("network", 3)."""
        return (self.kind, self.id)


@dataclass(frozen=True)
class Reason:
    """Why two items match: a kind (see REASON_TEXTS) and the values its sentence names."""

    kind: str
    params: tuple[tuple[str, str], ...] = ()

    @property
    def text(self) -> str:
        """The reason as a Swedish sentence."""
        return REASON_TEXTS[self.kind] % dict(self.params)


class ItemStore:
    """The indexed items, kept as arrays rather than Python objects: a ranking touches a few hundred items,
    and in a worker forked from the process that built the index, touching a Python object copies its memory
    page (reference counts); arrays stay shared. ``store[i]`` gives the item back; items added later (the
    delta) are kept as they are."""

    KINDS = ("challenge", "network", "article")

    def __init__(self, items: list[Item]) -> None:
        self._base = len(items)
        self._added: list[Item] = []
        self._kind = np.array([self.KINDS.index(i.kind) for i in items], dtype=np.int8)
        self._id = np.array([i.id for i in items], dtype=np.int64)
        self._need_area = np.array([-1 if i.need_area_id is None else i.need_area_id for i in items], dtype=np.int64)
        self._quarter = np.array([-1 if i.planned_quarter is None else i.planned_quarter for i in items], np.int64)
        self._counties = sorted({i.county_code for i in items if i.county_code is not None})
        county_index = {code: n for n, code in enumerate(self._counties)}
        self._county = np.array([county_index.get(i.county_code or "", -1) for i in items], dtype=np.int16)
        self._public = np.array([i.visible_to_all for i in items], dtype=bool)
        self._organisations = self._ragged([sorted(i.organisation_ids) for i in items], np.int64)
        self._codes = self._ragged([[int(code) for code in i.cpv_codes] for i in items], np.int64)
        self._titles = self._text([i.title for i in items])
        self._descriptions = self._text([i.description for i in items])

    @staticmethod
    def _ragged(rows: list[list[int]], dtype: type) -> tuple[np.ndarray, np.ndarray]:
        offsets = np.zeros(len(rows) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(row) for row in rows])
        return offsets, np.array([value for row in rows for value in row], dtype=dtype)

    @staticmethod
    def _text(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        encoded = [text.encode() for text in texts]
        offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(e) for e in encoded])
        return offsets, np.frombuffer(b"".join(encoded), dtype=np.uint8)

    def __len__(self) -> int:
        return self._base + len(self._added)

    def append(self, item: Item) -> None:
        """An item added after the build."""
        self._added.append(item)

    def __getitem__(self, index: int) -> Item:
        if index >= self._base:
            return self._added[index - self._base]
        organisations = self._organisations[1][self._organisations[0][index] : self._organisations[0][index + 1]]
        codes = self._codes[1][self._codes[0][index] : self._codes[0][index + 1]]
        county = int(self._county[index])
        need_area, quarter = int(self._need_area[index]), int(self._quarter[index])
        return Item(
            self.KINDS[int(self._kind[index])],
            int(self._id[index]),
            frozenset(int(o) for o in organisations),
            self._decoded(self._titles, index),
            self._decoded(self._descriptions, index),
            tuple(f"{int(code):08d}" for code in codes),
            None if need_area < 0 else need_area,
            None if quarter < 0 else quarter,
            None if county < 0 else self._counties[county],
            bool(self._public[index]),
        )

    @staticmethod
    def _decoded(text: tuple[np.ndarray, np.ndarray], index: int) -> str:
        offsets, data = text
        return data[offsets[index] : offsets[index + 1]].tobytes().decode()


@dataclass(frozen=True)
class _QueryContext:
    """What ranking one query works out once: its CPV branches and the model's likeliest group for it."""

    branches: list[str]
    likeliest: tuple[str, float] | None


@dataclass(frozen=True)
class Suggestion:
    """One ranked match with the reasons a person can check."""

    kind: str
    id: int
    score: float
    reasons: tuple[Reason, ...]

    @property
    def texts(self) -> list[str]:
        """The reasons as Swedish sentences."""
        return [reason.text for reason in self.reasons]


def text_of(title: str, description: str) -> str:
    """What is read of a challenge or network: the title counts double."""
    return f"{title} {title} {description}"


def words(text: str) -> list[str]:
    """Casefolded words (the same split as CPV search), digits and stopwords left out."""
    return [w for w in tokens(text) if not w.isdigit() and w not in STOPWORDS]


# Stems of words seen in this process, shared by every analyzer: a word's stem never changes, and each new
# index would otherwise stem the 9,000 CPV labels' 86,000 words again (0.3 s). Bounded (about 40 MB at the
# limit): past it, new words are stemmed each time.
_STEMS: dict[str, str] = {}
STEM_CACHE_LIMIT = 300_000


class SwedishAnalyzer:
    """Stems and in-word character n-grams of Swedish text."""

    def __init__(self) -> None:
        self._stemmer = snowballstemmer.stemmer("swedish")  # its own: a stemmer keeps state while it works

    def stem(self, word: str) -> str:
        """The Snowball stem of one casefolded word (cached)."""
        stemmed = _STEMS.get(word)
        if stemmed is None:
            stemmed = self._stemmer.stemWord(word)
            if len(_STEMS) < STEM_CACHE_LIMIT:
                _STEMS[word] = stemmed
        return stemmed

    def stems(self, text: str) -> list[str]:
        """The stems of the text's words."""
        return [self.stem(w) for w in words(text)]

    def features(self, text: str) -> list[str]:
        """Word stems and the stems' character 4- and 5-grams."""
        out: list[str] = []
        for stemmed in self.stems(text):
            out.append("w:" + stemmed)
            padded = f"<{stemmed}>"
            for n in (4, 5):
                out.extend("c:" + padded[i : i + n] for i in range(len(padded) - n + 1))
        return out


_LABEL_INDEXES: dict[frozenset[tuple[str, str]], dict[str, frozenset[str]]] = {}


def _codes_by_stem(labels: frozenset[tuple[str, str]], analyzer: SwedishAnalyzer) -> dict[str, frozenset[str]]:
    """The CPV codes whose labels hold each stem (of three letters or more). Kept for the last vocabulary seen:
    every index build reads the same 9,000 labels, which take 0.2 s to split and stem."""
    index = _LABEL_INDEXES.get(labels)
    if index is None:
        codes: defaultdict[str, set[str]] = defaultdict(set)
        for code, label in labels:
            for stemmed in analyzer.stems(label):
                if len(stemmed) >= 3:
                    codes[stemmed].add(code)
        index = {stemmed: frozenset(found) for stemmed, found in codes.items()}
        _LABEL_INDEXES.clear()
        _LABEL_INDEXES[labels] = index
    return index


class CpvKnowledge:
    """What the CPV labels say about words: a soft profile of divisions and groups for any text."""

    def __init__(self, labels: Mapping[str, str], analyzer: SwedishAnalyzer) -> None:
        self.labels = dict(labels)
        self._analyzer = analyzer
        self._codes_by_stem = _codes_by_stem(frozenset(self.labels.items()), analyzer)

    def _codes_for(self, stemmed: str) -> frozenset[str]:
        found = self._codes_by_stem.get(stemmed)
        if found:
            return found
        for start in range(1, len(stemmed) - 3):  # the tail of a compound: skolstädning → städning
            found = self._codes_by_stem.get(stemmed[start:])
            if found:
                return found
        return frozenset()

    def profile(self, text: str) -> dict[str, float]:
        """Division ("d:60") and group ("g:601") weights suggested by the text's words."""
        weights: defaultdict[str, float] = defaultdict(float)
        for stemmed in self._analyzer.stems(text):
            codes = self._codes_for(stemmed)
            if not codes:
                continue
            weight = 1.0 / (math.log(2 + len(codes)) * math.sqrt(len(codes)))
            for code in codes:
                weights["d:" + code[:2]] += weight
                weights["g:" + code[:3]] += weight
        return dict(weights)


def _prefixes(item: Item) -> set[str]:
    """The item's full CPV codes and their groups (3 digits), as the index looks them up."""
    return {prefix for code in item.cpv_codes for prefix in (code, code[:3])}


def cpv_closeness(first: Iterable[str], second: Iterable[str]) -> tuple[float, str | None]:
    """How close two sets of codes are in the hierarchy (1 same code … 0.25 same division), and the prefix shared."""
    best, shared = 0.0, None
    levels = ((8, 1.0), (5, 0.85), (4, 0.7), (3, 0.5), (2, 0.25))
    second = list(second)
    for a in first:
        for b in second:
            for length, value in levels:
                if value <= best:
                    break
                if a[:length] == b[:length]:
                    best, shared = value, a[:length]
                    break
    return best, shared


class MatchingEngine:
    """An index of items that ranks, for one item, the others it could form a network with."""

    def __init__(
        self,
        items: Iterable[Item],
        cpv_labels: Mapping[str, str],
        county_names: Mapping[str, str] | None = None,
        county_neighbours: Mapping[str, Iterable[str]] | None = None,
        *,
        model: CpvModel | None = None,
        history: Mapping[int, Mapping[str, int]] | None = None,
    ) -> None:
        """``model`` predicts each text's CPV groups (None: text, vocabulary and chosen codes only);
        ``history`` is what each organisation procured per CPV group according to the statistics."""
        self.model = model
        self.history = history or {}
        self.county_names = dict(county_names or {})
        self.county_neighbours = {code: frozenset(others) for code, others in (county_neighbours or {}).items()}
        self.analyzer = SwedishAnalyzer()
        self.cpv = CpvKnowledge(cpv_labels, self.analyzer)
        self._build(list(items))

    def _build(self, items: list[Item]) -> None:
        """Learn the vocabulary from ``items`` and index them (the full build)."""
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import TfidfVectorizer

        self._text = TfidfVectorizer(analyzer=self.analyzer.features, sublinear_tf=True)
        self._profile = DictVectorizer()
        self._fitted = False
        self._matrix = sparse.csc_matrix((0, 0), dtype=np.float32)
        texts = [self._text_of(item) for item in items]
        self._predicted = self._predict(texts)
        if items:
            try:
                words_matrix = self._text.fit_transform(texts)
            except ValueError:  # not one word to learn from (only digits or stopwords): stay unfitted
                words_matrix = None
            if words_matrix is not None:
                self._profile.fit([self.cpv.profile(t) for t in texts])
                self._fitted = True
                # By column (feature): a query reads only its own features' columns, not every row (2 ms
                # instead of 36 ms at 100,000 items); single precision halves the memory.
                matrix = unit_rows(sparse.hstack([words_matrix, self._profiles(texts)]).tocsr())
                self._matrix = matrix.tocsc().astype(np.float32)
        self.items = ItemStore(items)
        self._delta_rows: list[sparse.csr_matrix] = []
        self._delta = sparse.csr_matrix((0, self._matrix.shape[1]))
        self._delta_predicted_rows: list[sparse.csr_matrix] = []
        self._pending = 0
        self._active: list[bool] = []
        self._public: list[bool] = []
        self._kinds: list[int] = []
        self._by_organisation: dict[int, np.ndarray] = {}
        self._by_cpv: dict[str, np.ndarray] = {}  # full code and 3-digit group → items
        self._by_key: dict[tuple[str, int], int] = {}
        by_organisation: defaultdict[int, list[int]] = defaultdict(list)
        by_cpv: defaultdict[str, list[int]] = defaultdict(list)
        for index, item in enumerate(items):
            self._active.append(True)
            self._public.append(item.visible_to_all)
            self._kinds.append(ItemStore.KINDS.index(item.kind))
            for organisation_id in item.organisation_ids:
                by_organisation[organisation_id].append(index)
            for prefix in _prefixes(item):
                by_cpv[prefix].append(index)
            self._by_key[item.key] = index
        # Arrays, not lists of Python ints: read by every ranking without touching shared memory pages.
        self._by_organisation = {key: np.array(rows, dtype=np.int64) for key, rows in by_organisation.items()}
        self._by_cpv = {key: np.array(rows, dtype=np.int64) for key, rows in by_cpv.items()}
        self._masks = self._mask_arrays()

    def __len__(self) -> int:
        return len(self._by_key)

    @property
    def pending_changes(self) -> int:
        """Items changed since the last full build (kept in the delta matrix)."""
        return self._pending

    def _append(self, item: Item) -> None:
        """An item added after the build (the arrays of the lookups get one more index)."""
        index = len(self.items)
        self.items.append(item)
        self._active.append(True)
        self._public.append(item.visible_to_all)
        self._kinds.append(ItemStore.KINDS.index(item.kind))
        for organisation_id in item.organisation_ids:
            self._by_organisation[organisation_id] = np.append(
                self._by_organisation.get(organisation_id, NO_ROWS), index
            )
        for prefix in _prefixes(item):
            self._by_cpv[prefix] = np.append(self._by_cpv.get(prefix, NO_ROWS), index)
        self._by_key[item.key] = index

    def _mask_arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        active, public = np.array(self._active, dtype=bool), np.array(self._public, dtype=bool)
        return active, public, np.array(self._kinds, dtype=np.int8)

    def rebuild(self) -> None:
        """A full build of the live items (folds the delta in and learns new words)."""
        self._build([self.items[index] for index in sorted(self._by_key.values())])

    def remove(self, keys: Iterable[tuple[str, int]]) -> None:
        """Forget items (archived challenges, closed networks)."""
        for key in keys:
            index = self._by_key.pop(key, None)
            if index is not None:
                self._active[index] = False
        self._masks = self._mask_arrays()

    def upsert(self, items: Iterable[Item]) -> None:
        """Add new items and replace changed ones, without rebuilding the index."""
        changed = list(items)
        if not changed:
            return
        if not self._fitted:  # no vocabulary learnt yet: build from these and the items kept so far
            fresh = {item.key for item in changed}
            kept = [self.items[i] for i in sorted(self._by_key.values()) if self.items[i].key not in fresh]
            self._build(kept + changed)
            return
        for item in changed:
            old = self._by_key.get(item.key)
            if old is not None:
                self._active[old] = False
            self._append(item)
        texts = [self._text_of(item) for item in changed]  # vectors and predictions in one go
        self._delta_rows.append(self._vectors(texts))
        self._delta_predicted_rows.append(self._predict(texts))
        self._pending += len(changed)
        self._delta = sparse.vstack(self._delta_rows).tocsr()
        self._predicted_all = None
        self._masks = self._mask_arrays()

    @staticmethod
    def _text_of(item: Item) -> str:
        return text_of(item.title, item.description)

    def _profiles(self, texts: list[str]) -> sparse.csr_matrix:
        """The texts' CPV profiles, weighted (no columns when the vocabulary suggested nothing at all)."""
        if not self._profile.feature_names_:
            return sparse.csr_matrix((len(texts), 0))
        return unit_rows(self._profile.transform([self.cpv.profile(t) for t in texts])) * CPV_PROFILE_WEIGHT

    def _predict(self, texts: list[str]) -> sparse.csr_matrix:
        """Each text's likeliest CPV groups (PREDICTED_TOP of them, rows of length 1; no columns without a model)."""
        if self.model is None:
            return sparse.csr_matrix((len(texts), 0), dtype=np.float32)
        groups = len(self.model.groups)
        blocks = []
        for start in range(0, len(texts), 2000):  # a bounded dense block at a time
            dense = self.model.distributions(texts[start : start + 2000])
            keep = min(PREDICTED_TOP, groups)
            top = np.argpartition(-dense, keep - 1, axis=1)[:, :keep]
            rows = np.repeat(np.arange(dense.shape[0]), keep)
            values = dense[rows, top.ravel()]
            blocks.append(sparse.csr_matrix((values, (rows, top.ravel())), shape=(dense.shape[0], groups)))
        if not blocks:
            return sparse.csr_matrix((0, groups), dtype=np.float32)
        return unit_rows(sparse.vstack(blocks).tocsr()).astype(np.float32)

    def _predicted_matrix(self) -> sparse.csr_matrix:
        """The predicted groups of every indexed item, the full build's rows and then the changed ones'."""
        if getattr(self, "_predicted_all", None) is None:
            rows = [self._predicted, *self._delta_predicted_rows]
            self._predicted_all = sparse.vstack(rows).tocsr() if len(rows) > 1 else self._predicted
        return self._predicted_all

    def agreement_scores(self, item: Item) -> np.ndarray:
        """How much the item's predicted CPV groups agree with every indexed item's (cosine; 0 without a model)."""
        if self.model is None or not self.items:
            return np.zeros(len(self.items))
        query = self._predict([self._text_of(item)])
        return np.asarray((self._predicted_matrix() @ query.T).todense()).ravel()

    def likeliest_group(self, item: Item) -> tuple[str, float] | None:
        """The CPV group the model finds likeliest for the item's text, with its probability."""
        if self.model is None:
            return None
        return self.model.suggest(self._text_of(item), k=1)[0]

    def _vectors(self, texts: list[str]) -> sparse.csr_matrix:
        return unit_rows(sparse.hstack([self._text.transform(texts), self._profiles(texts)]).tocsr())

    def _vector(self, item: Item) -> sparse.csr_matrix:
        return self._vectors([self._text_of(item)])

    def text_scores(self, item: Item) -> np.ndarray:
        """Cosine similarity of the item's text with every indexed item's (0 for removed ones)."""
        if not self._fitted:
            return np.zeros(len(self.items))
        vector = self._vector(item)
        main = np.asarray(self._matrix[:, vector.indices] @ vector.data.astype(np.float32), dtype=np.float64)
        if self._delta.shape[0]:
            main = np.concatenate([main, np.asarray((self._delta @ vector.T).todense()).ravel()])
        return main

    def rank(
        self,
        query: Item,
        k: int = 10,
        *,
        pool: int = 100,
        exclude: Iterable[tuple[str, int]] = (),
        public_only: bool = False,
        kinds: Iterable[str] | None = None,
    ) -> list[Suggestion]:
        """The k best matches among other organisations' items, best first, with reasons.

        ``exclude`` leaves out given items (dismissed suggestions); ``public_only`` keeps only items everyone
        may see (for buyers); ``kinds`` keeps only items of those kinds (None: every kind).
        """
        text = self.text_scores(query)
        agreement = self.agreement_scores(query)
        share = PREDICTED_SHARE if self.model is not None else 0.0
        similarity = (1 - share) * text + share * agreement
        active, public, kind = self._masks
        similarity[~active] = -1.0
        if public_only:
            similarity[~public] = -1.0
        if kinds is not None:
            similarity[~np.isin(kind, [ItemStore.KINDS.index(k) for k in kinds])] = -1.0
        for organisation_id in query.organisation_ids:  # never suggest the organisation's own items
            similarity[self._by_organisation.get(organisation_id, [])] = -1.0
        for key in (query.key, *exclude):
            if key in self._by_key:
                similarity[self._by_key[key]] = -1.0
        count = min(pool, len(similarity))
        if count == 0:
            return []
        by_text = np.argpartition(-similarity, count - 1)[:count]
        candidates = {int(i) for i in by_text if similarity[i] > 0}
        candidates.update(i for i in self._same_cpv(query, pool) if similarity[i] >= 0)
        likeliest = self.likeliest_group(query)  # once per ranking: the model reads the query's text
        context = _QueryContext(self._branches(query, likeliest), likeliest)
        scored = [
            (self._score(query, self.items[i], float(text[i]), float(agreement[i]), context), i) for i in candidates
        ]
        scored = [(score, i) for score, i in scored if score >= MINIMUM_SCORE]
        scored.sort(key=lambda pair: (-pair[0], self.items[pair[1]].kind, self.items[pair[1]].id))
        # Reasons cost word-by-word work: only for the few that are shown.
        return [
            Suggestion(
                self.items[i].kind,
                self.items[i].id,
                score,
                self._reasons(query, i, float(agreement[i]), context),
            )
            for score, i in scored[:k]
        ]

    def _branches(self, query: Item, likeliest: tuple[str, float] | None) -> list[str]:
        """The query's CPV groups: those of its chosen codes, else the model's likeliest one when it is sure enough."""
        chosen = sorted({code[:3] for code in query.cpv_codes})
        if chosen or self.model is None:
            return chosen
        group, probability = likeliest or ("", 0.0)
        return [group] if probability >= PREDICTED_BRANCH_AT else []

    def _bought(self, other: Item, branches: list[str]) -> tuple[str, int] | None:
        """The branch of the query's that the other item's organisations bought most in, and how many times."""
        best: tuple[str, int] | None = None
        for organisation_id in other.organisation_ids:
            bought = self.history.get(organisation_id, {})
            for group in branches:
                count = bought.get(group, 0)
                if count and (best is None or count > best[1]):
                    best = (group, count)
        return best

    def _same_cpv(self, query: Item, pool: int) -> list[int]:
        """Items sharing a code, then a CPV group, with the query (up to ``pool`` of each): a match on the
        codes counts even when the words differ."""
        found: list[int] = []
        for level in (8, 3):
            arrays = [self._by_cpv[code[:level]] for code in query.cpv_codes if code[:level] in self._by_cpv]
            if arrays:  # the newest, when very many share a group
                found.extend(int(i) for i in np.unique(np.concatenate(arrays))[-pool:])
        return found

    def _region(self, query: Item, other: Item) -> float:
        if query.county_code is None or other.county_code is None:
            return 0.0
        if query.county_code == other.county_code:
            return 1.0
        return 0.5 if other.county_code in self.county_neighbours.get(query.county_code, ()) else 0.0

    def _signals(self, query: Item, other: Item) -> tuple[float, str | None, bool, bool, float]:
        cpv, prefix = cpv_closeness(query.cpv_codes, other.cpv_codes)
        same_area = query.need_area_id is not None and query.need_area_id == other.need_area_id
        close_in_time = (
            query.planned_quarter is not None
            and other.planned_quarter is not None
            and abs(query.planned_quarter - other.planned_quarter) <= 2
        )
        return cpv, prefix, same_area, close_in_time, self._region(query, other)

    def _score(self, query: Item, other: Item, text: float, agreement: float, context: "_QueryContext") -> float:
        cpv, _prefix, same_area, close_in_time, region = self._signals(query, other)
        share = PREDICTED_SHARE if self.model is not None else 0.0
        bought = self._bought(other, context.branches)
        score = (
            WEIGHTS["text"] * ((1 - share) * max(0.0, min(1.0, text)) + share * max(0.0, min(1.0, agreement)))
            + WEIGHTS["cpv"] * cpv
            + WEIGHTS["need_area"] * same_area
            + WEIGHTS["time"] * close_in_time
            + WEIGHTS["region"] * region
            + HISTORY_WEIGHT * (min(1.0, math.log1p(bought[1]) / math.log(10)) if bought else 0.0)
        )
        return round(min(1.0, max(0.0, score)), 4)

    def _label(self, prefix: str) -> tuple[tuple[str, str], tuple[str, str]]:
        return (("code", prefix), ("label", self.cpv.labels.get(prefix.ljust(8, "0"), "")))

    def _likeliest_of(self, index: int) -> str | None:
        """The likeliest CPV group of an indexed item, as predicted when it was indexed."""
        if self.model is None:
            return None
        row = self._predicted_matrix().getrow(index)
        return self.model.groups[int(row.indices[np.argmax(row.data)])] if row.nnz else None

    def _reasons(self, query: Item, index: int, agreement: float, context: "_QueryContext") -> tuple[Reason, ...]:
        other = self.items[index]
        _cpv, prefix, same_area, close_in_time, region = self._signals(query, other)
        reasons: list[Reason] = []
        if prefix:
            reasons.append(Reason(CPV_REASONS[len(prefix)], self._label(prefix)))
        predicted = context.likeliest
        if (
            predicted is not None
            and (prefix is None or len(prefix) < 3)
            and agreement >= PREDICTED_REASON_AT
            and self._likeliest_of(index) == predicted[0]
        ):
            reasons.append(Reason("predicted_group", self._label(predicted[0])))
        common = self._common_words(query, other)
        if common:
            reasons.append(Reason("words", (("words", ", ".join(common)),)))
        bought = self._bought(other, context.branches)
        if bought:
            reasons.append(Reason("history", (*self._label(bought[0]), ("count", str(bought[1])))))
        if same_area:
            reasons.append(Reason("need_area"))
        if close_in_time:
            reasons.append(Reason("time"))
        if region == 1.0:
            reasons.append(Reason("same_county", (("county", self._county(query.county_code)),)))
        elif region:
            pair = (("county", self._county(query.county_code)), ("other_county", self._county(other.county_code)))
            reasons.append(Reason("neighbouring_county", pair))
        return tuple(reasons)

    def _county(self, code: str | None) -> str:
        return self.county_names.get(code or "", code or "")

    def _common_words(self, query: Item, other: Item, limit: int = 4) -> list[str]:
        theirs = {self.analyzer.stem(w) for w in words(f"{other.title} {other.description}")}
        shown: list[str] = []
        for word in words(f"{query.title} {query.description}"):
            mine = self.analyzer.stem(word)
            # Same stem, or one stem begins the other (skolskjut ~ skolskjuts ~ skolskjutstrafik).
            alike = any(
                t == mine or (min(len(t), len(mine)) >= 5 and (t.startswith(mine) or mine.startswith(t)))
                for t in theirs
            )
            if len(word) >= 4 and alike and word not in shown:
                shown.append(word)
        return shown[:limit]

"""What a text's words say about its CPV code: a linear classifier learnt from the procurements the agency
imports (and reviewed challenges), never from files in the repository. Pure: numpy, scipy and scikit-learn,
no Flask, no database.

Texts become hashed features (character 3–5-grams within words and single words, logarithmic counts weighted
by inverse document frequency), so the model needs no vocabulary and a new word simply weighs nothing. A
linear SVM learns one weight vector per CPV group (three digits, "601"); its scores become probabilities
with a softmax whose temperature is fitted on held-out buyers, so "80 %" means about four in five. A class or
division's probability is the sum over its groups.

``train`` holds out a share of the buyers (never a buyer's rows on both sides), scores the model on them
(top-1 and top-5 accuracy per CPV level), fits the final model on every row and returns both. Weights too
small to matter are dropped, and they are kept feature by feature (a text reads only its own features' rows),
which keeps the model small enough to map from a file and share between workers.
"""

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
from scipy import sparse

if TYPE_CHECKING:
    from sklearn.feature_extraction.text import HashingVectorizer

FEATURES = 2**20
GROUP_DIGITS = 3
LEVELS = {"division": 2, "group": 3, "class": 4}
MINIMUM_ROWS = 300  # fewer labelled texts than this: no model (it would only guess)
MINIMUM_GROUPS = 5
HELD_OUT_SHARE = 0.15
PRUNE_BELOW = 0.02  # weights smaller than this (after scaling) change no ranking worth having


class TooLittleData(ValueError):
    """Not enough labelled texts (or CPV groups) to learn from."""


def unit_rows(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    """Each row scaled to length 1. scikit-learn is imported here and in the other functions that use it, not
    when the module is: it takes two seconds to load, and only building or training needs it (the app's
    commands, run every minute from cron, start without it)."""
    from sklearn.preprocessing import normalize

    return normalize(matrix)


def _vectorizers() -> tuple["HashingVectorizer", "HashingVectorizer"]:
    from sklearn.feature_extraction.text import HashingVectorizer

    common = {"n_features": FEATURES, "alternate_sign": False, "norm": None, "lowercase": True}
    return (
        HashingVectorizer(analyzer="char_wb", ngram_range=(3, 5), **common),
        HashingVectorizer(analyzer="word", **common),
    )


def counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed feature counts of the texts (character 3–5-grams within words, plus whole words)."""
    characters, whole_words = _vectorizers()
    return (characters.transform(texts) + whole_words.transform(texts)).tocsr()


def weighted(matrix: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Logarithmic counts times inverse document frequency, each row of length 1."""
    out = matrix.astype(np.float32, copy=True)
    np.log1p(out.data, out=out.data)
    out = out.multiply(idf.reshape(1, -1)).tocsr()
    return unit_rows(out).astype(np.float32)


def fit_idf(matrix: sparse.csr_matrix) -> np.ndarray:
    """Smoothed inverse document frequency per hashed feature (unseen features: the largest value)."""
    document_frequency = np.bincount(matrix.indices, minlength=FEATURES)
    rows = matrix.shape[0]
    return (np.log((1 + rows) / (1 + document_frequency)) + 1).astype(np.float32)


def group_of(code: str) -> str:
    """The CPV group ("601") of a code ("60130000")."""
    return code[:GROUP_DIGITS]


@dataclass
class CpvModel:
    """A fitted model: weights per feature and group, and the temperature that makes scores probabilities."""

    idf: np.ndarray  # (FEATURES,) float32
    weights: sparse.csr_matrix  # (FEATURES, groups) float32, row by feature
    intercept: np.ndarray  # (groups,) float32
    groups: list[str]
    temperature: float = 1.0
    group_index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.group_index = {group: i for i, group in enumerate(self.groups)}

    def scores(self, texts: Sequence[str]) -> np.ndarray:
        """The linear scores of each text for each group (texts × groups)."""
        features = weighted(counts(texts), self.idf)
        return (features @ self.weights).toarray().astype(np.float32) + self.intercept

    def distributions(self, texts: Sequence[str]) -> np.ndarray:
        """Each text's probability of each CPV group (rows add up to 1)."""
        return softmax(self.scores(texts), self.temperature)

    def suggest(self, text: str, k: int = 5, digits: int = GROUP_DIGITS) -> list[tuple[str, float]]:
        """The k likeliest CPV prefixes of ``digits`` digits for a text, with their probabilities, likeliest first."""
        return top_prefixes(self.distributions([text])[0], self.groups, k, digits)


def softmax(scores: np.ndarray, temperature: float) -> np.ndarray:
    """Probabilities from scores (row by row)."""
    scaled = scores * temperature
    scaled -= scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)


def top_prefixes(distribution: np.ndarray, groups: list[str], k: int, digits: int) -> list[tuple[str, float]]:
    """The k likeliest prefixes of a level (a division's probability is the sum of its groups')."""
    summed: dict[str, float] = {}
    for group, probability in zip(groups, distribution, strict=True):
        prefix = group[:digits]
        summed[prefix] = summed.get(prefix, 0.0) + float(probability)
    return sorted(summed.items(), key=lambda pair: (-pair[1], pair[0]))[:k]


def _fit(features: sparse.csr_matrix, labels: list[str]) -> tuple[sparse.csr_matrix, np.ndarray, list[str]]:
    """One weight per (feature, group), learnt only for features seen in at least two texts: the classifier's
    dense weights then take (groups × those features), not (groups × every hashed feature), which would be
    2.4 GB for 280 groups."""
    from sklearn.svm import LinearSVC

    seen = np.flatnonzero(np.bincount(features.indices, minlength=FEATURES) >= 2)
    classifier = LinearSVC(C=0.5, dual=True, max_iter=2000)
    classifier.fit(features[:, seen], labels)
    coefficients = classifier.coef_.astype(np.float32)
    del classifier.coef_
    coefficients[np.abs(coefficients) < PRUNE_BELOW] = 0.0
    kept = sparse.coo_matrix(coefficients.T)  # seen features × groups
    weights = sparse.csr_matrix(  # every hashed feature × groups: a text reads only its features' rows
        (kept.data, (seen[kept.row], kept.col)), shape=(FEATURES, coefficients.shape[0]), dtype=np.float32
    )
    return weights, classifier.intercept_.astype(np.float32), [str(c) for c in classifier.classes_]


def _temperature(scores: np.ndarray, truth: np.ndarray) -> float:
    """The softmax temperature that gives the held-out rows' true groups the highest likelihood."""
    best, best_loss = 1.0, math.inf
    for temperature in np.geomspace(0.5, 50, 60):
        probabilities = softmax(scores, float(temperature))
        loss = -float(np.mean(np.log(probabilities[np.arange(len(truth)), truth] + 1e-9)))
        if loss < best_loss:
            best, best_loss = float(temperature), loss
    return best


def accuracy(distributions: np.ndarray, groups: list[str], codes: Sequence[str]) -> dict[str, float]:
    """Top-1 and top-5 accuracy of predicted CPV prefixes per level the model tells apart ("group_top5": 0.75;
    the model predicts groups, so a class is not told apart from its group and is not scored)."""
    out: dict[str, float] = {}
    for level, digits in LEVELS.items():
        if digits > GROUP_DIGITS:
            continue
        hits1 = hits5 = 0
        for distribution, code in zip(distributions, codes, strict=True):
            top = [prefix for prefix, _p in top_prefixes(distribution, groups, 5, digits)]
            hits1 += bool(top) and top[0] == code[:digits]
            hits5 += code[:digits] in top
        out[f"{level}_top1"] = hits1 / max(1, len(codes))
        out[f"{level}_top5"] = hits5 / max(1, len(codes))
    return out


@dataclass(frozen=True)
class Training:
    """What training produced: the model fitted on every row and its scores on held-out buyers."""

    model: CpvModel
    rows: int
    groups: int
    held_out_rows: int
    scores: dict[str, float]


def _held_out(buyers: Sequence[str], seed: int) -> np.ndarray:
    """Which rows are held out: all rows of a share of the buyers (of a share of the rows, with few buyers)."""
    rng = random.Random(seed)  # noqa: S311 (a reproducible split, not a secret)
    distinct = sorted(set(buyers))
    if len(distinct) < 1 / HELD_OUT_SHARE:
        rows = set(rng.sample(range(len(buyers)), max(1, int(len(buyers) * HELD_OUT_SHARE))))
        return np.array([n in rows for n in range(len(buyers))], dtype=bool)
    held = set(rng.sample(distinct, max(1, int(len(distinct) * HELD_OUT_SHARE))))
    return np.array([buyer in held for buyer in buyers], dtype=bool)


def train(texts: Sequence[str], codes: Sequence[str], buyers: Sequence[int | str], seed: int = 7) -> Training:
    """Fit the model on labelled texts (CPV codes of 8 digits; buyer of each row for the held-out split)."""
    rows = [
        (text, code, str(buyer))
        for text, code, buyer in zip(texts, codes, buyers, strict=True)
        if text.strip() and code[:2] not in ("", "00")
    ]
    groups = {group_of(c) for _t, c, _b in rows}
    if len(rows) < MINIMUM_ROWS or len(groups) < MINIMUM_GROUPS:
        raise TooLittleData(f"{len(rows)} labelled texts in {len(groups)} CPV groups")
    matrix = counts([t for t, _c, _b in rows])
    idf = fit_idf(matrix)
    features = weighted(matrix, idf)
    labels = np.array([group_of(c) for _t, c, _b in rows])
    held_out = _held_out([b for _t, _c, b in rows], seed)
    # Scored on buyers it never saw, with the temperature fitted there; then fitted again on every row.
    weights, intercept, fitted_groups = _fit(features[~held_out], list(labels[~held_out]))
    index = {group: i for i, group in enumerate(fitted_groups)}
    held_scores = (features[held_out] @ weights).toarray() + intercept
    known = np.array([group in index for group in labels[held_out]], dtype=bool)
    truth = np.array([index.get(group, 0) for group in labels[held_out]], dtype=int)
    temperature = _temperature(held_scores[known], truth[known]) if known.any() else 1.0
    held_codes = [c for (_t, c, _b), h in zip(rows, held_out, strict=True) if h]
    scores = accuracy(softmax(held_scores, temperature), fitted_groups, held_codes)
    weights, intercept, fitted_groups = _fit(features, list(labels))
    model = CpvModel(idf, weights, intercept, fitted_groups, temperature)
    return Training(model, len(rows), len(groups), int(held_out.sum()), scores)

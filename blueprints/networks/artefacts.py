"""The trained CPV model on disk, versioned and checked (pure: no Flask, no database).

A model is a folder of NumPy arrays and a ``manifest.json`` (format version, training date, rows, held-out
scores, the SHA-256 of every array). It is written beside the others under a fresh name and only then named
in ``current-model``, replaced atomically, so a reader sees the old model or the new one, never half of one.
Arrays are opened memory-mapped: the processes of one host share one copy in the page cache, and a text
reads only its own features' rows. A folder that is missing, of another format or whose checksums do not
match is refused with the reason (``ModelUnavailable``); the engine then matches on text alone.
"""

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from blueprints.networks.cpv_model import CpvModel, Training

FORMAT = 1
POINTER = "current-model"
MANIFEST = "manifest.json"
KEEP = 2  # models kept on disk (the current one and the one before, which readers may still have open)


class ModelUnavailable(Exception):
    """No usable model: why, in a sentence for admins."""


@dataclass(frozen=True)
class ModelInfo:
    """What admins see about a model: when and from how much it learnt, and how well it did on held-out buyers."""

    name: str
    trained_at: datetime
    rows: int
    groups: int
    held_out_rows: int
    scores: Mapping[str, float]
    sources: Mapping[str, int]
    size_bytes: int
    training_seconds: float


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:  # read, not mapped: checking costs no resident memory
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _arrays(model: CpvModel) -> dict[str, np.ndarray]:
    weights = model.weights.tocsr()
    return {
        "idf": model.idf.astype(np.float32),
        "weights_data": weights.data.astype(np.float32),
        "weights_indices": weights.indices.astype(np.int32),
        "weights_indptr": weights.indptr.astype(np.int64),
        "intercept": model.intercept.astype(np.float32),
    }


def save(
    directory: Path,
    training: Training,
    *,
    trained_at: datetime,
    sources: Mapping[str, int],
    training_seconds: float,
) -> ModelInfo:
    """Write a trained model and make it the current one (atomically); older models beyond KEEP are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    name = "model-" + trained_at.strftime("%Y%m%dT%H%M%S%f")
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=directory))
    files = {}
    for key, array in _arrays(training.model).items():
        path = staging / f"{key}.npy"
        np.save(path, array, allow_pickle=False)
        files[path.name] = _sha256(path)
    size = sum((staging / f).stat().st_size for f in files)
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "trained_at": trained_at.isoformat(),
        "rows": training.rows,
        "groups_learnt": training.groups,
        "held_out_rows": training.held_out_rows,
        "scores": training.scores,
        "sources": dict(sources),
        "training_seconds": round(training_seconds, 1),
        "size_bytes": size,
        "temperature": training.model.temperature,
        "groups": training.model.groups,
        "shape": [int(training.model.weights.shape[0]), int(training.model.weights.shape[1])],
        "files": files,
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    staging.rename(directory / name)
    pointer = directory / (POINTER + ".tmp")
    pointer.write_text(name, encoding="utf-8")
    os.replace(pointer, directory / POINTER)
    _remove_old(directory, keep=name)
    return _info(name, manifest)


def _remove_old(directory: Path, keep: str) -> None:
    models = sorted(p for p in directory.glob("model-*") if p.is_dir())
    for old in [p for p in models if p.name != keep][: max(0, len(models) - KEEP)]:
        shutil.rmtree(old, ignore_errors=True)
    for staging in directory.glob(".staging-*"):  # left by a trainer that died
        shutil.rmtree(staging, ignore_errors=True)


def current_name(directory: Path) -> str | None:
    """The current model's folder name, or None when none was ever trained."""
    try:
        return (directory / POINTER).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ModelUnavailable(f"Modellens beskrivning går inte att läsa ({folder.name}).") from error
    if manifest.get("format") != FORMAT:
        raise ModelUnavailable(
            f"Modellen {folder.name} har format {manifest.get('format')}, den här versionen läser format {FORMAT}."
        )
    return manifest


def _info(name: str, manifest: Mapping[str, Any]) -> ModelInfo:
    return ModelInfo(
        name=name,
        trained_at=datetime.fromisoformat(manifest["trained_at"]),
        rows=int(manifest["rows"]),
        groups=int(manifest["groups_learnt"]),
        held_out_rows=int(manifest["held_out_rows"]),
        scores=dict(manifest["scores"]),
        sources=dict(manifest.get("sources", {})),
        size_bytes=int(manifest.get("size_bytes", 0)),
        training_seconds=float(manifest.get("training_seconds", 0)),
    )


def describe(directory: Path) -> ModelInfo:
    """The current model's description (without loading its arrays)."""
    name = current_name(directory)
    if name is None:
        raise ModelUnavailable("Ingen modell är tränad.")
    return _info(name, _manifest(directory / name))


def load(directory: Path) -> tuple[CpvModel, ModelInfo]:
    """The current model, memory-mapped, after checking its format and every array's checksum."""
    name = current_name(directory)
    if name is None:
        raise ModelUnavailable("Ingen modell är tränad.")
    folder = directory / name
    manifest = _manifest(folder)
    arrays = {}
    for file_name, checksum in manifest["files"].items():
        path = folder / file_name
        if not path.exists() or _sha256(path) != checksum:
            raise ModelUnavailable(f"Modellen {name} är skadad: {file_name} stämmer inte med sin kontrollsumma.")
        try:
            arrays[path.stem] = np.load(path, mmap_mode="r", allow_pickle=False)
        except ValueError as error:
            raise ModelUnavailable(f"Modellen {name} är skadad: {file_name} går inte att läsa.") from error
    try:
        weights = sparse.csr_matrix(
            (arrays["weights_data"], arrays["weights_indices"], arrays["weights_indptr"]),
            shape=tuple(manifest["shape"]),
        )
        model = CpvModel(
            arrays["idf"], weights, np.asarray(arrays["intercept"]), list(manifest["groups"]), manifest["temperature"]
        )
    except (KeyError, ValueError, TypeError) as error:
        raise ModelUnavailable(f"Modellen {name} är skadad: {error}.") from error
    return model, _info(name, manifest)

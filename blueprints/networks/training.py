"""Training the CPV model from what the database holds, and the model this process matches with.

The model learns from the procurement statistics (each procurement's title and main CPV code) and from
reviewed challenges (title and description, each CPV code chosen). ``flask --app app matching train`` fits
it; after a statistics import that added or changed procurements, a background job does the same. The model
is kept in ``MATCHING_DIR`` (the instance folder by default; see ``artefacts``) and every process picks up a
newer one on its next ranking. Without a model, or with one that cannot be read, matching uses text,
vocabulary and chosen codes only, and admins see why on the model's page.
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from blueprints.challenges.constants import MATCHED, REVIEWED
from blueprints.challenges.models import Challenge, challenge_cpv
from blueprints.core.db import DomainError, db, utcnow
from blueprints.core.jobs import JobContext, enqueue
from blueprints.core.models import Job
from blueprints.networks import artefacts
from blueprints.networks.cpv_model import CpvModel, TooLittleData, train
from blueprints.statistics.models import Procurement

log = logging.getLogger(__name__)

TRAIN_JOB = "matching.train"
Progress = Callable[[int, int, str], None]


def model_dir() -> Path:
    """Where the model is kept (``MATCHING_DIR``)."""
    return Path(current_app.config["MATCHING_DIR"])


@dataclass(frozen=True)
class TrainingRows:
    """Labelled texts to learn from, the buyer of each (for the held-out split), and how many of each source."""

    texts: list[str]
    codes: list[str]
    buyers: list[str]
    sources: dict[str, int]


def training_rows() -> TrainingRows:
    """The statistics' procurements with a CPV code, and reviewed challenges with their chosen codes."""
    texts: list[str] = []
    codes: list[str] = []
    buyers: list[str] = []
    procurements = db.session.execute(
        sa.select(Procurement.title, Procurement.cpv_code, Procurement.organisation_id).where(
            Procurement.cpv_code.is_not(None), Procurement.cpv_code != "00000000"
        )
    )
    for title, code, organisation_id in procurements.tuples():
        texts.append(title)
        codes.append(code or "")
        buyers.append(str(organisation_id))
    from_statistics = len(texts)
    challenges = db.session.execute(
        sa.select(Challenge.title, Challenge.description, challenge_cpv.c.cpv_code, Challenge.organisation_id)
        .join(challenge_cpv, challenge_cpv.c.challenge_id == Challenge.id)
        .where(Challenge.status.in_((REVIEWED, MATCHED)))
    )
    for title, description, code, organisation_id in challenges.tuples():
        texts.append(f"{title} {description}")
        codes.append(code)
        buyers.append(str(organisation_id))
    sources = {"statistics": from_statistics, "challenges": len(texts) - from_statistics}
    return TrainingRows(texts, codes, buyers, sources)


def train_and_save(progress: Progress | None = None) -> artefacts.ModelInfo:
    """Fit the model on the database's labelled texts and make it the current one (DomainError when there is
    too little to learn from)."""
    report = progress or (lambda done, total, stage: None)
    report(0, 3, _("Läser upphandlingar och granskade utmaningar …"))
    rows = training_rows()
    report(1, 3, _("Tränar modellen på %(rows)s texter …", rows=len(rows.texts)))
    started = time.perf_counter()
    try:
        training = train(rows.texts, rows.codes, rows.buyers)
    except TooLittleData as error:
        raise DomainError(
            _(
                "För lite att lära av: %(found)s. Modellen behöver minst %(rows)s texter med CPV-kod i minst "
                "%(groups)s CPV-grupper; importera upphandlingsstatistik först.",
                found=str(error),
                rows=300,
                groups=5,
            )
        ) from error
    report(2, 3, _("Sparar modellen …"))
    return artefacts.save(
        model_dir(),
        training,
        trained_at=utcnow(),
        sources=rows.sources,
        training_seconds=time.perf_counter() - started,
    )


def run_training(context: JobContext) -> dict[str, Any]:
    """The training job: fit, save, and say what was learnt."""
    info = train_and_save(context.progress)
    return {"name": info.name, "rows": info.rows, "scores": dict(info.scores)}


def queue_training(actor: Any = None) -> Job:
    """Queue a training job, unless one is already waiting."""
    waiting = db.session.scalar(sa.select(Job).where(Job.kind == TRAIN_JOB, Job.status == "queued").limit(1))
    return waiting or enqueue(kind=TRAIN_JOB, actor=actor)


def on_procurements_changed(_record: object) -> None:
    """After an import changed the statistics: learn from them again (in the import's transaction)."""
    queue_training()


# --- the model this process matches with -------------------------------------------------------------


@dataclass
class _Loaded:
    directory: str = ""
    name: str | None = None
    model: CpvModel | None = None
    problem: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_loaded = _Loaded()


def current_model() -> tuple[CpvModel | None, str | None]:
    """The current model (loaded once per process and again when a newer one is saved), or None and why."""
    directory = model_dir()
    name = artefacts.current_name(directory)
    with _loaded.lock:
        if name != _loaded.name or str(directory) != _loaded.directory:
            _loaded.directory, _loaded.name = str(directory), name
            try:
                _loaded.model, _info = artefacts.load(directory)
                _loaded.problem = None
            except artefacts.ModelUnavailable as error:
                _loaded.model, _loaded.problem = None, str(error)
                if name is not None:
                    log.warning("matching model not used: %s", error)
        return _loaded.model, _loaded.problem


def model_status() -> tuple[artefacts.ModelInfo | None, str | None]:
    """What admins see: the current model's description, and a problem that keeps it from being used (both
    None when none was ever trained)."""
    if artefacts.current_name(model_dir()) is None:
        return None, None
    try:
        info = artefacts.describe(model_dir())
    except artefacts.ModelUnavailable as error:
        return None, str(error)
    _model, problem = current_model()
    return info, problem

"""Processes that do bulk work (the job worker, the import and training commands) tell Python's cycle collector
so at their start."""

import gc


def prepare_for_bulk_work() -> None:
    """Bulk work makes hundreds of thousands of objects (rows, their values, ORM state) that live until the work
    is done, and the cycle collector, run after every 700 new objects, walks them again and again. What the
    process holds now (the app, its libraries) is set aside for good (``gc.freeze``), and a young-generation
    pass waits for 50,000 new objects: on PostgreSQL a 20,000-row `flask challenges import` took 14–15 s before,
    12–13 s after (bench/imports.py). Cycles are still collected, less often; memory grows by what they hold
    meanwhile."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)

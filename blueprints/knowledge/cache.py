"""Public pages kept in this process for readers without an account, by ETag: a page asked for again is sent
from memory after one small read (its ETag's parts). The ETag names what the page is made of (the articles'
data version or the article's write count, the language, the templates), so a kept page is never older than
the data it shows; an entry is also dropped after ``READERS_MAX_AGE`` seconds, as a proxy would (a need
area renamed meanwhile, say). At most ``KNOWLEDGE_PAGE_CACHE`` pages and ``BUDGET`` bytes in all (a page of
more than ``LARGEST`` bytes is not kept), the least recently used dropped first. Pure: no Flask."""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

LARGEST = 512 * 1024
BUDGET = 32 * 1024 * 1024  # per process: 2 workers keep at most 64 MB of pages


@dataclass(frozen=True)
class Kept:
    """A page as it was sent."""

    body: bytes
    mimetype: str
    kept_at: float


class PageCache:
    """A bounded, thread-safe least-recently-used store of pages by ETag."""

    def __init__(self, size: int, max_age: float, budget: int = BUDGET) -> None:
        self.size, self.max_age, self.budget = size, max_age, budget
        self._pages: OrderedDict[str, Kept] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, etag: str) -> Kept | None:
        """The page kept under ``etag``, if it is not too old."""
        with self._lock:
            kept = self._pages.get(etag)
            if kept is None:
                return None
            if time.monotonic() - kept.kept_at > self.max_age:
                self._drop(etag)
                return None
            self._pages.move_to_end(etag)
            return kept

    def put(self, etag: str, body: bytes, mimetype: str) -> None:
        """Keep a page (not when the cache is off or the page is very large)."""
        if self.size <= 0 or len(body) > LARGEST:
            return
        with self._lock:
            if etag in self._pages:
                self._drop(etag)
            self._pages[etag] = Kept(body, mimetype, time.monotonic())
            self._bytes += len(body)
            while len(self._pages) > self.size or self._bytes > self.budget:
                self._drop(next(iter(self._pages)))

    def _drop(self, etag: str) -> None:
        self._bytes -= len(self._pages.pop(etag).body)

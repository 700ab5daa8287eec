"""Public pages kept in this process for readers without an account, by ETag: a page asked for again is sent
from memory after one small read (its ETag's parts). The ETag names what the page is made of (the articles'
data version or the article's write count, the language, the templates), so a kept page is never older than
the data it shows; an entry is also dropped after ``READERS_MAX_AGE`` seconds, as a proxy would (a need
area renamed meanwhile, say). At most ``KNOWLEDGE_PAGE_CACHE`` pages, of at most ``LARGEST`` bytes each, the
least recently used dropped first. Pure: no Flask."""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

LARGEST = 512 * 1024


@dataclass(frozen=True)
class Kept:
    """A page as it was sent."""

    body: bytes
    mimetype: str
    kept_at: float


class PageCache:
    """A bounded, thread-safe least-recently-used store of pages by ETag."""

    def __init__(self, size: int, max_age: float) -> None:
        self.size, self.max_age = size, max_age
        self._pages: OrderedDict[str, Kept] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, etag: str) -> Kept | None:
        """The page kept under ``etag``, if it is not too old."""
        with self._lock:
            kept = self._pages.get(etag)
            if kept is None:
                return None
            if time.monotonic() - kept.kept_at > self.max_age:
                del self._pages[etag]
                return None
            self._pages.move_to_end(etag)
            return kept

    def put(self, etag: str, body: bytes, mimetype: str) -> None:
        """Keep a page (not when the cache is off or the page is very large)."""
        if self.size <= 0 or len(body) > LARGEST:
            return
        with self._lock:
            self._pages[etag] = Kept(body, mimetype, time.monotonic())
            self._pages.move_to_end(etag)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

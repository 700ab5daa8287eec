"""The in-process store of public pages: bounded, least recently used first out, and aged out. Pure."""

import time

from blueprints.knowledge.cache import LARGEST, PageCache


def test_the_least_recently_used_page_leaves_first():
    cache = PageCache(2, max_age=60)
    cache.put("a", b"A", "text/html")
    cache.put("b", b"B", "text/html")
    assert cache.get("a").body == b"A"  # a is now the most recent
    cache.put("c", b"C", "text/html")
    assert cache.get("b") is None and cache.get("a").body == b"A" and cache.get("c").body == b"C"


def test_the_pages_kept_stay_within_the_byte_budget():
    cache = PageCache(100, max_age=60, budget=10)
    for name in "abc":
        cache.put(name, b"1234", "text/html")  # 12 bytes asked for, 10 allowed: "a" leaves
    assert cache.get("a") is None and cache.get("b").body == b"1234" and cache.get("c").body == b"1234"
    cache.put("b", b"12345", "text/html")  # replaced, not counted twice
    assert cache.get("c") is not None and cache.get("b").body == b"12345"


def test_old_large_and_switched_off_pages_are_not_sent():
    cache = PageCache(4, max_age=0.01)
    cache.put("a", b"A", "text/html")
    time.sleep(0.02)
    assert cache.get("a") is None
    cache.put("big", b"x" * (LARGEST + 1), "text/html")
    assert cache.get("big") is None
    off = PageCache(0, max_age=60)
    off.put("a", b"A", "text/html")
    assert off.get("a") is None

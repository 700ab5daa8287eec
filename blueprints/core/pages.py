"""A page of results that were counted and fetched by hand (grouped rows, say), with everything the
pagination macro asks of Flask-SQLAlchemy's pages."""

from typing import Any

from flask_sqlalchemy.pagination import Pagination


class CountedPage(Pagination):
    """Page ``page`` of ``total`` results, holding ``items``."""

    def __init__(self, *, items: list[Any], total: int, page: int, per_page: int) -> None:
        self._given_items, self._given_total = items, total
        super().__init__(page=page, per_page=per_page, max_per_page=None, error_out=False, count=True)

    def _query_items(self) -> list[Any]:
        return self._given_items

    def _query_count(self) -> int:
        return self._given_total

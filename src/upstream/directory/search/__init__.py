"""Directory search: one query object (base.SearchQuery), one backend per database."""

from __future__ import annotations

from django.db import connection

from upstream.directory.search.base import SearchBackend, SearchPage, SearchQuery


def backend() -> SearchBackend:
    """Returns the search backend for the database in use."""
    if connection.vendor == "postgresql":
        from upstream.directory.search.postgres import PostgresBackend

        return PostgresBackend()
    from upstream.directory.search.sqlite import SqliteBackend

    return SqliteBackend()


def search(query: SearchQuery) -> SearchPage:
    """Returns one page of services for the query, from this database's backend."""
    return backend().search(query)


__all__ = ["SearchPage", "SearchQuery", "backend", "search"]

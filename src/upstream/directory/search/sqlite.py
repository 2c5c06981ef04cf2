"""SQLite: FTS5 (porter stemming, diacritics folded) over ServiceText, mirrored by triggers (migration 0002)."""

from __future__ import annotations

import uuid

from django.db import connection

from upstream.directory.search.base import SearchBackend
from upstream.directory.search.vocabulary import correct


class SqliteBackend(SearchBackend):
    """Text search with SQLite FTS5 and bm25 ranking."""

    vendor = "sqlite"

    def text_matches(self, words: list[str], limit: int) -> tuple[list[tuple[uuid.UUID, float]], list[str]]:
        """Returns (service id, score) best first: every word must match, as typed or corrected, or as a prefix."""
        fixed, changed = correct(words)
        # Words are \w+ only, and quoted: FTS5 query syntax cannot be injected.
        terms = []
        for typed, known in zip(words, fixed, strict=True):
            options = {f'"{typed}"*', f'"{known}"*'}
            terms.append("(" + " OR ".join(sorted(options)) + ")")
        match = " AND ".join(terms)
        sql = (
            "SELECT t.service_id, bm25(directory_service_fts) FROM directory_service_fts "
            "JOIN directory_servicetext t ON t.id = directory_service_fts.rowid "
            "WHERE directory_service_fts MATCH %s ORDER BY bm25(directory_service_fts) LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [match, limit])
            rows = cursor.fetchall()
        # bm25 is lower-is-better; turn it round so every backend's score is higher-is-better.
        return [
            (uuid.UUID(str(sid)) if not isinstance(sid, uuid.UUID) else sid, -score) for sid, score in rows
        ], changed

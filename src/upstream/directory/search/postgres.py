"""PostgreSQL: full text and pg_trgm word similarity over ServiceText (indexes in migration 0002).

English stemming, plus the 'simple' configuration for Welsh words and names, which English would mangle.
"""

from __future__ import annotations

import uuid

from django.db import connection

from upstream.directory.search.base import SearchBackend
from upstream.directory.search.vocabulary import correct


class PostgresBackend(SearchBackend):
    """Text search with tsvector ranking and trigram similarity."""

    vendor = "postgresql"

    def text_matches(self, words: list[str], limit: int) -> tuple[list[tuple[uuid.UUID, float]], list[str]]:
        """Returns (service id, score) best first: every word must match by stem, prefix or near spelling."""
        fixed, changed = correct(words)
        # Each word is \\w+ only; to_tsquery gets "word:*" per word, so no tsquery syntax can be injected.
        prefix_terms = []
        for typed, known in zip(words, fixed, strict=True):
            options = sorted({f"{typed}:*", f"{known}:*"})
            prefix_terms.append("(" + " | ".join(options) + ")")
        tsquery = " & ".join(prefix_terms)
        phrase = " ".join(fixed)
        sql = """
            SELECT service_id,
                   ts_rank(to_tsvector('english', body), to_tsquery('english', %(q)s))
                   + ts_rank(to_tsvector('simple', body), to_tsquery('simple', %(q)s))
                   + word_similarity(%(phrase)s, body) AS score
            FROM directory_servicetext
            WHERE to_tsvector('english', body) @@ to_tsquery('english', %(q)s)
               OR to_tsvector('simple', body) @@ to_tsquery('simple', %(q)s)
               OR %(phrase)s <%% body
            ORDER BY score DESC
            LIMIT %(limit)s
        """
        with connection.cursor() as cursor:
            cursor.execute(sql, {"q": tsquery, "phrase": phrase, "limit": limit})
            rows = cursor.fetchall()
        return [(sid, float(score)) for sid, score in rows], changed

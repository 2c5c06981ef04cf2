"""PostgreSQL: full text over a stored tsvector column of ServiceText, and pg_trgm when words find little.

The column (migration 0004) holds the English stems and the plain words ('simple'), so Welsh words and names,
which English stemming would mangle, are found as typed; each query word may match either. Trigram word
similarity is not part of the main match: it adds near spellings only when the words match fewer than
FEW_TEXT_MATCHES services (misspellings are first corrected against the index's vocabulary).
"""

# ruff: noqa: S608 - the SQL is assembled from fixed fragments; every value is passed as a parameter

from __future__ import annotations

from typing import Any

from upstream.directory.search.base import SearchBackend
from upstream.directory.search.vocabulary import correct, known_words

FEW_TEXT_MATCHES = 3


class PostgresBackend(SearchBackend):
    """Text search with a stored tsvector, ts_rank, and trigram similarity as a fallback."""

    vendor = "postgresql"
    contains = "strpos({column}, %s) > 0"
    char_code = "ascii"

    def text_source(self, words: list[str], *, ranked: bool = True) -> tuple[str, list[Any], list[str]]:
        """Returns SQL for (text_id, score): every word must match by stem, prefix or near spelling."""
        fixed, changed = correct(words)
        # Each word is \\w+ only; to_tsquery gets "word:*" per word, so no tsquery syntax can be injected.
        vocabulary = known_words()
        parts, params = [], []
        for typed, known in zip(words, fixed, strict=True):
            # A word the index holds is matched as a word (stemmed); others as a prefix, as typed or corrected.
            term = typed if typed in vocabulary else " | ".join(sorted({f"{typed}:*", f"{known}:*"}))
            parts.append("(to_tsquery('english', %s) || to_tsquery('simple', %s))")
            params += [term, term]
        tsquery = " && ".join(parts)
        phrase = " ".join(fixed)
        sql = f"""
            WITH q AS (SELECT {tsquery} AS q),
            m AS (
                SELECT t.id AS text_id, {"ts_rank(t.search_vector, q.q)" if ranked else "0.0"} AS score
                FROM directory_servicetext t, q WHERE t.search_vector @@ q.q
            )
            SELECT text_id, score FROM m
            UNION ALL
            SELECT t.id, word_similarity(%s, t.body) / 10 FROM directory_servicetext t
            WHERE (SELECT count(*) FROM (SELECT 1 FROM m LIMIT {FEW_TEXT_MATCHES}) few) < {FEW_TEXT_MATCHES}
              AND %s <%% t.body AND t.id NOT IN (SELECT text_id FROM m)
        """
        return sql, [*params, phrase, phrase], changed

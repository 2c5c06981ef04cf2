"""SQLite: FTS5 (porter stemming, diacritics folded) over ServiceText, mirrored by triggers (migration 0002)."""

# ruff: noqa: S608 - the SQL is assembled from fixed fragments; every value is passed as a parameter

from __future__ import annotations

from typing import Any

from upstream.directory.search.base import SearchBackend
from upstream.directory.search.vocabulary import correct, known_words


class SqliteBackend(SearchBackend):
    """Text search with SQLite FTS5 and bm25 ranking."""

    vendor = "sqlite"
    contains = "instr({column}, %s) > 0"
    char_code = "unicode"
    fence = "LIMIT -1"  # SQLite has no OFFSET without LIMIT; LIMIT -1 (none) keeps the subquery whole too

    def text_source(self, words: list[str], *, ranked: bool = True) -> tuple[str, list[Any], list[str]]:
        """Returns SQL for (text_id, score): every word must match, as typed or corrected, or as a prefix."""
        fixed, changed = correct(words)
        # Words are \w+ only, and quoted: FTS5 query syntax cannot be injected.
        vocabulary = known_words()
        terms = []
        for typed, known in zip(words, fixed, strict=True):
            # A word the index holds is matched as a word (stemmed); others as a prefix, as typed or corrected.
            options = {f'"{typed}"'} if typed in vocabulary else {f'"{typed}"*', f'"{known}"*'}
            terms.append("(" + " OR ".join(sorted(options)) + ")")
        match = " AND ".join(terms)
        # bm25 is lower-is-better; turned round so every backend's score is higher-is-better.
        score = "-bm25(directory_service_fts)" if ranked else "0.0"
        sql = (
            f"SELECT rowid AS text_id, {score} AS score "
            "FROM directory_service_fts WHERE directory_service_fts MATCH %s LIMIT -1"
        )  # LIMIT -1 (none) keeps SQLite from folding this into the outer query, where bm25 cannot run
        return sql, [match], changed

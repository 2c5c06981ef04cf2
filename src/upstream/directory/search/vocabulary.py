"""Typo tolerance shared by the backends: unknown words are replaced by their nearest known word.

rapidfuzz compares against the index's vocabulary, so "counseling" finds "counselling".
"""

from __future__ import annotations

import threading
import time

from rapidfuzz import fuzz, process

from upstream.directory.models import ServiceText

_lock = threading.Lock()
_cache: dict[str, object] = {"words": frozenset(), "loaded": 0.0, "count": -1}
REFRESH_SECONDS = 60
SHORTEST_CORRECTED = 4  # shorter words have too many near neighbours to guess


def known_words() -> frozenset[str]:
    """Returns every word in the search index (reloaded at most once a minute, or when services change)."""
    now = time.monotonic()
    with _lock:
        if now - float(_cache["loaded"]) < REFRESH_SECONDS:  # type: ignore[arg-type]
            return _cache["words"]  # type: ignore[return-value]
    words: set[str] = set()
    for vocabulary in ServiceText.objects.values_list("vocabulary", flat=True).iterator(chunk_size=2000):
        words.update(vocabulary.split())
    with _lock:
        _cache.update(words=frozenset(words), loaded=now)
    return frozenset(words)


def forget() -> None:
    """Drops the cached vocabulary (after an import, so new words are known at once)."""
    with _lock:
        _cache["loaded"] = 0.0


def correct(words: list[str]) -> tuple[list[str], list[str]]:
    """Returns the words with unknown ones replaced by their nearest known word, and those it changed."""
    vocabulary = known_words()
    out, changed = [], []
    for word in words:
        if word in vocabulary or len(word) < SHORTEST_CORRECTED or word.isdigit():
            out.append(word)
            continue
        best = process.extractOne(word, vocabulary, scorer=fuzz.ratio, score_cutoff=75)
        if best is None:
            out.append(word)
        else:
            out.append(best[0])
            changed.append(best[0])
    return out, changed

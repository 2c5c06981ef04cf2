"""Records' own words in the reader's language: a hook that the translation package fills.

A capability's page asks ``localise(record, fields)`` for the text of some fields of a record (a service's
name and description, a guide's body) in the page's language. Without a registered resolver — or where no
published translation exists — each field comes back in the record's own language (English), marked so the
template can say so with ``lang="en"`` and a screen reader reads it with the right voice. Core holds only
the hook, so the directory never imports the translation package, nor it the directory's pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import translation
from markupsafe import Markup, escape

# resolver(record, fields, language) -> {field: published text in that language}; fields it omits stay as they are
Resolver = Callable[[Any, Sequence[str], str], dict[str, str]]
_resolvers: list[Resolver] = []
# bulk(records of one model, fields, language) -> {str(record id): {field: text}}, for list pages
BulkResolver = Callable[[Sequence[Any], Sequence[str], str], dict[str, dict[str, str]]]
_bulk_resolvers: list[BulkResolver] = []


def source_language() -> str:
    """Returns the language the records are written in (English unless settings say otherwise)."""
    return str(getattr(settings, "DIRECTORY_SOURCE_LANGUAGE", "en"))


@dataclass(frozen=True)
class LocalisedText:
    """One field's text as shown, and the language it is actually in."""

    text: str
    language: str
    page_language: str

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)

    @property
    def foreign(self) -> bool:
        """Returns whether the text is in another language than the page around it."""
        return self.language.split("-")[0] != self.page_language.split("-")[0]

    @property
    def lang_attr(self) -> Markup:
        """Returns ` lang="en"` when the text is not in the page's language, else nothing."""
        return Markup(' lang="{}"').format(self.language) if self.foreign else Markup("")

    @property
    def html(self) -> Markup:
        """Returns the text escaped, in a span that names its language when it differs from the page's."""
        if not self.foreign:
            return escape(self.text)
        return Markup('<span lang="{}">{}</span>').format(self.language, self.text)


def register(resolver: Resolver) -> None:
    """Adds a resolver of published translations (the translation package registers one when it is ready)."""
    if resolver not in _resolvers:
        _resolvers.append(resolver)


def register_bulk(resolver: BulkResolver) -> None:
    """Adds a resolver that answers a whole list of records of one model at once."""
    if resolver not in _bulk_resolvers:
        _bulk_resolvers.append(resolver)


def localise_many(
    records: Sequence[Any], fields: Sequence[str], language: str | None = None
) -> list[dict[str, LocalisedText]]:
    """Returns ``localise`` for each of a list of records of one model, with one lookup for the whole list."""
    page_language = (language or translation.get_language() or source_language()).split("-")[0]
    wanted = [r for r in records if record_language(r) != page_language]
    found: dict[str, dict[str, str]] = {}
    if wanted:
        for resolver in _bulk_resolvers:
            for key, texts in resolver(wanted, fields, page_language).items():
                found.setdefault(key, {}).update(texts)
    result = []
    for record in records:
        texts = found.get(str(record.pk), {})
        original = record_language(record)
        row = {}
        for field in fields:
            if field in texts:
                row[field] = LocalisedText(texts[field], page_language, page_language)
            else:
                value = getattr(record, field, "")
                row[field] = LocalisedText("" if value is None else str(value), original, page_language)
        result.append(row)
    return result


def record_language(record: Any) -> str:
    """Returns the language a record is written in: its own ``language`` field (a guide's) or the default."""
    own = getattr(record, "language", "")
    return own.split("-")[0].lower() if isinstance(own, str) and own.strip() else source_language()


def localise(record: Any, fields: Sequence[str], language: str | None = None) -> dict[str, LocalisedText]:
    """Returns each field of the record in the page's language where published, else in the record's own."""
    page_language = (language or translation.get_language() or source_language()).split("-")[0]
    original = record_language(record) if record is not None else source_language()
    found: dict[str, str] = {}
    if record is not None and page_language != original:
        for resolver in _resolvers:
            found.update(resolver(record, fields, page_language))
    result: dict[str, LocalisedText] = {}
    for field in fields:
        if field in found:
            result[field] = LocalisedText(found[field], page_language, page_language)
        else:
            value = getattr(record, field, "") if record is not None else ""
            result[field] = LocalisedText("" if value is None else str(value), original, page_language)
    return result

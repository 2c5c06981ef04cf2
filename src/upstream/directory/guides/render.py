"""Turns a guide's plain text into safe HTML: a few shapes of line, everything else escaped.

The body is never HTML, so nothing a co-ordinator types (or a translation brings) can add a script or a
style. The shapes:

    ## A heading               -> <h2>
    - an item / * an item      -> a bulleted list
    1. a step                  -> a numbered list
    a blank line               -> a new paragraph
    [words](https://...)       -> a link (http, https, mailto, tel, or a path on this site starting with /)
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

LINK = re.compile(r"\[([^\]\n]{1,200})\]\(((?:https?://|mailto:|tel:|/)[^\s)]{0,500})\)")
BULLET = re.compile(r"^\s*[-*]\s+(.*)$")
NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")
HEADING = re.compile(r"^##\s+(.*)$")


def _inline(text: str) -> str:
    out: list[str] = []
    position = 0
    for match in LINK.finditer(text):
        out.append(str(escape(text[position : match.start()])))
        words, href = match.group(1), match.group(2)
        if href.startswith("//"):
            out.append(str(escape(match.group(0))))  # a protocol-relative address is not a path on this site
        else:
            out.append(f'<a class="govuk-link" href="{escape(href)}">{escape(words)}</a>')
        position = match.end()
    out.append(str(escape(text[position:])))
    return "".join(out)


def render(body: str) -> Markup:
    """Returns the guide's body as GOV.UK-styled HTML, built only from escaped text."""
    html: list[str] = []
    paragraph: list[str] = []
    items: list[str] = []
    list_tag = ""

    def flush_paragraph() -> None:
        if paragraph:
            html.append(f'<p class="govuk-body">{_inline(" ".join(paragraph))}</p>')
            paragraph.clear()

    def flush_list() -> None:
        nonlocal list_tag
        if items:
            kind = "govuk-list--bullet" if list_tag == "ul" else "govuk-list--number"
            html.append(
                f'<{list_tag} class="govuk-list {kind}">' + "".join(f"<li>{i}</li>" for i in items) + f"</{list_tag}>"
            )
            items.clear()
        list_tag = ""

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        heading, bullet, numbered = HEADING.match(line), BULLET.match(line), NUMBERED.match(line)
        if not line.strip():
            flush_paragraph()
            flush_list()
        elif heading:
            flush_paragraph()
            flush_list()
            html.append(f'<h2 class="govuk-heading-m">{_inline(heading.group(1))}</h2>')
        elif bullet or numbered:
            flush_paragraph()
            tag = "ul" if bullet else "ol"
            if list_tag and list_tag != tag:
                flush_list()
            list_tag = tag
            items.append(_inline((bullet or numbered).group(1)))  # type: ignore[union-attr]
        else:
            flush_list()
            paragraph.append(line.strip())
    flush_paragraph()
    flush_list()
    return Markup("\n".join(html))  # noqa: S704 - every piece above was escaped

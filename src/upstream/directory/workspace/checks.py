"""Checking a service's website and phone numbers: the work of the background link and phone checks.

Websites: a HEAD request (a GET when the server refuses HEAD), with a timeout, following at most five
redirects one hop at a time so that every hop is checked. Addresses that resolve to private, loopback or
link-local networks are refused unless ``DIRECTORY_CHECKS_ALLOW_PRIVATE`` is set (the tests serve pages on
127.0.0.1): a feed must not be able to make Upstream probe the force's own network.

Phone numbers: the ``phonenumbers`` library when it is installed; otherwise the UK numbering plan's shapes
(Ofcom's National Telephone Numbering Plan): 0 then 9 or 10 digits by range, +44 accepted for the 0, and the
short codes 999, 112, 111, 101, 105, 119 and 116xxx.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

MAX_REDIRECTS = 5
TIMEOUT_SECONDS = 10.0
USER_AGENT = "Upstream-Pathways-link-check/1.0"
HTTP_OK_BELOW = 400
REDIRECTS = {301, 302, 303, 307, 308}
HEAD_REFUSED = {403, 405, 501}


@dataclass(frozen=True)
class Outcome:
    """What a check found: whether it is fine, and what to tell the co-ordinator."""

    ok: bool
    message: str
    status_code: int | None = None
    final_url: str = ""

    @classmethod
    def fail(cls, message: str, status_code: int | None = None, final_url: str = "") -> Outcome:
        """Returns a failed check with what to tell the co-ordinator."""
        return cls(ok=False, message=message, status_code=status_code, final_url=final_url)

    @classmethod
    def passed(cls, message: str, status_code: int | None = None, final_url: str = "") -> Outcome:
        """Returns a check that found nothing wrong."""
        return cls(ok=True, message=message, status_code=status_code, final_url=final_url)


def _address_allowed(host: str) -> bool:
    if getattr(settings, "DIRECTORY_CHECKS_ALLOW_PRIVATE", False):
        return True
    try:
        infos = socket.getaddrinfo(host, None)
    except (socket.gaierror, UnicodeError):
        return True  # the connection will fail and say so
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_private or address.is_loopback or address.is_link_local or address.is_reserved:
            return False
    return True


def _request(url: str, method: str, timeout: float) -> tuple[int, str]:
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "", parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    try:
        connection.request(method, path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*"})
        response = connection.getresponse()
        location = response.getheader("Location", "")
        return response.status, location
    finally:
        connection.close()


def check_url(url: str, *, timeout: float = TIMEOUT_SECONDS) -> Outcome:  # noqa: C901, PLR0911 - one answer per way a link fails
    """Returns whether a web address answers, following redirects hop by hop."""
    current = url.strip()
    if not re.match(r"^https?://", current, re.IGNORECASE):
        return Outcome.fail(_("This is not a web address starting with http:// or https://."))
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(current)
        if not parts.hostname:
            return Outcome.fail(_("The address has no host name."), final_url=current)
        if not _address_allowed(parts.hostname):
            return Outcome.fail(_("The address points inside a private network, so it was not checked."))
        try:
            status, location = _request(current, "HEAD", timeout)
            if status in HEAD_REFUSED:
                status, location = _request(current, "GET", timeout)
        except TimeoutError:
            return Outcome.fail(_("The website did not answer within %(s)d seconds.") % {"s": timeout})
        except (socket.gaierror, UnicodeError):
            return Outcome.fail(_("No website is registered at this address (the name does not resolve)."))
        except ConnectionRefusedError:
            return Outcome.fail(_("The website refused the connection."))
        except (OSError, http.client.HTTPException) as error:
            return Outcome.fail(_("The website could not be reached: %(error)s") % {"error": error.__class__.__name__})
        if status in REDIRECTS and location:
            current = urljoin(current, location)
            continue
        if status < HTTP_OK_BELOW:
            moved = current != url.strip()
            message = _("Works, but moved to %(url)s.") % {"url": current} if moved else _("Works.")
            return Outcome.passed(message, status, current)
        return Outcome.fail(_("The website answered with error %(status)d.") % {"status": status}, status, current)
    return Outcome.fail(_("Too many redirects (more than %(n)d).") % {"n": MAX_REDIRECTS}, final_url=current)


# The UK numbering plan, by the digits after the leading 0: (prefix, allowed national significant lengths).
UK_RANGES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("16977", (9, 10)),  # Brampton: the one area code left with 9 digits after the 0
    ("1", (10,)),  # geographic
    ("2", (10,)),
    ("3", (10,)),  # non-geographic, charged as geographic
    ("5", (10,)),  # corporate and VoIP
    ("7", (10,)),  # mobile, pagers and personal numbers
    ("8001111", (7,)),  # Childline, the one 0800 number this short
    ("800", (9, 10)),  # freephone 0800 may be 10 or 11 digits in all
    ("808", (10,)),
    ("84", (10,)),
    ("87", (10,)),
    ("9", (10,)),  # premium rate
)
SHORT_CODES = {"999", "112", "111", "101", "105", "119"}
PHONE_PUNCTUATION = re.compile(r"[\s\-().]")


def uk_phone_problem(number: str) -> str | None:  # noqa: PLR0911 - one answer per way a number is wrong
    """Returns what is wrong with a UK phone number by the numbering plan's shapes, or None if it looks right."""
    compact = PHONE_PUNCTUATION.sub("", number.strip())
    compact = re.sub(r"(?i)(ext|x)\.?\d+$", "", compact)
    if compact in SHORT_CODES or re.fullmatch(r"116\d{3}", compact):
        return None
    if compact.startswith("+44"):
        compact = "0" + compact[3:].removeprefix("0")
    elif compact.startswith("0044"):
        compact = "0" + compact[4:]
    elif compact.startswith("+"):
        return None  # an international number outside the UK: not ours to judge without phonenumbers
    if not compact.isdigit():
        return _("A phone number has only digits, spaces and a leading +44.")
    if not compact.startswith("0"):
        return _("A UK number starts with 0 (or +44).")
    rest = compact[1:]
    for prefix, lengths in UK_RANGES:
        if rest.startswith(prefix):
            if len(rest) in lengths:
                return None
            return _("A number starting 0%(prefix)s has %(n)s digits, not %(got)d.") % {
                "prefix": prefix,
                "n": _(" or ").join(str(n + 1) for n in lengths),
                "got": len(compact),
            }
    return _("No UK numbers start 0%(digit)s.") % {"digit": rest[:1] or "0"}


def check_phone(number: str) -> Outcome:
    """Returns whether a phone number is a possible, valid number (UK unless it says otherwise)."""
    if not number.strip():
        return Outcome.fail(_("The phone number is empty."))
    try:
        import phonenumbers  # type: ignore[import-not-found]  # optional: the UK rule below stands in
    except ImportError:
        problem = uk_phone_problem(number)
        return Outcome.fail(problem) if problem else Outcome.passed(_("Looks like a valid UK number."))
    try:
        parsed = phonenumbers.parse(number, "GB")
    except phonenumbers.NumberParseException:
        return Outcome.fail(_("This is not a phone number."))
    if phonenumbers.is_valid_number(parsed):
        return Outcome.passed(_("A valid number."))
    return Outcome.fail(_("This is not a valid number for its country."))

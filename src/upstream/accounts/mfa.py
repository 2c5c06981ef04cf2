"""Time-based one-time passwords (TOTP, RFC 6238) with django-otp: devices, QR codes, secrets."""

from __future__ import annotations

import re
from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from upstream.accounts.models import User

DEVICE_NAME = "Authenticator app"


def confirmed_device(user: User) -> TOTPDevice | None:
    """Returns the user's confirmed authenticator device, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_device(user: User) -> TOTPDevice:
    """Returns the device being set up for the user, making one the first time they reach the page.

    The same unconfirmed device is shown until it is confirmed, so reloading the page does not change the
    QR code under someone who has already scanned it.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def secret_for_manual_entry(device: TOTPDevice) -> str:
    """Returns the device's secret in base32, in groups of four, for typing into an authenticator app."""
    secret = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_svg(device: TOTPDevice) -> SafeString:
    """Returns the device's set-up address as an inline SVG QR code, labelled for screen readers."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=15,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = image.to_string(encoding="unicode")
    label = escape(_("QR code to scan with your authenticator app"))
    # The SVG carries only presentation attributes (fill, width), never style="…", so the strict CSP holds.
    svg = re.sub(
        r"^<svg ",
        '<svg role="img" aria-labelledby="qr-code-title" class="upstream-qr-code" focusable="false" ',
        svg,
        count=1,
    )
    svg = re.sub(r"(<svg[^>]*>)", rf'\1<title id="qr-code-title">{label}</title>', svg, count=1)
    return mark_safe(svg)  # made by qrcode from our own device URL; the label is escaped

"""Drawn signatures: a PNG sent by the signature pad, checked before it is stored.

The browser sends ``data:image/png;base64,…``. We accept only a real, small, non-empty PNG:
the magic bytes, the size, the dimensions read from the header before decoding (no
decompression bomb), then a full decode by Pillow and a check that something was drawn.
"""

from __future__ import annotations

import base64
import binascii
import io
import struct

from flask_babel import gettext as _
from PIL import Image, ImageChops, UnidentifiedImageError

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATA_URL_PREFIX = "data:image/png;base64,"
MAX_BYTES = 200_000
MAX_SIDE = 2000


class SignatureError(Exception):
    """The signature cannot be stored; ``str(exc)`` is a French message safe to show."""


def decode_signature(data_url: str | None) -> bytes | None:
    """The PNG bytes of a drawn signature, or None when nothing was sent."""
    data_url = (data_url or "").strip()
    if not data_url:
        return None
    if not data_url.startswith(DATA_URL_PREFIX):
        raise SignatureError(_("La signature doit être une image PNG. Signez à nouveau ou tapez votre nom."))
    encoded = data_url[len(DATA_URL_PREFIX) :]
    if len(encoded) > MAX_BYTES * 4 // 3 + 4:
        raise SignatureError(_("La signature est trop volumineuse. Effacez-la et signez à nouveau."))
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise SignatureError(
            _("La signature reçue est illisible. Signez à nouveau ou tapez votre nom.")
        ) from None
    check_png(data)
    return data


def check_png(data: bytes) -> None:
    """Raise SignatureError unless ``data`` is a small PNG with something drawn on it."""
    if len(data) > MAX_BYTES:
        raise SignatureError(_("La signature est trop volumineuse. Effacez-la et signez à nouveau."))
    if len(data) < 33 or not data.startswith(PNG_MAGIC) or data[12:16] != b"IHDR":
        raise SignatureError(_("La signature doit être une image PNG. Signez à nouveau ou tapez votre nom."))
    width, height = struct.unpack(">II", data[16:24])
    if not (0 < width <= MAX_SIDE and 0 < height <= MAX_SIDE):
        raise SignatureError(
            _("La signature a des dimensions inattendues. Signez à nouveau ou tapez votre nom.")
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != "PNG":
                raise SignatureError(_("La signature doit être une image PNG."))
            image.load()
            drawn = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise SignatureError(
            _("La signature reçue est illisible. Signez à nouveau ou tapez votre nom.")
        ) from None
    # Something drawn: at least one non-transparent pixel that is not white.
    alpha = drawn.getchannel("A")
    ink = Image.eval(drawn.convert("L"), lambda v: 255 if v < 200 else 0)
    if ImageChops.multiply(alpha, ink).getbbox() is None:
        raise SignatureError(_("La zone de signature est vide : signez avec le doigt ou tapez votre nom."))

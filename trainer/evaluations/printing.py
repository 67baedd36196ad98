"""QR codes (SVG) and PDFs (WeasyPrint) for the printed evaluation material."""

from __future__ import annotations

import base64
import io

from flask import current_app, render_template


def qr_data_uri(url: str) -> str:
    """A QR code of ``url`` as an SVG data URI (crisp at any print size)."""
    import qrcode
    from qrcode.image.svg import SvgPathImage

    image = qrcode.make(url, image_factory=SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def render_pdf(template: str, **context) -> bytes:
    """Render a Jinja template (autoescaped: user text stays text) and convert it with WeasyPrint."""
    from weasyprint import HTML

    html = render_template(template, **context)
    return HTML(string=html, base_url=current_app.root_path).write_pdf()

"""Kit resources: uploaded files (checked by content) and links.

Files are stored under generated names in ``<instance>/uploads/kits/``, outside the static
folder, and only ever served as attachments under a sanitised copy of their original name.
"""

from __future__ import annotations

import io
import logging
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

import filetype
from flask_babel import gettext as _

from trainer import audit
from trainer.extensions import db
from trainer.i18n import lazy_gettext as _l
from trainer.kits.models import Kit, KitResource, ResourceKind
from trainer.kits.services import KitError

log = logging.getLogger(__name__)

MAX_BYTES = 20 * 1024 * 1024
ZIP_MAX_MEMBERS = 1000
ZIP_MAX_UNCOMPRESSED = 100 * 1024 * 1024
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.[a-z0-9]{2,5}$")


@dataclass(frozen=True)
class AllowedType:
    extension: str
    label: str


# Detected by content (magic bytes), never by the name or the browser's Content-Type.
ALLOWED_TYPES = {
    "application/pdf": AllowedType("pdf", "PDF"),
    "image/png": AllowedType("png", "image PNG"),
    "image/jpeg": AllowedType("jpg", "image JPEG"),
    "image/gif": AllowedType("gif", "image GIF"),
    "image/webp": AllowedType("webp", "image WebP"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": AllowedType("docx", "Word"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": AllowedType("xlsx", "Excel"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": AllowedType(
        "pptx", "PowerPoint"
    ),
    "application/vnd.oasis.opendocument.text": AllowedType("odt", "OpenDocument texte"),
    "application/vnd.oasis.opendocument.spreadsheet": AllowedType("ods", "OpenDocument tableur"),
    "application/vnd.oasis.opendocument.presentation": AllowedType("odp", "OpenDocument présentation"),
}
ACCEPTED_LABEL = _l("PDF, images (PNG, JPEG, GIF, WebP), Word, Excel, PowerPoint ou OpenDocument")


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int = MAX_BYTES
    zip_max_members: int = ZIP_MAX_MEMBERS
    zip_max_uncompressed: int = ZIP_MAX_UNCOMPRESSED


def storage_dir(upload_folder: str | Path) -> Path:
    return Path(upload_folder) / "kits"


def _megabytes(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(size)s Mo", size=f"{size / (1024 * 1024):.0f}")
    return _("%(size)s ko", size=size // 1024)


def check_content(data: bytes, limits: UploadLimits) -> str:
    """The MIME type of an upload, detected by content; raises KitError with what to fix."""
    if not data:
        raise KitError(_("Le fichier envoyé est vide."))
    if len(data) > limits.max_bytes:
        raise KitError(
            _("Le fichier dépasse la taille maximale de %(size)s.", size=_megabytes(limits.max_bytes))
        )
    if data.startswith(b"PK\x03\x04"):
        # Office documents are zips: look at the directory before anything reads a member.
        _check_zip(data, limits)
    kind = filetype.guess(data)
    if kind is None or kind.mime not in ALLOWED_TYPES:
        if kind is None:
            raise KitError(
                _("Type de fichier non accepté. Formats acceptés : %(accepted)s.", accepted=ACCEPTED_LABEL)
            )
        raise KitError(
            _(
                "Type de fichier non accepté (contenu reconnu : %(found)s). Formats acceptés : %(accepted)s.",
                found=kind.extension,
                accepted=ACCEPTED_LABEL,
            )
        )
    return kind.mime


def _check_zip(data: bytes, limits: UploadLimits) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise KitError(
            _("Le document est endommagé (archive illisible) : enregistrez-le à nouveau.")
        ) from exc
    if len(members) > limits.zip_max_members:
        raise KitError(
            _(
                "Le document contient trop d'éléments (%(count)s, %(limit)s au plus) : "
                "il est refusé par précaution.",
                count=len(members),
                limit=limits.zip_max_members,
            )
        )
    total = sum(member.file_size for member in members)
    if total > limits.zip_max_uncompressed:
        raise KitError(
            _(
                "Le document occuperait %(size)s une fois décompressé "
                "(%(limit)s au plus) : il est refusé par précaution.",
                size=_megabytes(total),
                limit=_megabytes(limits.zip_max_uncompressed),
            )
        )


def clean_filename(name: str, extension: str) -> str:
    """A safe download name: no folders, no control or reserved characters, the right extension."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*;')
    name = " ".join(name.split())
    stem = name[: -len(extension) - 1] if name.lower().endswith(f".{extension}") else name
    # No hidden files (".x") nor names of dots only; trailing dots confuse Windows.
    stem = stem.strip(". ")[:150].rstrip(". ") or "document"
    return f"{stem}.{extension}"


def add_file(
    kit: Kit,
    *,
    title: str,
    filename: str,
    stream: IO[bytes],
    upload_folder: str | Path,
    limits: UploadLimits,
    actor: Any,
) -> KitResource:
    """Check and store an uploaded file, then record it. Flushes, never commits.

    The file is written before the row: a failed commit leaves an orphan file, never a row
    pointing at nothing.
    """
    title = " ".join((title or "").split())
    if not title:
        raise KitError(_("Donnez un titre à la ressource, par exemple « Livret d'accompagnement »."))
    data = stream.read(limits.max_bytes + 1)
    mime = check_content(data, limits)
    allowed = ALLOWED_TYPES[mime]
    stored_name = f"{secrets.token_hex(16)}.{allowed.extension}"
    folder = storage_dir(upload_folder)
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / stored_name, "xb") as target:
        target.write(data)
    resource = KitResource(
        kind=ResourceKind.file,
        title=title[:250],
        stored_name=stored_name,
        original_filename=clean_filename(filename, allowed.extension),
        content_type=mime,
        size_bytes=len(data),
        created_by_id=getattr(actor, "id", None),
    )
    kit.resources.append(resource)
    db.session.flush()
    audit.record(
        "kit_resource.upload", resource, actor=actor, summary=f"{kit.slug} : {resource.original_filename}"
    )
    return resource


def add_link(kit: Kit, *, title: str, url: str, actor: Any) -> KitResource:
    """Record a link (a film on a video platform, a page of a partner site)."""
    title = " ".join((title or "").split())
    url = (url or "").strip()
    if not title:
        raise KitError(_("Donnez un titre au lien, par exemple « Le film en ligne »."))
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > 1000:
        raise KitError(
            _("Saisissez une adresse web complète commençant par https:// (1000 caractères au plus).")
        )
    resource = KitResource(
        kind=ResourceKind.link, title=title[:250], url=url, created_by_id=getattr(actor, "id", None)
    )
    kit.resources.append(resource)
    db.session.flush()
    audit.record("kit_resource.link", resource, actor=actor, summary=f"{kit.slug} : {url}")
    return resource


def delete_resource(resource: KitResource, *, actor: Any) -> str | None:
    """Remove the row; return the stored file name for the caller to delete after commit."""
    stored_name = resource.stored_name
    audit.record(
        "kit_resource.delete",
        resource,
        actor=actor,
        summary=f"{resource.kit.slug} : {resource.original_filename or resource.url}",
    )
    db.session.delete(resource)
    db.session.flush()
    return stored_name


def file_path(resource: KitResource, upload_folder: str | Path) -> Path | None:
    """Where a file resource lives, or None when the name is not one we generate."""
    if resource.kind != ResourceKind.file or not STORED_NAME.match(resource.stored_name or ""):
        return None
    return storage_dir(upload_folder) / resource.stored_name


def remove_file(stored_name: str | None, upload_folder: str | Path) -> None:
    """Delete a stored file once its row is gone; a failure only leaves an orphan file."""
    if not stored_name or not STORED_NAME.match(stored_name):
        return
    try:
        (storage_dir(upload_folder) / stored_name).unlink(missing_ok=True)
    except OSError:
        log.warning("could not delete kit resource file %s", stored_name)

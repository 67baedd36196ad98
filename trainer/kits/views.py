"""Public catalogue and kit pages; kit creation and editing by coordinators."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.routing import BuildError
from werkzeug.wrappers import Response

from trainer.auth.models import Role
from trainer.auth.permissions import public, require_role
from trainer.extensions import db
from trainer.forms import choices
from trainer.kits import catalogue, editing, resources
from trainer.kits.forms import FicheForm, KitForm, clean_text, lines
from trainer.kits.models import ACCESSIBLE_VERSION_LABELS, AccessibleVersion, Kit, KitResource, ResourceKind
from trainer.kits.services import KitError
from trainer.pagination import page_arg
from trainer.referential.models import Profession, Sector
from trainer.versioned_cache import cached_page

bp = Blueprint("kits", __name__)


def query_arg(name: str, limit: int = 100) -> str:
    """A query-string value, cut to ``limit`` and without control characters."""
    return clean_text(request.args.get(name, "")).strip()[:limit]


# The navigation and other areas know this page as ``kits.catalogue``.
@bp.route("/outils", endpoint="catalogue")
@public
@cached_page
def catalogue_page() -> str:
    filters = catalogue.CatalogueFilters(
        profession=query_arg("profession", 40),
        theme=query_arg("theme", 200),
        version=query_arg("version", 40),
        search=query_arg("q"),
    )
    can_manage = catalogue.can_manage(current_user)
    archived = can_manage and request.args.get("archives") == "1"
    return render_template(
        "kits/catalogue.html",
        kits=catalogue.list_kits(filters, archived=archived),
        archived=archived,
        archived_count=catalogue.archived_count() if can_manage else 0,
        filters=filters,
        themes=catalogue.themes(),
        profession_groups=catalogue.profession_groups(),
        versions=ACCESSIBLE_VERSION_LABELS,
        can_manage=can_manage,
    )


def _session_url(session_id: int) -> str | None:
    """Link to the sessions area's page when it exists (another area owns it)."""
    if "sessions.detail" not in current_app.view_functions:
        return None
    try:
        return url_for("sessions.detail", session_id=session_id)
    except BuildError:
        return None


@bp.route("/outils/<slug>")
@public
def detail(slug: str) -> str:
    kit = catalogue.find_kit(slug, current_user)
    if kit is None:
        abort(404)
    context: dict = {}
    if catalogue.is_staff(current_user):
        pagination, counts = catalogue.kit_sessions_page(kit, current_user, page_arg())
        context = {
            "usage": catalogue.kit_usage(kit, current_user),
            "sessions_page": pagination,
            "session_counts": counts,
            "session_urls": {s.id: _session_url(s.id) for s in pagination.items},
        }
    return render_template(
        "kits/detail.html", kit=kit, can_manage=catalogue.can_manage(current_user), **context
    )


@bp.route("/outils/<slug>/ressources/<int(max=2147483647):resource_id>")
@public
def download(slug: str, resource_id: int) -> Response:
    kit = catalogue.find_kit(slug, current_user)
    resource = db.session.get(KitResource, resource_id)
    if kit is None or resource is None or resource.kit_id != kit.id:
        abort(404)
    if resource.kind == ResourceKind.link:
        return redirect(resource.url or url_for("kits.detail", slug=slug))
    path = resources.file_path(resource, current_app.config["UPLOAD_FOLDER"])
    if path is None or not path.is_file():
        abort(404)
    return send_file(
        path,
        mimetype=resource.content_type or "application/octet-stream",
        as_attachment=True,
        download_name=resource.original_filename or path.name,
        max_age=0,
    )


def managed_kit(slug: str) -> Kit:
    """A kit for coordinators (archived ones included), or 404."""
    kit = db.session.scalar(sa.select(Kit).where(Kit.slug == slug[:60]))
    if kit is None:
        abort(404)
    return kit


def _profession_choices() -> list[tuple[str, str]]:
    query = (
        sa.select(Profession).join(Sector).order_by(Sector.position, Profession.position, Profession.label)
    )
    return [(p.code, p.label) for p in db.session.scalars(query)]


def _kit_form(kit: Kit | None, *, from_request: bool = True) -> KitForm:
    """The kit form: what was posted, or else the kit's current data."""
    posted = from_request and request.method == "POST"
    form = KitForm(formdata=request.form if posted else None)
    form.audience.choices = choices(_profession_choices())
    if not posted and kit is not None:
        form.title.data, form.theme.data, form.summary.data = kit.title, kit.theme, kit.summary
        form.year.data = kit.year
        form.audience.data = [p.code for p in kit.audience]
        form.versions.data = [v.value for v in kit.version_kinds]
        if film := kit.film:
            form.film_title.data, form.film_duration.data = film.title, film.duration_minutes
            form.film_director.data = film.director or ""
            form.film_cast.data = "\n".join(film.cast_names)
            form.film_cofunders.data = "\n".join(film.cofunder_names)
        if booklet := kit.booklet:
            form.booklet_title.data, form.booklet_description.data = booklet.title, booklet.description
    return form


def _kit_data(form: KitForm) -> editing.KitData:
    film = None
    if (form.film_title.data or "").strip():
        film = editing.FilmData(
            title=form.film_title.data,
            duration_minutes=form.film_duration.data,
            director=form.film_director.data or "",
            cast=lines(form.film_cast.data),
            cofunders=lines(form.film_cofunders.data),
        )
    return editing.KitData(
        title=form.title.data or "",
        theme=form.theme.data or "",
        summary=form.summary.data or "",
        year=form.year.data,
        audience=list(form.audience.data or []),
        versions=[v for v in form.versions.data or [] if v in AccessibleVersion.__members__],
        film=film,
        booklet_title=form.booklet_title.data or "",
        booklet_description=form.booklet_description.data or "",
    )


def _render_edit(kit: Kit | None, form: KitForm, fiche_form: FicheForm | None = None, status: int = 200):
    if fiche_form is None and kit is not None:
        fiche_form = FicheForm(formdata=None)
    if fiche_form is not None:
        fiche_form.profession_code.set_choices(_profession_choices())
    return render_template(
        "kits/edit.html", kit=kit, form=form, fiche_form=fiche_form, themes=catalogue.themes()
    ), status


@bp.route("/outils/nouveau", methods=["GET", "POST"])
@require_role(Role.coordinator)
def create():
    form = _kit_form(None)
    if form.validate_on_submit():
        try:
            kit = editing.create_kit(_kit_data(form), actor=current_user)
        except KitError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("L'outil « %(title)s » a été créé.", title=kit.title), "success")
            return redirect(url_for("kits.detail", slug=kit.slug))
    return _render_edit(None, form, status=422 if form.errors else 200)


@bp.route("/outils/<slug>/modifier", methods=["GET", "POST"])
@require_role(Role.coordinator)
def edit(slug: str):
    kit = managed_kit(slug)
    form = _kit_form(kit)
    if form.validate_on_submit():
        try:
            editing.update_kit(kit, _kit_data(form), actor=current_user)
        except KitError as exc:
            form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Les informations de l'outil ont été enregistrées."), "success")
            return redirect(url_for("kits.detail", slug=kit.slug))
    return _render_edit(kit, form, status=422 if form.errors else 200)


@bp.route("/outils/<slug>/fiches", methods=["POST"])
@require_role(Role.coordinator)
def add_fiche(slug: str):
    kit = managed_kit(slug)
    fiche_form = FicheForm()
    fiche_form.profession_code.set_choices(_profession_choices())
    if fiche_form.validate_on_submit():
        try:
            editing.add_fiche(
                kit,
                profession_code=fiche_form.profession_code.data,
                title=fiche_form.fiche_title.data,
                actor=current_user,
            )
        except KitError as exc:
            fiche_form.form_errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("La fiche réflexe a été ajoutée."), "success")
            return redirect(url_for("kits.edit", slug=kit.slug) + "#fiches")
    return _render_edit(kit, _kit_form(kit, from_request=False), fiche_form, status=422)


@bp.route("/outils/<slug>/fiches/<int(max=2147483647):component_id>/supprimer", methods=["POST"])
@require_role(Role.coordinator)
def remove_fiche(slug: str, component_id: int) -> Response:
    kit = managed_kit(slug)
    try:
        editing.remove_fiche(kit, component_id, actor=current_user)
    except KitError as exc:
        abort(404, str(exc))
    db.session.commit()
    flash(_("La fiche réflexe a été retirée."), "success")
    return redirect(url_for("kits.edit", slug=kit.slug) + "#fiches")


@bp.route("/outils/<slug>/archiver", methods=["POST"])
@require_role(Role.coordinator)
def archive(slug: str) -> Response:
    return _set_archived(slug, True)


@bp.route("/outils/<slug>/restaurer", methods=["POST"])
@require_role(Role.coordinator)
def restore(slug: str) -> Response:
    return _set_archived(slug, False)


def _set_archived(slug: str, archived: bool) -> Response:
    kit = managed_kit(slug)
    try:
        editing.set_archived(kit, archived, actor=current_user)
    except KitError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(
            _("L'outil est archivé : il n'apparaît plus dans le catalogue.")
            if archived
            else _("L'outil est de nouveau présenté dans le catalogue."),
            "success",
        )
    return redirect(url_for("kits.detail", slug=kit.slug))

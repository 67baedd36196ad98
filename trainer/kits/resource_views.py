"""Coordinators manage a kit's downloadable resources: upload files, add links, delete."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from trainer.auth.models import Role
from trainer.auth.permissions import require_role
from trainer.extensions import db
from trainer.kits import resources
from trainer.kits.forms import LinkForm, UploadForm
from trainer.kits.models import Kit, KitResource
from trainer.kits.services import KitError
from trainer.kits.views import bp, managed_kit


def _limits() -> resources.UploadLimits:
    config = current_app.config
    return resources.UploadLimits(
        max_bytes=config.get("KIT_RESOURCE_MAX_BYTES", resources.MAX_BYTES),
        zip_max_members=config.get("KIT_RESOURCE_ZIP_MAX_MEMBERS", resources.ZIP_MAX_MEMBERS),
        zip_max_uncompressed=config.get("KIT_RESOURCE_ZIP_MAX_UNCOMPRESSED", resources.ZIP_MAX_UNCOMPRESSED),
    )


def _render(kit: Kit, upload_form: UploadForm | None = None, link_form: LinkForm | None = None, status=200):
    return render_template(
        "kits/resources.html",
        kit=kit,
        upload_form=upload_form or UploadForm(formdata=None),
        link_form=link_form or LinkForm(formdata=None),
        max_size=_limits().max_bytes // (1024 * 1024),
        accepted=resources.ACCEPTED_LABEL,
    ), status


@bp.route("/outils/<slug>/ressources")
@require_role(Role.coordinator)
def manage_resources(slug: str):
    return _render(managed_kit(slug))


@bp.route("/outils/<slug>/ressources/fichier", methods=["POST"])
@require_role(Role.coordinator)
def upload_resource(slug: str):
    kit = managed_kit(slug)
    form = UploadForm()
    if form.validate_on_submit():
        upload = form.file.data
        try:
            resource = resources.add_file(
                kit,
                title=form.file_title.data,
                filename=upload.filename or "",
                stream=upload.stream,
                upload_folder=current_app.config["UPLOAD_FOLDER"],
                limits=_limits(),
                actor=current_user,
            )
        except KitError as exc:
            form.file.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("« %(title)s » a été ajouté aux ressources de l'outil.", title=resource.title), "success")
            return redirect(url_for("kits.manage_resources", slug=kit.slug))
    return _render(kit, upload_form=form, status=422)


@bp.route("/outils/<slug>/ressources/lien", methods=["POST"])
@require_role(Role.coordinator)
def add_link(slug: str):
    kit = managed_kit(slug)
    form = LinkForm()
    if form.validate_on_submit():
        try:
            resource = resources.add_link(
                kit, title=form.link_title.data, url=form.url.data, actor=current_user
            )
        except KitError as exc:
            form.url.errors.append(str(exc))
        else:
            db.session.commit()
            flash(_("Le lien « %(title)s » a été ajouté.", title=resource.title), "success")
            return redirect(url_for("kits.manage_resources", slug=kit.slug))
    return _render(kit, link_form=form, status=422)


@bp.route("/outils/<slug>/ressources/<int(max=2147483647):resource_id>/supprimer", methods=["POST"])
@require_role(Role.coordinator)
def delete_resource(slug: str, resource_id: int) -> Response:
    kit = managed_kit(slug)
    resource = db.session.get(KitResource, resource_id)
    if resource is None or resource.kit_id != kit.id:
        flash(_("Cette ressource n'existe pas ou a déjà été supprimée."), "info")
        return redirect(url_for("kits.manage_resources", slug=kit.slug))
    title = resource.title
    stored_name = resources.delete_resource(resource, actor=current_user)
    db.session.commit()
    resources.remove_file(stored_name, current_app.config["UPLOAD_FOLDER"])
    flash(_("« %(title)s » a été supprimé.", title=title), "success")
    return redirect(url_for("kits.manage_resources", slug=kit.slug))

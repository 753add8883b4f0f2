"""Credential pages: public keys, status lists and verification; the holder's downloads."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from eportfolio import credentials as core
from eportfolio.credentials import services
from eportfolio.db import db
from eportfolio.errors import DomainError
from eportfolio.permissions import PUBLIC, Permission, access, requires
from eportfolio.schemas import load
from eportfolio.validation.schemas import RevokeSchema
from eportfolio.validation.services import case_for
from eportfolio.validation.views import case_page

bp = Blueprint("credentials", __name__)


@bp.get("/councils/<int:council_id>")
@access(PUBLIC)
def issuer(council_id: int) -> Response:
    org = services.council_or_404(db.session, council_id)
    # Publishes the keys there are; an anonymous visit never creates one.
    profile = core.issuer_profile(services.base_url(), council_id, org.name, services.key_dir())
    return _json(profile, "application/json")


@bp.get("/councils/<int:council_id>/jwks.json")
@access(PUBLIC)
def jwks(council_id: int) -> Response:
    services.council_or_404(db.session, council_id)
    return _json(core.public_jwks(services.key_dir(), council_id), "application/jwk-set+json")


@bp.get("/councils/<int:council_id>/status/<list_id>")
@access(PUBLIC)
def status_list(council_id: int, list_id: str) -> Response:
    services.council_or_404(db.session, council_id)
    token = services.signed_status_list(db.session, council_id, list_id)
    response = Response(token, mimetype="application/vc+jwt")
    # Verifiers must see a revocation at once, so nobody may keep an old copy.
    response.headers["Cache-Control"] = "no-store"
    return response


def _json(data: Any, mimetype: str) -> Response:
    response = jsonify(data)
    response.mimetype = mimetype
    response.headers["Access-Control-Allow-Origin"] = "*"  # wallets verify from anywhere
    return response


@bp.route("/verify", methods=["GET", "POST"])
@access(PUBLIC)
def verify() -> tuple[str, int]:
    result, errors = None, {}
    if request.method == "POST":
        text, errors = _submitted_credential()
        if not errors:
            result = services.verify_token(db.session, text)
    return _verify_page(result, errors), 422 if errors else 200


def _submitted_credential() -> tuple[str, dict[str, list[str]]]:
    """Return the uploaded file's or pasted text, or what is wrong with it by field."""
    upload = request.files.get("file")
    limit = services.MAX_CREDENTIAL_MB
    if upload and upload.filename:
        raw = upload.read(services.MAX_CREDENTIAL + 1)
        if len(raw) > services.MAX_CREDENTIAL:
            too_large = _(
                "The file is larger than %(limit)s MB. A credential file is much smaller: "
                "check that you chose the right one.",
                limit=limit,
            )
            return "", {"file": [too_large]}
        text = raw.decode("utf-8", "replace")
    else:
        text = request.form.get("credential", "")
        if len(text) > services.MAX_CREDENTIAL:
            too_long = _(
                "The text is larger than %(limit)s MB. A credential is much smaller: check "
                "what you pasted.",
                limit=limit,
            )
            return "", {"credential": [too_long]}
    if not text.strip():
        return "", {"credential": [_("Paste a credential or choose a file.")]}
    return text, {}


@bp.get("/verify/<credential_uuid>")
@access(PUBLIC)
def verify_id(credential_uuid: str) -> tuple[str, int]:
    result = services.verify_uuid(db.session, credential_uuid)
    if result is None:
        return _verify_page(None, {}, unknown=True), 404
    return _verify_page(result, {}), 200


def _verify_page(result: Any, errors: dict[str, Any], unknown: bool = False) -> str:
    summary = None
    if result is not None and result.credential is not None:
        try:
            summary = core.summarise(result.credential)
        except (KeyError, TypeError, ValueError):
            summary = None
    erased = result is not None and result.reason == services.ERASED
    return render_template(
        "credentials/verify.html",
        result=result,
        summary=summary,
        errors=errors,
        unknown=unknown,
        erased=erased,
        # What could not be read stays in the box to correct; a checked one is not echoed.
        pasted=request.form.get("credential", "")
        if request.method == "POST" and (result is None or result.state == "malformed")
        else "",
    )


@bp.get("/credentials/<credential_uuid>/credential.json")
@access(requires(Permission.CREDENTIAL_HOLD))
def download_json(credential_uuid: str) -> Response:
    issued = services.owned_credential(db.session, current_user, credential_uuid)
    body = json.dumps(services.download_document(issued), ensure_ascii=False, indent=2)
    return _download(body, "application/json", f"intyg-{issued.uuid}.json")


@bp.get("/credentials/<credential_uuid>/credential.jwt")
@access(requires(Permission.CREDENTIAL_HOLD))
def download_jwt(credential_uuid: str) -> Response:
    issued = services.owned_credential(db.session, current_user, credential_uuid)
    return _download(issued.token or "", "application/vc+jwt", f"intyg-{issued.uuid}.jwt")


def _download(body: str, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/credentials/<credential_uuid>/certificate")
@access(requires(Permission.CREDENTIAL_HOLD))
def certificate(credential_uuid: str) -> str:
    issued = services.owned_credential(db.session, current_user, credential_uuid)
    document = services.download_document(issued)
    return render_template(
        "credentials/certificate.html",
        issued=issued,
        cert=core.certificate_data(
            document["credential"], qr_label=_("QR code to check the certificate")
        ),
    )


@bp.post("/credentials/<credential_uuid>/revoke")
@access(requires(Permission.CREDENTIAL_REVOKE))
def revoke(credential_uuid: str) -> Response | tuple[str, int]:
    issued = services.revocable(db.session, current_user, credential_uuid)
    try:
        data = load(RevokeSchema(), request.form.to_dict())
        services.revoke(db.session, current_user, credential_uuid, data["reason"])
    except DomainError as exc:
        if exc.status != 422 or issued.case_id is None:
            raise
        # The form sits on the case page: show it again with the reason typed and the message.
        case = case_for(db.session, current_user, issued.case_id)
        field = f"revoke-reason-{issued.id}"
        errors = {field: [m for ms in exc.errors.values() for m in ms]}
        return case_page(case, errors, 422, posted=f"revoke-{issued.id}")
    flash(_("The credential is revoked. The status list says so from now on."), "success")
    if issued.case_id:
        return redirect(url_for("validation.case", case_id=issued.case_id))  # type: ignore[return-value]
    return redirect(url_for("credentials.verify_id", credential_uuid=issued.uuid))  # type: ignore[return-value]


# A credential is signed in Swedish; its reader sees the level and method in their language.
LEVEL_WORDS = {1: _l("basic"), 2: _l("good"), 3: _l("very good"), 4: _l("expert")}
METHOD_WORDS = {
    "document_review": _l("Document review"),
    "interview": _l("Interview"),
    "practical_test": _l("Practical test"),
    "workplace_observation": _l("Workplace observation"),
}


@bp.app_template_filter("skill_level_name")
def skill_level_name(skill: core.SkillLine) -> str:
    """Name the skill's certified level in the reader's language."""
    return str(LEVEL_WORDS.get(skill.level, skill.level_name))


@bp.app_template_filter("skill_method")
def skill_method(skill: core.SkillLine) -> str:
    """Name how the skill was assessed in the reader's language; another issuer's as signed."""
    return str(METHOD_WORDS.get(skill.method_key or "", skill.method or ""))


def _register_erasure_hook() -> None:
    # Erasure keeps each credential as a bare status record, so verifiers still get an answer.
    try:
        from eportfolio.privacy.erasure import register_before_erasure
    except ImportError:  # erasure is built in parallel; until it lands there is nothing to hook
        return
    register_before_erasure(services.strip_personal_data)


_register_erasure_hook()

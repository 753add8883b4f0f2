"""Issue, store, publish, verify and revoke the app's credentials with the credential core."""

from __future__ import annotations

import uuid as uuidlib
from dataclasses import replace
from typing import Any

from flask import current_app, has_request_context, request
from flask_babel import force_locale, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio import credentials as core
from eportfolio.accounts.models import Organisation, OrgKind, Role, User
from eportfolio.audit import services as audit
from eportfolio.credentials.models import IssuedCredential, StatusList
from eportfolio.db import parse_id, utcnow
from eportfolio.errors import NotFound, ValidationFailed
from eportfolio.notifications.services import notify
from eportfolio.portfolios.models import EvidenceStatus, SkillClaim
from eportfolio.validation.models import ValidationCase

LIST_ID = "1"
ERASED = "content erased at the holder's request"
FRAMEWORKS = {"esco": "ESCO", "jobtech": "JobTech"}


def base_url() -> str:
    """Return the public base URL credentials name; the request's own root in development."""
    configured = current_app.config.get("PUBLIC_BASE_URL") or ""
    if configured:
        return str(configured).rstrip("/")
    # Issuer ids must be https (VC-JWT checks it), so development names its host over https too.
    root = request.url_root if has_request_context() else "http://127.0.0.1:5000/"  # make run
    return "https://" + root.split("://", 1)[1].rstrip("/")


def key_dir() -> str:
    return str(current_app.config["KEY_DIR"])


def status_list(session: Session, council_id: int, list_id: str = LIST_ID) -> StatusList:
    """Return the council's status list, created empty on first use; locked on PostgreSQL."""
    query = select(StatusList).where(
        StatusList.council_id == council_id, StatusList.list_id == list_id
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update()  # two issuers must not pick the same free index
    row = session.scalar(query)
    if row is None:
        row = StatusList(council_id=council_id, list_id=list_id, bits=core.new_status_list())
        session.add(row)
        session.flush()
    return row


def _description(kind: str, council: str, occupation: Any, count: int) -> str:
    """Say what the credential certifies, in Swedish whoever issues it: it is signed once."""
    with force_locale("sv"):
        if kind == "yrkesbevis":
            return ngettext(
                "Yrkesbevis for %(occupation)s, issued by %(council)s after validation of "
                "%(num)d skill in the occupation's requirement profile.",
                "Yrkesbevis for %(occupation)s, issued by %(council)s after validation of "
                "%(num)d skills in the occupation's requirement profile.",
                count,
                occupation=occupation.label("sv"),
                council=council,
            )
        return ngettext(
            "Kompetensintyg issued by %(council)s for %(num)d validated skill.",
            "Kompetensintyg issued by %(council)s for %(num)d validated skills.",
            count,
            council=council,
        )


def issue_for_case(session: Session, chair: User, case: ValidationCase) -> IssuedCredential:
    """Sign the case's credential: a yrkesbevis when a whole occupation profile is verified."""
    from eportfolio.validation.snapshot import essential_skills

    verified = [c for c in case.claims if c.decision == "verified" and c.verified_level]
    occupation = case.occupation
    essentials = {s.id for s in essential_skills(session, occupation.id)} if occupation else set()
    whole = bool(essentials) and essentials <= {c.concept_id for c in verified}
    kind = "yrkesbevis" if whole else "kompetensintyg"
    labels = [c.concept.label("sv") for c in verified]
    title = (
        f"Yrkesbevis: {occupation.label('sv')}"
        if whole
        else "Kompetensintyg: " + ", ".join(labels[:3]) + (" m.fl." if len(labels) > 3 else "")
    )
    lst = status_list(session, case.council_id)
    taken = set(
        session.scalars(
            select(IssuedCredential.status_index).where(
                IssuedCredential.council_id == case.council_id,
                IssuedCredential.status_list_id == lst.list_id,
            )
        )
    )
    credential_uuid = str(uuidlib.uuid4())
    now = utcnow()
    data = core.CredentialInput(
        council_id=str(case.council_id),
        council_name=case.council.name,
        base_url=base_url(),
        credential_uuid=credential_uuid,
        subject_pseudonym=uuidlib.uuid4(),  # a fresh one per credential: nothing links them
        kind=kind,  # type: ignore[arg-type]
        title=title,
        skills=[
            core.SkillInput(
                c.concept.uri,
                c.concept.label("sv"),
                FRAMEWORKS.get(c.concept.source, "Meritportfölj"),
                int(c.verified_level or 1),
                c.method or "document_review",
            )
            for c in verified
        ],
        issued_at=now,
        status_index=core.pick_free_index(taken, len(lst.bits) * 8),
        status_list_id=lst.list_id,
        occupation_label=occupation.label("sv") if occupation else None,
        occupation_uri=occupation.uri if occupation else None,
        occupation_framework=FRAMEWORKS.get(occupation.source, "ESCO") if occupation else "ESCO",
        description=_description(kind, case.council.name, occupation, len(verified)),
    )
    key = core.ensure_active_key(key_dir(), case.council_id)
    token = core.sign_credential(core.build_credential(data), key)
    for earlier in credentials_of_case(session, case.id):
        if earlier.revoked_at is None:
            _revoke(session, chair, earlier, "ersatt efter omprövning")
    issued = IssuedCredential(
        uuid=credential_uuid,
        council_id=case.council_id,
        case_id=case.id,
        kind=kind,
        title=title,
        status_list_id=lst.list_id,
        status_index=data.status_index,
        token=token,
        issued_at=now,
    )
    session.add(issued)
    session.flush()
    _flow_back(session, case, credential_uuid)
    audit.record(
        session,
        "credential.issued",
        actor_id=chair.id,
        subject_type="credential",
        subject_id=credential_uuid,
        on_behalf_of_id=None,
        data={"case_id": case.id, "kind": kind, "status_index": data.status_index},
    )
    return issued


def _flow_back(session: Session, case: ValidationCase, credential_uuid: str) -> None:
    """Mark the certified skills in the portfolio so matching weighs them as certified."""
    for row in case.claims:
        if row.decision != "verified" or row.claim_id is None:
            continue
        claim = session.get(SkillClaim, row.claim_id)
        if claim is not None:
            claim.status = EvidenceStatus.CERTIFIED
            claim.verified_level = row.verified_level
            claim.credential_uuid = credential_uuid
    session.flush()


def credentials_of_case(session: Session, case_id: int) -> list[IssuedCredential]:
    query = select(IssuedCredential).where(IssuedCredential.case_id == case_id)
    return list(session.scalars(query.order_by(IssuedCredential.id)))


def credentials_of_learner(session: Session, learner: User) -> list[IssuedCredential]:
    query = (
        select(IssuedCredential)
        .join(ValidationCase, ValidationCase.id == IssuedCredential.case_id)
        .where(ValidationCase.learner_id == learner.id)
        .order_by(IssuedCredential.id.desc())
    )
    return list(session.scalars(query))


def by_uuid(session: Session, credential_uuid: str) -> IssuedCredential | None:
    try:
        text = str(uuidlib.UUID(str(credential_uuid)))
    except ValueError:
        return None
    return session.scalar(select(IssuedCredential).where(IssuedCredential.uuid == text))


def owned_credential(session: Session, user: User, credential_uuid: str) -> IssuedCredential:
    """Return the learner's own credential; NotFound for anyone else's."""
    issued = by_uuid(session, credential_uuid)
    case = session.get(ValidationCase, issued.case_id) if issued and issued.case_id else None
    if issued is None or case is None or case.learner_id != user.id or issued.token is None:
        raise NotFound(_l("No such credential."))
    return issued


def revocable(session: Session, user: User, credential_uuid: str) -> IssuedCredential:
    """Return a credential the user may revoke (they chair its council); NotFound otherwise."""
    issued = by_uuid(session, credential_uuid)
    if issued is None or issued.council_id not in {o.id for o in user.organisations(Role.CHAIR)}:
        raise NotFound(_l("No such credential."))
    return issued


def revoke(session: Session, user: User, credential_uuid: str, reason: str) -> IssuedCredential:
    """Revoke a credential; only the chair of the issuing council may, and must say why."""
    issued = revocable(session, user, credential_uuid)
    if not (reason or "").strip():
        raise ValidationFailed({"reason": [_l("Write why the credential is revoked.")]})
    if issued.revoked_at is None:
        _revoke(session, user, issued, reason.strip())
    return issued


def _revoke(session: Session, user: User, issued: IssuedCredential, reason: str) -> None:
    lst = status_list(session, issued.council_id, issued.status_list_id)
    lst.bits = core.set_revoked(lst.bits, issued.status_index)
    lst.updated_at = utcnow()
    issued.revoked_at = utcnow()
    issued.revoked_reason = reason
    issued.revoked_by_id = user.id
    for claim in session.scalars(
        select(SkillClaim).where(SkillClaim.credential_uuid == issued.uuid)
    ):
        claim.status = EvidenceStatus.DOCUMENTED if claim.evidence else EvidenceStatus.SELF_DECLARED
        claim.verified_level = None
        claim.credential_uuid = None
    session.flush()
    audit.record(
        session,
        "credential.revoked",
        actor_id=user.id,
        subject_type="credential",
        subject_id=issued.uuid,
        data={"reason": reason},
    )
    case = session.get(ValidationCase, issued.case_id) if issued.case_id else None
    if case is not None:
        notify(
            session,
            case.learner,
            "credential_revoked",
            {"case": case.number},
            f"/validation/cases/{case.id}",
        )


# --- publishing and verifying ------------------------------------------------------------


def council_or_404(session: Session, council_id: int) -> Organisation:
    org = session.get(Organisation, council_id)
    if org is None or org.kind is not OrgKind.COUNCIL:
        raise NotFound(_l("No such valideringsråd."))
    return org


def signed_status_list(session: Session, council_id: int, list_id: str) -> str:
    """Return the council's status list as a signed BitstringStatusListCredential (VC-JWT)."""
    row = session.scalar(
        select(StatusList).where(StatusList.council_id == council_id, StatusList.list_id == list_id)
    )
    if row is None:
        raise NotFound(_l("No such status list."))
    unsigned = core.build_status_list_credential(
        base_url(), council_id, list_id, row.bits, issued_at=utcnow()
    )
    # A list exists only once the council has issued, so its signing key exists too.
    return core.sign_credential(unsigned, core.active_key(key_dir(), council_id))


def _jwks_lookup(session: Session) -> Any:
    def lookup(issuer: str) -> dict[str, Any] | None:
        council_id = core.council_of_issuer(base_url(), issuer)
        org_id = parse_id(council_id)
        if org_id is None:
            return None
        org = session.get(Organisation, org_id)
        if org is None or org.kind is not OrgKind.COUNCIL:
            return None
        jwks = core.public_jwks(key_dir(), council_id)
        return jwks if jwks.get("keys") else None

    return lookup


def _status_lookup(session: Session) -> Any:
    def lookup(url: str) -> bytes | None:
        parsed = core.parse_status_list_url(base_url(), url)
        if parsed is None or parse_id(parsed[0]) is None:
            return None
        row = session.scalar(
            select(StatusList).where(
                StatusList.council_id == int(parsed[0]), StatusList.list_id == parsed[1]
            )
        )
        return row.bits if row else None

    return lookup


# A credential is a few kB; anything this large is the wrong file, on the page and in the API.
MAX_CREDENTIAL = 1_000_000  # bytes of a file, characters of a text
MAX_CREDENTIAL_MB = MAX_CREDENTIAL // 1_000_000


def verify_token(session: Session, text: str) -> core.VerificationResult:
    """Verify a pasted or uploaded credential (VC-JWT, or the JSON download holding one)."""
    token, readable = _token_of(text)
    result = core.verify_credential(token, _jwks_lookup(session), _status_lookup(session), utcnow())
    if result.state == "revoked" and result.credential is not None:
        # The signature is the council's own, so the id names a credential issued here.
        issued = by_uuid(session, str(result.credential.get("id", "")).rsplit("/", 1)[-1])
        if issued is not None and issued.revoked_at is not None:
            result = replace(result, revoked_at=issued.revoked_at)
    # People read the JSON, not the token: a changed name or level must not pass as genuine.
    if (
        readable is not None
        and result.credential is not None
        and not _readable_agrees(readable, result.credential)
    ):
        result = replace(
            result, state="altered", reason="the readable credential differs from the signed"
        )
    return result


def verify_uuid(session: Session, credential_uuid: str) -> core.VerificationResult | None:
    """Verify a credential the app issued, by its id; None when the id is unknown."""
    issued = by_uuid(session, credential_uuid)
    if issued is None:
        return None
    if issued.token is None:
        # Erased at the holder's request: only the status record is left to tell about.
        lst = status_list(session, issued.council_id, issued.status_list_id)
        revoked = core.is_revoked(lst.bits, issued.status_index)
        issuer = core.issuer_id(base_url(), issued.council_id)
        return core.VerificationResult(
            "revoked" if revoked else "valid",
            None,
            issuer,
            None,
            reason=ERASED,
            revoked_at=issued.revoked_at if revoked else None,
        )
    return verify_token(session, issued.token)


def _token_of(text: str) -> tuple[str, dict[str, Any] | None]:
    """Return the VC-JWT in ``text`` and, for the JSON download, the rest of the document."""
    import json

    text = (text or "").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return text, None
        if isinstance(data, dict) and isinstance(data.get("jwt"), str):
            return str(data["jwt"]), {k: v for k, v in data.items() if k != "jwt"}
    return text, None


def _readable_agrees(readable: dict[str, Any], signed: dict[str, Any]) -> bool:
    """Return whether the download's readable fields say exactly what the token signs."""
    if "credential" in readable and readable["credential"] != signed:
        return False
    return "verify" not in readable or readable["verify"] == signed.get("id")


def download_document(issued: IssuedCredential) -> dict[str, Any]:
    """Return the JSON download: the credential as data, with the signed VC-JWT beside it."""
    from eportfolio.credentials.sign import _peek, _strip_jwt_claims

    # The token was signed here and is read back from our own table: no need to re-verify.
    _, payload = _peek(issued.token or "")
    credential = _strip_jwt_claims(payload)
    return {"credential": credential, "jwt": issued.token, "verify": credential.get("id")}


def strip_personal_data(session: Session, user: User) -> None:
    """Before erasure: keep each credential of the person as a bare status record."""
    for issued in credentials_of_learner(session, user):
        issued.token = None
        issued.title = None
        issued.case_id = None
        issued.erased_at = utcnow()
    session.flush()

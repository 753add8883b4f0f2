"""Evidence: files and links that back skill claims, added by the learner or a guide for them."""

from __future__ import annotations

import hashlib
import io
from typing import Any, BinaryIO

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import Role, User
from eportfolio.audit import services as audit
from eportfolio.db import ID_MAX
from eportfolio.errors import NotFound, ValidationFailed
from eportfolio.evidence import storage as files
from eportfolio.evidence.uploads import clean_name, content_type_of, refuse
from eportfolio.permissions import can
from eportfolio.portfolios.models import Evidence, EvidenceStatus, Portfolio, SkillClaim
from eportfolio.portfolios.services import portfolio_for
from eportfolio.privacy.services import live_grant, log_access

MB = 1024 * 1024


def max_file_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_FILE_BYTES", 10 * MB))


def max_total_bytes() -> int:
    return int(current_app.config.get("EVIDENCE_MAX_TOTAL_BYTES", 200 * MB))


def resolve_portfolio(
    session: Session, actor: User, learner_id: int | None, permission: str
) -> Portfolio:
    """Return the portfolio ``actor`` works on: their own, or a learner's they may act for."""
    if learner_id is None or learner_id == actor.id:
        if not actor.has_role(Role.LEARNER):
            raise NotFound(_l("You have no portfolio. Choose a learner to help."))
        return portfolio_for(session, actor)
    learner = session.get(User, learner_id) if 0 < learner_id <= ID_MAX else None
    if learner is None:
        raise NotFound(_l("No such portfolio."))
    portfolio = session.scalar(select(Portfolio).where(Portfolio.user_id == learner_id))
    if portfolio is None and live_grant(session, learner_id, actor) is not None:
        portfolio = portfolio_for(session, learner)  # a guide may start it for the learner
    # Someone else's portfolio is "not found", so ids cannot be probed.
    if portfolio is None or not can(actor, permission, portfolio):
        raise NotFound(_l("No such portfolio."))
    return portfolio


def _on_behalf(actor: User, portfolio: Portfolio) -> int | None:
    return portfolio.user_id if actor.id != portfolio.user_id else None


def _audit(
    session: Session, action: str, actor: User, portfolio: Portfolio, ev: Evidence, **data: Any
) -> None:
    audit.record(
        session,
        action,
        actor_id=actor.id,
        on_behalf_of_id=_on_behalf(actor, portfolio),
        subject_type="evidence",
        subject_id=ev.id,
        data={"portfolio_id": portfolio.id, **data},
    )


def list_evidence(session: Session, actor: User, portfolio: Portfolio) -> list[Evidence]:
    """Return the portfolio's evidence; a look by anyone but the owner goes in the access log."""
    if actor.id != portfolio.user_id:
        log_access(session, portfolio.user_id, actor, "evidence")
    return list(
        session.scalars(
            select(Evidence).where(Evidence.portfolio_id == portfolio.id).order_by(Evidence.id)
        )
    )


def used_bytes(session: Session, portfolio: Portfolio) -> int:
    total = session.scalar(
        select(func.coalesce(func.sum(Evidence.size), 0)).where(
            Evidence.portfolio_id == portfolio.id
        )
    )
    return int(total or 0)


def _title(title: str | None, fallback: str) -> str:
    return (title or "").strip()[:200] or fallback[:200]


def add_file(
    session: Session,
    actor: User,
    portfolio: Portfolio,
    upload: Any,
    title: str | None = None,
    claim_id: int | None = None,
) -> Evidence:
    """Check an uploaded file completely, then store it and record it (both or neither)."""
    if upload is None or not getattr(upload, "filename", ""):
        raise refuse(_l("Choose a file to upload."))
    name = clean_name(upload.filename)
    data = _read_limited(upload.stream, max_file_bytes())
    content_type = content_type_of(name, data)
    used = used_bytes(session, portfolio)
    if used + len(data) > max_total_bytes():
        raise refuse(
            _l(
                "You can keep at most %(limit)s MB of files and you already use %(used)s MB. "
                "Remove a file you no longer need first.",
                limit=max_total_bytes() // MB,
                used=round(used / MB, 1),
            )
        )
    claim = _claim(session, portfolio, claim_id) if claim_id else None
    store = files.storage()
    stored = store.save(data)
    files.written_in(session, store, stored)
    try:
        ev = Evidence(
            portfolio_id=portfolio.id,
            kind="file",
            title=_title(title, name),
            original_name=name,
            stored_name=stored,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            uploaded_by_id=actor.id,
        )
        session.add(ev)
        session.flush()
        _audit(session, "evidence.uploaded", actor, portfolio, ev, size=len(data))
        if claim is not None:
            attach(session, actor, portfolio, ev.id, claim.id)
    except BaseException:
        store.delete(stored)  # the row did not make it: the file must not stay either
        raise
    return ev


def _read_limited(stream: BinaryIO, limit: int) -> bytes:
    data = stream.read(limit + 1)
    if not data:
        raise refuse(_l("The file is empty. Choose a file with content."))
    if len(data) > limit:
        raise refuse(
            _l(
                "The file is larger than %(limit)s MB. Make it smaller or split it.",
                limit=limit // MB,
            )
        )
    return bytes(data)


def add_link(session: Session, actor: User, portfolio: Portfolio, data: dict[str, Any]) -> Evidence:
    """Record a link (already validated as http or https) as evidence."""
    claim = _claim(session, portfolio, data["claim_id"]) if data.get("claim_id") else None
    ev = Evidence(
        portfolio_id=portfolio.id,
        kind="link",
        title=_title(data.get("title"), data["url"]),
        url=data["url"],
        uploaded_by_id=actor.id,
    )
    session.add(ev)
    session.flush()
    _audit(session, "evidence.link_added", actor, portfolio, ev)
    if claim is not None:
        attach(session, actor, portfolio, ev.id, claim.id)
    return ev


def get_evidence(session: Session, portfolio: Portfolio, evidence_id: int) -> Evidence:
    ev = session.get(Evidence, evidence_id) if 0 < evidence_id <= ID_MAX else None
    if ev is None or ev.portfolio_id != portfolio.id:
        raise NotFound(_l("No such evidence."))
    return ev


def _claim(session: Session, portfolio: Portfolio, claim_id: int) -> SkillClaim:
    claim = session.get(SkillClaim, claim_id) if 0 < claim_id <= ID_MAX else None
    if claim is None or claim.portfolio_id != portfolio.id:
        raise ValidationFailed({"claim_id": [_l("Choose one of your own skills.")]})
    return claim


def _restatus(claim: SkillClaim) -> None:
    # Only the step between self-declared and documented is ours; validation owns the rest.
    if claim.evidence and claim.status is EvidenceStatus.SELF_DECLARED:
        claim.status = EvidenceStatus.DOCUMENTED
    elif not claim.evidence and claim.status is EvidenceStatus.DOCUMENTED:
        claim.status = EvidenceStatus.SELF_DECLARED


def attach(
    session: Session, actor: User, portfolio: Portfolio, evidence_id: int, claim_id: int
) -> SkillClaim:
    """Let evidence back a skill claim; a self-declared claim becomes documented."""
    ev = get_evidence(session, portfolio, evidence_id)
    claim = _claim(session, portfolio, claim_id)
    if ev not in claim.evidence:
        claim.evidence.append(ev)
        _restatus(claim)
        session.flush()
        _audit(session, "evidence.attached", actor, portfolio, ev, claim_id=claim.id)
    return claim


def detach(
    session: Session, actor: User, portfolio: Portfolio, evidence_id: int, claim_id: int
) -> SkillClaim:
    """Stop evidence backing a claim; without any evidence left it is self-declared again."""
    ev = get_evidence(session, portfolio, evidence_id)
    claim = _claim(session, portfolio, claim_id)
    if ev in claim.evidence:
        claim.evidence.remove(ev)
        _restatus(claim)
        session.flush()
        _audit(session, "evidence.detached", actor, portfolio, ev, claim_id=claim.id)
    return claim


def delete_evidence(session: Session, actor: User, portfolio: Portfolio, evidence_id: int) -> None:
    """Remove evidence and its file (once committed), lowering claims left without any."""
    ev = get_evidence(session, portfolio, evidence_id)
    claims = list(ev.claims)
    for claim in claims:
        claim.evidence.remove(ev)
        _restatus(claim)
    _audit(session, "evidence.deleted", actor, portfolio, ev, claims=[c.id for c in claims])
    if ev.stored_name:
        files.delete_after_commit(session, files.storage(), [ev.stored_name])
    session.delete(ev)
    session.flush()


def open_file(
    session: Session, actor: User, portfolio: Portfolio, evidence_id: int
) -> tuple[Evidence, BinaryIO]:
    """Open a file for someone allowed to see it; views by others go in the access log."""
    ev = get_evidence(session, portfolio, evidence_id)
    if ev.kind != "file" or not ev.stored_name:
        raise NotFound(_l("This evidence is a link, not a file."))
    if actor.id != portfolio.user_id:
        log_access(session, portfolio.user_id, actor, "evidence_file")
    # Files are small (10 MB at most): read whole, so no handle outlives the request.
    with files.storage().open(ev.stored_name) as fh:
        return ev, io.BytesIO(fh.read())

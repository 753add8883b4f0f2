"""Pages for validation: the learner's cases, the assessor's queue, assessing and deciding."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from flask_login import current_user
from markupsafe import Markup

from eportfolio.credentials import services as credentials
from eportfolio.db import db
from eportfolio.errors import DomainError
from eportfolio.permissions import AUTHENTICATED, Permission, access, can, requires
from eportfolio.portfolios.services import portfolio_for
from eportfolio.schemas import load
from eportfolio.validation import councils, queue, services
from eportfolio.validation.schemas import (
    CaseCreateSchema,
    ClaimAssessmentSchema,
    QueueFilterSchema,
    TransitionSchema,
)
from eportfolio.validation.states import Action, Part, State

bp = Blueprint("validation", __name__, url_prefix="/validation")
Page = Response | tuple[str, int]


def _form(*lists: str) -> dict[str, Any]:
    # An empty select (e.g. "no occupation") means the field was left out.
    data: dict[str, Any] = {k: v for k, v in request.form.to_dict().items() if v != ""}
    for name in lists:
        data[name] = [v for v in request.form.getlist(name) if v]
    return data


@bp.get("")
@access(requires(Permission.CASE_CREATE))
def my_cases() -> str:
    cases = services.my_cases(db.session, current_user)
    return render_template("validation/my_cases.html", cases=cases)


@bp.route("/new", methods=["GET", "POST"])
@access(requires(Permission.CASE_CREATE))
def new_case() -> Page:
    portfolio = portfolio_for(db.session, current_user)
    form: dict[str, Any] = {"claim_ids": []}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = _form("claim_ids")
        try:
            data = load(CaseCreateSchema(), form)
            case = services.create_case(
                db.session,
                current_user,
                data["council_id"],
                data["claim_ids"],
                data["occupation_id"],
            )
        except DomainError as exc:
            errors = exc.errors
        else:
            return redirect(url_for("validation.case", case_id=case.id))  # type: ignore[return-value]
    occupations = [t.concept_id for t in portfolio.targets]
    suggested = councils.suggested_councils(db.session, occupations, portfolio.municipality_code)
    return render_template(
        "validation/new_case.html",
        portfolio=portfolio,
        councils=suggested,
        form=form,
        errors=errors,
    ), 422 if errors else 200


def case_page(
    case: Any, errors: dict[str, Any] | None = None, status: int = 200, posted: str = ""
) -> Page:
    """Render the case; after an error, ``posted`` names the form whose typed values come back."""
    session = db.session
    parts = services.parts_of(session, current_user, case)
    issued = credentials.credentials_of_case(session, case.id)
    chosen = set((case.snapshot or {}).get("claim_ids", []))
    draft_claims = (
        [c for c in portfolio_for(session, current_user).claims if c.id in chosen]
        if case.state is State.DRAFT and Part.LEARNER in parts
        else []
    )
    return render_template(
        "validation/case.html",
        case=case,
        parts=parts,
        Part=Part,
        State=State,
        actions=services.allowed_actions(session, current_user, case),
        issued=issued if Part.LEARNER in parts or Part.CHAIR in parts else [],
        methods=services.METHODS,
        draft_claims=draft_claims,
        errors=errors or {},
        form=request.form if errors else {},
        posted=posted if errors else "",
    ), status


@bp.get("/cases/<int:case_id>")
@access(AUTHENTICATED)
def case(case_id: int) -> Page:
    return case_page(services.case_for(db.session, current_user, case_id))


@bp.post("/cases/<int:case_id>/actions/<action>")
@access(AUTHENTICATED)
def act(case_id: int, action: str) -> Page:
    item = services.case_for(db.session, current_user, case_id)
    try:
        data = load(TransitionSchema(), {**request.form.to_dict(), "action": action})
        services.transition(db.session, current_user, item, data["action"], data["reason"])
    except DomainError as exc:
        if exc.status != 422:
            raise
        return case_page(item, exc.errors, 422, posted=f"action-{action}")
    state = case_state(item.state, for_learner=item.learner_id == current_user.id)
    flash(_("Done: the case is now “%(state)s”.", state=state), "success")
    if action == Action.RELEASE:
        return redirect(url_for("validation.queue_page"))  # type: ignore[return-value]
    return redirect(url_for("validation.case", case_id=item.id))  # type: ignore[return-value]


@bp.post("/cases/<int:case_id>/claims/<int:claim_id>")
@access(requires(Permission.ASSESSOR_HOME))
def assess(case_id: int, claim_id: int) -> Page:
    item = services.case_for(db.session, current_user, case_id)
    try:
        data = load(ClaimAssessmentSchema(), _form())
        services.assess_claim(db.session, current_user, item, claim_id, data)
    except DomainError as exc:
        if exc.status != 422:
            raise
        errors = {f"{k}-{claim_id}" if k != "_schema" else k: v for k, v in exc.errors.items()}
        return case_page(item, errors, 422, posted=f"claim-{claim_id}")
    flash(_("The assessment is saved."), "success")
    return redirect(url_for("validation.case", case_id=item.id, _anchor=f"claim-{claim_id}"))  # type: ignore[return-value]


@bp.post("/cases/<int:case_id>/conflict")
@access(requires(Permission.ASSESSOR_HOME))
def declare_conflict(case_id: int) -> Response:
    item = services.case_for(db.session, current_user, case_id)
    left_in = services.declare_conflict(db.session, current_user, item)
    flash(_("Noted: you will not be given this person's cases."), "success")
    if left_in is State.AWAITING_LEARNER:
        message = _(
            "Case %(number)s goes to the council's queue for another assessor once the learner "
            "answers; you no longer assess it.",
            number=item.number,
        )
        flash(message, "info")
    elif left_in is not None:
        message = _(
            "Case %(number)s is back in the council's queue for another assessor; "
            "you no longer assess it.",
            number=item.number,
        )
        flash(message, "info")
    return redirect(url_for("validation.queue_page"))  # type: ignore[return-value]


@bp.get("/queue")
@access(requires(Permission.ASSESSOR_HOME))
def queue_page() -> Page:
    errors: dict[str, Any] = {}
    args = {k: v for k, v in request.args.items() if v}
    try:
        filters = load(QueueFilterSchema(), args)
    except DomainError as exc:
        errors, filters = exc.errors, {}
    items = queue.queue(db.session, current_user, filters)
    return render_template(
        "validation/queue.html",
        items=items,
        counts=queue.counts(queue.queue(db.session, current_user, {})),
        filters=args,
        errors=errors,
        states=[s for s in State if s is not State.DRAFT],
        occupations=queue.scope_occupations(db.session, current_user),
        can_take=can(current_user, Permission.CASE_TAKE),
        take_is_for_assessors=TAKE_IS_FOR_ASSESSORS,
        municipalities=queue.municipalities(db.session),
    ), 422 if errors else 200


@bp.post("/queue/take-next")
@access(requires(Permission.ASSESSOR_HOME))
def take_next() -> Response:
    if not can(current_user, Permission.CASE_TAKE):
        flash(str(TAKE_IS_FOR_ASSESSORS), "info")
        return redirect(url_for("validation.queue_page"))  # type: ignore[return-value]
    item = queue.take_next(db.session, current_user)
    if item is None:
        flash(_("There is no case for you to take right now."), "info")
        return redirect(url_for("validation.queue_page"))  # type: ignore[return-value]
    return redirect(url_for("validation.case", case_id=item.id))  # type: ignore[return-value]


# Four eyes (states.py): TAKE needs an assessor's part, so a chair who is no assessor never takes.
TAKE_IS_FOR_ASSESSORS = _l(
    "As chair you do not take cases: an assessor takes and assesses each case, and you approve "
    "it once it is assessed."
)

STATE_NAMES = {
    State.DRAFT: _l("Draft"),
    State.SUBMITTED: _l("Submitted"),
    State.IN_ASSESSMENT: _l("In assessment"),
    State.AWAITING_LEARNER: _l("Waiting for you to add evidence"),
    State.ASSESSED: _l("Assessed, waiting for the chair"),
    State.CERTIFIED: lazy_pgettext("case state", "Certified"),  # "Certifierat", as the others
    State.NOT_CERTIFIED: _l("Not certified"),
    State.WITHDRAWN: _l("Withdrawn by the learner"),
    State.REASSESSMENT_REQUESTED: _l("Omprövning requested"),
}


# The council reads a state from its own side: only to the learner is the learner "you".
COUNCIL_STATE_NAMES = {**STATE_NAMES, State.AWAITING_LEARNER: _l("Waiting for the learner")}


@bp.app_template_filter("nowrap")
def nowrap(text: str) -> Markup:
    """Keep ``text`` on one line: a diarienummer broken at a hyphen reads as two."""
    return Markup('<span class="nowrap">{}</span>').format(text)


@bp.app_template_filter("case_state")
def case_state(state: State, for_learner: bool = True) -> str:
    """Name a state in the learner's words, or (``for_learner=False``) in the council's."""
    return str((STATE_NAMES if for_learner else COUNCIL_STATE_NAMES)[State(state)])

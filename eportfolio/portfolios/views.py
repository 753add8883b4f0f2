"""The learner's portfolio pages: overview, guided first run, profile, printable CV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from eportfolio.accounts.models import Municipality, User
from eportfolio.db import db, parse_id
from eportfolio.errors import DomainError
from eportfolio.permissions import Permission, access, requires
from eportfolio.portfolios import services
from eportfolio.portfolios.languages import language_name
from eportfolio.portfolios.models import DRIVING_LICENCES, Portfolio
from eportfolio.portfolios.schemas import ProfileSchema
from eportfolio.schemas import load

bp = Blueprint("portfolios", __name__, url_prefix="/portfolio")
EDIT = requires(Permission.PORTFOLIO_EDIT)
Page = str | tuple[str, int] | Response
# The guided first run: each step is an ordinary page shown with "save and continue".
STEPS = ("profile", "experience", "skills", "languages", "evidence", "consent")


def learner_arg() -> int | None:
    """Return the learner a guide acts for (?learner=ID), or None for one's own portfolio."""
    value = request.args.get("learner", "")
    return parse_id(value)


def current_portfolio() -> Portfolio:
    """Return the portfolio the page is about; a guide's look at a learner's is logged."""
    portfolio = services.portfolio_to_edit(db.session, current_user, learner_arg())
    if request.method == "GET" and portfolio.user_id != current_user.id:
        from eportfolio.privacy.services import log_access

        what = "cv" if request.endpoint == "portfolios.cv" else "portfolio"
        log_access(db.session, portfolio.user_id, current_user, what)
    return portfolio


def consent_given(portfolio: Portfolio) -> bool:
    try:
        from eportfolio.privacy.services import matching_visible
    except ImportError:  # the privacy feature may not be installed in every deployment
        return False
    return bool(matching_visible(db.session, portfolio.user_id))


def step_url(step: str, **kwargs: Any) -> str:
    """Return the page of a guided step, keeping who we act for."""
    learner = learner_arg()
    extra = {"learner": learner} if learner else {}
    targets = {
        "profile": "portfolios.profile",
        "experience": "portfolios.new_experience",
        "skills": "portfolios.new_claim",
        "languages": "portfolios.new_language",
        "evidence": "evidence.index",
        "consent": "privacy.consents",
    }
    try:
        return url_for(targets[step], guided=1, **extra, **kwargs)
    except Exception:  # a step whose feature is not there: back to the overview
        return url_for("portfolios.overview", **extra)


def to_overview() -> Response:
    """Go back to the overview of the portfolio being edited (a guide's learner or one's own)."""
    learner = learner_arg()
    return redirect(url_for("portfolios.overview", **({"learner": learner} if learner else {})))  # type: ignore[return-value]


def next_step(portfolio: Portfolio, current: str) -> Response:
    """Remember progress and go to the step after ``current`` (or the overview at the end)."""
    index = STEPS.index(current)
    if index + 1 < len(STEPS):
        portfolio.guided_step = STEPS[index + 1]
        return redirect(step_url(STEPS[index + 1]))  # type: ignore[return-value]
    portfolio.guided_step = "done"
    return to_overview()


def resume_step(portfolio: Portfolio, done: dict[str, bool]) -> str | None:
    """Return the step the guided run goes on with, or None when none is left for this user.

    A finished run with something still missing goes to the first missing part, not back to
    the start; a guide is never sent to the consent step, which only the learner may take.
    """
    if portfolio.guided_step in STEPS:
        step: str | None = portfolio.guided_step
    elif portfolio.guided_step == "done":
        step = next((s for s in STEPS if not done.get(s, True)), None)
    else:
        step = STEPS[0]
    if step == "consent" and learner_arg() is not None:
        return None
    return step


def after_save(portfolio: Portfolio, step: str, fallback: str) -> Response:
    if request.values.get("guided"):
        return next_step(portfolio, step)
    learner = learner_arg()
    return redirect(url_for(fallback, **({"learner": learner} if learner else {})))  # type: ignore[return-value]


@bp.before_request
def _guides_choose_a_learner() -> Response | None:
    """A guide without a portfolio of their own picks the learner to help first."""
    user = current_user
    if (
        learner_arg() is None
        and user.is_authenticated
        and not user.has_role("learner")
        and user.has_role("guide")
    ):
        return redirect(url_for("privacy.guided_learners"))  # type: ignore[return-value]
    return None


@bp.app_context_processor
def _portfolio_globals() -> dict[str, Any]:
    learner = learner_arg()
    helping = None
    if (
        learner
        and request.blueprint in ("portfolios", "evidence")
        and current_user.is_authenticated
    ):
        # Pages that say "you" and "your portfolio" must say whose it is when a guide helps.
        found = db.session.get(User, learner)
        helping = found if found is not None and found.id != current_user.id else None
    return {
        "helping": helping,
        "learner_args": {"learner": learner} if learner else {},
        "steps": STEPS,
        "language_name": lambda code: language_name(code, str(get_locale())),
    }


@bp.get("")
@access(EDIT)
def overview() -> str:
    """Show the whole portfolio, how complete it is and what would strengthen it."""
    portfolio = current_portfolio()
    status = services.completeness(db.session, portfolio, consent_given(portfolio))
    return render_template(
        "portfolios/overview.html",
        portfolio=portfolio,
        status=status,
        resume=resume_step(portfolio, status.done),
        lang=str(get_locale()),
    )


@bp.get("/guide")
@access(EDIT)
def guide() -> Response:
    """Start or resume the guided first run where it was left (or at what is still missing)."""
    portfolio = current_portfolio()
    step = resume_step(portfolio, services.steps_done(portfolio, consent_given(portfolio)))
    if step is None:
        return to_overview()
    return redirect(step_url(step))  # type: ignore[return-value]


@bp.post("/guide/next")
@access(EDIT)
def guide_next() -> Response:
    """Leave a guided step that saves nothing of its own (evidence, consent), noting progress.

    A guide helping a learner stops before the consent step: only the learner may decide
    who sees their portfolio, so the guide returns to the overview with that step still open.
    """
    portfolio = current_portfolio()
    step = request.form.get("step", "")
    if step not in STEPS:
        raise DomainError(_("Unknown step."), field="step")
    if learner_arg() is not None and step == "evidence":
        portfolio.guided_step = "consent"
        return to_overview()
    return next_step(portfolio, step)


@bp.route("/profile", methods=["GET", "POST"])
@access(EDIT)
def profile() -> Page:
    portfolio = current_portfolio()
    municipalities = list(db.session.scalars(select(Municipality).order_by(Municipality.name)))
    form: dict[str, Any] = {
        "headline": portfolio.headline or "",
        "summary": portfolio.summary or "",
        "municipality_code": portfolio.municipality_code or "",
        "work_municipalities": portfolio.work_municipalities or [],
        "driving_licences": portfolio.driving_licences or [],
        "has_work_permit": {True: "yes", False: "no"}.get(portfolio.has_work_permit, ""),  # type: ignore[arg-type]
        "available_from": portfolio.available_from.isoformat() if portfolio.available_from else "",
        "target_occupations": [t.concept.label(str(get_locale())) for t in portfolio.targets],
    }
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = {
            **request.form.to_dict(),
            "work_municipalities": request.form.getlist("work_municipalities"),
            "driving_licences": request.form.getlist("driving_licences"),
            "target_occupations": [
                t for t in request.form.getlist("target_occupations") if t.strip()
            ],
        }
        try:
            services.update_profile(
                db.session, current_user, portfolio, load(ProfileSchema(), form)
            )
        except DomainError as exc:
            errors = exc.errors
        else:
            return after_save(portfolio, "profile", "portfolios.overview")
    return render_template(
        "portfolios/profile.html",
        form=form,
        errors=errors,
        municipalities=municipalities,
        licences=DRIVING_LICENCES,
        guided=request.values.get("guided"),
    ), 422 if errors else 200


@bp.get("/cv")
@access(EDIT)
def cv() -> str:
    """Show the whole portfolio as a printable CV (Europass-like sections)."""
    portfolio = current_portfolio()
    owner = db.session.get(type(current_user._get_current_object()), portfolio.user_id)
    return render_template(
        "portfolios/cv.html", portfolio=portfolio, owner=owner, lang=str(get_locale())
    )


from eportfolio.portfolios import section_views  # noqa: E402,F401  (routes on this blueprint)

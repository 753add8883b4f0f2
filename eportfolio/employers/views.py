"""Employer pages (needs, candidates, explanations, shortlist, contact) and the learner's side."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import ValidationError
from sqlalchemy import select

from eportfolio.accounts.models import Municipality
from eportfolio.db import db, parse_id
from eportfolio.employers import services
from eportfolio.employers.models import Need
from eportfolio.employers.schemas import MAX_SKILLS, ContactSchema, NeedSchema, form_skill_rows
from eportfolio.errors import Conflict, DomainError, ValidationFailed
from eportfolio.extensions import limiter
from eportfolio.matching_index.loading import cefr
from eportfolio.permissions import Permission, access, requires
from eportfolio.portfolios.languages import language_name, language_options
from eportfolio.portfolios.models import CEFR, Portfolio
from eportfolio.schemas import load
from eportfolio.taxonomy_store.models import Concept

bp = Blueprint("employers", __name__)
LANGUAGE_ROWS = range(1, 4)  # as many as NeedSchema reads
NEEDS = requires(Permission.NEED_MANAGE)
Page = str | tuple[str, int] | Response


def _lang() -> str:
    return str(get_locale())


@bp.get("/needs")
@access(NEEDS)
def needs() -> str:
    return render_template(
        "employers/needs.html", needs=services.needs_of(db.session, current_user)
    )


def _need_form(need_id: int | None) -> Page:
    need = services.need_for(db.session, current_user, need_id) if need_id else None
    form: dict[str, Any] = _form_of(need) if need else {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        if request.form.get("action") == "suggest":
            form = {**form, **_suggested_rows(form)}
        else:
            try:
                saved = services.save_need(
                    db.session,
                    current_user,
                    load(NeedSchema(), form),
                    need_id,
                    rows=[n for n, _ in form_skill_rows(form)],
                )
            except ValidationFailed as exc:
                errors = {**_skill_row_errors(form), **exc.errors}
            except DomainError as exc:
                errors = exc.errors
            else:
                typed = (form.get("occupation") or "").strip()
                read = saved.occupation.label(_lang()) if saved.occupation else ""
                if typed and read and typed.casefold() != read.casefold():
                    flash(
                        _("The occupation was read as “%(occupation)s”.", occupation=read), "info"
                    )
                return redirect(url_for("employers.need", need_id=saved.id))  # type: ignore[return-value]
    municipalities = list(db.session.scalars(select(Municipality).order_by(Municipality.name)))
    return render_template(
        "employers/need_form.html",
        form=form,
        errors=errors,
        need=need,
        rows=_rows_shown(form),
        municipalities=municipalities,
        cefr=CEFR,
        languages=language_options(_lang()),
    ), 422 if errors else 200


def _skill_row_errors(form: dict[str, Any]) -> dict[str, list[Any]]:
    """Name the skill rows that do not resolve, also when other fields failed first, so one
    submit shows every mistake."""
    try:
        rows = form_skill_rows(form)
        items = [dict(item, concept_id=parse_id(item["concept_id"]) or None) for _, item in rows]
    except ValidationError:
        return {}  # the schema's own message for these rows stands
    return services.skill_errors(db.session, items, [n for n, _ in rows])[1]


def _rows_shown(form: dict[str, Any]) -> int:
    """Show every filled skill row and three empty ones after the last (six at least)."""
    filled = [n for n in range(1, MAX_SKILLS + 1) if str(form.get(f"skill_{n}") or "").strip()]
    return min(MAX_SKILLS, max(6, (filled[-1] if filled else 0) + 3))


def _suggested_rows(form: dict[str, Any]) -> dict[str, Any]:
    """Fill empty rows with what the pasted ad names (nothing is saved): skills, must or nice
    by their sentence, and languages (named as skills in the taxonomy) as language rows."""
    found = services.skills_from_ad(db.session, form.get("text") or "")
    lang = _lang()
    taken = {form.get(f"skill_{n}", "").strip().casefold() for n in range(1, MAX_SKILLS + 1)}
    # A row already holding a chosen skill under other words takes that skill too.
    chosen = {
        str(form.get(f"concept_{n}"))
        for n in range(1, MAX_SKILLS + 1)
        if form.get(f"concept_{n}")
        and str(form.get(f"concept_for_{n}", "")).strip().casefold()
        == str(form.get(f"skill_{n}", "")).strip().casefold()
    }
    free = [n for n in range(1, MAX_SKILLS + 1) if not form.get(f"skill_{n}", "").strip()]
    languages = {
        name.casefold(): code for locale in ("sv", "en") for code, name in language_options(locale)
    }
    asked = {form.get(f"language_{n}") for n in LANGUAGE_ROWS} - {None, ""}
    free_languages = [n for n in LANGUAGE_ROWS if not form.get(f"language_{n}")]
    left_out = []  # languages the ad names that no language row can honestly hold
    rows: dict[str, Any] = {}
    skills = []
    for item in found:
        code = languages.get(item.concept.label("sv").casefold()) or languages.get(
            item.concept.label("en").casefold()
        )
        if code is None:
            label = item.concept.label(lang).casefold()
            if label not in taken and str(item.concept.id) not in chosen:
                skills.append(item)
        elif code in asked:
            continue
        elif item.must and free_languages:
            n = free_languages.pop(0)
            rows[f"language_{n}"], rows[f"cefr_{n}"] = code, "B1"
            asked.add(code)
        else:  # a language row is a requirement: a merit, or one too many, is said instead
            left_out.append(language_name(code, lang))
            asked.add(code)
    for item, n in zip(skills, free, strict=False):
        rows[f"skill_{n}"] = rows[f"concept_for_{n}"] = item.concept.label(lang)
        rows[f"concept_{n}"] = str(item.concept.id)
        rows[f"kind_{n}"], rows[f"level_{n}"] = ("must" if item.must else "nice"), "2"
    if not found:
        flash(_("No skills were recognised in the text."), "info")
    if left_out:
        flash(
            _(
                "The ad also names %(languages)s: as a merit, or more languages than the rows "
                "hold. Each language row is a requirement; add one yourself if it is required.",
                languages=", ".join(left_out),
            ),
            "info",
        )
    return rows


def _form_of(need: Any) -> dict[str, Any]:
    form = {
        "title": need.title,
        "text": need.text or "",
        "municipality_code": need.municipality_code or "",
        "start_date": need.start_date.isoformat() if need.start_date else "",
        "occupation": need.occupation.label(_lang()) if need.occupation else "",
    }
    for n, skill in enumerate(need.skills, start=1):
        form |= {
            f"skill_{n}": skill.text,
            f"concept_{n}": str(skill.concept_id),
            f"concept_for_{n}": skill.text,
            f"kind_{n}": "must" if skill.must else "nice",
            f"level_{n}": str(skill.min_level),
        }
    for n, lang in enumerate(need.languages, start=1):
        form |= {f"language_{n}": lang.language, f"cefr_{n}": lang.min_cefr}
    return form


@bp.route("/needs/new", methods=["GET", "POST"])
@access(NEEDS)
def new_need() -> Page:
    """Describe a need, or paste a job ad and accept the suggested skills."""
    return _need_form(None)


@bp.route("/needs/<int:need_id>/edit", methods=["GET", "POST"])
@access(NEEDS)
def edit_need(need_id: int) -> Page:
    return _need_form(need_id)


@bp.get("/needs/<int:need_id>")
@access(NEEDS)
@limiter.limit("120 per minute", key_func=lambda: f"search:{current_user.get_id()}")
def need(need_id: int) -> str:
    """Rank pseudonymous candidates for the need, 20 to a page, at most 5 pages."""
    item = services.need_for(db.session, current_user, need_id)
    page = request.args.get("page", "1")
    number = parse_id(page) or 1
    found = services.candidates(db.session, current_user, item, number)
    return render_template(
        "employers/candidates.html",
        need=item,
        candidates=found,
        page=min(max(number, 1), services.MAX_PAGES),
        max_pages=services.MAX_PAGES,
        lang=_lang(),
        shortlisted={e.portfolio_id for e in services.shortlist(db.session, item)},
        sent=[
            (r, services.revealed_identity(db.session, r))
            for r in services.requests_for_need(db.session, item)
        ],
        via=_via_labels(
            [t.via for c in found for t in c.explanation.skills if t.status == "related"]
        ),
    )


@bp.get("/needs/<int:need_id>/candidates/<pseudonym>")
@access(NEEDS)
def candidate(need_id: int, pseudonym: str) -> str:
    """Explain one candidate's score, term by term."""
    return _candidate_page(need_id, pseudonym, {}, {})


def _candidate_page(
    need_id: int, pseudonym: str, form: dict[str, Any], errors: dict[str, Any]
) -> str:
    item = services.need_for(db.session, current_user, need_id)
    found = services.candidate(db.session, current_user, item, pseudonym)
    contacted = next(
        (
            r
            for r in services.requests_for_need(db.session, item)
            if r.portfolio_id == found.portfolio.id
        ),
        None,
    )
    return render_template(
        "employers/candidate.html",
        need=item,
        candidate=found,
        lang=_lang(),
        request_=contacted,
        errors=errors,
        form=form,
        identity=services.revealed_identity(db.session, contacted) if contacted else None,
        shortlisted=any(
            e.portfolio_id == found.portfolio.id for e in services.shortlist(db.session, item)
        ),
        languages=_language_notes(item, found.portfolio),
        place=_place_note(item, found.portfolio),
        via=_via_labels([t.via for t in found.explanation.skills if t.status == "related"]),
        links=_link_names(),
    )


def _via_labels(uris: list[str | None]) -> dict[str, str]:
    """Name the candidate's skills that met need skills through the taxonomy."""
    wanted = {u for u in uris if u}
    if not wanted:
        return {}
    found = db.session.scalars(select(Concept).where(Concept.uri.in_(wanted)))
    return {c.uri: c.label(_lang()) for c in found}


def _link_names() -> dict[str, str]:
    """Say how a related skill stands to the skill asked for (the engine's link kinds)."""
    return {
        "narrower": _("a more specific skill"),
        "broader": _("a broader skill"),
        "related": _("a related skill"),
        "sibling": _("a skill in the same group"),
        "cooccurs": _("a skill the same occupations ask for"),
    }


def _language_notes(need: Need, portfolio: Portfolio) -> list[str]:
    """Say, per language the need asks for, what the candidate holds as the engine reads it:
    a mother tongue, else the weakest of the four CEFR skills."""
    held = {lang.language: lang for lang in portfolio.languages}
    notes = []
    for asked in need.languages:
        name, level = language_name(asked.language, _lang()), asked.min_cefr
        lang = held.get(asked.language)
        if lang is None:
            notes.append(_("%(language)s: %(asked)s asked, not stated", language=name, asked=level))
        elif lang.mother_tongue:
            notes.append(
                _("%(language)s: %(asked)s asked, mother tongue", language=name, asked=level)
            )
        else:
            skills = (lang.listening, lang.reading, lang.speaking, lang.writing)
            weakest = CEFR[cefr(False, *skills) - 1]  # the engine's reading of the grid
            notes.append(
                _(
                    "%(language)s: %(asked)s asked, has %(held)s",
                    language=name,
                    asked=level,
                    held=weakest,
                )
            )
    return notes


def _place_note(need: Need, portfolio: Portfolio) -> str:
    """Say where the candidate lives against where the job is, when both are known."""
    if need.municipality is None or portfolio.municipality is None:
        return ""
    return _(
        "Lives in %(home)s; the job is in %(work)s",
        home=portfolio.municipality.name,
        work=need.municipality.name,
    )


@bp.post("/needs/<int:need_id>/candidates/<pseudonym>/shortlist")
@access(NEEDS)
def shortlist(need_id: int, pseudonym: str) -> Response:
    item = services.need_for(db.session, current_user, need_id)
    added = services.toggle_shortlist(db.session, current_user, item, pseudonym)
    flash(_("Added to the shortlist.") if added else _("Taken off the shortlist."), "success")
    return redirect(url_for("employers.candidate", need_id=need_id, pseudonym=pseudonym))  # type: ignore[return-value]


@bp.post("/needs/<int:need_id>/candidates/<pseudonym>/contact")
@access(NEEDS)
def contact(need_id: int, pseudonym: str) -> Page:
    item = services.need_for(db.session, current_user, need_id)
    form = request.form.to_dict()
    try:
        data = load(ContactSchema(), form)
        services.request_contact(db.session, current_user, item, pseudonym, data.get("message"))
    except ValidationFailed as exc:  # the typed message stays in the form, with the error
        return _candidate_page(need_id, pseudonym, form, exc.errors), 422
    except Conflict as exc:  # asked already (from an old tab): the page says where it stands
        flash(str(exc.message), "info")
    else:
        flash(
            _("Your request has been sent. The candidate decides whether to share their name."),
            "success",
        )
    return redirect(url_for("employers.candidate", need_id=need_id, pseudonym=pseudonym))


@bp.post("/needs/<int:need_id>/close")
@access(NEEDS)
def close_need(need_id: int) -> Response:
    """Close a filled or withdrawn need: learners no longer see it among their matches."""
    services.set_open(db.session, current_user, need_id, False)
    flash(_("The need is closed. Learners no longer see it."), "success")
    return redirect(url_for("employers.need", need_id=need_id))  # type: ignore[return-value]


@bp.post("/needs/<int:need_id>/reopen")
@access(NEEDS)
def reopen_need(need_id: int) -> Response:
    services.set_open(db.session, current_user, need_id, True)
    flash(_("The need is open again."), "success")
    return redirect(url_for("employers.need", need_id=need_id))  # type: ignore[return-value]


@bp.route("/colleagues", methods=["GET", "POST"])
@access(NEEDS)
def colleagues() -> Page:
    """The organisation's accounts, and invitations for colleagues to accounts of their own."""
    from eportfolio.accounts import services as accounts
    from eportfolio.accounts.schemas import InviteSchema

    form: dict[str, Any] = {}
    errors: dict[str, Any] = {}
    if request.method == "POST":
        form = request.form.to_dict()
        try:
            data = load(InviteSchema(), form)
            invite, secret = accounts.invite_colleague(db.session, current_user, data["email"])
        except DomainError as exc:
            errors = exc.errors
        else:
            _mail_invite(invite, secret)
            # The same words whether or not the address has an account: no one is given away.
            flash(_("The invitation has been sent to %(email)s.", email=invite.email), "success")
            return redirect(url_for("employers.colleagues"))
    people, waiting = accounts.colleagues(db.session, current_user)
    page = render_template(
        "employers/colleagues.html", people=people, waiting=waiting, form=form, errors=errors
    )
    return (page, 422) if errors else page


@bp.post("/colleagues/invites/<int:invite_id>/withdraw")
@access(NEEDS)
def withdraw_invite(invite_id: int) -> Response:
    """Take back an invitation, so a link sent to a mistyped address stops working."""
    from eportfolio.accounts import services as accounts

    invite = accounts.withdraw_invite(db.session, current_user, invite_id)
    flash(
        _(
            "The invitation to %(email)s is withdrawn: its link no longer works.",
            email=invite.email,
        ),
        "success",
    )
    return redirect(url_for("employers.colleagues"))  # type: ignore[return-value]


def _mail_invite(invite: Any, secret: str | None) -> None:
    """Mail the link to a new account, or, to an address that has one, how to log in."""
    from eportfolio.mail import send_mail

    if secret is None:
        body = render_template(
            "accounts/email_invite_has_account.txt",
            invite=invite,
            inviter=current_user,
            login=url_for("accounts.login", _external=True),
            forgot=url_for("accounts.forgot_password", _external=True),
        )
        send_mail(invite.email, _("An invitation to Meritportfölj"), body)
        return
    link = url_for("accounts.accept_invite", token=secret, _external=True)
    body = render_template(
        "accounts/email_invite.txt", invite=invite, inviter=current_user, link=link
    )
    send_mail(invite.email, _("You are invited to Meritportfölj"), body)


@bp.get("/matches")
@access(requires(Permission.CONTACT_ANSWER))
def matches() -> str:
    """Matchningar: occupations, open needs and bristyrken that fit, with what is missing."""
    from eportfolio.employers.recommendations import recommend
    from eportfolio.portfolios.services import portfolio_for

    portfolio = portfolio_for(db.session, current_user)
    found = recommend(db.session, portfolio)
    skills = {c.id for group in found.values() for s in group for c, _, _ in s.gaps}
    return render_template(
        "employers/matches.html",
        found=found,
        lang=_lang(),
        teaching=_teaching(sorted(skills)),
        has_skills=bool(portfolio.claims),
    )


def _teaching(concept_ids: list[int]) -> dict[int, list[Any]]:
    """Where each skill can be learned: the lärcentra's training catalogue."""
    from eportfolio.regional.modules import modules_teaching

    result: dict[int, list[Any]] = modules_teaching(db.session, concept_ids)
    return result


@bp.get("/contacts")
@access(requires(Permission.CONTACT_ANSWER))
def contacts() -> str:
    """The learner's contact requests from employers."""
    from eportfolio.privacy.services import identity_shared, matching_visible

    found = services.requests_for_learner(db.session, current_user)
    return render_template(
        "employers/contacts.html",
        requests=found,
        # A yes stands while the consent it gave stands; the learner may withdraw it later.
        withdrawn={
            r.id
            for r in found
            if r.state == "accepted"
            and not identity_shared(db.session, current_user.id, r.need.organisation_id)
        },
        visible=matching_visible(db.session, current_user.id),
    )


@bp.post("/contacts/<int:request_id>")
@access(requires(Permission.CONTACT_ANSWER))
def answer(request_id: int) -> Response:
    """Answer a request, or turn a no into a yes (from this page or the consents page)."""
    accept = request.form.get("answer") == "accept"
    try:
        services.answer_request(db.session, current_user, request_id, accept)
    except Conflict as exc:  # answered already, or the need has closed since
        flash(str(exc.message), "error")
    else:
        flash(
            _("The employer can now see your name and e-mail address.")
            if accept
            else _("You said no. The employer does not learn who you are."),
            "success",
        )
    back = "privacy.consents" if request.form.get("back") == "consents" else "employers.contacts"
    return redirect(url_for(back))  # type: ignore[return-value]

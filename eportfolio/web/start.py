"""What each role can do next, shown on the start page."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from eportfolio.accounts.models import OrgStatus, Role, User
from eportfolio.permissions import Permission, can


@dataclass(frozen=True)
class Action:
    title: Any
    text: Any
    href: str | None = None


def start_actions(user: User) -> list[tuple[Any, list[Action]]]:
    """Return (section heading, actions) for every role the user holds."""
    sections: list[tuple[Any, list[Action]]] = []
    roles = user.roles
    if Role.LEARNER in roles:
        sections.append(
            (
                _l("Your meritportfölj"),
                [
                    Action(
                        _l("Describe what you can do"),
                        _l("Add work experience, education, skills and languages."),
                        url_for("portfolios.overview"),
                    ),
                    Action(
                        _l("Add evidence"),
                        _l("Certificates, references, photos of your work and links."),
                        url_for("evidence.index"),
                    ),
                    Action(
                        _l("Decide who sees your portfolio"),
                        _l(
                            "Be visible to employers without your name, or not. Change it any time."
                        ),
                        url_for("privacy.consents"),
                    ),
                    Action(
                        _l("Get help from a guide"),
                        _l("Let a guide at a lärcentrum help you with your portfolio."),
                        url_for("privacy.guides"),
                    ),
                    Action(
                        _l("Who has seen your portfolio"),
                        _l("When, in which role and for which organisation."),
                        url_for("privacy.access_log"),
                    ),
                    Action(
                        _l("Ask for validation"),
                        _l("A valideringsråd can verify your skills and issue a kompetensintyg."),
                        url_for("validation.my_cases"),
                    ),
                    Action(
                        _l("See matching jobs"),
                        _l("Find employer needs and bristyrken that fit your skills."),
                        url_for("employers.matches"),
                    ),
                ],
            )
        )
    if Role.GUIDE in roles:
        sections.append(
            (
                _l("Guide at a lärcentrum"),
                [
                    Action(
                        _l("Help a learner"),
                        _l("Learners who have given you access are listed here."),
                        url_for("privacy.guided_learners"),
                    ),
                ],
            )
        )
    if Role.ASSESSOR in roles or Role.CHAIR in roles:
        sections.append(
            (
                _l("Valideringsråd"),
                [
                    Action(
                        _l("Review queue"),
                        # Four eyes: a chair who is no assessor follows cases but never takes one.
                        _l("Take the oldest case and assess the skill claims.")
                        if can(user, Permission.CASE_TAKE)
                        else _l("Follow the cases of your valideringsråd."),
                        url_for("validation.queue_page"),
                    ),
                ],
            )
        )
    if Role.CHAIR in roles:
        sections[-1][1].append(
            Action(
                _l("Approve certifications"),
                _l("Check assessed cases before they are certified."),
                url_for("validation.queue_page", state="assessed"),
            )
        )
    pending = [
        m.organisation
        for m in user.memberships
        if m.organisation is not None and m.organisation.status is OrgStatus.PENDING
    ]
    if Role.EMPLOYER in roles:
        sections.append(
            (
                _l("Employer"),
                [
                    Action(
                        _l("Describe a competence need"),
                        _l("Say which skills you need, or paste a job ad."),
                        url_for("employers.new_need"),
                    ),
                    Action(
                        _l("Find candidates"),
                        _l("See pseudonymous candidates ranked by how well they match."),
                        url_for("employers.needs"),
                    ),
                ],
            )
        )
    elif pending:
        sections.append(
            (
                _l("Employer"),
                [
                    Action(
                        _l("Waiting for approval"),
                        _l(
                            "A coordinator checks new organisations before they can search "
                            "candidates. You will get an e-mail when it is done."
                        ),
                    ),
                ],
            )
        )
    if Role.COORDINATOR in roles or Role.ADMIN in roles:
        sections.append(
            (
                _l("Coordinator"),
                [
                    Action(
                        _l("Approve organisations"),
                        _l("Employers waiting for approval."),
                        url_for("admin.organisations"),
                    ),
                    Action(
                        _l("Regional overview"),
                        _l("Where competence is short, and what training would close the gap."),
                        url_for("regional.overview"),
                    ),
                ],
            )
        )
    if Role.ADMIN in roles:
        sections.append(
            (
                _l("Administration"),
                [
                    Action(
                        _l("Audit log"),
                        _l("Check that the audit log is intact."),
                        url_for("admin.audit"),
                    ),
                ],
            )
        )
    sections.append(
        (
            _l("Your account"),
            [
                Action(
                    _l("Account settings"),
                    _l("Name, language, password and API tokens."),
                    url_for("accounts.account"),
                ),
                Action(
                    _l("Download your data"),
                    _l("Everything Meritportfölj holds about you, in one file."),
                    url_for("privacy.export_page"),
                ),
                Action(
                    _l("Delete your account"),
                    _l("Remove your account and everything in it."),
                    url_for("privacy.erase"),
                ),
            ],
        )
    )
    return sections

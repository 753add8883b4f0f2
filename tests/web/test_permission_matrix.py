"""Every route has a declared access rule, and each kind of visitor gets what is declared.

When you add a route, add its row here: the first test fails until you do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from eportfolio.permissions import rule_for
from tests.conftest import csrf_token, login

IDENTITIES = (
    "anonymous",
    "learner",
    "other_learner",
    "employer",
    "assessor",
    "coordinator",
    "admin",
)


def same(code: int) -> dict[str, int]:
    return dict.fromkeys(IDENTITIES, code)


def learners(code: int, anonymous: int = 302) -> dict[str, int]:
    """A route on one's own portfolio: every learner gets ``code``, other roles 403."""
    return {**same(403), "learner": code, "other_learner": code, "anonymous": anonymous}


def owned(code: int, anonymous: int = 302) -> dict[str, int]:
    """A route on an item of the learner's portfolio: another learner gets 404."""
    return {**learners(code, anonymous), "other_learner": 404}


def logged_in(code: int, anonymous: int = 302) -> dict[str, int]:
    return {**same(code), "anonymous": anonymous}


def only(allowed: tuple[str, ...], code: int, denied: int = 403) -> dict[str, int]:
    return {i: code if i in allowed else denied for i in IDENTITIES} | {"anonymous": 302}


@dataclass(frozen=True)
class World:
    """Objects the routes act on; 'learner' owns them unless named otherwise."""

    token_id: int
    pending_org_id: int
    concept_id: int
    assessment_id: int
    experience_id: int = 0
    education_id: int = 0
    language_id: int = 0
    claim_id: int = 0
    need_id: int = 0
    pseudonym: str = ""
    contact_id: int = 0
    invite_id: int = 0  # the employer's invitation of a colleague
    evidence_id: int = 0
    grant_id: int = 0
    employer_org_id: int = 0
    module_id: int = 0
    case_id: int = 0  # the learner's submitted validation case, in the assessor's council
    case_claim_id: int = 0
    council_id: int = 0  # the assessor's valideringsråd
    council_membership_id: int = 0  # its chair's membership
    credential_uuid: str = ""  # the learner's credential from a certified case


Url = str | Callable[[World], str]

# (endpoint, method) -> (url, {identity: expected status})
MATRIX: dict[tuple[str, str], tuple[Url, dict[str, int]]] = {
    ("static", "GET"): ("/static/css/app.css", same(200)),
    ("api-docs.openapi_json", "GET"): ("/api/v1/openapi.json", same(200)),
    ("web.index", "GET"): ("/", same(200)),
    ("web.switch_language", "GET"): ("/lang/en", same(302)),
    ("web.healthz", "GET"): ("/healthz", same(200)),
    ("accounts.register", "GET"): ("/register", same(200)),
    ("accounts.register", "POST"): ("/register", same(422)),
    ("accounts.register_employer", "GET"): ("/register/employer", same(200)),
    ("accounts.register_employer", "POST"): ("/register/employer", same(422)),
    ("accounts.confirm_registration", "GET"): ("/register/confirm/not-a-token", same(404)),
    ("accounts.confirm_registration", "POST"): ("/register/confirm/not-a-token", same(404)),
    ("accounts.login", "GET"): ("/login", same(200)),
    ("accounts.login", "POST"): ("/login", same(422)),
    ("accounts.logout", "POST"): ("/logout", same(302)),
    ("accounts.account", "GET"): ("/account", logged_in(200)),
    ("accounts.account", "POST"): ("/account", logged_in(422)),
    ("accounts.create_token", "POST"): ("/account/tokens", logged_in(422)),
    ("accounts.revoke_token", "POST"): (
        lambda w: f"/account/tokens/{w.token_id}/revoke",
        {**logged_in(404), "learner": 302},
    ),
    ("accounts.change_password", "GET"): ("/account/password", logged_in(200)),
    ("accounts.change_password", "POST"): ("/account/password", logged_in(422)),
    ("accounts.forgot_password", "GET"): ("/password/forgot", same(200)),
    ("accounts.forgot_password", "POST"): ("/password/forgot", same(422)),
    ("accounts.reset_password", "GET"): ("/password/reset/not-a-token", same(404)),
    ("accounts.reset_password", "POST"): ("/password/reset/not-a-token", same(404)),
    ("accounts.accept_invite", "GET"): ("/register/invite/not-a-token", same(404)),
    ("accounts.accept_invite", "POST"): ("/register/invite/not-a-token", same(404)),
    ("admin.organisations", "GET"): ("/admin/organisations", only(("coordinator", "admin"), 200)),
    ("admin.decide", "POST"): (
        # The matrix sends no decision: let in, a coordinator is told to choose one.
        lambda w: f"/admin/organisations/{w.pending_org_id}/decision",
        only(("coordinator", "admin"), 422),
    ),
    ("admin.audit", "GET"): ("/admin/audit", only(("admin",), 200)),
    ("api_me.Me", "GET"): ("/api/v1/me", logged_in(200, anonymous=401)),
    ("api_me.Tokens", "GET"): ("/api/v1/me/tokens", logged_in(200, anonymous=401)),
    ("api_me.Tokens", "POST"): ("/api/v1/me/tokens", logged_in(422, anonymous=401)),
    ("api_me.TokenItem", "DELETE"): (
        lambda w: f"/api/v1/me/tokens/{w.token_id}",
        {**logged_in(404, anonymous=401), "learner": 204},
    ),
    ("taxonomy.index", "GET"): ("/taxonomy?q=svetsning", logged_in(200)),
    ("taxonomy.extract", "POST"): ("/taxonomy/extract", logged_in(422)),
    ("taxonomy.concept", "GET"): (lambda w: f"/taxonomy/concepts/{w.concept_id}", logged_in(200)),
    ("taxonomy.bristyrken", "GET"): ("/bristyrken", logged_in(200)),
    ("taxonomy.new_assessment", "GET"): ("/bristyrken/new", only(("coordinator", "admin"), 200)),
    ("taxonomy.new_assessment", "POST"): ("/bristyrken/new", only(("coordinator", "admin"), 422)),
    ("taxonomy.edit_assessment", "GET"): (
        lambda w: f"/bristyrken/{w.assessment_id}/edit",
        only(("coordinator", "admin"), 200),
    ),
    ("taxonomy.edit_assessment", "POST"): (
        lambda w: f"/bristyrken/{w.assessment_id}/edit",
        only(("coordinator", "admin"), 422),
    ),
    ("taxonomy.delete_assessment", "POST"): (
        lambda w: f"/bristyrken/{w.assessment_id}/delete",
        only(("coordinator", "admin"), 302),
    ),
    ("taxonomy.assessment_template", "GET"): (
        "/bristyrken/template.csv",
        only(("coordinator", "admin"), 200),
    ),
    ("taxonomy.import_assessments", "GET"): (
        "/bristyrken/import",
        only(("coordinator", "admin"), 200),
    ),
    ("taxonomy.import_assessments", "POST"): (
        "/bristyrken/import",
        only(("coordinator", "admin"), 422),
    ),
    ("api_taxonomy.Concepts", "GET"): (
        "/api/v1/taxonomy/concepts?q=svets",
        logged_in(200, anonymous=401),
    ),
    ("api_taxonomy.ConceptItem", "GET"): (
        lambda w: f"/api/v1/taxonomy/concepts/{w.concept_id}",
        logged_in(200, anonymous=401),
    ),
    ("api_taxonomy.Normalise", "POST"): (
        "/api/v1/taxonomy/normalise",
        logged_in(422, anonymous=401),
    ),
    ("api_taxonomy.Extract", "POST"): ("/api/v1/taxonomy/extract", logged_in(422, anonymous=401)),
    ("api_taxonomy.Bristyrken", "GET"): ("/api/v1/bristyrken", logged_in(200, anonymous=401)),
    ("portfolios.overview", "GET"): ("/portfolio", learners(200)),
    ("portfolios.guide", "GET"): ("/portfolio/guide", learners(302)),
    ("portfolios.guide_next", "POST"): ("/portfolio/guide/next", learners(400)),
    ("portfolios.profile", "GET"): ("/portfolio/profile", learners(200)),
    ("portfolios.profile", "POST"): ("/portfolio/profile", learners(302)),
    ("portfolios.cv", "GET"): ("/portfolio/cv", learners(200)),
    ("portfolios.new_experience", "GET"): ("/portfolio/experience/new", learners(200)),
    ("portfolios.new_experience", "POST"): ("/portfolio/experience/new", learners(422)),
    ("portfolios.edit_experience", "GET"): (
        lambda w: f"/portfolio/experience/{w.experience_id}",
        owned(200),
    ),
    ("portfolios.edit_experience", "POST"): (
        lambda w: f"/portfolio/experience/{w.experience_id}",
        owned(422),
    ),
    ("portfolios.delete_experience", "POST"): (
        lambda w: f"/portfolio/experience/{w.experience_id}/delete",
        owned(302),
    ),
    ("portfolios.new_education", "GET"): ("/portfolio/education/new", learners(200)),
    ("portfolios.new_education", "POST"): ("/portfolio/education/new", learners(422)),
    ("portfolios.edit_education", "GET"): (
        lambda w: f"/portfolio/education/{w.education_id}",
        owned(200),
    ),
    ("portfolios.edit_education", "POST"): (
        lambda w: f"/portfolio/education/{w.education_id}",
        owned(422),
    ),
    ("portfolios.delete_education", "POST"): (
        lambda w: f"/portfolio/education/{w.education_id}/delete",
        owned(302),
    ),
    ("portfolios.new_language", "GET"): ("/portfolio/languages/new", learners(200)),
    ("portfolios.new_language", "POST"): ("/portfolio/languages/new", learners(422)),
    ("portfolios.edit_language", "GET"): (
        lambda w: f"/portfolio/languages/{w.language_id}",
        owned(200),
    ),
    ("portfolios.edit_language", "POST"): (
        lambda w: f"/portfolio/languages/{w.language_id}",
        owned(422),
    ),
    ("portfolios.delete_language", "POST"): (
        lambda w: f"/portfolio/languages/{w.language_id}/delete",
        owned(302),
    ),
    ("portfolios.new_claim", "GET"): ("/portfolio/skills/new", learners(200)),
    ("portfolios.new_claim", "POST"): ("/portfolio/skills/new", learners(422)),
    ("portfolios.edit_claim", "GET"): (lambda w: f"/portfolio/skills/{w.claim_id}", owned(200)),
    ("portfolios.edit_claim", "POST"): (lambda w: f"/portfolio/skills/{w.claim_id}", owned(422)),
    ("portfolios.delete_claim", "POST"): (
        lambda w: f"/portfolio/skills/{w.claim_id}/delete",
        owned(302),
    ),
    ("portfolios.add_suggested", "POST"): ("/portfolio/skills/suggested", learners(302)),
    ("portfolios.claims_from_text", "GET"): ("/portfolio/skills/from-text", learners(200)),
    ("portfolios.claims_from_text", "POST"): ("/portfolio/skills/from-text", learners(422)),
    ("api_portfolio.PortfolioView", "GET"): ("/api/v1/me/portfolio", learners(200, 401)),
    ("api_portfolio.PortfolioView", "PUT"): ("/api/v1/me/portfolio", learners(200, 401)),
    ("api_portfolio.ExperiencesList", "GET"): (
        "/api/v1/me/portfolio/experiences",
        learners(200, 401),
    ),
    ("api_portfolio.ExperiencesList", "POST"): (
        "/api/v1/me/portfolio/experiences",
        learners(422, 401),
    ),
    ("api_portfolio.ExperiencesItem", "GET"): (
        lambda w: f"/api/v1/me/portfolio/experiences/{w.experience_id}",
        owned(200, 401),
    ),
    ("api_portfolio.ExperiencesItem", "PUT"): (
        lambda w: f"/api/v1/me/portfolio/experiences/{w.experience_id}",
        {**owned(422, 401), "other_learner": 422},  # body checked first,
    ),
    ("api_portfolio.ExperiencesItem", "DELETE"): (
        lambda w: f"/api/v1/me/portfolio/experiences/{w.experience_id}",
        owned(204, 401),
    ),
    ("api_portfolio.EducationsList", "GET"): (
        "/api/v1/me/portfolio/educations",
        learners(200, 401),
    ),
    ("api_portfolio.EducationsList", "POST"): (
        "/api/v1/me/portfolio/educations",
        learners(422, 401),
    ),
    ("api_portfolio.EducationsItem", "GET"): (
        lambda w: f"/api/v1/me/portfolio/educations/{w.education_id}",
        owned(200, 401),
    ),
    ("api_portfolio.EducationsItem", "PUT"): (
        lambda w: f"/api/v1/me/portfolio/educations/{w.education_id}",
        {**owned(422, 401), "other_learner": 422},  # body checked first,
    ),
    ("api_portfolio.EducationsItem", "DELETE"): (
        lambda w: f"/api/v1/me/portfolio/educations/{w.education_id}",
        owned(204, 401),
    ),
    ("api_portfolio.LanguagesList", "GET"): ("/api/v1/me/portfolio/languages", learners(200, 401)),
    ("api_portfolio.LanguagesList", "POST"): ("/api/v1/me/portfolio/languages", learners(422, 401)),
    ("api_portfolio.LanguagesItem", "GET"): (
        lambda w: f"/api/v1/me/portfolio/languages/{w.language_id}",
        owned(200, 401),
    ),
    ("api_portfolio.LanguagesItem", "PUT"): (
        lambda w: f"/api/v1/me/portfolio/languages/{w.language_id}",
        {**owned(422, 401), "other_learner": 422},  # body checked first,
    ),
    ("api_portfolio.LanguagesItem", "DELETE"): (
        lambda w: f"/api/v1/me/portfolio/languages/{w.language_id}",
        owned(204, 401),
    ),
    ("api_portfolio.ClaimsList", "GET"): ("/api/v1/me/portfolio/claims", learners(200, 401)),
    ("api_portfolio.ClaimsList", "POST"): ("/api/v1/me/portfolio/claims", learners(422, 401)),
    ("api_portfolio.ClaimsItem", "GET"): (
        lambda w: f"/api/v1/me/portfolio/claims/{w.claim_id}",
        owned(200, 401),
    ),
    ("api_portfolio.ClaimsItem", "PUT"): (
        lambda w: f"/api/v1/me/portfolio/claims/{w.claim_id}",
        {**owned(422, 401), "other_learner": 422},  # body checked first,
    ),
    ("api_portfolio.ClaimsItem", "DELETE"): (
        lambda w: f"/api/v1/me/portfolio/claims/{w.claim_id}",
        owned(204, 401),
    ),
    # Regional overview and training catalogue (chairs: tests/web/test_regional_web.py).
    ("regional.overview", "GET"): ("/regional", only(("coordinator", "admin"), 200)),
    ("regional.download", "GET"): ("/regional/gaps.csv", only(("coordinator", "admin"), 200)),
    ("regional.validation", "GET"): ("/regional/validation", only(("coordinator", "admin"), 200)),
    ("regional.download_validation", "GET"): (
        "/regional/validation/councils.csv",
        only(("coordinator", "admin"), 200),
    ),
    ("regional.training", "GET"): ("/training", logged_in(200)),
    ("regional.training_csv", "GET"): ("/training/modules.csv", logged_in(200)),
    ("regional.new_module", "GET"): ("/training/new", only(("coordinator", "admin"), 200)),
    ("regional.new_module", "POST"): ("/training/new", only(("coordinator", "admin"), 422)),
    ("regional.edit_module", "GET"): (
        lambda w: f"/training/{w.module_id}/edit",
        only(("coordinator", "admin"), 200),
    ),
    ("regional.edit_module", "POST"): (
        lambda w: f"/training/{w.module_id}/edit",
        only(("coordinator", "admin"), 422),
    ),
    ("regional.delete_module", "POST"): (
        lambda w: f"/training/{w.module_id}/delete",
        only(("coordinator", "admin"), 302),
    ),
    ("api_regional.Overview", "GET"): (
        "/api/v1/regional/overview",
        {**only(("coordinator", "admin"), 200), "anonymous": 401},
    ),
    ("api_regional.Gaps", "GET"): (
        "/api/v1/regional/gaps",
        {**only(("coordinator", "admin"), 200), "anonymous": 401},
    ),
    ("api_regional.Throughput", "GET"): (
        "/api/v1/regional/validation",
        {**only(("coordinator", "admin"), 200), "anonymous": 401},
    ),
    ("api_regional.Modules", "GET"): ("/api/v1/training-modules", logged_in(200, anonymous=401)),
    ("api_regional.Modules", "POST"): (
        "/api/v1/training-modules",
        {**only(("coordinator", "admin"), 422), "anonymous": 401},
    ),
    ("api_regional.ModuleItem", "GET"): (
        lambda w: f"/api/v1/training-modules/{w.module_id}",
        logged_in(200, anonymous=401),
    ),
    ("api_regional.ModuleItem", "PUT"): (
        lambda w: f"/api/v1/training-modules/{w.module_id}",
        {**only(("coordinator", "admin"), 422), "anonymous": 401},
    ),
    ("api_regional.ModuleItem", "DELETE"): (
        lambda w: f"/api/v1/training-modules/{w.module_id}",
        {**only(("coordinator", "admin"), 204), "anonymous": 401},
    ),
    # Evidence and privacy (guides with and without access: tests/web/test_privacy_web.py).
    ("evidence.index", "GET"): ("/portfolio/evidence", learners(200)),
    ("evidence.upload", "POST"): ("/portfolio/evidence/files", learners(422)),
    ("evidence.add_link", "POST"): ("/portfolio/evidence/links", learners(422)),
    ("evidence.download", "GET"): (
        lambda w: f"/portfolio/evidence/{w.evidence_id}/file",
        owned(200),
    ),
    ("evidence.delete", "GET"): (  # the page that asks before removing
        lambda w: f"/portfolio/evidence/{w.evidence_id}/delete",
        owned(200),
    ),
    ("evidence.delete", "POST"): (
        lambda w: f"/portfolio/evidence/{w.evidence_id}/delete",
        owned(302),
    ),
    ("evidence.attach", "POST"): (
        lambda w: f"/portfolio/evidence/{w.evidence_id}/claims",
        owned(422),
    ),
    ("evidence.detach", "POST"): (
        lambda w: f"/portfolio/evidence/{w.evidence_id}/claims/{w.claim_id}/remove",
        owned(302),
    ),
    ("privacy.consents", "GET"): ("/privacy/consents", learners(200)),
    ("privacy.matching_consent", "POST"): ("/privacy/consents/matching", learners(422)),
    ("privacy.withdraw_identity", "POST"): (
        lambda w: f"/privacy/consents/identity/{w.employer_org_id}/withdraw",
        {**learners(409), "learner": 302},  # another learner has no such consent to withdraw
    ),
    ("privacy.grant_identity", "POST"): (
        lambda w: f"/privacy/consents/identity/{w.employer_org_id}/grant",
        owned(302),  # another learner never decided about this employer
    ),
    ("privacy.guides", "GET"): ("/privacy/guides", learners(200)),
    ("privacy.guides", "POST"): ("/privacy/guides", learners(422)),
    ("privacy.revoke_guide", "POST"): (
        lambda w: f"/privacy/guides/{w.grant_id}/revoke",
        owned(302),
    ),
    ("privacy.guided_learners", "GET"): ("/guide/learners", only((), 200)),
    ("privacy.access_log", "GET"): ("/privacy/access-log", learners(200)),
    ("privacy.export_page", "GET"): ("/privacy/export", logged_in(200)),
    ("privacy.download_export", "POST"): ("/privacy/export", logged_in(200)),
    ("privacy.erase", "GET"): ("/privacy/delete-account", logged_in(200)),
    ("privacy.erase", "POST"): ("/privacy/delete-account", logged_in(422)),
    ("api_evidence.EvidenceList", "GET"): ("/api/v1/me/portfolio/evidence", learners(200, 401)),
    ("api_evidence.EvidenceList", "POST"): ("/api/v1/me/portfolio/evidence", learners(422, 401)),
    ("api_evidence.EvidenceLinks", "POST"): (
        "/api/v1/me/portfolio/evidence/links",
        learners(422, 401),
    ),
    ("api_evidence.EvidenceItem", "GET"): (
        lambda w: f"/api/v1/me/portfolio/evidence/{w.evidence_id}",
        owned(200, 401),
    ),
    ("api_evidence.EvidenceItem", "DELETE"): (
        lambda w: f"/api/v1/me/portfolio/evidence/{w.evidence_id}",
        owned(204, 401),
    ),
    ("api_evidence.EvidenceFile", "GET"): (
        lambda w: f"/api/v1/me/portfolio/evidence/{w.evidence_id}/file",
        owned(200, 401),
    ),
    ("api_evidence.EvidenceClaims", "POST"): (
        lambda w: f"/api/v1/me/portfolio/evidence/{w.evidence_id}/claims",
        learners(422, 401),  # the body is checked before the evidence is looked up
    ),
    ("api_evidence.EvidenceClaimItem", "DELETE"): (
        lambda w: f"/api/v1/me/portfolio/evidence/{w.evidence_id}/claims/{w.claim_id}",
        owned(204, 401),
    ),
    ("api_privacy.Consents", "GET"): ("/api/v1/me/consents", learners(200, 401)),
    ("api_privacy.Consents", "POST"): ("/api/v1/me/consents", learners(422, 401)),
    ("api_privacy.Guides", "GET"): ("/api/v1/me/guides", learners(200, 401)),
    ("api_privacy.Guides", "POST"): ("/api/v1/me/guides", learners(422, 401)),
    ("api_privacy.GuideItem", "DELETE"): (
        lambda w: f"/api/v1/me/guides/{w.grant_id}",
        owned(204, 401),
    ),
    ("api_privacy.AccessLog", "GET"): ("/api/v1/me/access-log", learners(200, 401)),
    ("api_privacy.Export", "GET"): ("/api/v1/me/export", logged_in(200, anonymous=401)),
    ("employers.needs", "GET"): ("/needs", only(("employer",), 200)),
    ("employers.new_need", "GET"): ("/needs/new", only(("employer",), 200)),
    ("employers.new_need", "POST"): ("/needs/new", only(("employer",), 422)),
    ("employers.edit_need", "GET"): (
        lambda w: f"/needs/{w.need_id}/edit",
        only(("employer",), 200),
    ),
    ("employers.edit_need", "POST"): (
        lambda w: f"/needs/{w.need_id}/edit",
        only(("employer",), 422),
    ),
    ("employers.need", "GET"): (lambda w: f"/needs/{w.need_id}", only(("employer",), 200)),
    ("employers.candidate", "GET"): (
        lambda w: f"/needs/{w.need_id}/candidates/{w.pseudonym}",
        only(("employer",), 200),
    ),
    ("employers.shortlist", "POST"): (
        lambda w: f"/needs/{w.need_id}/candidates/{w.pseudonym}/shortlist",
        only(("employer",), 302),
    ),
    ("employers.contact", "POST"): (
        lambda w: f"/needs/{w.need_id}/candidates/{w.pseudonym}/contact",
        only(("employer",), 302),
    ),  # the world already holds this employer's request: the candidate page says so
    ("employers.close_need", "POST"): (
        lambda w: f"/needs/{w.need_id}/close",
        only(("employer",), 302),
    ),
    ("employers.reopen_need", "POST"): (
        lambda w: f"/needs/{w.need_id}/reopen",
        only(("employer",), 302),
    ),
    ("employers.colleagues", "GET"): ("/colleagues", only(("employer",), 200)),
    ("employers.colleagues", "POST"): ("/colleagues", only(("employer",), 422)),
    ("employers.withdraw_invite", "POST"): (
        lambda w: f"/colleagues/invites/{w.invite_id}/withdraw",
        only(("employer",), 302),
    ),
    ("employers.contacts", "GET"): ("/contacts", learners(200)),
    ("employers.answer", "POST"): (lambda w: f"/contacts/{w.contact_id}", owned(302)),
    # Validation (issue #5): the "assessor" identity sits on the case's council.
    ("validation.my_cases", "GET"): ("/validation", learners(200)),
    ("validation.new_case", "GET"): ("/validation/new", learners(200)),
    ("validation.new_case", "POST"): ("/validation/new", learners(422)),
    ("validation.case", "GET"): (
        lambda w: f"/validation/cases/{w.case_id}",
        {**logged_in(404), "learner": 200, "assessor": 200},
    ),
    ("validation.act", "POST"): (
        lambda w: f"/validation/cases/{w.case_id}/actions/take",
        {**logged_in(404), "learner": 409, "assessor": 302},
    ),
    ("validation.assess", "POST"): (
        lambda w: f"/validation/cases/{w.case_id}/claims/{w.case_claim_id}",
        only(("assessor",), 422),
    ),
    ("validation.declare_conflict", "POST"): (
        lambda w: f"/validation/cases/{w.case_id}/conflict",
        only(("assessor",), 302),
    ),
    ("validation.queue_page", "GET"): ("/validation/queue", only(("assessor",), 200)),
    ("validation.take_next", "POST"): ("/validation/queue/take-next", only(("assessor",), 302)),
    ("validation.council_list", "GET"): (
        "/validation/councils",
        only(("coordinator", "admin"), 200),
    ),
    ("validation.new_council", "GET"): (
        "/validation/councils/new",
        only(("coordinator", "admin"), 200),
    ),
    ("validation.new_council", "POST"): (
        "/validation/councils/new",
        only(("coordinator", "admin"), 422),
    ),
    ("validation.edit_council", "GET"): (
        lambda w: f"/validation/councils/{w.council_id}",
        only(("coordinator", "admin"), 200),
    ),
    ("validation.edit_council", "POST"): (
        lambda w: f"/validation/councils/{w.council_id}",
        only(("coordinator", "admin"), 422),
    ),
    ("validation.add_member", "POST"): (
        lambda w: f"/validation/councils/{w.council_id}/members",
        only(("coordinator", "admin"), 422),  # an empty form: a field error, input kept
    ),
    ("validation.remove_member", "POST"): (
        lambda w: f"/validation/councils/{w.council_id}/members/{w.council_membership_id}/remove",
        only(("coordinator", "admin"), 302),
    ),
    ("credentials.issuer", "GET"): (lambda w: f"/councils/{w.council_id}", same(200)),
    ("credentials.jwks", "GET"): (lambda w: f"/councils/{w.council_id}/jwks.json", same(200)),
    ("credentials.status_list", "GET"): (
        lambda w: f"/councils/{w.council_id}/status/1",
        same(200),
    ),
    ("credentials.verify", "GET"): ("/verify", same(200)),
    ("credentials.verify", "POST"): ("/verify", same(422)),
    ("credentials.verify_id", "GET"): (lambda w: f"/verify/{w.credential_uuid}", same(200)),
    ("credentials.download_json", "GET"): (
        lambda w: f"/credentials/{w.credential_uuid}/credential.json",
        owned(200),
    ),
    ("credentials.download_jwt", "GET"): (
        lambda w: f"/credentials/{w.credential_uuid}/credential.jwt",
        owned(200),
    ),
    ("credentials.certificate", "GET"): (
        lambda w: f"/credentials/{w.credential_uuid}/certificate",
        owned(200),
    ),
    ("credentials.revoke", "POST"): (
        lambda w: f"/credentials/{w.credential_uuid}/revoke",
        only((), 302),  # only a council chair; no identity here is one
    ),
    ("notifications.index", "GET"): ("/notifications", logged_in(200)),
    ("notifications.mark_read", "POST"): ("/notifications/read", logged_in(302)),
    ("api_validation.Cases", "GET"): ("/api/v1/validation/cases", learners(200, 401)),
    ("api_validation.Cases", "POST"): ("/api/v1/validation/cases", learners(422, 401)),
    ("api_validation.CaseItem", "GET"): (
        lambda w: f"/api/v1/validation/cases/{w.case_id}",
        {**logged_in(404, 401), "learner": 200, "assessor": 200},
    ),
    ("api_validation.Transitions", "POST"): (
        lambda w: f"/api/v1/validation/cases/{w.case_id}/transitions",
        logged_in(422, 401),  # body checked first
    ),
    ("api_validation.Assessment", "PUT"): (
        lambda w: f"/api/v1/validation/cases/{w.case_id}/claims/{w.case_claim_id}/assessment",
        {**only(("assessor",), 422), "anonymous": 401},
    ),
    ("api_validation.Queue", "GET"): (
        "/api/v1/validation/queue",
        {**only(("assessor",), 200), "anonymous": 401},
    ),
    ("api_validation.TakeNext", "POST"): (
        "/api/v1/validation/queue/take-next",
        {**only(("assessor",), 200), "anonymous": 401},
    ),
    ("api_credentials.Credentials", "GET"): ("/api/v1/credentials", learners(200, 401)),
    ("api_credentials.CredentialItem", "GET"): (
        lambda w: f"/api/v1/credentials/{w.credential_uuid}",
        owned(200, 401),
    ),
    ("api_credentials.Revoke", "POST"): (
        lambda w: f"/api/v1/credentials/{w.credential_uuid}/revoke",
        {**only((), 302), "anonymous": 401},
    ),
    ("api_credentials.Verify", "POST"): ("/api/v1/verify", same(422)),
    ("employers.matches", "GET"): ("/matches", learners(200)),
    ("api_needs.Needs", "GET"): ("/api/v1/needs", {**only(("employer",), 200), "anonymous": 401}),
    ("api_needs.Needs", "POST"): ("/api/v1/needs", {**only(("employer",), 422), "anonymous": 401}),
    ("api_needs.NeedMatches", "GET"): (
        lambda w: f"/api/v1/needs/{w.need_id}/matches",
        {**only(("employer",), 200), "anonymous": 401},
    ),
    ("api_needs.MatchExplanation", "GET"): (
        lambda w: f"/api/v1/needs/{w.need_id}/matches/{w.pseudonym}/explanation",
        {**only(("employer",), 200), "anonymous": 401},
    ),
    ("api_needs.MatchContact", "POST"): (
        lambda w: f"/api/v1/needs/{w.need_id}/matches/{w.pseudonym}/contact",
        {**only(("employer",), 409), "anonymous": 401},
    ),
    ("api_needs.NeedContactRequests", "GET"): (
        lambda w: f"/api/v1/needs/{w.need_id}/contact-requests",
        {**only(("employer",), 200), "anonymous": 401},
    ),
    ("api_needs.CloseNeed", "POST"): (
        lambda w: f"/api/v1/needs/{w.need_id}/close",
        {**only(("employer",), 200), "anonymous": 401},
    ),
    ("api_needs.ReopenNeed", "POST"): (
        lambda w: f"/api/v1/needs/{w.need_id}/reopen",
        {**only(("employer",), 200), "anonymous": 401},
    ),
    ("api_needs.Recommendations", "GET"): ("/api/v1/me/recommendations", learners(200, 401)),
    ("api_needs.MyContactRequests", "GET"): ("/api/v1/me/contact-requests", learners(200, 401)),
    ("api_needs.MyContactRequest", "POST"): (
        lambda w: f"/api/v1/me/contact-requests/{w.contact_id}",
        {**owned(422, 401), "other_learner": 422},
    ),
}


def _routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (rule.endpoint, method)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }


def test_every_route_declares_an_access_rule(app: Flask) -> None:
    undeclared = sorted(
        endpoint
        for endpoint, _ in _routes(app)
        if rule_for(app.view_functions[endpoint], endpoint) is None
    )
    assert undeclared == [], f"routes without an access rule: {undeclared}"


def test_every_route_is_in_the_matrix(app: Flask) -> None:
    missing = sorted(_routes(app) - set(MATRIX))
    stale = sorted(set(MATRIX) - _routes(app))
    assert missing == [], f"add these routes to MATRIX: {missing}"
    assert stale == [], f"these MATRIX rows name no route: {stale}"


def test_a_route_without_a_rule_is_denied(app: Flask, client: FlaskClient) -> None:
    app.view_functions["web.healthz"].__dict__.pop("access_rule")
    try:
        assert client.get("/healthz").status_code == 403
    finally:
        from eportfolio.permissions import PUBLIC

        app.view_functions["web.healthz"].access_rule = PUBLIC


@pytest.fixture
def world(
    app: Flask, create_user: Callable[..., Any], create_org: Callable[..., Any], db_session: Any
) -> tuple[World, dict[str, Any]]:
    from eportfolio.accounts import services

    users = {
        "learner": create_user("learner"),
        "other_learner": create_user("learner"),
        "employer": create_user("employer"),
        "assessor": create_user("assessor"),
        "coordinator": create_user("coordinator"),
        "admin": create_user("admin"),
    }
    from eportfolio.taxonomy_store.importer import import_taxonomy
    from eportfolio.taxonomy_store.models import Concept, ShortageAssessment
    from taxonomy import Concept as TaxConcept
    from taxonomy import ConceptKind, Label, Taxonomy

    token, _ = services.create_api_token(db_session, users["learner"], "matrix")
    pending = create_org("employer", status="pending", name="Väntande AB")
    tax = Taxonomy()
    tax.add(TaxConcept("m:weld", ConceptKind.SKILL, "test", [Label("svetsning", "sv")]))
    import_taxonomy(db_session, tax, source="test", version="1")
    concept_id = db_session.query(Concept.id).filter_by(uri="m:weld").scalar()
    assessment = ShortageAssessment(
        ssyk4="7212",
        occupation_ref="ssyk4:7212",
        area_kind="lan",
        area_code="12",
        period="2026",
        recruitment="brist",
        source="manual",
    )
    db_session.add(assessment)
    db_session.flush()
    items = _portfolio_items(db_session, users["learner"], concept_id)
    items |= _employer_items(db_session, users, concept_id)
    items |= _regional_items(db_session, concept_id)
    with app.test_request_context():
        items.update(_privacy_items(db_session, users, create_user))
        items.update(_validation_items(db_session, users, create_user, items["claim_id"]))
    return World(
        **items,
        token_id=token.id,
        pending_org_id=pending.id,
        concept_id=concept_id,
        assessment_id=assessment.id,
    ), users


def _privacy_items(session: Any, users: dict[str, Any], create_user: Any) -> dict[str, int]:
    """A file, a guide grant and an identity consent of the learner's."""
    import io

    from werkzeug.datastructures import FileStorage

    from eportfolio.evidence import services as evidence
    from eportfolio.portfolios.services import portfolio_for
    from eportfolio.privacy import services as privacy
    from tests.evidence_samples import pdf

    learner = users["learner"]
    portfolio = portfolio_for(session, learner)
    ev = evidence.add_file(session, learner, portfolio, FileStorage(io.BytesIO(pdf()), "a.pdf"))
    guide = create_user("guide")
    grant = privacy.grant_guide(session, learner, guide.id, guide.organisations()[0].id)
    employer_org = users["employer"].organisations()[0]
    privacy.grant_identity(session, learner, employer_org)
    return {"evidence_id": ev.id, "grant_id": grant.id, "employer_org_id": employer_org.id}


def _validation_items(
    session: Any, users: dict[str, Any], create_user: Any, claim_id: int
) -> dict[str, Any]:
    """A submitted case of the learner's, and a certified one with its credential."""
    from eportfolio.accounts.models import Membership
    from eportfolio.credentials.models import IssuedCredential
    from eportfolio.portfolios.models import SkillClaim
    from eportfolio.portfolios.services import portfolio_for
    from eportfolio.taxonomy_store.importer import import_taxonomy
    from eportfolio.taxonomy_store.models import Concept
    from eportfolio.validation import services as validation
    from eportfolio.validation.states import Action
    from taxonomy import Concept as TaxConcept
    from taxonomy import ConceptKind, Label, Taxonomy

    learner, assessor = users["learner"], users["assessor"]
    council = assessor.organisations()[0]
    chair = create_user("chair", organisation=council)
    # Certified claims cannot be deleted, so certify another one than the routes delete.
    tax = Taxonomy()
    tax.add(TaxConcept("m:tig", ConceptKind.SKILL, "test", [Label("TIG-svetsning", "sv")]))
    import_taxonomy(session, tax, source="test-validation", version="1")
    certified = SkillClaim(
        text_as_typed="TIG",
        concept_id=session.query(Concept.id).filter_by(uri="m:tig").scalar(),
        level=3,
    )
    # Keep the portfolio in a name: a bare temporary may be collected mid-append (the session
    # holds it only weakly), which failed the fixture now and then.
    portfolio = portfolio_for(session, learner)
    portfolio.claims.append(certified)
    session.flush()
    done = validation.create_case(session, learner, council.id, [certified.id])
    validation.transition(session, learner, done, Action.SUBMIT)
    validation.transition(session, assessor, done, Action.TAKE)
    assessment = {"method": "interview", "decision": "verified", "verified_level": 2}
    validation.assess_claim(
        session, assessor, done, done.claims[0].id, {**assessment, "rationale": "ok"}
    )
    validation.transition(session, assessor, done, Action.CONCLUDE)
    validation.transition(session, chair, done, Action.CERTIFY)
    issued = session.query(IssuedCredential).filter_by(case_id=done.id).one()
    case = validation.create_case(session, learner, council.id, [claim_id])
    validation.transition(session, learner, case, Action.SUBMIT)
    membership = session.query(Membership).filter_by(user_id=chair.id).one()
    return {
        "case_id": case.id,
        "case_claim_id": case.claims[0].id,
        "council_id": council.id,
        "council_membership_id": membership.id,
        "credential_uuid": issued.uuid,
    }


def _portfolio_items(session: Any, learner: Any, skill_id: int) -> dict[str, int]:
    import datetime as dt

    from eportfolio.portfolios.models import (
        Education,
        EducationKind,
        Experience,
        LanguageSkill,
        SkillClaim,
    )
    from eportfolio.portfolios.services import portfolio_for

    portfolio = portfolio_for(session, learner)
    experience = Experience(
        employer_name="Osby Verkstad", occupation_text="Svetsare", start=dt.date(2020, 1, 1)
    )
    education = Education(
        kind=EducationKind.NON_FORMAL, institution="Lärcentrum Osby", programme="Svetskurs"
    )
    language = LanguageSkill(language="sv", listening="B2")
    claim = SkillClaim(text_as_typed="svetsning", concept_id=skill_id, level=2)
    portfolio.experiences.append(experience)
    portfolio.educations.append(education)
    portfolio.languages.append(language)
    portfolio.claims.append(claim)
    session.flush()
    return {
        "experience_id": experience.id,
        "education_id": education.id,
        "language_id": language.id,
        "claim_id": claim.id,
    }


def _regional_items(session: Any, skill_id: int) -> dict[str, int]:
    """A training module at a lärcentrum, teaching the world's one skill."""
    from eportfolio.accounts.models import Organisation
    from eportfolio.regional.models import TrainingModule, TrainingModuleSkill

    centre = Organisation(kind="learning_centre", name="Lärcentrum Matris", status="active")
    session.add(centre)
    session.flush()
    module = TrainingModule(organisation_id=centre.id, name="Svetskurs")
    module.skills = [TrainingModuleSkill(concept_id=skill_id)]
    session.add(module)
    session.flush()
    return {"module_id": module.id}


def _employer_items(session: Any, users: dict[str, Any], skill_id: int) -> dict[str, Any]:
    from eportfolio.employers.models import ContactRequest, Need, NeedSkill
    from eportfolio.portfolios.services import portfolio_for
    from eportfolio.privacy.services import give_matching_consent

    learner = users["learner"]
    portfolio = portfolio_for(session, learner)
    give_matching_consent(session, learner)
    employer = users["employer"]
    need = Need(
        organisation_id=employer.organisations()[0].id,
        title="Svetsare",
        skills=[NeedSkill(concept_id=skill_id, text="svetsning", must=True)],
    )
    session.add(need)
    session.flush()
    contact = ContactRequest(need_id=need.id, portfolio_id=portfolio.id, state="pending")
    session.add(contact)
    session.flush()
    from eportfolio.accounts.services import invite_colleague

    invite, _secret = invite_colleague(session, employer, "kollega@matris.se")
    return {
        "need_id": need.id,
        "pseudonym": portfolio.pseudonym,
        "contact_id": contact.id,
        "invite_id": invite.id,
    }


def _status(
    client: FlaskClient, users: dict[str, Any], identity: str, method: str, path: str
) -> int:
    token = csrf_token(client, "/login")
    if identity != "anonymous":
        login(client, users[identity])
        token = csrf_token(client, "/account")
    if method == "GET":
        response = client.get(path)
    elif path.startswith("/api/"):
        response = client.open(path, method=method, json={}, headers={"X-CSRFToken": token})
    else:
        response = client.open(path, method=method, data={"csrf_token": token})
    status = response.status_code
    response.close()
    return status


@pytest.mark.parametrize("route", sorted(MATRIX), ids=lambda r: f"{r[1]} {r[0]}")
def test_access_matches_the_matrix(
    app: Any, db_session: Any, world: tuple[World, dict[str, Any]], route: tuple[str, str]
) -> None:
    """Each visitor in turn, each on the same world: what one changes is rolled back."""
    from eportfolio.extensions import limiter
    from eportfolio.matching_index.engine import reset

    objects, users = world
    url, expected = MATRIX[route]
    path = url(objects) if callable(url) else url
    connection = db_session.connection()
    wrong = []
    for identity in IDENTITIES:
        savepoint = connection.begin_nested()
        try:
            status = _status(app.test_client(), users, identity, route[1], path)
        finally:
            savepoint.rollback()
            db_session.expire_all()
            reset()
            limiter.reset()
        if status != expected[identity]:
            wrong.append(f"{identity} {route[1]} {path}: {status}, expected {expected[identity]}")
    assert wrong == []

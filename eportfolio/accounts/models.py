"""People, organisations and who may act for which organisation."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    DateTime,
    Enum,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eportfolio.db import Base, intpk, timestamp


class Role(StrEnum):
    LEARNER = "learner"
    GUIDE = "guide"
    ASSESSOR = "assessor"
    CHAIR = "chair"
    EMPLOYER = "employer"
    COORDINATOR = "coordinator"
    ADMIN = "admin"


class OrgKind(StrEnum):
    EMPLOYER = "employer"
    COUNCIL = "council"  # valideringsråd
    LEARNING_CENTRE = "learning_centre"  # lärcentrum


class OrgStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    REJECTED = "rejected"


# Which roles a membership of each organisation kind can carry; global roles have no organisation.
ORG_ROLES: dict[OrgKind, frozenset[Role]] = {
    OrgKind.EMPLOYER: frozenset({Role.EMPLOYER}),
    OrgKind.COUNCIL: frozenset({Role.ASSESSOR, Role.CHAIR}),
    OrgKind.LEARNING_CENTRE: frozenset({Role.GUIDE}),
}
GLOBAL_ROLES = frozenset({Role.LEARNER, Role.COORDINATOR, Role.ADMIN})


class Municipality(Base):
    __tablename__ = "municipalities"

    code: Mapped[str] = mapped_column(String(4), primary_key=True)  # SCB kommunkod
    name: Mapped[str] = mapped_column(String(80))
    county_code: Mapped[str] = mapped_column(String(2))
    in_region: Mapped[bool] = mapped_column(Boolean, default=False)  # part of Skåne Nordost


class User(Base):
    __tablename__ = "users"
    id: Mapped[intpk]
    # Stored casefolded so uniqueness is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    preferred_language: Mapped[str] = mapped_column(String(5), default="sv")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped on password change and "log out everywhere": older sessions stop working.
    session_epoch: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[timestamp]
    last_login_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    memberships: Mapped[list[Membership]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    # flask-login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return f"{self.id}.{self.session_epoch}"

    @property
    def roles(self) -> frozenset[Role]:
        """Return the roles the user holds through active memberships."""
        return frozenset(
            m.role
            for m in self.memberships
            if m.organisation is None or m.organisation.status is OrgStatus.ACTIVE
        )

    def has_role(self, role: Role) -> bool:
        return role in self.roles

    def organisations(self, role: Role | None = None) -> list[Organisation]:
        """Return the active organisations the user belongs to, optionally in one role."""
        return [
            m.organisation
            for m in self.memberships
            if m.organisation is not None
            and m.organisation.status is OrgStatus.ACTIVE
            and (role is None or m.role is role)
        ]


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[intpk]
    kind: Mapped[OrgKind] = mapped_column(Enum(OrgKind, native_enum=False, length=20))
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[OrgStatus] = mapped_column(
        Enum(OrgStatus, native_enum=False, length=20), default=OrgStatus.PENDING
    )
    # Employers: Swedish organisationsnummer NNNNNN-NNNN, unique when present.
    org_number: Mapped[str | None] = mapped_column(String(11), unique=True)
    # Lärcentrum: the kommun it belongs to. Valideringsråd: its branch scope.
    municipality_code: Mapped[str | None] = mapped_column(ForeignKey("municipalities.code"))
    branch: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[timestamp]

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", "role"),)

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    created_at: Mapped[timestamp]

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")


class ApiToken(Base):
    """A personal access token; only its SHA-256 is stored, the secret is shown once."""

    __tablename__ = "api_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(
        String(12)
    )  # shown in lists so people can tell tokens apart
    created_at: Mapped[timestamp]
    last_used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()


class PasswordResetToken(Base):
    __tablename__ = "password_reset_tokens"

    id: Mapped[intpk]
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[timestamp]


class ColleagueInvite(Base):
    """An employer's invitation to a colleague: a one-use link to an account in the same
    organisation. Only the hash of the secret is kept, as for password resets."""

    __tablename__ = "colleague_invites"

    id: Mapped[intpk]
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[timestamp]

    organisation: Mapped[Organisation] = relationship()


class PendingRegistration(Base):
    """A self-registration waiting for its e-mail address to be confirmed.

    Nothing is created until the link mailed to the address is opened, so the form never tells
    whether an address has an account. One row per address: registering again replaces it, and
    only the newest link works. The password is kept hashed and the link's secret as its SHA-256,
    as for password resets; the row goes when it is confirmed or has expired.
    """

    __tablename__ = "pending_registrations"

    id: Mapped[intpk]
    email: Mapped[str] = mapped_column(String(254), unique=True)  # casefolded, as User.email
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    preferred_language: Mapped[str] = mapped_column(String(5), default="sv")
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    # An employer's registration also names the organisation it will create.
    organisation_name: Mapped[str | None] = mapped_column(String(200))
    org_number: Mapped[str | None] = mapped_column(String(11))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    created_at: Mapped[timestamp]

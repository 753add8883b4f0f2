"""Import every feature's models so Base.metadata knows all tables (Alembic, export checks)."""

from eportfolio.accounts import models as accounts
from eportfolio.audit import models as audit
from eportfolio.db import Base

__all__ = ["Base", "accounts", "audit"]

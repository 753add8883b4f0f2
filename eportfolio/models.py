"""Import every feature's models so Base.metadata knows all tables (Alembic, export checks)."""

from eportfolio.accounts import models as accounts
from eportfolio.audit import models as audit
from eportfolio.db import Base
from eportfolio.portfolios import models as portfolios
from eportfolio.privacy import models as privacy
from eportfolio.taxonomy_store import models as taxonomy_store

__all__ = ["Base", "accounts", "audit", "portfolios", "privacy", "taxonomy_store"]

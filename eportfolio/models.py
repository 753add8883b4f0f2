"""Import every feature's models so Base.metadata knows all tables (Alembic, export checks)."""

from eportfolio.accounts import models as accounts
from eportfolio.audit import models as audit
from eportfolio.credentials import models as credentials
from eportfolio.db import Base
from eportfolio.employers import models as employers
from eportfolio.matching_index import models as matching_index
from eportfolio.notifications import models as notifications
from eportfolio.portfolios import models as portfolios
from eportfolio.privacy import models as privacy
from eportfolio.regional import models as regional
from eportfolio.taxonomy_store import models as taxonomy_store
from eportfolio.validation import models as validation

__all__ = [
    "Base",
    "accounts",
    "audit",
    "credentials",
    "employers",
    "matching_index",
    "notifications",
    "portfolios",
    "privacy",
    "regional",
    "taxonomy_store",
    "validation",
]

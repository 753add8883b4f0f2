"""Column reads for a worker's start: the same values as ORM rows, on either database."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from eportfolio.matching_index.columns import read_columns, read_rows
from eportfolio.portfolios.models import EvidenceStatus, SkillClaim


def test_columns_hold_what_the_rows_hold(db_session: Session, demo: dict[str, Any]) -> None:
    from eportfolio.regional.demo import scale

    scale(db_session, 60)
    db_session.flush()
    validated = case((SkillClaim.status == EvidenceStatus.VALIDATED, 1), else_=0)
    stmt = select(
        SkillClaim.portfolio_id, SkillClaim.concept_id, SkillClaim.level, validated
    ).order_by(SkillClaim.id)
    pid, concept, level, flag = read_columns(db_session, stmt, ["int32", "int64", "int16", "int64"])
    rows = db_session.execute(stmt).all()
    assert len(rows) > 100 and flag.sum() > 0  # an enum constant compiled into the SQL
    assert pid.dtype == np.int32 and level.dtype == np.int16
    assert pid.tolist() == [r[0] for r in rows] and concept.tolist() == [r[1] for r in rows]
    assert level.tolist() == [r[2] for r in rows] and flag.tolist() == [r[3] for r in rows]
    assert read_rows(db_session, stmt) == [tuple(r) for r in rows]


def test_no_rows_give_empty_columns_and_a_null_is_refused(
    db_session: Session, demo: dict[str, Any]
) -> None:
    none = select(SkillClaim.portfolio_id, SkillClaim.level).where(SkillClaim.id < 0)
    empty = read_columns(db_session, none, ["int64", "float32"])
    assert [len(c) for c in empty] == [0, 0] and empty[1].dtype == np.float32
    with_null = select(SkillClaim.portfolio_id, func.nullif(SkillClaim.level, SkillClaim.level))
    with pytest.raises(ValueError, match="NULL"):
        read_columns(db_session, with_null, ["int64", "int64"])

"""Every problem the bristyrken parser reports reaches a Swedish page in Swedish."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from eportfolio.taxonomy_store.import_messages import explain
from taxonomy.bristyrken import BRISTYRKEN_COLUMNS, iter_bristyrken_csv
from taxonomy.model import TaxonomyFormatError

HEADER = ",".join(BRISTYRKEN_COLUMNS)
GOOD = "5321,Undersköterska,kommun,1290,2025-1,stora,öka,brist"
BAD_FILES = {
    "missing column": "ssyk4,period\n5321,2025\n",
    "empty file": "\n",
    "too many fields": f"{HEADER}\n{GOOD},extra\n",
    "bad enum": f"{HEADER}\n5321,U,kommun,1290,2025-1,enorma,öka,brist\n",
    "bad area": f"{HEADER}\n5321,U,kommun,12,2025-1,stora,öka,brist\n",
    "bad period": f"{HEADER}\n5321,U,kommun,1290,förra året,stora,öka,brist\n",
    "old period": f"{HEADER}\n5321,U,kommun,1290,1800,stora,öka,brist\n",
    "bad ssyk": f"{HEADER}\n53,U,kommun,1290,2025-1,stora,öka,brist\n",
    "nothing assessed": f"{HEADER}\n5321,U,kommun,1290,2025-1,,,\n",
    "twice": f"{HEADER}\n{GOOD}\n{GOOD}\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_the_parsers_problems_are_all_translated(app: Flask, tmp_path: Path, name: str) -> None:
    path = tmp_path / "lista.csv"
    path.write_text(BAD_FILES[name], encoding="utf-8")
    with pytest.raises(TaxonomyFormatError) as caught:
        list(iter_bristyrken_csv(path))
    with app.test_request_context(headers={"Cookie": "lang=sv"}):
        said = explain(caught.value.message)
    assert not said.startswith("Filen kunde inte läsas"), (caught.value.message, said)

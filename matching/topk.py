"""Top-k by partial sort with ties broken by id, without argpartition over tied scores."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

_NO_ID = np.iinfo(np.int64).max


def top_k(
    scores: NDArray[np.float64], ids: NDArray[np.int64], k: int
) -> tuple[NDArray[np.int64], float, int]:
    """Return positions of the best ``k`` by (score desc, id asc) and the best key left out.

    ``argpartition`` degrades badly when many scores tie; partitioning the values and then
    selecting by threshold keeps it linear. The returned ``(score, id)`` of the best
    unselected item lets a caller prove that a re-scored selection is still exact.
    """
    n = len(scores)
    if n <= k:
        return np.lexsort((ids, -scores)), -np.inf, int(_NO_ID)
    kth = np.partition(scores, n - k)[n - k]
    above = np.flatnonzero(scores > kth)
    tied = np.flatnonzero(scores == kth)
    wanted = k - len(above)
    if len(tied) > wanted:
        tied_ids = ids[tied]
        part = np.argpartition(tied_ids, wanted)  # ids are unique, so no tie trap here
        chosen = tied[part[:wanted]]
        rest_score, rest_id = float(kth), int(tied_ids[part[wanted:]].min())
    else:
        chosen = tied
        below = scores < kth
        rest_score = float(scores[below].max())
        rest_id = int(ids[scores == rest_score].min())
    sel = np.concatenate([above, chosen])
    return sel[np.lexsort((ids[sel], -scores[sel]))], rest_score, rest_id

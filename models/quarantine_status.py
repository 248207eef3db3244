"""The states of a quarantine row (stored as these plain strings in ``quarantine.status``)."""

from __future__ import annotations

from enum import StrEnum


class QuarantineStatus(StrEnum):
    """Where a quarantined item stands."""

    PENDING = "pending"  # failed a stage; waits for a look or a replay
    RETRY = "retry"  # a fetch failure worth fetching again in a later run
    REFUSED = "refused"  # a fetch the crawler refused on purpose (robots.txt, offsite, ...)
    REPLAYED = "replayed"  # loaded later (replay, or the page stored by a later run)

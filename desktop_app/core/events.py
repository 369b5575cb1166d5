"""Things that happen, as recorded in the history.

The scheduler and the routine player *return* events instead of calling out,
so the core stays pure: the UI driver writes each event to the history store
and refreshes what the user sees. The history table is append-only and stores
exactly ``(at, kind, data)`` from these objects, so stats can be recomputed
from raw events at any time.

Every kind below is part of the stable export format (``hipbreak stats --csv``
and the CSV export); add new kinds, never rename old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# --- prompts -------------------------------------------------------------
PROMPT_SHOWN = "prompt_shown"          # data: routine_id, kind (hourly|daily), reason (due|repeat|break_now|...)
PROMPT_DEFERRED = "prompt_deferred"    # data: reason (do-not-disturb source), held back, not dropped
PROMPT_QUIET = "prompt_quiet"          # data: reason; held past max_defer_minutes, sent as a quiet notification
PROMPT_UNANSWERED = "prompt_unanswered"  # data: why ("natural_break"|"away"|"paused"|"settings"|"off_hours"|"quit")
SNOOZED = "snoozed"                    # data: minutes, until (epoch), kind
SKIPPED = "skipped"                    # data: sitting_seconds, kind
# --- breaks and presence -------------------------------------------------
NATURAL_BREAK = "natural_break"        # data: seconds, returned_at (epoch); the idle stretch that reset sitting time
AWAY_STARTED = "away_started"          # data: reason ("lock"|"suspend"|"idle"), since (epoch)
AWAY_ENDED = "away_ended"              # data: reason, seconds
SITTING_STRETCH = "sitting_stretch"    # data: start (epoch), end (epoch), seconds; written when a stretch ends
# --- routines ------------------------------------------------------------
ROUTINE_STARTED = "routine_started"    # data: routine_id
ROUTINE_COMPLETED = "routine_completed"  # data: routine_id, seconds, exercises
ROUTINE_ABANDONED = "routine_abandoned"  # data: routine_id, seconds_done, exercises, counted_as_break
# --- modes ---------------------------------------------------------------
PAUSED = "paused"                      # data: until (epoch or null), until_tomorrow (bool)
RESUMED = "resumed"                    # data: {}
STANDING_STARTED = "standing_started"  # data: {}
STANDING_ENDED = "standing_ended"      # data: reason ("user"|"natural_break")
# --- other ---------------------------------------------------------------
SELF_CHECK = "self_check"              # data: result ("whole_hand"|"half_hand"|"no_room")
APP_STARTED = "app_started"            # data: version
APP_STOPPED = "app_stopped"            # data: {}

ALL_KINDS: frozenset[str] = frozenset(
    v for k, v in dict(globals()).items() if k.isupper() and isinstance(v, str) and k != "ALL_KINDS"
)


@dataclass(frozen=True)
class Event:
    """One recorded happening: wall-clock time ``at`` (POSIX seconds), a ``kind`` and JSON-able ``data``."""

    kind: str
    at: float
    data: dict[str, Any] = field(default_factory=dict)

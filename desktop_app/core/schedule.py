"""BreakScheduler: sitting time, natural breaks, prompts, snooze, skip, pause and the daily session.

The scheduler is pure: it is handed a clock and readings (idle seconds, lock,
suspend, do-not-disturb) and answers with events. Nothing here polls or
sleeps. The UI driver asks :meth:`BreakScheduler.next_deadline` when it next
needs to call :meth:`BreakScheduler.update`, arms one single-shot timer for
that moment, and writes every returned :class:`~desktop_app.core.events.Event`
to the history.

How it is built (see docs/scheduling.md for the rules in plain words):

* The situation is a handful of independent facts: a routine playing, a prompt
  open or held back, a pause, an away spell, off-hours, standing, a snooze.
  The *stage* shown to the user is derived from them by one priority order in
  :meth:`BreakScheduler._wanted_stage` and set only through
  :meth:`BreakScheduler._goto`, like Workrave's ``goto_stage``.
* Every public method runs the same frame: notice a suspend, apply what time
  has made due (pause end, a lock long enough to be a break, working hours),
  do its own action, then offer any prompt that is now due. So a prompt never
  appears *before* the reading that would have cancelled it.
* Durations use monotonic time only. Wall time is used for history
  timestamps, working hours, "pause until tomorrow" and the daily session.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any

from desktop_app.core import events as ev
from desktop_app.core import workhours
from desktop_app.core.clock import Clock
from desktop_app.core.events import Event
from desktop_app.core.presence import AwaySpell, Moment, SuspendDetector
from desktop_app.core.settings import Settings
from desktop_app.i18n import _

#: While the user is away, poll idle this often so the return is noticed soon
#: (the return moment itself is exact: it is computed as now - idle).
AWAY_POLL_SECONDS = 30.0
#: The longest gap between idle readings during a long absence. The return
#: moment is exact either way (now - idle); only the tray's "away" lags, by at most this.
AWAY_POLL_MAX_SECONDS = 120.0
#: While a prompt is held back by do-not-disturb, ask the driver to re-query
#: the do-not-disturb sources this often.
DND_RECHECK_SECONDS = 30.0
#: ``pause()`` without minutes and without "until tomorrow".
DEFAULT_PAUSE_MINUTES = 60
#: Longest pause or snooze accepted from a caller, in minutes (one day).
MAX_PAUSE_MINUTES = 24 * 60
MAX_SNOOZE_MINUTES = 240
#: Deadlines handed to the driver are computed by different arithmetic than
#: the checks that honour them (boot vs monotonic time, wall datetimes), so a
#: check counts a deadline as reached this close to it. Without it, rounding
#: could leave a deadline "now" forever and make the driver spin.
TIME_TOLERANCE = 1e-3
#: Format of :meth:`BreakScheduler.to_state`.
STATE_VERSION = 1

HOURLY = "hourly"
DAILY = "daily"
#: What a held prompt waits for: do-not-disturb to end, or a natural pause in the user's input.
WAIT_DND = "dnd"
WAIT_LULL = "lull"
#: The ``reason`` of PROMPT_DEFERRED while an hourly prompt waits for a pause in typing.
BUSY = "busy"


def busy_reason() -> str:
    """``deferred_reason`` while a due prompt waits for a pause in the user's input."""
    return _("you are typing or using the mouse; the prompt waits for a short pause")


class Stage(str, Enum):
    """What the scheduler is doing; the values are the ``status --json`` state strings."""

    WORKING = "working"
    DUE = "due"
    SNOOZED = "snoozed"
    IN_ROUTINE = "in_routine"
    PAUSED = "paused"
    AWAY = "away"
    STANDING = "standing"
    OFF_HOURS = "off_hours"


@dataclass(frozen=True)
class Status:
    """A snapshot for the tray, the prompt and ``hipbreak status``."""

    stage: Stage
    #: Continuous seated time since the last break. It is 0 once an away spell
    #: has lasted a natural break, and it holds still (frozen) while standing.
    sitting_seconds: float
    sitting_since: float | None
    next_prompt_in_seconds: float | None
    next_prompt_at: float | None
    snoozed_until: float | None
    paused_until: float | None
    deferred_reason: str | None
    away_reason: str | None
    prompt_routine_id: str
    prompt_kind: str | None
    routine_id: str | None
    interval_seconds: float


@dataclass
class _Prompt:
    """The one open prompt (prompts never stack)."""

    kind: str
    shown_at: float  # monotonic time of the last showing; repeats count from here


@dataclass
class _Held:
    """A due prompt held back by do-not-disturb, or waiting for a pause in the user's input."""

    kind: str
    since: float  # monotonic
    waiting_for: str = WAIT_DND


@dataclass
class _Snooze:
    kind: str
    until: float  # monotonic


@dataclass
class _Pause:
    until_mono: float | None  # for "N minutes"
    until_wall: float | None  # for "until tomorrow" (a calendar moment)

    def over(self, now: Moment) -> bool:
        if self.until_mono is not None:
            return now.mono >= self.until_mono
        return self.until_wall is not None and now.wall >= self.until_wall - TIME_TOLERANCE


class BreakScheduler:
    """The break rules. Every public method returns the events to record, in order."""

    def __init__(self, clock: Clock, settings: Settings, state: Mapping[str, Any] | None = None) -> None:
        self._clock = clock
        self._settings = settings
        now = Moment.of(clock)
        self._now = now
        self._suspend = SuspendDetector(clock)
        self._stage = Stage.WORKING
        self._out: list[Event] = []
        # Events found while restoring state; handed out by the first call.
        self._pending: list[Event] = []
        # The current sitting stretch (None once an away spell became a break).
        self._stretch_start: float | None = None
        self._stretch_start_wall: float | None = None
        self._stretch_frozen = 0.0
        # The prompt schedule: due at anchor + interval (+ standing time), never before not_before.
        self._anchor = now.mono
        self._anchor_frozen = 0.0
        self._not_before = now.mono
        self._standing_since: float | None = None
        self._prompt: _Prompt | None = None
        self._held: _Held | None = None
        self._snooze: _Snooze | None = None
        self._pause: _Pause | None = None
        self._dnd: str | None = None
        self._away: AwaySpell | None = None
        self._routine: str | None = None
        self._routine_start: Moment | None = None
        self._off_hours = False
        # Daily session bookkeeping, as ISO dates of the local day.
        self._daily_offered_day: str | None = None
        self._daily_reminded_day: str | None = None
        self._daily_done_day: str | None = None
        # Idle readings older than this are not trusted (app start, a return, a routine's end).
        self._presence_floor = now.mono
        # The last keyboard/mouse input an idle reading told of (monotonic; None: no idle data at all).
        self._last_input: float | None = None
        # Schedule seconds per real second of the person's input. The lull follows the rhythm of
        # their typing, so it is counted in real seconds even when --demo speeds the schedule up.
        factor = getattr(clock, "factor", 1.0)
        self._input_scale = float(factor) if isinstance(factor, (int, float)) and factor > 0 else 1.0
        #: Set by the driver when the idle source pushes "a pause of lull_seconds began" (a Mutter
        #: watch): then no deadline is needed to look for the pause while a prompt waits.
        self.lull_by_push = False
        self._last_call = now.mono
        self._start_stretch(now)
        if state:
            self._restore(state, now)
        # Whatever the state said, the first thing after a (re)start is not a prompt.
        self._not_before = max(self._not_before, now.mono + self._grace_seconds)
        self._off_hours = not workhours.in_working_hours(self._local_now(), settings)
        self._goto(self._wanted_stage())

    # ------------------------------------------------------------------ properties
    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def stage(self) -> Stage:
        return self._stage

    @property
    def _interval_seconds(self) -> float:
        return self._settings.break_interval_minutes * 60.0

    @property
    def _natural_seconds(self) -> float:
        return self._settings.natural_break_minutes * 60.0

    @property
    def _reprompt_seconds(self) -> float:
        return self._settings.reprompt_minutes * 60.0

    @property
    def _grace_seconds(self) -> float:
        """After a return, a resume or a restart, no prompt comes sooner than this.

        It reuses the reprompt time: an interrupted prompt comes back the same
        way an unanswered one does.
        """
        return self._reprompt_seconds

    # ------------------------------------------------------------------ the frame
    def _begin(self) -> Moment:
        """Start a public call: hand out pending events, notice a suspend, apply what time made due."""
        now = Moment.of(self._clock)
        self._now = now
        self._out = self._pending
        self._pending = []
        slept = self._suspend.check()
        if slept is not None:
            self._handle_slept(slept, now)
        self._last_call = now.mono
        self._advance(now)
        return now

    def _finish(self, offer_prompts: bool = True) -> list[Event]:
        """End a public call: offer what is due, settle the stage, return the events."""
        if offer_prompts:
            self._offer_due_prompts(self._now)
        self._goto(self._wanted_stage())
        out, self._out = self._out, []
        return out

    def _emit(self, event_kind: str, /, **data: Any) -> None:
        self._out.append(Event(event_kind, self._now.wall, data))

    def _goto(self, stage: Stage) -> None:
        """The one place the stage changes."""
        if stage is self._stage:
            return
        self._stage = stage

    def _wanted_stage(self) -> Stage:
        """The stage that the current facts call for, in priority order."""
        if self._routine is not None:
            return Stage.IN_ROUTINE
        if self._prompt is not None or self._held is not None:
            return Stage.DUE
        if self._pause is not None:
            return Stage.PAUSED
        if self._away is not None:
            return Stage.AWAY
        if self._off_hours:
            return Stage.OFF_HOURS
        if self._standing_since is not None:
            return Stage.STANDING
        if self._snooze is not None:
            return Stage.SNOOZED
        return Stage.WORKING

    def _advance(self, now: Moment, hours_why: str = "off_hours") -> None:
        """Apply everything that time alone has made due, except offering prompts."""
        if self._pause is not None and self._pause.over(now):
            self._end_pause()
        spell = self._away
        if (
            spell is not None
            and not spell.is_break
            and self._routine is None
            and self._lasted_natural(spell, now)
        ):
            self._confirm_break(spell)
        self._check_hours(now, why=hours_why)

    def _check_hours(self, now: Moment, why: str) -> None:
        off = not workhours.in_working_hours(self._local_now(), self._settings)
        if off and not self._off_hours:
            # Hourly prompts stop outside working hours; the daily session keeps its own time.
            if self._prompt is not None and self._prompt.kind == HOURLY:
                self._close_prompt(why)
            if self._held is not None and self._held.kind == HOURLY:
                self._held = None
            if self._snooze is not None and self._snooze.kind == HOURLY:
                self._snooze = None
        self._off_hours = off

    # ------------------------------------------------------------------ sitting time
    def _sitting_at(self, t: float) -> float:
        if self._stretch_start is None:
            return 0.0
        frozen = self._stretch_frozen
        if self._standing_since is not None and t > self._standing_since:
            frozen += t - max(self._standing_since, self._stretch_start)
        return max(0.0, t - self._stretch_start - frozen)

    def _start_stretch(self, at: Moment) -> None:
        """A break ended at ``at``: sitting time and the prompt interval start again."""
        self._stretch_start = at.mono
        self._stretch_start_wall = at.wall
        self._stretch_frozen = 0.0
        self._anchor = at.mono
        self._anchor_frozen = 0.0
        self._snooze = None

    def _end_stretch(self, end: Moment) -> None:
        """Record the stretch that ended at ``end`` and stop counting."""
        if self._stretch_start is not None and self._stretch_start_wall is not None:
            end_mono = max(end.mono, self._stretch_start)
            self._emit(
                ev.SITTING_STRETCH,
                start=self._stretch_start_wall,
                end=max(end.wall, self._stretch_start_wall),
                seconds=round(self._sitting_at(end_mono), 3),
            )
        self._stretch_start = None
        self._stretch_start_wall = None
        self._stretch_frozen = 0.0

    def _due_base(self, now: float) -> float:
        """anchor + interval, moved on by time spent standing (standing freezes the countdown)."""
        base = self._anchor + self._interval_seconds + self._anchor_frozen
        if self._standing_since is not None and now > self._standing_since:
            base += now - max(self._standing_since, self._anchor)
        return base

    def _due_at(self, now: float) -> float:
        return max(self._due_base(now), self._not_before)

    def _end_standing(self, reason: str) -> None:
        since = self._standing_since
        if since is None:
            return
        now = self._now.mono
        if self._stretch_start is not None:
            self._stretch_frozen += max(0.0, now - max(since, self._stretch_start))
        self._anchor_frozen += max(0.0, now - max(since, self._anchor))
        self._standing_since = None
        self._emit(ev.STANDING_ENDED, reason=reason)

    # ------------------------------------------------------------------ away
    def _enter_away(self, reason: str, since: Moment) -> None:
        spell = self._away
        if spell is None:
            spell = AwaySpell(reason, since, {reason})
            self._away = spell
            self._emit(ev.AWAY_STARTED, reason=reason, since=since.wall)
            if self._routine is None:
                long_enough = self._lasted_natural(spell, self._now)
                self._close_prompt("natural_break" if long_enough else "away")
                self._drop_held()
        else:
            spell.reasons.add(reason)
            if since.boot < spell.since.boot and not spell.is_break:
                spell.since = since
        long_enough = self._lasted_natural(spell, self._now)
        if self._routine is None and not spell.is_break and long_enough:
            self._confirm_break(spell)

    def _confirm_break(self, spell: AwaySpell) -> None:
        """The spell has lasted a natural break: end the stretch where the user left."""
        spell.is_break = True
        self._close_prompt("natural_break")
        self._drop_held()
        self._end_stretch(spell.since)
        self._end_standing("natural_break")
        self._snooze = None

    def _leave_away(self, reason: str, back: Moment) -> None:
        spell = self._away
        if spell is None or reason not in spell.reasons:
            return
        spell.reasons.discard(reason)
        if spell.reasons:
            return
        self._away = None
        back = Moment(
            min(max(back.mono, spell.since.mono), self._now.mono),
            min(max(back.boot, spell.since.boot), self._now.boot),
            back.wall,
        )
        seconds = spell.seconds_at(back)
        if self._routine is None and not spell.is_break and self._lasted_natural(spell, back):
            self._confirm_break(spell)
        self._emit(ev.AWAY_ENDED, reason=spell.started_reason, seconds=round(seconds, 3))
        self._presence_floor = max(self._presence_floor, back.mono)
        if spell.is_break:
            self._emit(ev.NATURAL_BREAK, seconds=round(seconds, 3), returned_at=back.wall)
            self._start_stretch(back)
        if self._routine is None:
            self._not_before = max(self._not_before, back.mono + self._grace_seconds)

    def _handle_slept(self, slept: float, now: Moment) -> None:
        """A suspend of ``slept`` seconds ended just now (seen by the clock gap)."""
        spell = self._away
        if spell is not None and "suspend" in spell.reasons:
            self._leave_away("suspend", now)  # on_suspend() saw it start; this is the wake-up
            return
        if spell is not None:
            return  # already away (locked, idle): the spell simply lasted longer
        # Monotonic time stood still while asleep, so the spell starts "now" on it.
        since = Moment(now.mono, now.boot - slept, now.wall - slept)
        self._enter_away("suspend", since)
        self._leave_away("suspend", now)

    def _leave_idle_if_away(self) -> None:
        """An explicit user action proves presence: end an idle spell now."""
        if self._away is not None and "idle" in self._away.reasons:
            self._leave_away("idle", self._now)

    # ------------------------------------------------------------------ prompts
    def _routine_for(self, kind: str | None) -> str:
        return self._settings.daily_routine if kind == DAILY else self._settings.prompt_routine

    def _local_now(self) -> datetime:
        """Local wall time for calendar checks, nudged by TIME_TOLERANCE so a boundary deadline counts."""
        return self._clock.now() + timedelta(seconds=TIME_TOLERANCE)

    def _lasted_natural(self, spell: AwaySpell, now: Moment) -> bool:
        return spell.seconds_at(now) >= self._natural_seconds - TIME_TOLERANCE

    def _today(self) -> str:
        return self._local_now().date().isoformat()

    def _close_prompt(self, why: str) -> None:
        """End the open prompt without an answer."""
        prompt = self._prompt
        if prompt is None:
            return
        self._prompt = None
        self._emit(ev.PROMPT_UNANSWERED, why=why, kind=prompt.kind)
        if prompt.kind == DAILY and why not in ("quit", "settings"):
            # Interrupted before it was answered: one reminder later today, no more.
            today = self._today()
            if self._daily_reminded_day != today:
                self._daily_reminded_day = today
                self._daily_offered_day = None

    def _drop_held(self) -> None:
        """Forget a held prompt; it was never shown, so it will be offered again when due."""
        held = self._held
        self._held = None
        if held is not None and held.kind == DAILY:
            self._daily_offered_day = None

    def _take_answer(self) -> str | None:
        """The user answered the prompt (or the snoozed/held one): clear it, return its kind."""
        kind: str | None = None
        for item in (self._prompt, self._held, self._snooze):
            if item is not None:
                kind = item.kind
        self._prompt = self._held = self._snooze = None
        return kind

    def _offer(self, kind: str, reason: str) -> None:
        """Show a prompt now, hold it back while do-not-disturb is on, or wait for a pause in typing.

        Only the hourly prompt waits for a pause: the daily session keeps its
        appointment and break-now is the user's own request (it never comes here).
        A prompt released by the end of do-not-disturb (``deferred_end``) does not
        wait either: the end of a call, a video or a presentation is itself a break
        in the work.
        """
        now = self._now.mono
        if self._dnd is not None:
            self._held = _Held(kind, now)
            self._emit(ev.PROMPT_DEFERRED, reason=self._dnd, kind=kind)
            return
        if kind == HOURLY and reason != "deferred_end" and self._busy():
            self._held = _Held(kind, now, WAIT_LULL)
            self._emit(ev.PROMPT_DEFERRED, reason=BUSY, kind=kind)
            return
        self._show(kind, reason)

    def _show(self, kind: str, reason: str) -> None:
        self._prompt = _Prompt(kind, self._now.mono)
        self._emit(ev.PROMPT_SHOWN, routine_id=self._routine_for(kind), reason=reason, kind=kind)

    @property
    def _lull_seconds(self) -> float:
        """The pause in input to wait for, in schedule seconds (set in real seconds)."""
        return self._settings.lull_seconds * self._input_scale

    def _busy(self) -> bool:
        """Input in the last ``lull_seconds`` (real seconds), as far as the idle readings tell."""
        lull = self._lull_seconds
        if lull <= 0 or self._last_input is None:
            return False  # no lull wanted, or no idle data on this desktop: never wait for one
        return self._now.mono - self._last_input < lull - TIME_TOLERANCE

    def _settle_lull(self, held: _Held) -> None:
        """A due prompt waits for a pause in input: show it at the pause, or after the longest wait."""
        if self._dnd is not None:
            # do-not-disturb came on while it waited: from now on it is held for that reason
            self._held = _Held(held.kind, self._now.mono)
            self._emit(ev.PROMPT_DEFERRED, reason=self._dnd, kind=held.kind)
            return
        if not self._busy():
            self._held = None
            self._show(held.kind, "lull")
        elif self._now.mono >= held.since + self._settings.lull_max_wait_minutes * 60.0 - TIME_TOLERANCE:
            self._held = None
            self._show(held.kind, "lull_timeout")

    def _prompts_blocked(self) -> bool:
        return self._routine is not None or self._pause is not None or self._away is not None

    def _offer_due_prompts(self, now: Moment) -> None:
        if self._prompts_blocked():
            return
        quiet = now.mono < self._not_before
        if not quiet:
            self._offer_daily_if_due(now)  # first: it takes over an open, held or snoozed hourly prompt
        if self._snooze is not None and now.mono >= self._snooze.until and not quiet:
            kind = self._snooze.kind
            self._snooze = None
            self._offer(kind, DAILY if kind == DAILY else "due")
        if self._held is not None and self._held.waiting_for == WAIT_LULL:
            self._settle_lull(self._held)
        elif self._held is not None:
            if self._dnd is None:
                held, self._held = self._held, None
                self._offer(held.kind, "deferred_end")
            elif now.mono >= self._held.since + self._settings.max_defer_minutes * 60.0:
                self._send_quiet(self._held)
        if self._prompt is not None and not quiet and now.mono >= self._prompt.shown_at + self._reprompt_seconds:
            self._repeat(self._prompt)  # not in the quiet time after a return: a repeat is a prompt too
        if (
            not quiet
            and not self._off_hours
            and self._standing_since is None
            and self._prompt is None
            and self._held is None
            and self._snooze is None
            and now.mono >= self._due_at(now.mono)
        ):
            self._offer(HOURLY, "due")

    def _repeat(self, prompt: _Prompt) -> None:
        prompt.shown_at = self._now.mono
        if self._dnd is not None:
            return  # an open prompt is not re-raised during a call or a video
        if prompt.kind == DAILY:
            today = self._today()
            if self._daily_reminded_day == today:
                return
            self._daily_reminded_day = today
        routine_id = self._routine_for(prompt.kind)
        self._emit(ev.PROMPT_SHOWN, routine_id=routine_id, reason="repeat", kind=prompt.kind)

    def _repeat_pending(self) -> bool:
        prompt = self._prompt
        if prompt is None:
            return False
        return not (prompt.kind == DAILY and self._daily_reminded_day == self._today())

    def _send_quiet(self, held: _Held) -> None:
        """Held too long: a quiet notification instead, and the interval starts again."""
        self._held = None
        self._emit(ev.PROMPT_QUIET, reason=self._dnd, kind=held.kind, routine_id=self._routine_for(held.kind))
        self._anchor = self._now.mono
        self._anchor_frozen = 0.0
        if held.kind == DAILY:
            self._daily_reminded_day = self._today()

    # ------------------------------------------------------------------ daily session
    def _daily_eligible(self, day: date) -> bool:
        iso = day.isoformat()
        return iso not in (self._daily_done_day, self._daily_offered_day)

    def _next_daily(self, local_now: datetime) -> datetime | None:
        """When the daily session is next to be offered (today's may already be past: then it is due)."""
        for when in workhours.daily_session_candidates(local_now, self._settings):
            if self._daily_eligible(when.date()):
                return when
        return None

    def _offer_daily_if_due(self, now: Moment) -> None:
        local_now = self._local_now()
        when = self._next_daily(local_now)
        if when is None or when.date() != local_now.date() or local_now < when:
            return
        self._daily_offered_day = local_now.date().isoformat()
        if self._prompt is not None:
            # Prompts never stack: the open hourly prompt becomes the daily one.
            self._prompt.kind = DAILY
            self._prompt.shown_at = now.mono
            self._emit(ev.PROMPT_SHOWN, routine_id=self._routine_for(DAILY), reason=DAILY, kind=DAILY)
            return
        if self._held is not None and self._held.waiting_for == WAIT_DND:
            self._held.kind = DAILY
            return
        self._held = None  # an hourly prompt waiting for a pause: the daily session shows at once
        self._snooze = None
        self._offer(DAILY, DAILY)

    # ------------------------------------------------------------------ public: readings
    def update(self) -> list[Event]:
        """Run whatever is due: prompts, repeats, snooze and pause ends, the daily session, suspend check."""
        self._begin()
        return self._finish()

    def on_idle(self, idle_seconds: float) -> list[Event]:
        """A reading from the idle monitor. It also runs due work, so it can stand in for update()."""
        now = self._begin()
        idle = float(idle_seconds) if math.isfinite(idle_seconds) and idle_seconds > 0 else 0.0
        self._last_input = now.mono - idle
        if self._routine is None:
            trusted = min(idle, max(0.0, now.mono - self._presence_floor))
            if trusted >= self._natural_seconds - TIME_TOLERANCE:  # a push watch reports the threshold itself
                self._enter_away("idle", now.minus(trusted))
            elif self._away is not None and "idle" in self._away.reasons and idle < self._natural_seconds:
                self._leave_away("idle", now.minus(idle))
        return self._finish()

    def note_input(self, idle_seconds: float) -> None:
        """Remember when the last input was, without running anything (no events, no prompt).

        The driver calls this first on a wake, before asking do-not-disturb:
        that call already runs due work, and a prompt falling due in it must
        know whether the person is typing right now (the natural pause).
        """
        idle = float(idle_seconds) if math.isfinite(idle_seconds) and idle_seconds > 0 else 0.0
        self._last_input = self._clock.monotonic() - idle

    def on_activity(self) -> list[Event]:
        """A push backend says the user is active again (idle is about zero)."""
        return self.on_idle(0.0)

    def set_locked(self, locked: bool) -> list[Event]:
        now = self._begin()
        if locked:
            self._enter_away("lock", now)
        else:
            self._leave_away("lock", now)
        return self._finish()

    def on_suspend(self) -> list[Event]:
        now = self._begin()
        self._enter_away("suspend", now)
        return self._finish()

    def on_resume(self) -> list[Event]:
        now = self._begin()  # the clock-gap check may already have ended the spell
        self._leave_away("suspend", now)
        return self._finish()

    def set_do_not_disturb(self, reason: str | None) -> list[Event]:
        """Why prompts should wait right now (a fullscreen window, a call…), or None."""
        self._begin()
        self._dnd = reason or None
        return self._finish()

    # ------------------------------------------------------------------ public: user actions
    def break_now(self) -> list[Event]:
        """The user asks for the break prompt now, whatever the schedule says."""
        now = self._begin()
        if self._routine is None:
            self._leave_idle_if_away()
            self._held = self._snooze = None
            if self._prompt is None:
                self._prompt = _Prompt(HOURLY, now.mono)
            self._prompt.shown_at = now.mono
            kind = self._prompt.kind
            self._emit(ev.PROMPT_SHOWN, routine_id=self._routine_for(kind), reason="break_now", kind=kind)
        return self._finish()

    def snooze(self, minutes: int | None = None) -> list[Event]:
        """Delay the open (or held, or already snoozed) prompt. Nothing to snooze: no-op."""
        length = self._settings.snooze_minutes if minutes is None else _checked_minutes(
            "snooze", minutes, MAX_SNOOZE_MINUTES)
        now = self._begin()
        kind = self._take_answer()
        if kind is not None:
            self._snooze = _Snooze(kind, now.mono + length * 60.0)
            self._emit(ev.SNOOZED, minutes=length, until=now.wall + length * 60.0, kind=kind)
        return self._finish()

    def skip(self) -> list[Event]:
        """Dismiss the prompt: the next one is an interval away, but sitting time keeps counting."""
        now = self._begin()
        kind = self._take_answer()
        if kind is not None:
            self._emit(ev.SKIPPED, sitting_seconds=round(self._sitting_at(now.mono), 3), kind=kind)
            self._anchor = now.mono
            self._anchor_frozen = 0.0
        return self._finish()

    def pause(self, minutes: int | None = None, until_tomorrow: bool = False) -> list[Event]:
        """No prompts for ``minutes`` (default 60) or until tomorrow. Sitting time is still tracked."""
        length = DEFAULT_PAUSE_MINUTES
        if minutes is not None:
            length = _checked_minutes("pause", minutes, MAX_PAUSE_MINUTES)
        now = self._begin()
        self._close_prompt("paused")
        self._drop_held()
        self._snooze = None
        if until_tomorrow:
            until = workhours.next_day_start(self._clock.now(), self._settings).timestamp()
            self._pause = _Pause(None, until)
        else:
            until = now.wall + length * 60.0
            self._pause = _Pause(now.mono + length * 60.0, None)
        self._emit(ev.PAUSED, until=until, until_tomorrow=bool(until_tomorrow))
        return self._finish()

    def resume(self) -> list[Event]:
        """End a pause early."""
        self._begin()
        self._end_pause()
        return self._finish()

    def _end_pause(self) -> None:
        if self._pause is not None:
            self._pause = None
            self._emit(ev.RESUMED)

    def set_standing(self, standing: bool) -> list[Event]:
        """Standing mode (standing desks) freezes sitting time until seated again or a natural break."""
        now = self._begin()
        if standing and self._standing_since is None:
            self._take_answer()  # "I'm standing" answers a prompt
            self._standing_since = now.mono
            self._emit(ev.STANDING_STARTED)
        elif not standing:
            self._end_standing("user")
        return self._finish()

    def routine_started(self, routine_id: str) -> list[Event]:
        now = self._begin()
        self._leave_idle_if_away()
        self._take_answer()
        self._routine = routine_id
        self._routine_start = now
        self._emit(ev.ROUTINE_STARTED, routine_id=routine_id)
        return self._finish()

    def routine_finished(
        self, routine_id: str, completed: bool, seconds_done: float, exercises: int = 0
    ) -> list[Event]:
        """A routine ended. Completed, or closed early after ``early_close_break_seconds``: a break."""
        done = float(seconds_done) if math.isfinite(seconds_done) and seconds_done > 0 else 0.0
        now = self._begin()
        start = self._routine_start or now
        self._routine = None
        self._routine_start = None
        if completed:
            counted = True
            self._emit(
                ev.ROUTINE_COMPLETED, routine_id=routine_id, seconds=round(done, 3), exercises=exercises
            )
            if routine_id == self._settings.daily_routine:
                self._daily_done_day = self._today()
        else:
            counted = done >= self._settings.early_close_break_seconds
            self._emit(
                ev.ROUTINE_ABANDONED,
                routine_id=routine_id,
                seconds_done=round(done, 3),
                counted_as_break=counted,
                exercises=exercises,
            )
        if counted or self._stretch_start is None:
            self._end_stretch(start)  # the stretch ended when the user got up for the routine
            self._start_stretch(now)
        if not counted:
            # Not a break: the prompt is still owed, but not straight away.
            self._not_before = max(self._not_before, now.mono + self._grace_seconds)
        self._presence_floor = now.mono
        if self._away is not None:
            self._away.since = now  # locked or asleep at the end: measure the break from here
        return self._finish()

    def apply_settings(self, settings: Settings) -> list[Event]:
        """Take new settings at once: the next prompt is rescheduled from the last break."""
        now = self._begin()
        self._settings = settings
        if self._prompt is not None and self._prompt.kind == HOURLY and now.mono < self._due_at(now.mono):
            self._close_prompt("settings")  # a longer interval: this prompt is no longer due
        if not settings.daily_session_enabled:
            if self._prompt is not None and self._prompt.kind == DAILY:
                self._close_prompt("settings")
            if self._held is not None and self._held.kind == DAILY:
                self._held = None
            if self._snooze is not None and self._snooze.kind == DAILY:
                self._snooze = None
        self._advance(now, hours_why="settings")  # e.g. a shorter natural break may already have passed
        return self._finish()

    def close_open_prompt(self, why: str = "quit") -> list[Event]:
        """End an open prompt without an answer (the app calls this on quit), recording PROMPT_UNANSWERED."""
        self._begin()
        self._close_prompt(why)
        self._held = None
        return self._finish(offer_prompts=False)

    # ------------------------------------------------------------------ public: queries
    def needs_dnd_check(self) -> bool:
        """True when a prompt is due now or held, so the driver should query do-not-disturb first.

        Querying only then keeps the do-not-disturb sources (window list,
        microphone) free of cost the rest of the time.
        """
        if self._held is not None and self._held.waiting_for == WAIT_DND:
            return True
        deadline = self.next_deadline()
        return deadline is not None and deadline <= self._clock.monotonic()

    def next_deadline(self) -> float | None:
        """The monotonic time at which update() next has work to do; None when nothing is pending."""
        now = Moment.of(self._clock)
        local_now = self._local_now()
        candidates: list[float] = []

        def at_wall(wall: float) -> float:
            return now.mono + (wall - now.wall)

        if self._pause is not None:
            if self._pause.until_mono is not None:
                candidates.append(self._pause.until_mono)
            elif self._pause.until_wall is not None:
                candidates.append(at_wall(self._pause.until_wall))
        spell = self._away
        if spell is not None and not spell.is_break and self._routine is None:
            candidates.append(now.mono + (spell.since.boot + self._natural_seconds - now.boot))
        boundary = workhours.next_hours_boundary(local_now, self._settings)
        if boundary is not None:
            candidates.append(at_wall(boundary.timestamp()))
        if not self._prompts_blocked():
            if self._snooze is not None:
                candidates.append(max(self._snooze.until, self._not_before))
            if self._held is not None and self._held.waiting_for == WAIT_LULL:
                candidates.append(self._held.since + self._settings.lull_max_wait_minutes * 60.0)
                if self._last_input is not None and not self.lull_by_push:
                    candidates.append(self._last_input + self._lull_seconds)  # the pause, if no input comes
            elif self._held is not None:
                candidates.append(self._held.since + self._settings.max_defer_minutes * 60.0)
                candidates.append(self._last_call + DND_RECHECK_SECONDS)
            if self._repeat_pending() and self._prompt is not None:
                candidates.append(max(self._prompt.shown_at + self._reprompt_seconds, self._not_before))
            daily = self._next_daily(local_now)
            if daily is not None:
                candidates.append(max(at_wall(daily.timestamp()), self._not_before))
            if (
                not self._off_hours
                and self._standing_since is None
                and self._prompt is None
                and self._held is None
                and self._snooze is None
            ):
                candidates.append(self._due_at(now.mono))
        return min(candidates) if candidates else None

    def idle_poll_delay(self, idle_seconds: float) -> float:
        """Seconds until the next idle reading is worth taking.

        While present, a natural break cannot begin before ``T - idle`` has
        passed, so there is no point asking sooner. While away, poll every
        30 s at first so a quick return shows promptly, then back off (a tenth
        of the time away, at most two minutes): someone gone for an hour does
        not need the app waking twice a minute, and the moment they came back
        is exact anyway (``now - idle``).
        """
        if self._away is not None:
            idle = idle_seconds if math.isfinite(idle_seconds) and idle_seconds > 0 else 0.0
            return min(AWAY_POLL_MAX_SECONDS, max(AWAY_POLL_SECONDS, idle / 10.0))
        idle = idle_seconds if math.isfinite(idle_seconds) and idle_seconds > 0 else 0.0
        # Only idle since the app started (or the user came back) counts; see on_idle().
        idle = min(idle, max(0.0, self._clock.monotonic() - self._presence_floor))
        return max(1.0, self._natural_seconds - idle)

    def status(self) -> Status:
        now = Moment.of(self._clock)
        stage = self._stage
        open_item = self._prompt or self._held
        kind = open_item.kind if open_item is not None else (self._snooze.kind if self._snooze else None)
        in_seconds: float | None = None
        at: float | None = None
        if stage is Stage.DUE:
            in_seconds = 0.0
        elif stage is Stage.SNOOZED and self._snooze is not None:
            in_seconds = max(0.0, max(self._snooze.until, self._not_before) - now.mono)
        elif stage is Stage.STANDING:
            in_seconds = max(0.0, self._due_base(now.mono) - now.mono)  # frozen while standing
        elif stage is Stage.WORKING:
            in_seconds = max(0.0, self._due_at(now.mono) - now.mono)
        if in_seconds is not None and stage is not Stage.STANDING:
            at = now.wall + in_seconds
        paused_until: float | None = None
        if self._pause is not None:
            if self._pause.until_wall is not None:
                paused_until = self._pause.until_wall
            elif self._pause.until_mono is not None:
                paused_until = now.wall + (self._pause.until_mono - now.mono)
        return Status(
            stage=stage,
            sitting_seconds=self._sitting_at(now.mono),
            sitting_since=self._stretch_start_wall,
            next_prompt_in_seconds=in_seconds,
            next_prompt_at=at,
            snoozed_until=None if self._snooze is None else now.wall + (self._snooze.until - now.mono),
            paused_until=paused_until,
            deferred_reason=self._deferred_reason(),
            away_reason=None if self._away is None else self._away.current_reason(),
            prompt_routine_id=self._routine_for(kind),
            prompt_kind=open_item.kind if open_item is not None and stage is Stage.DUE else None,
            routine_id=self._routine,
            interval_seconds=self._interval_seconds,
        )

    def _deferred_reason(self) -> str | None:
        held = self._held
        if held is None:
            return None
        return busy_reason() if held.waiting_for == WAIT_LULL else self._dnd

    def waiting_for_lull(self) -> bool:
        """True while a due prompt waits for a pause in input: the driver then reads idle at each deadline."""
        return self._held is not None and self._held.waiting_for == WAIT_LULL

    # ------------------------------------------------------------------ state
    def to_state(self) -> dict[str, Any]:
        """What must survive an app restart. Save it after every call that returned events, and on quit.

        Times are wall epochs or second counts relative to ``saved_at``, so
        they mean the same after a reboot (monotonic time restarts at boot).
        """
        now = Moment.of(self._clock)
        snooze = self._snooze
        return {
            "version": STATE_VERSION,
            "saved_at": now.wall,
            "last_break_at": self._stretch_start_wall,
            "sitting_seconds": self._sitting_at(now.mono),
            "next_prompt_in_seconds": self._due_base(now.mono) - now.mono,
            "snoozed_until": None if snooze is None else now.wall + (snooze.until - now.mono),
            "snooze_kind": None if snooze is None else snooze.kind,
            "paused_until": self.status().paused_until,
            "paused_until_tomorrow": self._pause is not None and self._pause.until_wall is not None,
            "standing": self._standing_since is not None,
            "daily_offered_day": self._daily_offered_day,
            "daily_reminded_day": self._daily_reminded_day,
            "daily_done_day": self._daily_done_day,
        }

    def _restore(self, state: Mapping[str, Any], now: Moment) -> None:
        """Pick up the user's situation from :meth:`to_state`. Bad or missing fields are ignored.

        A gap since ``saved_at`` of at least a natural break (the app was
        closed, the machine off) counts as time away: sitting starts fresh.
        """
        saved_at = _number(state.get("saved_at"))
        last_break = _number(state.get("last_break_at"))
        sitting = _number(state.get("sitting_seconds"))
        due_in = _number(state.get("next_prompt_in_seconds"))
        self._daily_offered_day = _iso_day(state.get("daily_offered_day"))
        self._daily_reminded_day = _iso_day(state.get("daily_reminded_day"))
        self._daily_done_day = _iso_day(state.get("daily_done_day"))
        paused_until = _number(state.get("paused_until"))
        if paused_until is not None and paused_until > now.wall:
            if state.get("paused_until_tomorrow") is True:
                self._pause = _Pause(None, paused_until)
            else:
                self._pause = _Pause(now.mono + (paused_until - now.wall), None)
        gap = max(0.0, now.wall - saved_at) if saved_at is not None else math.inf
        if last_break is None or sitting is None or due_in is None or gap >= self._natural_seconds:
            if last_break is not None and saved_at is not None and sitting is not None:
                end = max(saved_at, last_break)
                stretch = {"start": last_break, "end": end, "seconds": max(0.0, sitting)}
                self._pending.append(Event(ev.SITTING_STRETCH, now.wall, stretch))
            if state.get("standing") is True:
                self._pending.append(Event(ev.STANDING_ENDED, now.wall, {"reason": "natural_break"}))
            return  # a fresh stretch from now, as set up by __init__
        standing = state.get("standing") is True
        ran = 0.0 if standing else gap
        sitting = max(0.0, sitting) + ran
        self._stretch_start = now.mono - sitting
        self._stretch_start_wall = last_break
        self._anchor = now.mono + due_in - ran - self._interval_seconds
        if standing:
            self._standing_since = now.mono
        until = _number(state.get("snoozed_until"))
        snooze_kind = state.get("snooze_kind")
        if until is not None and snooze_kind in (HOURLY, DAILY):
            self._snooze = _Snooze(str(snooze_kind), now.mono + (until - now.wall))


def _checked_minutes(what: str, minutes: object, maximum: int) -> int:
    """A minutes argument from the UI or the command line, checked with a plain message."""
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= maximum:
        raise ValueError(f"{what} minutes must be a whole number from 1 to {maximum}, got {minutes!r}")
    return minutes


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _iso_day(value: object) -> str | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        return None

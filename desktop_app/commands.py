"""The commands a running HipBreak accepts, declared once (pure Python, no Qt).

Both ends of the IPC socket and the command line read this one table, so a
command added here is validated the same way everywhere. Validation is
strict and allow-listed on purpose: the socket is reachable by any program the
user runs, so a message may only name a known command with known arguments of
the right type. No argument is ever a path, and a routine id must be a slug,
which is what keeps anything sent over the socket from touching files outside
the app's own folders.

Every problem is reported as :class:`CommandError` with one plain sentence
that names the argument, never as a crash.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from desktop_app.i18n import _

#: Largest message (request or reply), including the terminating newline.
MAX_MESSAGE_BYTES = 64 * 1024

#: The same rule as routine ids in ``core/routine.py`` (lowercase slug, at most 60 characters).
ROUTINE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ROUTINE_ID_MAX = 60

ArgKind = Literal["int", "bool", "routine_id"]


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a command: its type, whether null is allowed, and bounds for ints."""

    name: str
    kind: ArgKind
    nullable: bool = True
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class CommandSpec:
    """One command: its wire name, its CLI name, its arguments, and whether it needs the app."""

    name: str
    args: tuple[ArgSpec, ...] = ()
    summary: str = ""

    @property
    def cli_name(self) -> str:
        """Wire names use ``_``, the command line uses ``-`` (``break_now`` / ``break-now``)."""
        return self.name.replace("_", "-")


#: Snooze: a minute up to four hours (longer than that is what pause is for).
SNOOZE_RANGE = (1, 240)
#: Pause: a minute up to a day (``until_tomorrow`` covers the rest).
PAUSE_RANGE = (1, 24 * 60)

COMMANDS: dict[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        CommandSpec("show", summary="show the running app (prompt or routine chooser)"),
        CommandSpec("status", summary="report the current state"),
        CommandSpec("routine", (ArgSpec("id", "routine_id"),), summary="start a routine"),
        CommandSpec("snooze", (ArgSpec("minutes", "int", minimum=SNOOZE_RANGE[0], maximum=SNOOZE_RANGE[1]),),
                    summary="snooze the break"),
        CommandSpec("skip", summary="skip this break"),
        CommandSpec(
            "pause",
            (
                ArgSpec("minutes", "int", minimum=PAUSE_RANGE[0], maximum=PAUSE_RANGE[1]),
                ArgSpec("until_tomorrow", "bool", nullable=False, default=False),
            ),
            summary="pause reminders",
        ),
        CommandSpec("resume", summary="turn reminders back on"),
        CommandSpec("standing", summary="standing mode on"),
        CommandSpec("sitting", summary="standing mode off"),
        CommandSpec("break_now", summary="show the break prompt now"),
        CommandSpec("quit", summary="quit the running app"),
    )
}


class CommandError(ValueError):
    """A message or argument was rejected. ``str(exc)`` is one plain sentence for the user."""


#: JSON value types and their plain names, in the order they are tried: bool before int,
#: because True is an int to Python but "true/false" to the user.
_TYPE_WORDS: tuple[tuple[type, str], ...] = (
    (bool, "true/false"),
    (int, "a whole number"),
    (float, "a decimal number"),
    (str, "text"),
    (list, "a list"),
    (dict, "an object"),
)


def _type_word(value: Any) -> str:
    """A plain name for a JSON value's type, for error messages (never echoes the value itself)."""
    if value is None:
        return "null"
    for kind, word in _TYPE_WORDS:
        if isinstance(value, kind):
            return word
    return type(value).__name__


def _check_arg(command: str, spec: ArgSpec, value: Any) -> Any:
    if value is None:
        if spec.nullable:
            return None
        raise CommandError(_("'{arg}' of '{cmd}' must not be null.").format(arg=spec.name, cmd=command))
    if spec.kind == "bool":
        if not isinstance(value, bool):
            raise CommandError(_("'{arg}' of '{cmd}' must be true or false, got {got}.").format(
                arg=spec.name, cmd=command, got=_type_word(value)))
        return value
    if spec.kind == "int":
        # bool is an int in Python; on the wire true is not a number of minutes.
        if isinstance(value, bool) or not isinstance(value, int):
            raise CommandError(_("'{arg}' of '{cmd}' must be a whole number, got {got}.").format(
                arg=spec.name, cmd=command, got=_type_word(value)))
        low = spec.minimum if spec.minimum is not None else value
        high = spec.maximum if spec.maximum is not None else value
        if not low <= value <= high:
            raise CommandError(_("'{arg}' of '{cmd}' must be between {low} and {high}, got {got}.").format(
                arg=spec.name, cmd=command, low=low, high=high, got=value))
        return value
    # routine_id
    if not isinstance(value, str):
        raise CommandError(_("'{arg}' of '{cmd}' must be a routine id (text), got {got}.").format(
            arg=spec.name, cmd=command, got=_type_word(value)))
    if len(value) > ROUTINE_ID_MAX or not ROUTINE_ID_RE.match(value):
        raise CommandError(_("'{arg}' of '{cmd}' must be a routine id like \"hip-openers\" "
                             "(a-z, 0-9 and single hyphens, at most {max} characters).").format(
            arg=spec.name, cmd=command, max=ROUTINE_ID_MAX))
    return value


def validate(cmd: Any, args: Mapping[str, Any] | None = None) -> tuple[str, dict[str, Any]]:
    """Check a command name and its arguments; return the name and the complete argument dict.

    Missing optional arguments are filled with their defaults, so the handler
    always sees every key. Unknown argument names are rejected rather than
    ignored, so a typo like ``minute`` fails loudly instead of snoozing by the default.
    """
    if not isinstance(cmd, str):
        raise CommandError(_("The message needs a \"cmd\" naming a command, as text."))
    spec = COMMANDS.get(cmd)
    if spec is None:
        shown = cmd if len(cmd) <= 40 and cmd.isprintable() else cmd[:40].encode("unicode_escape").decode()
        raise CommandError(_("Unknown command '{cmd}'; known commands: {known}.").format(
            cmd=shown, known=", ".join(COMMANDS)))
    given = dict(args or {})
    known = {arg.name for arg in spec.args}
    unknown = sorted(str(key) for key in given if key not in known)
    if unknown:
        if known:
            message = _("'{cmd}' does not take '{arg}'; it takes {known}.").format(
                cmd=cmd, arg=unknown[0][:40], known=", ".join(sorted(known)))
        else:
            message = _("'{cmd}' takes no arguments, got '{arg}'.").format(cmd=cmd, arg=unknown[0][:40])
        raise CommandError(message)
    result: dict[str, Any] = {}
    for arg in spec.args:
        result[arg.name] = _check_arg(cmd, arg, given.get(arg.name, arg.default))
    if cmd == "pause" and result["until_tomorrow"] and result["minutes"] is not None:
        raise CommandError(_("'pause' takes either 'minutes' or 'until_tomorrow', not both."))
    return cmd, result


def _reject_constant(token: str) -> Any:
    raise CommandError(_("The message is not valid JSON ({token} is not allowed).").format(token=token))


def parse_request(data: bytes) -> tuple[str, dict[str, Any]]:
    """Decode one request line (UTF-8 JSON object, optional trailing newline) and validate it."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise CommandError(_("The message is larger than {size} KiB.").format(size=MAX_MESSAGE_BYTES // 1024))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise CommandError(_("The message is not UTF-8 text.")) from None
    try:
        message = json.loads(text, parse_constant=_reject_constant)
    except RecursionError:
        raise CommandError(_("The message is nested too deeply.")) from None
    except ValueError as exc:  # JSONDecodeError is a ValueError
        if isinstance(exc, CommandError):
            raise
        raise CommandError(_("The message is not valid JSON.")) from None
    if not isinstance(message, dict):
        raise CommandError(_("The message must be a JSON object like {{\"cmd\": \"status\"}}."))
    cmd = message.pop("cmd", None)
    return validate(cmd, message)


def encode(message: Mapping[str, Any]) -> bytes:
    """One message on the wire: compact UTF-8 JSON and a newline. Raises CommandError when too large."""
    text = json.dumps(message, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    data = text.encode("utf-8") + b"\n"
    if len(data) > MAX_MESSAGE_BYTES:
        raise CommandError(_("The message is larger than {size} KiB.").format(size=MAX_MESSAGE_BYTES // 1024))
    return data


def request(cmd: str, **args: Any) -> dict[str, Any]:
    """A validated request dict ``{"cmd": cmd, ...args}`` ready for :func:`encode` (raises CommandError)."""
    name, checked = validate(cmd, args)
    return {"cmd": name, **checked}


def error_reply(message: str) -> dict[str, Any]:
    """The reply for a refused or failed command."""
    return {"ok": False, "error": message}

"""The commands a running HipBreak accepts: ONE table, read by every end (pure Python, no Qt).

Each :class:`CommandSpec` says everything about one command: its wire name,
its arguments with their types and ranges, its help text, what the command
line prints when it is done, in which stages it applies (with the sentence
used when it does not), and its handler. From this one table:

* the IPC server validates every request (:func:`parse_request`);
* :meth:`~desktop_app.application.service.AppService.handle_command` refuses
  or runs it;
* the ``hipbreak`` command line builds its sub-commands (``cli.py``);
* the tray menu enables its items (:func:`applicable`).

So adding a command is one entry here and one handler function below.

Validation is strict and allow-listed on purpose: the socket is reachable by
any program the user runs, so a message may only name a known command with
known arguments of the right type. No argument is ever a path, and a routine
id must be a slug, which is what keeps anything sent over the socket from
touching files outside the app's own folders. Every problem is reported as
:class:`CommandError` with one plain sentence that names the argument.

Texts are stored as functions (``lambda: _("...")``) so they are translated
when shown, in the language of that moment, and the translation tools still
find every literal.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, Protocol

from desktop_app.i18n import _

if TYPE_CHECKING:  # the CLI reads this table at start-up: only what validation needs is built
    from desktop_app.core.routine import Routine

    class RoutineLookup(Protocol):
        def routines(self) -> dict[str, Routine]: ...


    class CommandTarget(Protocol):
        """What a handler may ask of the app (``AppService`` is one); declared here so the table needs no service."""

        @property
        def catalogue(self) -> RoutineLookup: ...
        def show(self) -> None: ...
        def open_routine(self, routine_id: str | None = None) -> bool: ...
        def snooze(self, minutes: int | None = None) -> None: ...
        def skip(self) -> None: ...
        def pause(self, minutes: int | None = None, until_tomorrow: bool = False) -> None: ...
        def resume(self) -> None: ...
        def set_standing(self, standing: bool) -> None: ...
        def break_now(self) -> None: ...
        def quit_soon(self) -> None: ...


    Handler = Callable[[CommandTarget, dict[str, Any]], None]

#: Largest message (request or reply), including the terminating newline.
MAX_MESSAGE_BYTES = 64 * 1024

#: The same rule as routine ids in ``core/routine.py`` (lowercase slug, at most 60 characters).
ROUTINE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ROUTINE_ID_MAX = 60

#: Snooze: a minute up to four hours (longer than that is what pause is for).
SNOOZE_RANGE = (1, 240)
#: Pause: a minute up to a day (``until_tomorrow`` covers the rest).
PAUSE_RANGE = (1, 24 * 60)

#: A text translated when it is shown.
Text = Callable[[], str]
#: ``int`` and ``bool`` and ``routine_id`` travel over the socket; ``choice`` and ``file`` are
#: command-line only (the socket never carries a path).
ArgKind = Literal["int", "bool", "routine_id", "choice", "file"]


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a command: its type, whether null is allowed, bounds, and its help.

    On the command line an ``int`` or ``routine_id`` is an optional positional
    (``hipbreak snooze 10``) unless ``option`` is set (``--days 30``), and a
    ``bool`` is a flag (``--until-tomorrow``). Arguments marked ``either_or``
    exclude each other (an argparse mutually exclusive group).
    """

    name: str
    kind: ArgKind
    nullable: bool = True
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None
    help: Text | None = None
    choices: tuple[str, ...] = ()
    either_or: bool = False
    option: bool = False
    required: bool = False

    @property
    def cli_flag(self) -> str:
        """``until_tomorrow`` is ``--until-tomorrow`` on the command line."""
        return "--" + self.name.replace("_", "-")


@dataclass(frozen=True)
class StageRule:
    """In which scheduler stages (``Stage`` values) a command applies.

    ``only`` lists the stages where it applies (None: every stage not in
    ``never``). Written as data so the tray menu, the IPC refusal and the
    tests read the same rule.
    """

    only: frozenset[str] | None = None
    never: frozenset[str] = frozenset()

    def __call__(self, stage: str) -> bool:
        if stage in self.never:
            return False
        return self.only is None or stage in self.only


ALWAYS = StageRule()


def only_in(*stages: str) -> StageRule:
    return StageRule(only=frozenset(stages))


def never_in(*stages: str) -> StageRule:
    return StageRule(never=frozenset(stages))


def _no_handler(app: CommandTarget, args: dict[str, Any]) -> None:
    """For commands whose whole answer is the status (``status``)."""


@dataclass(frozen=True)
class CommandSpec:
    """One command of the running app, complete: see the module docstring."""

    name: str
    help: Text
    args: tuple[ArgSpec, ...] = ()
    handler: Handler = _no_handler
    #: In which stages the command applies; ``refused`` is the sentence when it does not.
    applicable: StageRule = ALWAYS
    refused: Text | None = None
    #: What the command line prints when the reply carries no state (``quit``).
    confirmation: Text | None = None
    #: Command-line options that stay in the CLI process (``status --json``); never sent.
    cli_options: tuple[ArgSpec, ...] = ()
    #: False for ``show``, which the CLI sends when run without a command.
    in_cli: bool = True
    #: A check across arguments (raises CommandError), after each argument was checked alone.
    check: Callable[[dict[str, Any]], None] | None = None

    @property
    def cli_name(self) -> str:
        """Wire names use ``_``, the command line uses ``-`` (``break_now`` / ``break-now``)."""
        return self.name.replace("_", "-")


class CommandError(ValueError):
    """A message or argument was rejected. ``str(exc)`` is one plain sentence for the user."""


class CommandRefused(Exception):
    """A valid command that does not apply right now; the message is one plain sentence."""


# --------------------------------------------------------------------------- handlers
# Each takes the service and the validated arguments (every key present). They are thin on
# purpose: what a command *does* is a method of the service, shared with the tray menu.


def _show(app: CommandTarget, args: dict[str, Any]) -> None:
    app.show()


def _routine(app: CommandTarget, args: dict[str, Any]) -> None:
    routine_id = args.get("id")
    if routine_id is not None and routine_id not in app.catalogue.routines():
        message = _("There is no routine called “{id}”. Run “hipbreak routines” to list them.")
        raise CommandRefused(message.format(id=routine_id))
    if not app.open_routine(routine_id):
        raise CommandRefused(_("The routine could not be opened."))


def _snooze(app: CommandTarget, args: dict[str, Any]) -> None:
    app.snooze(args.get("minutes"))


def _skip(app: CommandTarget, args: dict[str, Any]) -> None:
    app.skip()


def _pause(app: CommandTarget, args: dict[str, Any]) -> None:
    app.pause(args.get("minutes"), bool(args.get("until_tomorrow", False)))


def _resume(app: CommandTarget, args: dict[str, Any]) -> None:
    app.resume()


def _standing(app: CommandTarget, args: dict[str, Any]) -> None:
    app.set_standing(True)


def _sitting(app: CommandTarget, args: dict[str, Any]) -> None:
    app.set_standing(False)


def _break_now(app: CommandTarget, args: dict[str, Any]) -> None:
    app.break_now()


def _quit(app: CommandTarget, args: dict[str, Any]) -> None:
    app.quit_soon()  # reply first, then quit: the CLI waits for the answer


def _pause_not_both(args: dict[str, Any]) -> None:
    if args["until_tomorrow"] and args["minutes"] is not None:
        raise CommandError(_("'pause' takes either 'minutes' or 'until_tomorrow', not both."))


# --------------------------------------------------------------------------- the table

COMMANDS: dict[str, CommandSpec] = {
    spec.name: spec
    for spec in (
        CommandSpec("show", lambda: _("show the running app (prompt or routine chooser)"), handler=_show,
                    in_cli=False),
        CommandSpec("status", lambda: _("show the running app's state"),
                    cli_options=(ArgSpec("json", "bool", nullable=False, default=False,
                                         help=lambda: _("print the state as JSON")),)),
        CommandSpec("routine", lambda: _("start a routine (starts the app if needed)"),
                    (ArgSpec("id", "routine_id",
                             help=lambda: _("routine id (default: the one the prompt offers)")),),
                    handler=_routine, applicable=never_in("in_routine"),
                    refused=lambda: _("A routine is already playing."),
                    confirmation=lambda: _("Started the routine.")),
        CommandSpec("snooze", lambda: _("snooze the break"),
                    (ArgSpec("minutes", "int", minimum=SNOOZE_RANGE[0], maximum=SNOOZE_RANGE[1],
                             help=lambda: _("minutes (default: the snooze setting)")),),
                    handler=_snooze, applicable=only_in("due", "snoozed"),
                    refused=lambda: _("There is no break to snooze right now."),
                    confirmation=lambda: _("Snoozed.")),
        CommandSpec("skip", lambda: _("skip this break"), handler=_skip, applicable=only_in("due", "snoozed"),
                    refused=lambda: _("There is no break to skip right now."),
                    confirmation=lambda: _("Skipped this break.")),
        CommandSpec("pause", lambda: _("pause reminders"),
                    (ArgSpec("minutes", "int", minimum=PAUSE_RANGE[0], maximum=PAUSE_RANGE[1],
                             help=lambda: _("minutes"), either_or=True),
                     ArgSpec("until_tomorrow", "bool", nullable=False, default=False,
                             help=lambda: _("pause until tomorrow morning"), either_or=True)),
                    handler=_pause, applicable=never_in("in_routine"), check=_pause_not_both,
                    refused=lambda: _("Reminders cannot be paused while a routine is playing."),
                    confirmation=lambda: _("Paused reminders.")),
        CommandSpec("resume", lambda: _("turn reminders back on"), handler=_resume,
                    applicable=only_in("paused"), refused=lambda: _("Reminders are not paused."),
                    confirmation=lambda: _("Reminders are back on.")),
        CommandSpec("standing", lambda: _("standing mode on: reminders wait until you sit again"),
                    handler=_standing, applicable=never_in("in_routine", "standing"),
                    refused=lambda: _("Standing mode cannot be turned on right now."),
                    confirmation=lambda: _("Standing mode is on.")),
        CommandSpec("sitting", lambda: _("standing mode off"), handler=_sitting,
                    applicable=only_in("standing"), refused=lambda: _("Standing mode is not on."),
                    confirmation=lambda: _("Standing mode is off.")),
        CommandSpec("break_now", lambda: _("show the break prompt now"), handler=_break_now,
                    applicable=never_in("due", "in_routine"),
                    refused=lambda: _("A break is already due or under way."),
                    confirmation=lambda: _("Showing the break prompt.")),
        CommandSpec("quit", lambda: _("quit the running app"), handler=_quit,
                    confirmation=lambda: _("HipBreak is quitting.")),
    )
}


def applicable(stage: str) -> dict[str, bool]:
    """Which commands apply in ``stage`` (a Stage value): the tray menu's enabled states."""
    return {name: spec.applicable(stage) for name, spec in COMMANDS.items()}


# --------------------------------------------------------------------------- validation

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
    if spec.kind != "routine_id":  # choice/file are command-line only: a table mistake, not user input
        raise TypeError(f"argument kind {spec.kind!r} of {command!r} cannot travel over the socket")
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
    if spec.check is not None:
        spec.check(result)
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


__all__ = [
    "ALWAYS", "COMMANDS", "MAX_MESSAGE_BYTES", "PAUSE_RANGE", "ROUTINE_ID_MAX", "ROUTINE_ID_RE", "SNOOZE_RANGE",
    "ArgSpec", "CommandError", "CommandRefused", "CommandSpec", "StageRule", "Text", "applicable",
    "encode", "error_reply", "never_in", "only_in", "parse_request", "request", "validate",
]

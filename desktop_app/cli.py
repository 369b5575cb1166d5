"""The ``hipbreak`` command line.

``hipbreak`` with no command starts the tray app (or, when one already runs,
tells it to show itself and exits 0). Every other command either talks to
the running app over the local socket (:mod:`desktop_app.ipc`) or works on
files directly, without the app and without a display.

Why it is shaped like this:

* Start-up cost matters for a command typed in a terminal, and a command like
  ``hipbreak routines`` must work over SSH with no display. So nothing here
  imports Qt at module level: commands import what they need when they run,
  and only starting the app itself loads QtWidgets.
* Starting the app (``hipbreak`` or ``hipbreak --demo``) is the path a user
  waits on before the tray icon shows, so it builds no argument parser and does
  not import the command table (:mod:`desktop_app.application.commands`): it
  only probes the socket, and talks to a running app only when one answers.
* Every error is one plain sentence on stderr with a non-zero exit code, never
  a traceback: argparse's own errors are reworded into one line, and :func:`main`
  catches anything unexpected.
* Exit codes: 0 done, 1 failed (the app refused or something broke),
  2 bad usage or an invalid routine file, 3 the app is not running.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from desktop_app import __version__
from desktop_app.i18n import _, ngettext

if TYPE_CHECKING:  # imported where used: starting the app needs neither (see the module doc)
    from desktop_app.application.commands import ArgSpec, CommandSpec

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_NOT_RUNNING = 3

def app_commands() -> dict[str, str]:
    """Commands served by the running app, as the command line names them: CLI name -> wire name.

    Read from the table at each call, so the command line always offers exactly what the table holds.
    """
    from desktop_app.application.commands import COMMANDS

    return {spec.cli_name: spec.name for spec in COMMANDS.values() if spec.in_cli}


class CliError(Exception):
    """A failure to report as one sentence, with its exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED) -> None:
        super().__init__(message)
        self.code = code


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors are one plain sentence instead of a usage dump."""

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        # An unknown command in plain words, in every language (argparse's own message names the
        # translated metavar, "argument BEFEHL: invalid choice: ...", and lists every command).
        if action.dest == "command" and action.choices is not None and value not in action.choices:
            self.error(_("unknown command '{cmd}'").format(cmd=str(value)[:40]))
        super()._check_value(action, value)

    def error(self, message: str) -> NoReturn:
        problem = message[:1].upper() + message[1:]
        raise CliError(_("{problem} (see 'hipbreak --help').").format(problem=problem), EXIT_USAGE)


def _whole_number(low: int | None, high: int | None) -> Callable[[str], int]:
    """An argparse type: a whole number within the table's bounds, or one plain sentence."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                _("must be a whole number, got '{text}'").format(text=text[:20])) from None
        if (low is not None and value < low) or (high is not None and value > high):
            raise argparse.ArgumentTypeError(
                _("must be between {low} and {high}, got {value}").format(low=low, high=high, value=value))
        return value
    return parse


def _add_arguments(parser: argparse.ArgumentParser, args: Sequence[ArgSpec]) -> None:
    """The command line of one command, read from its arguments in the table.

    ``int``/``routine_id``/``file`` are positionals (optional unless required),
    ``option`` ints are ``--name N``, bools are flags, ``choice`` picks one word;
    arguments marked ``either_or`` go into one mutually exclusive group.
    """
    group = parser.add_mutually_exclusive_group() if any(arg.either_or for arg in args) else None
    for arg in args:
        target: Any = group if arg.either_or and group is not None else parser
        text = arg.help() if arg.help is not None else None
        if arg.kind == "bool":
            target.add_argument(arg.cli_flag, action="store_true", help=text)
        elif arg.kind == "int" and arg.option:
            target.add_argument(arg.cli_flag, type=_whole_number(arg.minimum, arg.maximum), default=arg.default,
                                help=text)
        elif arg.kind == "int":
            target.add_argument(arg.name, nargs="?", type=_whole_number(arg.minimum, arg.maximum), help=text)
        elif arg.kind == "choice":
            target.add_argument(arg.name, choices=arg.choices, help=text)
        else:
            target.add_argument(arg.name, nargs=None if arg.required else "?", help=text)


def build_parser() -> argparse.ArgumentParser:
    from desktop_app.application.commands import COMMANDS

    parser = _Parser(
        prog="hipbreak",
        description=_("A tray app that tracks sitting time and guides short hip-flexor stretch breaks. "
                      "Without a command it starts the app (or shows the one already running)."),
    )
    parser.add_argument("--version", action="version", version=f"hipbreak {__version__}",
                        help=_("show program's version number and exit"))
    parser.add_argument("--demo", action="store_true",
                        help=_("start a demo: a 60x faster clock and a throwaway profile"))
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)

    local = (spec for spec, _run in local_commands().values())
    for spec in (*(spec for spec in COMMANDS.values() if spec.in_cli), *local):
        command = sub.add_parser(spec.cli_name, help=spec.help())
        _add_arguments(command, (*spec.args, *spec.cli_options))
    return parser


# --------------------------------------------------------------------------- helpers


def _paths() -> Any:
    from desktop_app.platform.paths import resolve_paths

    return resolve_paths()


def _apply_language_setting() -> None:
    """Speak the user's language from the first line of output.

    Reads only the ``language`` field of the settings file, without the full
    load: a broken file is the app's to move aside and report, not the CLI's.
    The settings rules are imported only for a language other than the default,
    which keeps them off the way to the tray icon for most users.
    """
    from desktop_app.i18n import set_language

    language = "system"
    try:
        data = json.loads(_paths().settings_file.read_text(encoding="utf-8"))
        if isinstance(data, dict) and data.get("language", "system") != "system":
            from desktop_app.core.settings import FIELDS_BY_NAME

            language = FIELDS_BY_NAME["language"].check(data["language"])
    except (OSError, ValueError, RecursionError):
        pass
    set_language(language)


def _send(message: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
    """Send to the running app; NotRunning becomes exit 3 with a plain message."""
    from desktop_app.ipc import IpcError, NotRunning, send_command

    try:
        return send_command(_paths().socket_name, message, timeout=timeout)
    except NotRunning:
        raise CliError(_("HipBreak is not running; start it with 'hipbreak'."), EXIT_NOT_RUNNING) from None
    except IpcError as exc:
        raise CliError(str(exc)) from None


def _ok_or_raise(reply: dict[str, Any]) -> dict[str, Any]:
    if not reply.get("ok"):
        raise CliError(str(reply.get("error") or _("HipBreak refused the command.")))
    return reply


def _delegate(module: str, what: str) -> Any:
    """Import the module behind a command, or fail with one sentence when it is not in this build."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise CliError(_("'{what}' is not available in this build ({reason}).").format(
            what=what, reason=exc)) from None


def _minutes_text(seconds: Any) -> str:
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool):
        return "?"
    minutes = int(max(0.0, float(seconds)) // 60)
    if minutes < 60:
        return _("{m} min").format(m=minutes)
    hours, rest = divmod(minutes, 60)
    return _("{h} h {m} min").format(h=hours, m=rest) if rest else _("{h} h").format(h=hours)


def _clock_text(iso: Any) -> str:
    from datetime import datetime

    if not isinstance(iso, str):
        return "?"
    try:
        from desktop_app.locale_format import format_time

        return format_time(datetime.fromisoformat(iso))
    except ValueError:
        return iso[:16]


def status_text(reply: dict[str, Any]) -> str:
    """The one-line state, as the tray's tooltip says it ("Sitting 42 min · break in 18 min").

    The app sends its own ``status_text``; the fields are used when it does not
    (an older or newer app), so the CLI always says something sensible.
    """
    text = reply.get("status_text")
    if not isinstance(text, str) or not text:
        state = reply.get("state")
        if state == "working":
            text = _("Sitting {t} · break in {n}").format(
                t=_minutes_text(reply.get("sitting_seconds")),
                n=_minutes_text((reply.get("next_prompt_in_seconds") or 0) + 59))
        elif state == "due":
            text = _("Time for a break · sitting {t}").format(t=_minutes_text(reply.get("sitting_seconds")))
        elif state == "snoozed":
            text = _("Snoozed until {time}").format(time=_clock_text(reply.get("snoozed_until")))
        elif state == "paused":
            until = reply.get("paused_until")
            text = _("Paused until {time}").format(time=_clock_text(until)) if until else _("Paused")
        else:
            names = {"in_routine": _("Routine in progress"), "away": _("Away"), "standing": _("Standing"),
                     "off_hours": _("Outside working hours")}
            text = names.get(str(state), _("State: {state}").format(state=state))
    if reply.get("demo") is True:
        text += " " + _("(demo)")
    return text


# --------------------------------------------------------------------------- commands


def _cmd_start(args: argparse.Namespace, initial: dict[str, Any] | None = None) -> int:
    """Start the tray app; when one already runs, hand it the request instead (exit 0).

    A plain probe comes first: when nothing is on the socket (the usual case), nothing is
    sent, so the command table is not imported on the way to the tray icon. The app itself
    checks again under its lock (two starts at the same moment).
    """
    from desktop_app import lean_pyside

    lean_pyside.install()  # before the first PySide6 import (ipc's), so no module's source is kept
    if not args.demo:
        from desktop_app.ipc import IpcError, NotRunning, probe, send_command

        socket_name = _paths().socket_name
        try:
            if initial is None and probe(socket_name) == "absent":
                raise NotRunning(_("HipBreak is not running."))
            reply = send_command(socket_name, initial or {"cmd": "show"}, timeout=3.0)
        except NotRunning:
            pass
        except IpcError as exc:
            raise CliError(_("Another HipBreak seems to be running but did not answer: {error}").format(
                error=exc)) from None
        else:
            _ok_or_raise(reply)
            return EXIT_OK
    from desktop_app.app import run_app

    return int(run_app(_paths(), demo=bool(args.demo), initial=initial))


def _cmd_status(args: argparse.Namespace) -> int:
    reply = _ok_or_raise(_send({"cmd": "status"}))
    if args.json:
        print(json.dumps({k: v for k, v in reply.items() if k != "ok"}, indent=2, ensure_ascii=False))
    else:
        print(status_text(reply))
    return EXIT_OK


def _cmd_routine(args: argparse.Namespace) -> int:
    from desktop_app.application.commands import CommandError, request

    try:
        message = request("routine", id=args.id)
    except CommandError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    from desktop_app.ipc import NotRunning, send_command

    if args.demo:  # a demo runs in its own profile, so there is no running app to ask
        if args.id is not None:
            _require_known_routine(args.id)
        return _cmd_start(args, initial=message)
    try:
        reply = send_command(_paths().socket_name, message, timeout=5.0)
    except NotRunning:
        if args.id is not None:
            _require_known_routine(args.id)
        return _cmd_start(args, initial=message)
    except Exception as exc:  # IpcError and anything else: one sentence
        raise CliError(str(exc)) from None
    _ok_or_raise(reply)
    print(_("Started the routine."))
    return EXIT_OK


def _require_known_routine(routine_id: str) -> None:
    """Before starting the app for ``routine ID``, check the id exists (a clear error beats a silent app)."""
    from desktop_app.core.routine import builtin_routines_dir, load_routines

    found = load_routines([(builtin_routines_dir(), True), (_paths().routines_dir, False)])
    if routine_id not in found.routines:
        known = ", ".join(sorted(found.routines)) or _("none")
        raise CliError(_("There is no routine called '{id}'; known routines: {known}.").format(
            id=routine_id, known=known), EXIT_USAGE)


def _cmd_app(args: argparse.Namespace) -> int:
    """Any command of the running app: its arguments from the table, sent, confirmed in words."""
    from desktop_app.application.commands import COMMANDS, CommandError, request

    spec = COMMANDS[app_commands()[args.command]]
    fields = {arg.name: getattr(args, arg.name) for arg in spec.args}
    try:
        message = request(spec.name, **fields)
    except CommandError as exc:
        raise CliError(str(exc), EXIT_USAGE) from None
    reply = _ok_or_raise(_send(message))
    if "state" not in reply and spec.confirmation is not None:  # quit: the app answers, then leaves
        print(spec.confirmation())
    else:
        print(status_text(reply))
    return EXIT_OK


def _cmd_routines(args: argparse.Namespace) -> int:
    from desktop_app.core.routine import builtin_routines_dir, load_routines
    from desktop_app.i18n import current_language
    from desktop_app.routine_report import routine_exercises

    if args.detail and not args.json:
        raise CliError(_("--detail only goes with --json."), EXIT_USAGE)

    user_dir = _paths().routines_dir
    found = load_routines([(builtin_routines_dir(), True), (user_dir, False)])
    lang = current_language()
    if args.json:
        print(json.dumps({
            "routines": [
                {
                    "id": routine.id,
                    "title": routine.title.get(lang),
                    "summary": routine.summary.get(lang),
                    "position": routine.position,
                    "exercises": len(routine.exercises),
                    "estimated_seconds": round(routine.estimated_seconds()),
                    "builtin": routine.builtin,
                    "source": str(routine.source),
                    # --detail: the list of exercises (id, title, seconds, sides, caution, feel_it,
                    # illustrations) instead of their count
                    **({"exercises": routine_exercises(routine, lang)} if args.detail else {}),
                }
                for routine in found.routines.values()
            ],
            "errors": {str(path): messages for path, messages in found.errors.items()},
            "user_dir": str(user_dir),
        }, indent=2, ensure_ascii=False))
        return EXIT_OK
    width = max((len(rid) for rid in found.routines), default=0)
    for routine in found.routines.values():
        where = _("built-in") if routine.builtin else _("yours")
        minutes = max(1, round(routine.estimated_seconds() / 60))
        print(f"{routine.id:<{width}}  {routine.title.get(lang)} "
              + _("(about {m} min, {where})").format(m=minutes, where=where))
    if not found.routines:
        print(_("No routines found."))
    if found.errors:
        print()
        print(_("Files with errors (not loaded):"))
        for path, messages in found.errors.items():
            print(f"  {path}")
            for message in messages:
                print(f"    {message}")
    print()
    print(_("Your own routines go in {folder}").format(folder=user_dir))
    return EXIT_OK


def _cmd_check_routine(args: argparse.Namespace) -> int:
    from desktop_app.core.routine import RoutineError, load_routine

    path = Path(args.file)
    if not path.is_file():
        if path.exists():
            raise CliError(_("Cannot read {file}: it is not a file.").format(file=path), EXIT_USAGE)
        raise CliError(_("Cannot read {file}: no such file.").format(file=path), EXIT_USAGE)
    try:
        routine = load_routine(path)
    except RoutineError as exc:
        for message in exc.messages:
            print(message, file=sys.stderr)
        summary = ngettext("{file} is not a valid routine ({n} problem).",
                           "{file} is not a valid routine ({n} problems).", len(exc.messages)).format(
                               file=path, n=len(exc.messages))
        print(summary, file=sys.stderr)
        return EXIT_USAGE
    minutes = max(1, round(routine.estimated_seconds() / 60))
    print(ngettext("{file} is a valid routine: '{id}', {n} exercise, about {m} min.",
                   "{file} is a valid routine: '{id}', {n} exercises, about {m} min.", len(routine.exercises)).format(
        file=path, id=routine.id, n=len(routine.exercises), m=minutes))
    return EXIT_OK


def _cmd_doctor(args: argparse.Namespace) -> int:
    module = _delegate("desktop_app.platform.doctor", "doctor")
    return int(module.main(bool(args.json), _paths()))


def _cmd_stats(args: argparse.Namespace) -> int:
    module = _delegate("desktop_app.stats_report", "stats")
    fmt = "json" if args.json else "csv" if args.csv else "text"
    return int(module.main(fmt, args.days, _paths()))


def _cmd_program(args: argparse.Namespace) -> int:
    module = _delegate("desktop_app.program_report", "program")
    return int(module.main(bool(args.json), _paths()))


def _cmd_autostart(args: argparse.Namespace) -> int:
    module = _delegate("desktop_app.platform.autostart", "autostart")
    return int(module.main(args.action))


#: App commands whose command line does more than send and confirm.
_CLI_SPECIAL: dict[str, Callable[[argparse.Namespace], int]] = {
    "status": _cmd_status,     # prints the state, or JSON
    "routine": _cmd_routine,   # starts the app when it is not running
}

@lru_cache(maxsize=1)
def local_commands() -> dict[str, tuple[CommandSpec, Callable[[argparse.Namespace], int]]]:
    """Commands that work on files here, without the app (and without a display): the same
    declarations as the app's table, each with the handler that runs it in this process.

    Built on first use (also as ``cli.LOCAL_COMMANDS``), so starting the app does not build it.
    """
    from desktop_app.application.commands import ArgSpec, CommandSpec

    json_option = ArgSpec("json", "bool", nullable=False, default=False, help=lambda: _("print the report as JSON"))
    return {
        spec.cli_name: (spec, handler)
        for spec, handler in (
            (CommandSpec("routines", lambda: _("list built-in and your own routines (app not needed)"),
                         cli_options=(ArgSpec("json", "bool", default=False, help=lambda: _("print the list as JSON")),
                                      ArgSpec("detail", "bool", default=False,
                                              help=lambda: _("with --json: list each routine's exercises "
                                                             "(doses, sides, caution, where to feel it, "
                                                             "picture files)")))),
             _cmd_routines),
            (CommandSpec("check_routine", lambda: _("check a routine file: exit 0 if valid, 2 with every error"),
                         cli_options=(ArgSpec("file", "file", required=True,
                                              help=lambda: _("the routine file (.json)")),)),
             _cmd_check_routine),
            (CommandSpec("doctor", lambda: _("report what this desktop supports and where files are"),
                         cli_options=(json_option,)),
             _cmd_doctor),
            (CommandSpec("stats", lambda: _("print break statistics (app not needed)"),
                         cli_options=(ArgSpec("json", "bool", default=False, either_or=True,
                                              help=lambda: _("print JSON")),
                                      ArgSpec("csv", "bool", default=False, either_or=True,
                                              help=lambda: _("print CSV, one row per day")),
                                      ArgSpec("days", "int", default=7, minimum=1, maximum=3660, option=True,
                                              help=lambda: _("how many days back (default 7)")))),
             _cmd_stats),
            (CommandSpec("program", lambda: _("show the 12-week program and your week in it (app not needed)"),
                         cli_options=(json_option,)),
             _cmd_program),
            (CommandSpec("autostart", lambda: _("start HipBreak at login: on, off or status"),
                         cli_options=(ArgSpec("action", "choice", choices=("on", "off", "status"), required=True),)),
             _cmd_autostart),
        )
    }


def __getattr__(name: str) -> Any:
    """``cli.LOCAL_COMMANDS``: the table of :func:`local_commands`, built when first read."""
    if name == "LOCAL_COMMANDS":
        return local_commands()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _start_args(argv: Sequence[str]) -> argparse.Namespace | None:
    """What ``hipbreak`` alone or ``hipbreak --demo`` parses to (start the app), without a parser."""
    if list(argv) in ([], ["--demo"]):
        return argparse.Namespace(command=None, demo=bool(argv))
    return None


def run(argv: Sequence[str]) -> int:
    """Parse and run; raises :class:`CliError` for anything to report."""
    start = _start_args(argv)
    if start is not None:
        return _cmd_start(start)
    args = build_parser().parse_args(list(argv))
    command = args.command
    if args.demo and command not in (None, "routine"):
        raise CliError(_("--demo starts the app, so it cannot be used with '{cmd}'.").format(cmd=command),
                       EXIT_USAGE)
    if command is None:
        return _cmd_start(args)
    if command in local_commands():
        return local_commands()[command][1](args)
    return _CLI_SPECIAL.get(command, _cmd_app)(args)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``hipbreak`` entry point: run a command and return its exit code, never a traceback."""
    args = sys.argv[1:] if argv is None else list(argv)
    try:
        _apply_language_setting()
        return run(args)
    except CliError as exc:
        print(f"hipbreak: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        print("hipbreak: " + _("interrupted."), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_FAILED  # e.g. "hipbreak routines | head": nothing left to tell anyone
    except SystemExit:
        raise
    except Exception as exc:
        logging.getLogger(__name__).debug("unexpected error", exc_info=True)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        message = _("unexpected error: {reason}.").format(reason=reason.rstrip("."))
        print(f"hipbreak: {message}", file=sys.stderr)
        return EXIT_FAILED

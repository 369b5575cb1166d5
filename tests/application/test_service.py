"""The app service without Qt or windows: commands from the table, events to the history, state saved.

The service runs here on plain fakes for its ports (a list as history, a dict
as state file) and the Null windows, which is what the application layer
promises: nothing of it needs Qt, a display, storage or the OS.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from desktop_app import cli
from desktop_app.application import commands
from desktop_app.application.commands import COMMANDS, ArgSpec, CommandSpec, applicable, only_in, parse_request
from desktop_app.application.ports import NullListener, NullWindows
from desktop_app.application.routines import RoutineCatalogue
from desktop_app.application.service import AppService
from desktop_app.core import events as ev
from desktop_app.core.events import Event
from desktop_app.core.settings import Settings
from tests.support.fakeclock import FakeClock


class ListHistory:
    def __init__(self) -> None:
        self.written: list[Event] = []
        self.closed = False

    def append(self, events: Iterable[Event]) -> bool:
        self.written.extend(events)
        return True

    def events(self, since: float | None = None, until: float | None = None, kinds: Any = None) -> list[Event]:
        return list(self.written)

    def close(self) -> None:
        self.closed = True


class DictState:
    def __init__(self) -> None:
        self.saved: list[dict[str, Any]] = []

    def load(self, warnings: list[str]) -> dict[str, Any] | None:
        return None

    def save(self, state: dict[str, Any]) -> None:
        self.saved.append(state)


class InlineDriver:
    """Hands every event list to the service at once (the Qt driver does it on a timer)."""

    def __init__(self, scheduler: Any, sink: Callable[[list[Event]], None]) -> None:
        self.scheduler, self.sink = scheduler, sink

    def start(self) -> None:
        self.sink(self.scheduler.update())

    def stop(self) -> None: ...

    def deliver(self, events: list[Event]) -> None:
        if events:
            self.sink(events)

    def wake(self) -> None:
        self.sink(self.scheduler.update())


class Heard(NullListener):
    def __init__(self) -> None:
        self.warnings: list[str] = []
        self.quit = 0

    def warning(self, message: str) -> None:
        self.warnings.append(message)

    def quit_requested(self) -> None:
        self.quit += 1


@pytest.fixture
def state() -> DictState:
    return DictState()


class NoDnd:
    def reason(self) -> str | None:
        return None

    def apply_settings(self, settings: Any) -> None: ...


class NoSave:
    def save(self, settings: Settings) -> str | None:
        return None


def plain_service(clock: FakeClock, tmp_path: Path, state: DictState, notifier: Any) -> AppService:
    """An AppService (not started) on the plain fakes above; the test gives the state and notifier it reads."""
    return AppService(clock, Settings(), history=ListHistory(), state=state, settings_store=NoSave(),
                      notifier=notifier, dnd=NoDnd(), catalogue=RoutineCatalogue(tmp_path / "routines"),
                      make_driver=InlineDriver)


@pytest.fixture
def service(clock: FakeClock, tmp_path: Path, state: DictState) -> AppService:
    class Quiet:
        def notify(self, title: str, body: str, quiet: bool = False) -> bool:
            return True

    made = plain_service(clock, tmp_path, state, Quiet())
    made.start()
    return made


def test_commands_run_record_and_save_without_qt(service: AppService, state: DictState) -> None:
    history: ListHistory = service.history  # type: ignore[assignment]
    assert history.written[0].kind == ev.APP_STARTED
    reply = service.handle_command("pause", {"minutes": 30, "until_tomorrow": False})
    assert reply["ok"] is True and reply["state"] == "paused"
    assert reply["prompt_visible"] is False and reply["view"] == "none"  # the Null windows
    assert state.saved and state.saved[-1]["paused_until"] is not None
    refused = service.handle_command("snooze", {"minutes": None})
    assert refused == {"ok": False, "error": "There is no break to snooze right now."}
    assert service.handle_command("resume", {})["state"] == "working"


def test_quit_is_answered_first_then_stops(service: AppService) -> None:
    heard = Heard()
    service.attach(NullWindows(), heard)
    reply = service.handle_command("quit", {})
    assert reply == {"ok": True}  # the Null windows run "later" at once: the stop is recorded too
    assert heard.quit == 1
    history: ListHistory = service.history  # type: ignore[assignment]
    assert history.written[-1].kind == ev.APP_STOPPED and history.closed


def test_a_new_table_entry_reaches_every_end(service: AppService, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adding a command is one entry and one handler: the socket, the service, the menu rules and the CLI."""
    ran: list[dict[str, Any]] = []
    spec = CommandSpec("stretch_now", lambda: "start a short stretch now",
                       (ArgSpec("minutes", "int", minimum=1, maximum=5, help=lambda: "how long"),),
                       handler=lambda app, args: ran.append(args), applicable=only_in("working"),
                       refused=lambda: "Not while paused.", confirmation=lambda: "Stretching.")
    monkeypatch.setitem(COMMANDS, "stretch_now", spec)
    assert parse_request(b'{"cmd": "stretch_now", "minutes": 3}') == ("stretch_now", {"minutes": 3})
    with pytest.raises(commands.CommandError, match="between 1 and 5"):
        parse_request(b'{"cmd": "stretch_now", "minutes": 9}')
    assert service.handle_command("stretch_now", {"minutes": 3})["ok"] is True and ran == [{"minutes": 3}]
    assert applicable("working")["stretch_now"] and not applicable("paused")["stretch_now"]
    service.pause(30)
    assert service.handle_command("stretch_now", {"minutes": 3}) == {"ok": False, "error": "Not while paused."}
    parsed = cli.build_parser().parse_args(["stretch-now", "4"])
    assert isinstance(parsed, argparse.Namespace) and parsed.minutes == 4
    assert cli.app_commands()["stretch-now"] == "stretch_now"

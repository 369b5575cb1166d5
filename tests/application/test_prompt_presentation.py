"""How the service presents a prompt through WindowsPort: the schedule vs. the person asking, and
no second notification when the prompt itself was a notification (Wayland without XWayland)."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.application.ports import NullListener, NullWindows
from desktop_app.application.service import AppService
from tests.application.test_service import DictState, plain_service
from tests.support.fakeclock import FakeClock


class RecordingWindows(NullWindows):
    """Windows that remember each presentation; ``is_notification`` as the notification prompt says."""

    def __init__(self, is_notification: bool) -> None:
        self.is_notification = is_notification
        self.presented: list[bool] = []
        self.visible = False

    def present_prompt(self, kind: str, sitting_seconds: float, routine_title: str,
                       requested: bool = True) -> bool:
        self.presented.append(requested)
        self.visible = True
        return self.is_notification

    def prompt_visible(self) -> bool:
        return self.visible


class Notes:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def notify(self, title: str, body: str, quiet: bool = False) -> bool:
        self.sent.append(title)
        return True


def _service(clock: FakeClock, tmp_path: Path, windows: RecordingWindows, notes: Notes) -> AppService:
    service = plain_service(clock, tmp_path, DictState(), notes)
    service.attach(windows, NullListener())
    service.start()
    return service


@pytest.mark.parametrize("is_notification", [False, True])
def test_break_now_is_the_schedule_and_show_is_the_person(clock: FakeClock, tmp_path: Path,
                                                          is_notification: bool) -> None:
    windows, notes = RecordingWindows(is_notification), Notes()
    service = _service(clock, tmp_path, windows, notes)
    assert service.handle_command("break_now", {})["ok"] is True
    assert windows.presented == [False]  # a prompt the schedule shows
    # a window prompt gets the plain notification beside it; a notification prompt is the notification
    assert notes.sent == ([] if is_notification else ["Time for a break"])
    service.show()  # a click on the tray icon while the break is due
    assert windows.presented == [False, True]

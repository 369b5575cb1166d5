"""The composed app through its Qt bridge: IPC commands, the status JSON, prompts, history and state files."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core import events as ev
from desktop_app.platform.paths import AppPaths
from desktop_app.storage.history import open_history
from desktop_app.ui.bridge import AppBridge
from tests.support.app_parts import (
    FakeDnd,
    RecordingNotifier,
    close_controller,
    make_controller,
)
from tests.support.fakeclock import FakeClock

STATUS_FIELDS = ("state", "sitting_seconds", "next_prompt_in_seconds", "snoozed_until", "paused_until",
                 "idle_backend", "deferred_reason", "demo")


def _kinds(paths: AppPaths) -> list[str]:
    opened = open_history(paths.history_file)
    try:
        return [e.kind for e in opened.store.events()]
    finally:
        opened.store.close()


def _due(ctl: AppBridge, clock: FakeClock) -> None:
    clock.minutes(60)
    ctl.driver.wake()


def test_status_json_has_the_contract_fields(ctl: AppBridge, clock: FakeClock) -> None:
    clock.minutes(12)
    reply = ctl.handle_command("status", {})
    assert reply["ok"] is True
    for name in STATUS_FIELDS:
        assert name in reply, name
    assert reply["state"] == "working"
    assert reply["sitting_seconds"] == pytest.approx(12 * 60, abs=1)
    assert reply["next_prompt_in_seconds"] == pytest.approx(48 * 60, abs=1)
    assert reply["snoozed_until"] is None and reply["paused_until"] is None
    assert reply["idle_backend"] == "none"
    assert reply["demo"] is False
    json.dumps(reply)  # everything is JSON-able


def test_prompt_appears_once_with_one_notification(ctl: AppBridge, clock: FakeClock, qtbot: QtBot,
                                                   notifier: RecordingNotifier, paths: AppPaths) -> None:
    with qtbot.waitSignal(ctl.prompt_requested) as signal:
        _due(ctl, clock)
    assert signal.args == ["hourly"]
    prompt = ctl.prompt_window()
    assert prompt.isVisible()
    assert "1 h" in prompt.sitting_label.text()
    assert "Hip" in prompt.routine_label.text()
    assert len(notifier.sent) == 1
    title, body, quiet = notifier.sent[0]
    assert "break" in title.lower() and "1 h" in body and quiet is False
    assert ctl.handle_command("status", {})["state"] == "due"
    assert ev.PROMPT_SHOWN in _kinds(paths)


def test_unanswered_prompt_repeats_in_the_same_window(ctl: AppBridge, clock: FakeClock,
                                                      notifier: RecordingNotifier) -> None:
    _due(ctl, clock)
    first = ctl.prompt_window()
    first.hide()  # e.g. the user moved it away; it is still unanswered
    clock.minutes(ctl.settings.reprompt_minutes)
    ctl.driver.wake()
    assert ctl.prompt_window() is first
    assert first.isVisible()
    assert len(notifier.sent) == 2


def test_snooze_command_closes_the_prompt_and_reports_until(ctl: AppBridge, clock: FakeClock) -> None:
    _due(ctl, clock)
    reply = ctl.handle_command("snooze", {"minutes": 5})
    assert reply["ok"] is True
    assert reply["state"] == "snoozed"
    until = datetime.fromisoformat(reply["snoozed_until"])
    assert until.timestamp() == pytest.approx(clock.time() + 300, abs=1)
    assert not ctl.prompt_window().isVisible()


def test_prompt_buttons_reach_the_scheduler(ctl: AppBridge, clock: FakeClock, paths: AppPaths) -> None:
    _due(ctl, clock)
    ctl.prompt_window().snooze_button.click()
    assert ctl.status().stage.value == "snoozed"
    clock.minutes(ctl.settings.snooze_minutes)
    ctl.driver.wake()
    assert ctl.status().stage.value == "due"
    ctl.prompt_window().skip_button.click()
    assert ctl.status().stage.value == "working"
    kinds = _kinds(paths)
    assert kinds.count(ev.PROMPT_SHOWN) == 2
    assert ev.SNOOZED in kinds and ev.SKIPPED in kinds


def test_commands_that_do_not_apply_are_refused_in_plain_words(ctl: AppBridge) -> None:
    for cmd, args in (("snooze", {"minutes": None}), ("skip", {}), ("resume", {}), ("sitting", {})):
        reply = ctl.handle_command(cmd, args)
        assert reply["ok"] is False, cmd
        assert reply["error"].endswith(".") and "\n" not in reply["error"]
    assert ctl.status().stage.value == "working"


def test_pause_and_resume(ctl: AppBridge, clock: FakeClock) -> None:
    reply = ctl.handle_command("pause", {"minutes": 30, "until_tomorrow": False})
    assert reply["state"] == "paused"
    paused_until = datetime.fromisoformat(reply["paused_until"]).timestamp()
    assert paused_until == pytest.approx(clock.time() + 1800, abs=1)
    assert ctl.handle_command("resume", {})["state"] == "working"
    tomorrow = ctl.handle_command("pause", {"minutes": None, "until_tomorrow": True})
    assert datetime.fromisoformat(tomorrow["paused_until"]).date() > clock.now().date()
    assert "tomorrow" in tomorrow["status_text"].lower()


def test_standing_and_sitting(ctl: AppBridge) -> None:
    assert ctl.handle_command("standing", {})["state"] == "standing"
    assert ctl.handle_command("standing", {})["ok"] is False
    assert ctl.handle_command("sitting", {})["state"] == "working"


def test_break_now_shows_the_prompt(ctl: AppBridge) -> None:
    reply = ctl.handle_command("break_now", {})
    assert reply["state"] == "due"
    assert ctl.prompt_window().isVisible()
    assert ctl.handle_command("break_now", {})["ok"] is False


def test_unknown_routine_is_refused(ctl: AppBridge) -> None:
    reply = ctl.handle_command("routine", {"id": "no-such-routine"})
    assert reply["ok"] is False
    assert "no-such-routine" in reply["error"]


@pytest.mark.qt_log_ignore("pipewire", "PulseAudio", "multimedia")
def test_routine_opens_the_player_and_its_end_is_a_break(ctl: AppBridge, clock: FakeClock,
                                                         paths: AppPaths) -> None:
    clock.minutes(50)
    reply = ctl.handle_command("routine", {"id": "hip-flexor-reset"})
    assert reply["ok"] is True, reply
    assert reply["state"] == "in_routine" and reply["player_open"] is True
    assert ctl.handle_command("routine", {"id": None})["ok"] is False  # one routine at a time
    player = ctl.navigator.player
    player.routine_finished.emit("hip-flexor-reset", True, 240.0, 4)
    status = ctl.handle_command("status", {})
    assert status["state"] == "working"
    assert status["sitting_seconds"] < 60
    kinds = _kinds(paths)
    assert ev.ROUTINE_STARTED in kinds and ev.ROUTINE_COMPLETED in kinds


def test_state_is_saved_and_restored(qapp: Any, clock: FakeClock, paths: AppPaths) -> None:
    first = make_controller(clock, paths)
    first.start()
    first.pause(120)
    saved = json.loads(paths.state_file.read_text())
    assert saved["paused_until"] == pytest.approx(clock.time() + 7200, abs=1)
    first.shutdown()
    assert _kinds(paths)[-1] == ev.APP_STOPPED
    clock.minutes(1)
    second = make_controller(clock, paths)
    second.start()
    try:
        assert second.status().stage.value == "paused"
    finally:
        close_controller(second)


def test_quit_reply_comes_before_the_app_stops(ctl: AppBridge, qtbot: QtBot, paths: AppPaths) -> None:
    reply = ctl.handle_command("quit", {})
    assert reply == {"ok": True}
    with qtbot.waitSignal(ctl.quit_requested, timeout=2000):
        pass
    assert _kinds(paths)[-1] == ev.APP_STOPPED


def test_warnings_are_shown_once(qapp: Any, clock: FakeClock, paths: AppPaths, qtbot: QtBot) -> None:
    controller = make_controller(clock, paths, warnings=["Settings were moved aside."])
    seen: list[str] = []
    controller.warning.connect(seen.append)
    controller.start()
    controller.warn("Settings were moved aside.")
    controller.warn("Another problem.")
    close_controller(controller)
    assert seen == ["Settings were moved aside.", "Another problem."]


class _BrokenHistory:
    def append(self, events: Any) -> bool:
        return False

    def close(self) -> None:
        pass


def test_history_failure_is_reported_once_and_the_app_goes_on(qapp: Any, clock: FakeClock,
                                                              paths: AppPaths) -> None:
    controller = make_controller(clock, paths, history=_BrokenHistory())
    seen: list[str] = []
    controller.warning.connect(seen.append)
    controller.start()
    controller.break_now()
    controller.skip()
    close_controller(controller)
    assert len(seen) == 1 and "history" in seen[0]


def test_do_not_disturb_is_asked_only_when_a_prompt_is_due(qapp: Any, clock: FakeClock,
                                                           paths: AppPaths) -> None:
    dnd = FakeDnd("a fullscreen window")
    controller = make_controller(clock, paths, dnd=dnd)
    controller.start()
    try:
        for _ in range(5):
            clock.minutes(10)
            controller.driver.wake()
        assert dnd.calls == 0
        clock.minutes(10)
        controller.driver.wake()
        assert dnd.calls >= 1
        status = controller.handle_command("status", {})
        assert status["deferred_reason"] == "a fullscreen window"
        assert status["prompt_visible"] is False
        dnd.value = None
        clock.minutes(1)
        controller.driver.wake()
        assert controller.handle_command("status", {})["prompt_visible"] is True
    finally:
        close_controller(controller)


@pytest.mark.qt_log_ignore("propagateSizeHints", "raise")
def test_statistics_and_settings_windows_open_through_the_controller(ctl: AppBridge, clock: FakeClock,
                                                                      qtbot: QtBot) -> None:
    state = ctl.menu_state()
    assert state.has_statistics and state.has_settings  # their modules are in this checkout
    clock.minutes(20)
    ctl.show_statistics()
    stats = ctl.navigator.stats_window
    assert stats is not None and stats.isVisible()
    qtbot.addWidget(stats)
    ctl.show_settings()
    dialog = ctl.navigator.settings_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    new = ctl.settings.replace(break_interval_minutes=30)
    dialog.settings_applied.emit(new)
    assert ctl.settings.break_interval_minutes == 30
    assert ctl.handle_command("status", {})["next_prompt_in_seconds"] == pytest.approx(10 * 60, abs=1)


# --- the player window's lifecycle as the controller manages it ----------------------------------


def test_a_player_in_compact_mode_is_not_opened_twice(ctl: AppBridge) -> None:
    assert ctl.open_routine("desk-break") is True
    player = ctl.navigator.player
    player.enter_compact()
    assert not player.isVisible()  # only the compact tile shows
    assert ctl.handle_command("status", {})["player_open"] is True
    assert ctl.open_routine("desk-break") is True
    assert ctl.navigator.player is player  # brought to front, not a second window
    assert player.isVisible()


def test_a_finished_routine_keeps_its_summary_until_another_routine_opens(ctl: AppBridge,
                                                                         paths: AppPaths) -> None:
    from desktop_app.core.player import FINISHED

    ctl.open_routine("desk-break")
    player = ctl.navigator.player
    for _ in range(len(player.player.segments)):
        player.skip()
    assert player.player.state == FINISHED
    assert player.isVisible(), "the summary page must stay up after the routine ends"
    assert ctl.status().stage.value != "in_routine"
    assert ev.ROUTINE_COMPLETED in _kinds(paths)
    ctl.open_routine("hip-flexor-reset")
    assert not player.isVisible(), "the old summary closes when the next routine opens"
    assert ctl.navigator.player is not player and ctl.navigator.player.isVisible()


def test_lock_pauses_the_player_and_unlock_resumes_it(ctl: AppBridge) -> None:
    from desktop_app.core.player import PAUSED, PLAYING

    ctl.open_routine("desk-break")
    player = ctl.navigator.player
    assert player.player.state == PLAYING
    ctl.service.on_locked_changed(True)
    assert player.player.state == PAUSED
    ctl.service.on_locked_changed(False)
    assert player.player.state == PLAYING
    ctl.service.on_suspending()
    assert player.player.state == PAUSED
    ctl.service.on_resumed()
    assert player.player.state == PLAYING


def test_settings_reach_an_open_player_at_once(ctl: AppBridge) -> None:
    ctl.open_routine("desk-break")
    player = ctl.navigator.player
    ctl.apply_settings(ctl.settings.replace(volume_percent=20, sound_enabled=False))
    assert player.settings.volume_percent == 20
    assert player.settings.sound_enabled is False

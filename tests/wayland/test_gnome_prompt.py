"""The installed ``hipbreak --demo`` in a real GNOME Shell 43 Wayland session, driven as a person would.

The person types into a Wayland-native app the whole time (keys injected through Mutter's
RemoteDesktop). The scheduled prompt and its repeat must never take the focus or a key, must be
on top where the person sees it, and must answer only after a deliberate click on it. HipBreak is
started without ``QT_QPA_PLATFORM``, so it picks its own prompt mode: XWayland is there, so the
UI runs through it (``xwayland-window``).

The demo runs the schedule 60 times faster: the 10-minute interval is 10 s, the 5-minute repeat
is 5 s after the prompt. A prompt that falls due while the person types waits for a pause of
3 real seconds (``lull_seconds``), so the typing pauses for 4.5 s between words; the natural
break is set to 15 minutes (15 real seconds) so that pause is not mistaken for leaving.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.desktop import wait_for
from tests.support.gnome_session import GnomeSession, appindicator_items, registered_items
from tests.wayland.conftest import SessionApp, TypingApp, app_in, write_settings

pytestmark = [pytest.mark.wayland]

PROMPT_TITLE = "Time for a break"
#: Keys that would answer a prompt that had the keyboard: S skips, Enter starts, Esc snoozes, Space presses.
DANGEROUS = ("s", "enter", "esc", "space", "s")


@pytest.fixture(scope="module")
def demo(gnome: GnomeSession, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SessionApp]:
    profile = tmp_path_factory.mktemp("gnome-demo")
    write_settings(profile, break_interval_minutes=10, reprompt_minutes=5, snooze_minutes=10,
                   natural_break_minutes=15, sound_enabled=False)
    app = app_in(gnome, profile)
    app.start("--demo")
    try:
        app.wait_status("the demo to answer", timeout=40)
        yield app
    finally:
        app.stop()


def _prompt(gnome: GnomeSession) -> dict[str, Any] | None:
    return gnome.window(PROMPT_TITLE)


def _stack_index(gnome: GnomeSession, title_part: str) -> int:
    titles = [w["title"] or "" for w in gnome.windows()]
    return max(i for i, t in enumerate(titles) if title_part in t)


def _type_until(gnome: GnomeSession, typing: TypingApp, done: Any, what: str, timeout: float = 90) -> str:
    """Type a word, pause 4.5 s (longer than the 3 s lull a due prompt waits for, shorter than a
    natural break), repeat until ``done()``; returns every letter typed."""
    typed = ""
    words = ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]
    deadline = time.monotonic() + timeout
    i = 0
    while not done():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        word = words[i % len(words)] + " "
        i += 1
        gnome.input().type_text(word)
        typed += word
        for _ in range(9):
            time.sleep(0.5)
            if done():
                break
    return typed


def _assert_prompt_seen_and_not_typed_into(gnome: GnomeSession, demo: SessionApp, typing: TypingApp,
                                           typed_before: str) -> dict[str, Any]:
    """The checks every prompt must pass: keys stay with the typing app, the prompt is on top."""
    prompt = wait_for(lambda: _prompt(gnome), timeout=10, what="the prompt window in GNOME's window list")
    # the person goes on typing, including every key that would answer a focused prompt
    gnome.input().type_text("ok")
    gnome.input().keys(*DANGEROUS)
    expected = typed_before + "ok" + "s" + " " + "s"  # Enter and Esc do nothing in a line edit
    wait_for(lambda: typing.text() == expected, timeout=10,
             what=f"the typing app to receive every key ({expected!r}, has {typing.text()!r})")
    assert gnome.focused_title() == typing.title, "the prompt took the keyboard focus"
    status = demo.status()
    assert status is not None and status["state"] == "due", f"a typed key answered the prompt: {status}"
    assert not demo.events("skipped", "snoozed", "routine_started")
    prompt = _prompt(gnome)
    assert prompt is not None and not prompt["minimized"] and prompt["showing"]
    assert prompt["above"], "the prompt is not kept above other windows"
    assert prompt["x11"], "the prompt is not drawn through XWayland"
    assert _stack_index(gnome, PROMPT_TITLE) > _stack_index(gnome, typing.title), "the prompt is buried"
    x, y, w, h = prompt["rect"]
    assert x >= 0 and y >= 0 and x + w <= 1280 and y + h <= 800, f"the prompt is off screen: {prompt['rect']}"
    return prompt


def test_the_app_picks_xwayland_and_its_tray_icon_registers(gnome: GnomeSession, demo: SessionApp) -> None:
    status = demo.wait_status("the tray view", view="tray")
    assert status["demo"] is True
    assert wait_for(lambda: appindicator_items(gnome), timeout=20, what="the icon in GNOME's top bar")
    assert "/StatusNotifierItem" in registered_items(gnome) or "org.kde.StatusNotifierItem" in registered_items(gnome)
    assert "prompt mode: xwayland-window" in demo.log()
    assert status["idle_backend"].startswith("gnome"), status["idle_backend"]
    # hipbreak doctor, run in the same session, names the same prompt mode
    doctor = demo.run("doctor", "--json", timeout=60)
    checks = {c["name"]: c for c in json.loads(doctor.stdout)}
    assert checks["prompt"]["detail"].startswith("xwayland-window"), checks["prompt"]


def test_scheduled_and_repeat_prompts_never_take_the_keys_and_stay_on_top(
        gnome: GnomeSession, demo: SessionApp, typing_app: TypingApp, wayland_shots: Path) -> None:
    typed = _type_until(gnome, typing_app,
                        lambda: (s := demo.status()) is not None and s["state"] == "due" and s["prompt_visible"],
                        "the scheduled prompt")
    shown = demo.events("prompt_shown")
    assert shown and shown[-1][1].get("reason") != "break_now"
    prompt = _assert_prompt_seen_and_not_typed_into(gnome, demo, typing_app, typed)
    x, y, w, h = prompt["rect"]
    gnome.screenshot(wayland_shots / "wayland-gnome-prompt-screen.png")
    gnome.screenshot(wayland_shots / "wayland-gnome-prompt.png", (x - 16, y - 16, w + 32, h + 32))

    # the person clicks into their own window: the prompt stays above it
    gnome.activate(typing_app.title)
    wait_for(lambda: gnome.focused_title() == typing_app.title, timeout=5, what="the typing app's focus")
    assert _stack_index(gnome, PROMPT_TITLE) > _stack_index(gnome, typing_app.title), "one click buried the prompt"

    # unanswered, it repeats: the repeat is on top too, and still takes no key
    count = len(shown)
    _type_until(gnome, typing_app, lambda: len(demo.events("prompt_shown")) > count, "the repeat prompt", timeout=60)
    assert demo.events("prompt_shown")[-1][1].get("reason") == "repeat"
    prompt = _assert_prompt_seen_and_not_typed_into(gnome, demo, typing_app, typing_app.text())
    x, y, w, h = prompt["rect"]
    gnome.screenshot(wayland_shots / "wayland-gnome-prompt-repeat.png", (x - 16, y - 16, w + 32, h + 32))


def test_a_click_on_the_prompt_arms_its_keys(gnome: GnomeSession, demo: SessionApp,
                                             typing_app: TypingApp) -> None:
    status = demo.status()
    if status is None or status["state"] != "due":
        assert demo.run("break-now").returncode == 0
    prompt = wait_for(lambda: _prompt(gnome), timeout=10, what="the prompt")
    x, y, w, h = prompt["rect"]
    gnome.input().click(x + w * 0.6, y + h * 0.45)  # on the text, not on a button
    wait_for(lambda: gnome.focused_title() and PROMPT_TITLE in (gnome.focused_title() or ""), timeout=5,
             what="the click to give the prompt the focus")
    gnome.input().keys("esc")
    demo.wait_status("Esc (after the click) to snooze", timeout=10, state="snoozed")
    snoozed = demo.events("snoozed")
    assert snoozed and snoozed[-1][1].get("minutes") == 10
    wait_for(lambda: _prompt(gnome) is None, timeout=10, what="the prompt to close")

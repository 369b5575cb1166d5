"""An unexpected exception in a slot of the running app: logged with its traceback, shown once, app carries on.

The app has no command that raises on purpose (it should not), so the fault
is injected from outside: the test starts the real app through the same entry
point as the ``hipbreak`` command, with one real slot (``TrayView.refresh``,
connected to the controller's ``status_changed``) patched to raise while a
trigger file exists. Everything else is the installed app on the real e2e
desktop, and the user's side is checked for real: the rotating log file in
the log folder, the notification on the session bus, ``hipbreak doctor``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.helpers import Desktop, desktop
from tests.soak.conftest import ROOT, App, log_text

pytestmark = [pytest.mark.soak, pytest.mark.display]

#: The app's own entry point, with one slot made to fail while ``<profile>/inject-fault`` exists.
FAULTY_APP = """
import os, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
import desktop_app.ui.tray as tray

trigger = Path(os.environ["HIPBREAK_PROFILE_DIR"]) / "inject-fault"
real_refresh = tray.TrayView.refresh

def refresh(self):
    if trigger.exists():
        raise RuntimeError("injected fault in a slot (crash-safety test)")
    return real_refresh(self)

tray.TrayView.refresh = refresh
from desktop_app.cli import main
sys.argv = ["hipbreak"]
sys.exit(main())
"""


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desktop]:
    with desktop(tmp_path_factory.mktemp("crash")) as running:
        yield running


def notify_bodies(desk: Desktop) -> list[str]:
    text = (desk.workdir / "dbus-monitor.log").read_text(errors="replace")
    bodies = []
    for chunk in text.split("member=Notify")[1:]:
        strings = re.findall(r'string "(.*?)"', chunk, re.DOTALL)
        if len(strings) >= 4 and strings[2] == "HipBreak":
            bodies.append(strings[3])
    return bodies


def test_exception_in_a_slot_is_logged_shown_once_and_survived(desk: Desktop, tmp_path: Path) -> None:
    profile = desk.profile
    env = dict(desk.env, HIPBREAK_PROFILE_DIR=str(profile))
    out = open(tmp_path / "app.log", "ab")  # noqa: SIM115
    proc = subprocess.Popen([sys.executable, "-c", FAULTY_APP, str(ROOT)], env=env, stdout=out,
                            stderr=subprocess.STDOUT)
    out.close()
    desk.procs.append(proc)
    app = App(proc, env, tmp_path / "app.log")
    app.wait_answering()
    log_file = profile / "log" / "hipbreak.log"

    (profile / "inject-fault").write_text("on")
    # three user actions, each of which runs the failing slot
    for args in (("pause", "30"), ("resume",), ("break-now",)):
        result = app.cli(*args)
        assert result.returncode == 0, result.stderr
    (profile / "inject-fault").unlink()
    assert app.proc.poll() is None, "the fault killed the app:\n" + app.output()

    # carries on: answers, and the slot works again (status changes still reach the views)
    status = app.status()
    assert status["state"] == "due"
    assert app.cli("snooze", "5").returncode == 0
    assert app.status()["state"] == "snoozed"

    text = log_text(profile)
    assert text.count("RuntimeError: injected fault in a slot") >= 3, text[-3000:]
    assert "Traceback (most recent call last)" in text
    assert "in refresh" in text  # the traceback names the failing slot
    assert "unexpected error (the app carries on)" in text

    time.sleep(1.0)
    told = [body for body in notify_bodies(desk) if "unexpected error" in body]
    assert len(told) == 1, f"expected one notification about the error, got {told}"
    assert str(log_file) in told[0]

    doctor = app.cli("doctor", "--json")
    assert doctor.returncode == 0, doctor.stderr
    assert str(log_file) in json.dumps(json.loads(doctor.stdout))
    plain = app.cli("doctor")
    assert str(log_file) in plain.stdout

    assert app.stop() == 0, app.output()

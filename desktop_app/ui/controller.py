"""Moved: the controller was split into three parts.

* :mod:`desktop_app.application.service` (``AppService``, no Qt): the
  scheduler, history, state, status and the commands;
* :mod:`desktop_app.ui.navigator` (``WindowNavigator``): the windows;
* :mod:`desktop_app.ui.bridge` (``AppBridge``): service callbacks as Qt
  signals, and what the views hold.

``AppController`` stays as a name for ``AppBridge`` while other code still
imports it; build one with :func:`desktop_app.app.compose`.
"""

from desktop_app.application.commands import CommandRefused
from desktop_app.ui.bridge import AppBridge

AppController = AppBridge

__all__ = ["AppController", "CommandRefused"]

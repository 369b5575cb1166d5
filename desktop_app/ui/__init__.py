"""The Qt user interface: tray, prompt, windows. It shows state and forwards clicks.

Nothing in here decides *when* a break is due; that is the core's job
(``desktop_app.core.schedule``). ``driver.py`` is the one place where Qt
timers wake the core, and ``controller.py`` is the one place user actions
reach it. Every window other than the tray is created lazily on first use,
so start-up stays fast and light.
"""

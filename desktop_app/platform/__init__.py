"""Adapters to the operating system.

Each concern (idle time, session lock/suspend, do-not-disturb, notifications,
autostart, folders) sits behind a small interface with a Null fallback, and
the right backend is picked at start-up by probing. Nothing in here holds
business rules: the core decides, the platform only reports and delivers.
"""

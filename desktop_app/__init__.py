"""HipBreak: a system-tray break reminder with guided hip-flexor stretches."""

__version__ = "0.1.0"
APP_NAME = "HipBreak"
APP_ID = "hipbreak"

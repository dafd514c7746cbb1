"""The Watcher audit catalog (watcher-audit-versioned-notifications)."""

from tidings.catalogs.watcher.events import EVENTS  # noqa: F401

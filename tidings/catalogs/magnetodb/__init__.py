"""The MagnetoDB catalog (magnetodb-notification-refactoring and
magnetodb-notification)."""

from tidings.catalogs.magnetodb.events import EVENTS  # noqa: F401

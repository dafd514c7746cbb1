"""Payloads, the Notification envelope, event types, the publisher id, the
event registry, the Notifier and the lifecycle helpers."""

from tidings.notifications.eventtype import EventType  # noqa: F401
from tidings.notifications.lifecycle import Lifecycle  # noqa: F401
from tidings.notifications.lifecycle import emits_lifecycle  # noqa: F401
from tidings.notifications.notification import Notification  # noqa: F401
from tidings.notifications.notifier import Notifier  # noqa: F401
from tidings.notifications.payload import ExceptionPayload  # noqa: F401
from tidings.notifications.payload import Payload  # noqa: F401
from tidings.notifications.publisher import Publisher  # noqa: F401
from tidings.notifications.registry import EventDefinition  # noqa: F401
from tidings.notifications.registry import EventRegistry  # noqa: F401

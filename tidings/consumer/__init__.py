"""Read tidings notifications: decode, check, de-duplicate, dispatch.

- :class:`~tidings.consumer.decoder.Decoder`: a received message (the wire
  dict, or an oslo.messaging listener's callback arguments) into the
  catalog's payload object, across minor versions, optionally validated
  against the lock file's schema;
- :class:`~tidings.consumer.dedup.MemoryDeduplicator` and
  :class:`~tidings.consumer.dedup.DatabaseDeduplicator`: bounded
  de-duplication by ``message_id`` (tidings delivers at least once);
- :class:`~tidings.consumer.endpoint.NotificationEndpoint`: a base
  endpoint for ``oslo_messaging.get_notification_listener`` calling
  ``on_<event_type>(payload, meta)`` methods.

The layer sits beside ``sphinxext``/``testing``/``middleware``: it reads
catalogs, payloads and the lock file, and nothing below imports it.
"""

from tidings.consumer.decoder import Decoded  # noqa: F401
from tidings.consumer.decoder import Decoder  # noqa: F401
from tidings.consumer.decoder import Meta  # noqa: F401
from tidings.consumer.dedup import DatabaseDeduplicator  # noqa: F401
from tidings.consumer.dedup import MemoryDeduplicator  # noqa: F401
from tidings.consumer.endpoint import NotificationEndpoint  # noqa: F401
from tidings.consumer.endpoint import handler_name  # noqa: F401

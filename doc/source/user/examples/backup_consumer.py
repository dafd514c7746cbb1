"""A consumer of the demo catalog's backup events.

The example of doc/source/user/consume-listener.rst; the tidings test
suite runs it over oslo.messaging's fake:// transport
(tests/unit/test_doc_examples.py), so it cannot drift.
"""

import oslo_messaging

from tidings.catalogs.demo import events
from tidings.consumer import MemoryDeduplicator
from tidings.consumer import NotificationEndpoint


class BackupEndpoint(NotificationEndpoint):
    """Remembers the size of every finished backup and every failure."""

    def __init__(self):
        super().__init__([events.EVENTS], validate=True,
                         dedup=MemoryDeduplicator(size=100000))
        self.sizes = {}
        self.failures = []

    # demo.backup.create.end
    def on_demo_backup_create_end(self, payload, meta):
        # a field an older producer's version lacks is unset, and
        # reading an unset field raises: ask first
        if payload.obj_attr_is_set('volume') and payload.volume is not None:
            self.sizes[payload.backup_id] = payload.volume.size_gb

    # demo.backup.create.error
    def on_demo_backup_create_error(self, payload, meta):
        self.failures.append((payload.backup_id,
                              payload.fault.exception_message,
                              meta.publisher_id))


def start_listener(transport, topics=('versioned_notifications',)):
    """A started listener and its endpoint; stop with ``server.stop()``
    then ``server.wait()``."""
    endpoint = BackupEndpoint()
    server = oslo_messaging.get_notification_listener(
        transport, [oslo_messaging.Target(topic=topic) for topic in topics],
        [endpoint], executor='threading')
    server.start()
    return server, endpoint

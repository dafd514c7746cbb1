"""The memory backend: keeps wire messages in memory, for tests.

It keeps exactly what the messaging backend would put on the bus (the wire
dict, payload serialised) plus the Notification itself.
"""

import collections
import threading

from tidings.backends import base


class MemoryBackend(base.Backend):
    #: A tap: tests see every event, whatever mechanisms it asks for.
    mechanisms = None

    def __init__(self, conf=None, name='memory', max_notifications=None):
        super().__init__(conf, name)
        if max_notifications is None:
            max_notifications = (conf.backend_memory.max_notifications
                                 if conf is not None else 100000)
        self.notifications = collections.deque(maxlen=max_notifications)
        self.messages = collections.deque(maxlen=max_notifications)
        self._cond = threading.Condition()

    def send(self, notification):
        wire = notification.to_wire()
        with self._cond:
            self.notifications.append(notification)
            self.messages.append(wire)
            self._cond.notify_all()

    def clear(self):
        with self._cond:
            self.notifications.clear()
            self.messages.clear()

    def by_event_type(self, event_type):
        with self._cond:
            return [m for m in self.messages if m['event_type'] == event_type]

    def wait_for(self, event_type, count=1, timeout=5.0):
        """Wait until ``count`` messages of ``event_type`` arrived."""
        with self._cond:
            self._cond.wait_for(
                lambda: sum(1 for m in self.messages
                            if m['event_type'] == event_type) >= count,
                timeout)
        return self.by_event_type(event_type)

    def stats(self):
        return {'sent': len(self.messages)}

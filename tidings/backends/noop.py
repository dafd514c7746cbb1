"""The noop backend: accepts every notification and sends nothing.

A tap (``mechanisms = None``): it takes every event, to count and discard
it."""

from tidings.backends import base


class NoopBackend(base.Backend):
    mechanisms = None

    def __init__(self, conf=None, name='noop'):
        super().__init__(conf, name)
        self.count = 0

    def send(self, notification):
        self.count += 1

    def stats(self):
        return {'sent': 0, 'discarded': self.count}

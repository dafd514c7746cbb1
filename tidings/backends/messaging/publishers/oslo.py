"""The ``oslo`` publisher: through an oslo.messaging notification
transport (any transport; see :mod:`tidings.backends.messaging.publishers`).
"""

from tidings.backends.messaging import hooks
from tidings.backends.messaging import publishers


class OsloSender:
    """Publish through an oslo.messaging notification transport.

    ``guarantee``: ``confirmed`` for rabbit (its driver waits for each
    publisher confirm), ``at-most-once`` for transports that confirm
    nothing."""

    #: the class's default; each instance takes its plan's guarantee
    guarantee = 'confirmed'

    def __init__(self, transport, exchange=None, guarantee='confirmed'):
        import oslo_messaging
        self._target = oslo_messaging.Target
        self.transport = transport
        self.exchange = exchange   # None: the transport's control_exchange
        self.guarantee = guarantee

    def probe(self):
        """Nothing to check: the transport connects when it sends."""

    def publish(self, rows, ahead=None):
        """``ahead`` (see the contract in the package) is called once
        every row is sent: each waited for its confirm in turn."""
        for index, row in enumerate(rows):
            try:
                hooks.send_notification(
                    self.transport, self._target(topic=row.routing_key,
                                                 exchange=self.exchange),
                    dict(row.ctxt), dict(row.message), row.version,
                    retry=0)
            except Exception as exc:
                # (the driver may have handed the message over before the
                # failure)
                raise publishers.PublishError(index, exc, in_doubt=1) from exc
        if ahead is not None:
            ahead()
        return []

    def close(self):
        pass

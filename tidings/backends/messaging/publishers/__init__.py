"""The publishers: how the messaging backend puts wire messages on the
bus.  Each is a stevedore plugin in the namespace
``tidings.messaging.publishers`` (see :data:`NAMESPACE`); the backend
loads the one its :class:`~tidings.backends.messaging.plan.SenderPlan`
names.

A publisher class keeps this contract:

- ``guarantee``: what a row ``publish`` returned without error got, one
  of :data:`GUARANTEES` (a class attribute, or set per instance when it
  depends on the transport);
- ``probe()``: raise when the broker does not answer (nothing is
  published);
- ``publish(rows, ahead=None)``: every row is confirmed by the broker,
  or :class:`PublishError` says how many of the first rows were (the rest
  must be kept and sent again).  It returns the rows the broker confirmed
  but gave back because no queue was bound to their routing key
  (``basic.return``); the backend keeps those in the outbox instead of
  counting them sent.  ``ahead``, when given, is called once every row
  is written, before the last confirms are awaited, and must not raise;
- ``close()``: drop the connection (a later ``publish`` connects again).

The two publishers:

- ``oslo`` (:class:`~tidings.backends.messaging.publishers.oslo.OsloSender`)
  hands each message to the oslo.messaging transport, exactly as
  oslo.messaging's own ``MessagingDriver`` does, so our message_id and
  timestamp are kept (its ``Notifier`` would make new ones).  Any
  transport works; with rabbit each message waits for its publisher
  confirm in turn.
- ``rabbit``
  (:class:`~tidings.backends.messaging.publishers.rabbit.RabbitPipelineSender`)
  writes the same AMQP messages as oslo.messaging's rabbit driver (same
  exchange, routing key, default queue, envelope and properties) but
  publishes a window of them before waiting for their confirms together:
  several times the throughput, the same guarantee.
"""

import traceback

#: The stevedore namespace of the publisher plugins.
NAMESPACE = 'tidings.messaging.publishers'

#: What a sender guarantees for a row ``publish`` returned without error:
#: ``routed``: the broker confirmed it and put it in at least one queue
#: (unroutable ones come back); ``confirmed``: the broker confirmed it,
#: a queue may not have received it; ``at-most-once``: handed to a
#: transport that confirms nothing (Kafka through oslo.messaging: its
#: send errors are logged by the driver, not raised).
GUARANTEES = ('routed', 'confirmed', 'at-most-once')


class PublishError(Exception):
    """The broker did not confirm every row; ``confirmed`` first ones
    made it, ``cause`` says why the others did not."""

    def __init__(self, confirmed, cause, returned=(), in_doubt=0):
        self.confirmed = confirmed
        self.cause = cause
        #: rows among the first ``confirmed`` that came back unroutable
        self.returned = list(returned)
        #: rows after the confirmed ones that were written to the broker
        #: without a confirm: it may have taken them, so sending them again
        #: may make duplicates
        self.in_doubt = in_doubt
        super().__init__('%d confirmed, then %s: %s' % (
            confirmed, type(cause).__name__, cause))


def bare(exc):
    """``exc`` without tracebacks (its own and those of its cause and
    context), their frames' variables cleared; returns ``exc``.

    A sender or replay thread keeps the failure it reports in a variable
    of the frame that caught it, and that frame is in the failure's
    traceback: a reference cycle, holding the dead connection, its
    socket and a batch of messages, that only the garbage collector can
    free, on whichever thread it runs next -- often a caller's, which
    then pays for closing sockets and freeing the batch.  What tidings
    reports of a failure is its type and text, never the traceback.
    """
    seen = set()
    pending = [exc]
    while pending:
        item = pending.pop()
        if item is None or id(item) in seen:
            continue
        seen.add(id(item))
        if item.__traceback__ is not None:
            traceback.clear_frames(item.__traceback__)
            item.__traceback__ = None
        pending += (item.__cause__, item.__context__)
    return exc


class ConfirmTimeout(Exception):
    pass


class MessageNacked(Exception):
    pass

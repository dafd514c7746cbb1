"""The sender threads, and what a publish counts.

A :class:`Lane` is one sender thread (a
:class:`~tidings.backends.workers.Worker` of ``(seq, notification)``
items) and its connection to the broker.  :class:`Senders` holds the
lanes and makes their publishers (the plugin the plan names, see
:mod:`~tidings.backends.messaging.publishers`); it publishes a lane's
batch (:meth:`Senders.deliver`) and, for the replay thread, rows of the
outbox (:meth:`Senders.publish`), and counts what the broker confirmed,
gave back unroutable or left without a confirm.  What the broker cannot
take goes behind the outbox through the backend's
:class:`~tidings.backends.messaging.diversion.Diversion`.
"""

import functools
import importlib.metadata
import logging
import random
import threading

from stevedore import driver

from tidings.backends import base
from tidings.backends import workers
from tidings.backends.messaging import outbox as outbox_mod
from tidings.backends.messaging import plan as plan_mod
from tidings.backends.messaging import publishers
from tidings.objects import errors

# (the backend's logger: what it logs did not move with the code)
LOG = logging.getLogger('tidings.backends.messaging.backend')


def publisher_class(name, masked_url):
    """The class of the installed publisher plugin ``name`` (in
    ``tidings.messaging.publishers``); a ConfigError naming the transport
    URL that needs it, the plugin and the installed ones when it does not
    load."""
    try:
        return driver.DriverManager(publishers.NAMESPACE, name,
                                    invoke_on_load=False).driver
    except Exception as exc:
        installed = sorted(ep.name for ep in importlib.metadata
                           .entry_points(group=publishers.NAMESPACE))
        raise errors.ConfigError(
            plan_mod.GROUP, 'transport_url', masked_url,
            'needs the messaging publisher %r (a plugin in %s), which does '
            'not load: %s: %s; installed publishers: %s' % (
                name, publishers.NAMESPACE, type(exc).__name__, exc,
                ', '.join(installed) or 'none')) from exc


class Lane:
    """One sender thread (a :class:`~tidings.backends.workers.Worker` of
    ``(seq, notification)`` items) and its connection."""

    def __init__(self, senders, index):
        backend = senders.backend
        self.index = index
        self.sender = None
        self.worker = workers.Worker(
            functools.partial(senders.deliver, self),
            '%s-sender-%d' % (backend.name, index), size=backend.queue_size,
            batch_size=backend.batch_size, linger=senders.linger,
            busy_for=backend.BUSY_FOR, idle_wait=backend.IDLE_WAIT,
            after_batch=backend.batch_done, finish=self.close)

    def close(self):
        """On the sender thread, when it stops."""
        sender, self.sender = self.sender, None
        if sender is not None:
            sender.close()


class Senders:
    """The backend's sender threads (``lanes``, one per
    ``sender_threads``) and the publish accounting they share with the
    replay thread."""

    def __init__(self, backend, count):
        self.backend = backend
        self.plan = backend.plan
        #: the publisher plugin's class (see publisher_class)
        self.publisher_cls = publisher_class(self.plan.publisher,
                                             backend.masked_url)
        #: a new publisher (each lane and the replay thread have theirs)
        self.new_sender = self._choose_sender()
        #: the oslo.messaging transport of the ``oslo`` publishers, shared
        self.transport = None
        self._lock = threading.Lock()
        self.unroutable_log = base.BurstLog(
            LOG, '%s backend: notifications no queue received'
            % backend.name)
        self.lanes = [Lane(self, i) for i in range(count)]

    def _choose_sender(self):
        plan = self.plan
        if plan.mode == 'pipeline':
            return lambda: self.publisher_cls(
                stop=self.backend.stopping,
                on_blocked=self.backend.diversion.on_blocked, **plan.options)
        return self._oslo_sender

    def _oslo_sender(self):
        backend = self.backend
        with self._lock:
            if self.transport is None:
                om = plan_mod.oslo_messaging()
                self.transport = om.get_notification_transport(
                    backend.conf, url=backend.url)
        return self.publisher_cls(
            self.transport, exchange=backend.group.exchange,
            guarantee=backend.guarantee)

    def linger(self):
        """How long a sender waits before it looks at its queue again.

        Drawn anew each time between half and one and a half times
        ``sender_linger`` (four times that while the broker is down): a
        fixed wait falls into step with callers that notify at a fixed
        period, and then the broker handles each batch just as a caller
        runs, on the same CPU, which shows in the callers' p99 (the
        operator guide, "Caller latency", has the figures).
        """
        backend = self.backend
        return backend.linger * (4 if backend.delivery.diverting else 1) * (
            0.5 + random.random())

    def in_flight(self):
        """Notifications published without their confirm yet."""
        return sum(lane.worker.inflight for lane in self.lanes)

    def forked(self):
        """In a forked child: the parent's connections are not ours."""
        for lane in self.lanes:
            lane.sender = None

    def close(self):
        if self.transport is not None:
            self.transport.cleanup()

    def rows(self, items):
        """The outbox rows (wire messages) of ``(seq, notification)``
        items: one per format and topic."""
        backend = self.backend
        rows = []
        for seq, note in items:
            ctxt = note.context or {}   # redacted by the notifier
            priority = note.priority.lower()
            for fmt in note.formats:
                wire = note.to_wire(fmt)
                for topic in backend.routes[fmt]:
                    rows.append(outbox_mod.Row(
                        seq, note.message_id, '%s.%s' % (topic, priority),
                        backend.version, ctxt, wire))
        return rows

    def deliver(self, lane, batch):
        """A lane's batch: published, or behind the outbox while it is in
        use (the overflow first: see Diversion.write_overflow) and for
        what the broker did not confirm or gave back."""
        backend = self.backend
        diversion = backend.diversion
        rows = self.rows(batch)
        if (backend.delivery.diverting or backend.overflow_queue.pending()) \
                and diversion.to_outbox(rows, diverting=True,
                                        resolving=len(batch),
                                        settles=len(batch)):
            return
        if lane.sender is None:
            lane.sender = self.new_sender()
        confirmed, failure, returned = self.publish(lane.sender, rows)
        if failure is None and not returned:
            backend.outbox.tally.done(len(batch))
            diversion.answered()
            return
        if failure is not None:
            diversion.failed(failure)
        # What came back unroutable goes behind what the outbox holds,
        # with the rest, in order.
        kept = set(map(id, returned))
        diversion.to_outbox([row for index, row in enumerate(rows)
                             if index >= confirmed or id(row) in kept],
                            resolving=len(batch), settles=len(batch))

    def publish(self, sender, rows, counter='sent', ahead=None):
        """Publish ``rows`` with ``sender`` (``ahead``: see
        the publishers' contract): ``(confirmed, failure or None,
        returned rows)``; counts the confirmed ones that reached a queue
        in ``counter`` (``unconfirmed`` for a transport that confirms
        nothing) and the returned ones in ``unroutable``, logged once per
        burst with their routing keys."""
        backend = self.backend
        in_doubt = 0
        try:
            returned = sender.publish(rows, ahead=ahead) or []
            confirmed, failure = len(rows), None
        except publishers.PublishError as exc:
            confirmed, returned = exc.confirmed, exc.returned
            in_doubt = exc.in_doubt
            failure = publishers.bare(exc.cause)
        if backend.guarantee == 'at-most-once' and counter == 'sent':
            counter = 'unconfirmed'
        first_failures = self.tried(rows[confirmed:])
        with backend.count_lock:
            counters = backend.counters
            counters[counter] += confirmed - len(returned)
            counters['unroutable'] += len(returned)
            # each message without its confirm, once however many tries
            counters['failed'] += first_failures
            # written without a confirm: the broker may hold them, and the
            # replay sends them again
            counters['replay_duplicates_possible'] += in_doubt
        if returned:
            keys = sorted({row.routing_key for row in returned})
            self.unroutable_log.record(
                'the broker returned %d message(s) with routing key(s) %s '
                'on exchange %s: no queue is bound to them; kept in the '
                'outbox and published again after declaring the default '
                'queue of each key' % (len(returned), ', '.join(keys),
                                       self.plan.exchange), len(returned))
        return confirmed, failure, returned

    def tried(self, rows):
        """``rows`` were published without a confirm: count the try in
        each (in the outbox for rows read from it); how many had never
        been tried before."""
        stored = [row for row in rows if row.id is not None]
        first = 0
        if stored:
            try:
                first = self.backend.outbox.tried(stored)
            except Exception as exc:
                self.backend.diversion.outbox_failed(exc)
                first = sum(row.tries == 0 for row in stored)
        for row in rows:
            if row.id is None:
                first += row.tries == 0
                row.tries += 1
        return first

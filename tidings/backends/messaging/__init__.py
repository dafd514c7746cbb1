"""The messaging backend: notifications on the message bus, never lost.

The caller only appends the notification to a bounded in-memory queue
(one per sender thread; a publisher always uses the same one, so its
order is kept).  A sender thread publishes what is queued with publisher
confirms, through the publisher plugin its plan names.  When the broker
cannot take a message -- an error, no confirm within ``publish_timeout``
-- the message goes to the durable outbox and a replay thread checks the
broker in the background, then replays the outbox in order, deleting
each row only once confirmed (at-least-once, same message_id).  While
the outbox holds anything, new notifications go behind it, so a
publisher's order survives an outage.  A killed process's outbox rows
are taken over by the next one, and what it held in memory is reported.

The broker going away is reported once, naming ``[backend_messaging]
transport_url`` (password masked), and its return once; in between the
outbox keeps everything.  Counters count wire messages (a notification in
format ``both`` makes two per topic).

The package, in the order a newcomer reads it:

- :mod:`~tidings.backends.messaging.backend` -- :class:`MessagingBackend`:
  the caller's side (``send``: a bounded queue per sender thread, the
  overflow queue), ``flush``, ``close``, ``stats``, and the wiring of
  the components below, each a class holding the backend;
- :mod:`~tidings.backends.messaging.lanes` -- the sender threads
  (``Senders``, a ``Lane`` each: a
  :class:`tidings.backends.workers.Worker`, the worker loop every queued
  backend shares, and its publisher), publishing and what a publish
  counts (``sent``, ``failed``, ``unroutable``...);
- :mod:`~tidings.backends.messaging.diversion` -- the way to the outbox
  (``Diversion``): a batch behind the outbox while it is in use, what the
  broker did not confirm, the overflow thread's writes, the rows the
  replay may take; and the delivery state with the events that move it,
  each change logged once;
- :mod:`~tidings.backends.messaging.states` -- the delivery states
  (normal, diverting, draining, blocked) and the events that move them,
  one table, drawn in the architecture guide;
- :mod:`~tidings.backends.messaging.ledger` -- the crash ledger
  (``Ledger``): what this process holds in memory, recorded in the
  outbox; taking over the rows of processes that are gone and reporting
  what they lost; saving what is queued at interpreter exit;
- :mod:`~tidings.backends.messaging.tally` -- the same figure kept exact
  on every call, in a file mapping beside the outbox that outlives a
  ``kill -9``;
- :mod:`~tidings.backends.messaging.replay` -- the replay thread: the
  outbox back to the broker, in order;
- :mod:`~tidings.backends.messaging.plan` -- the configuration, read: the
  startup checks (``tidings config validate`` runs them), and from the
  configuration to a publisher: which one
  (:func:`~tidings.backends.messaging.plan.plan_sender`), with what
  arguments, what it guarantees, what the operator should know; why a
  broker refused, in operator words;
- :mod:`~tidings.backends.messaging.publishers` -- the publisher contract
  (``probe``, ``publish``, ``close``, ``guarantee``) and its errors; the
  publishers themselves are stevedore plugins in
  ``tidings.messaging.publishers``:
  :mod:`~tidings.backends.messaging.publishers.rabbit` (pipelined
  publisher confirms over py-amqp) and
  :mod:`~tidings.backends.messaging.publishers.oslo` (any oslo.messaging
  transport);
- :mod:`~tidings.backends.messaging.outbox` -- the durable outbox, shared
  by processes, each owning its slot;
- :mod:`~tidings.backends.messaging.hooks` -- every private attribute of
  py-amqp and oslo.messaging tidings uses, in one module, with the checks
  that they still exist.

Outside the package, only what is imported here is used: the stevedore
entry point ``messaging = tidings.backends.messaging:MessagingBackend``
and :data:`GROUP`, :func:`mask_transport_url`.
"""

from tidings.backends.messaging.backend import GROUP
from tidings.backends.messaging.backend import mask_transport_url
from tidings.backends.messaging.backend import MessagingBackend

__all__ = ['GROUP', 'MessagingBackend', 'mask_transport_url']

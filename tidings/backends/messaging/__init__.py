"""The messaging backend: notifications on the message bus, never lost.

The package, in the order a newcomer reads it:

- :mod:`~tidings.backends.messaging.backend` -- :class:`MessagingBackend`:
  the caller's side (a bounded queue per sender thread), the sender
  threads and the overflow thread (each a
  :class:`tidings.backends.workers.Worker`, the worker loop every queued
  backend shares), the outbox ledger of what a killed process held;
- :mod:`~tidings.backends.messaging.states` -- the delivery states
  (normal, diverting, draining, blocked) and the events that move them,
  one table, drawn in the architecture guide; the backend logs each
  change once;
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
- :mod:`~tidings.backends.messaging.replay` -- the replay thread: the
  outbox back to the broker, in order;
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

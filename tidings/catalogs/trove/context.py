"""Carry a pending dbaas notification across processes in the request
context, and the conductor that emits it for a guest.

The spec's flow:

- the API process starts the action (``.start``) and attaches it to the
  request context it sends over RPC (:func:`attach`);
- the task manager resumes it from the context it received
  (:func:`resume`) and emits ``.end`` or ``.error`` itself;
- a guest agent, which may not reach the notification bus, hands the
  context to the conductor through a :class:`ConductorClient` (an
  oslo.messaging RPC cast or call); the :class:`Conductor` endpoint resumes
  the action and emits ``.end`` or ``.error`` with server_type
  ``conductor``.

A context without a pending notification (an old API during an upgrade)
makes :func:`resume` return None and the conductor emit nothing, as the
spec asks.  The context is a plain dict (oslo.context's ``to_dict()``, or
the RPC ``ctxt``); the pending notification is JSON under
:data:`CONTEXT_KEY`.
"""

import traceback

import oslo_messaging

from tidings.catalogs.trove import actions
from tidings.notifications import lifecycle
from tidings.objects import errors

#: The key of the pending notification in the request context dict.
CONTEXT_KEY = lifecycle.WIRE_KEY
#: The oslo.messaging endpoint namespace and version of the conductor.
RPC_NAMESPACE = 'tidings_trove'
RPC_VERSION = '1.0'


def attach(context, action):
    """Put ``action`` (started) into ``context`` (a dict); returns it."""
    data = action.to_dict()
    data.pop('context', None)
    context[CONTEXT_KEY] = data
    return context


def pending(context):
    """The serialised pending notification in ``context``, or None."""
    if not context:
        return None
    return context.get(CONTEXT_KEY)


def without_pending(context):
    """A copy of ``context`` without the pending notification."""
    return {k: v for k, v in (context or {}).items() if k != CONTEXT_KEY}


def resume(notifier, context, server_type='task', server_ip=None):
    """The :class:`~tidings.catalogs.trove.actions.Action` pending in
    ``context``, ready for ``end()``/``error()`` from this process; None
    when the context carries none.

    ``server_type`` and ``server_ip`` name this process in the end and
    error payloads; ``server_ip`` defaults to the notifier's publisher
    host.
    """
    data = pending(context)
    if data is None:
        return None
    action = actions.Action.from_dict(notifier, data)
    action.context = without_pending(context)
    action.server_type = server_type
    action.server_ip = server_ip or notifier.publisher.host
    return action


def format_exc_info(exc_info):
    """``(message, exception)`` traits from ``sys.exc_info()``: the
    message and the formatted stack trace."""
    etype, value, trace = exc_info
    return (str(value), ''.join(traceback.format_exception(etype, value,
                                                           trace)))


class Conductor:
    """The conductor's RPC endpoint: emits what a guest hands over.

    Also usable without RPC: call the methods with the context dict.
    Both return the message_id of the emitted notification, or None when
    nothing was emitted (no pending notification, or filtered out).
    """

    target = oslo_messaging.Target(namespace=RPC_NAMESPACE,
                                   version=RPC_VERSION)

    def __init__(self, notifier, server_ip=None):
        self.notifier = notifier
        self.server_ip = server_ip

    def _resume(self, ctxt):
        return resume(self.notifier, ctxt, 'conductor', self.server_ip)

    def notify_end(self, ctxt, traits=None):
        """Emit the pending action's ``.end`` with its end traits."""
        action = self._resume(ctxt)
        if action is None:
            return None
        note = action.end(**(traits or {}))
        return note.message_id if note is not None else None

    def notify_exc_info(self, ctxt, message, exception, traits=None):
        """Emit the pending action's ``.error``.

        The spec's ``notify_exc_info(etype, value, trace)``: an exc_info
        tuple does not cross a process boundary, so the guest sends its
        message and formatted stack trace (:func:`format_exc_info`).
        """
        action = self._resume(ctxt)
        if action is None:
            return None
        values = dict(traits or {}, message=message, exception=exception)
        note = action.error(RemoteError(message), **values)
        return note.message_id if note is not None else None


class RemoteError(errors.TidingsError):
    """An exception raised in another process, known by its message."""


class ConductorClient:
    """The guest's side: hand the pending notification to the conductor.

    :param transport: an oslo.messaging RPC transport.
    :param topic: the conductor's RPC topic.
    :param wait: ``call`` (wait for the conductor to have emitted) instead
        of ``cast``.
    """

    def __init__(self, transport, topic, server=None, timeout=30,
                 wait=False):
        target = oslo_messaging.Target(topic=topic, server=server,
                                       namespace=RPC_NAMESPACE,
                                       version=RPC_VERSION)
        self.client = oslo_messaging.get_rpc_client(transport, target,
                                                    timeout=timeout)
        self.wait = wait

    def _send(self, context, method, **kwargs):
        if pending(context) is None:
            return None
        send = self.client.call if self.wait else self.client.cast
        return send(context, method, **kwargs)

    def notify_end(self, context, **traits):
        """Ask the conductor to emit ``.end`` (None when the context has
        no pending notification)."""
        return self._send(context, 'notify_end', traits=traits)

    def notify_exc_info(self, context, exc_info, **traits):
        """Ask the conductor to emit ``.error`` for ``sys.exc_info()``."""
        message, exception = format_exc_info(exc_info)
        return self._send(context, 'notify_exc_info', message=message,
                          exception=exception, traits=traits)


def conductor_server(transport, topic, conductor, server='conductor'):
    """An oslo.messaging RPC server serving ``conductor`` on ``topic``
    (threading executor); ``start()`` / ``stop()`` / ``wait()`` it."""
    target = oslo_messaging.Target(topic=topic, server=server)
    return oslo_messaging.get_rpc_server(transport, target, [conductor],
                                         executor='threading')

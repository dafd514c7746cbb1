"""``dbaas.<action>`` start/end/error notifications, as Trove emits them.

The API process builds an :class:`Action` from the request's base traits
and the action's start traits, and starts it (``.start``).  Whoever
finishes the work -- the API itself, the task manager, or the conductor
on behalf of a guest -- emits ``.end`` with the end traits or ``.error``
with the exception.  The end and error payloads keep tenant_id, client_ip
and request_id of the start (they correlate the three) and name the
emitting server (server_type, server_ip)::

    action = actions.action(notifier, 'instance_create', base,
                            name='orders-db', flavor='7', datastore='mysql')
    action.start()
    ...
    action.end(instance_id=instance.id)      # or action.error(exc)

Used as a context manager, the error is emitted when the block raises.
"""

from tidings.catalogs.trove import events
from tidings.catalogs.trove import payloads
from tidings.notifications import lifecycle
from tidings.objects import errors


class TraitError(errors.TidingsError, ValueError):
    """A trait given for an event is unknown or has a bad value; names the
    event, the payload, the trait and what is accepted."""

    def __init__(self, event_type, cause):
        self.event_type, self.cause = event_type, cause
        super().__init__('%s: %s' % (event_type, cause))


def build(definition, traits):
    """The payload of ``definition`` from ``traits`` (a dict), errors
    naming the event."""
    try:
        return definition.payload(**traits)
    except errors.TidingsError as exc:
        raise TraitError(definition.event_type_str, exc) from exc


def base_traits(tenant_id, request_id, client_ip, server_ip,
                server_type='api'):
    """The spec's ``dbaas_base_traits`` as a dict."""
    return {'tenant_id': tenant_id, 'client_ip': client_ip,
            'server_ip': server_ip, 'server_type': server_type,
            'request_id': request_id}


class Action(lifecycle.Lifecycle):
    """The start/end/error lifecycle of one dbaas action.

    ``server_type`` and ``server_ip`` name the process that emits the end
    or error (a resumed action carries the start's otherwise).
    """

    server_type = None
    server_ip = None

    def _finish_payload(self, phase, traits):
        definition = self.events[phase]
        start = self.payload
        values = {name: getattr(start, name)
                  for name in payloads.BASE_TRAITS
                  if start.obj_attr_is_set(name)}
        if self.server_type is not None:
            values['server_type'] = self.server_type
        if self.server_ip is not None:
            values['server_ip'] = self.server_ip
        values.update(traits)
        return build(definition, values)

    def end(self, payload=None, **traits):
        """Emit ``.end`` with the action's end traits."""
        if payload is None:
            def payload():
                return self._finish_payload('end', traits)
        return super().end(payload)

    def error(self, exc, payload=None, **traits):
        """Emit ``.error``: message and stack trace of ``exc``, plus the
        action's error traits (instance_create: instance_id)."""
        if payload is None:
            def payload():
                out = self._finish_payload('error', traits)
                if not out.obj_attr_is_set('message'):
                    out.set_exception(exc)
                return out
        return super().error(exc, payload)


def action(notifier, name, base, /, context=None, source=None, **traits):
    """An :class:`Action` for ``dbaas.<name>`` (not started yet).

    :param base: the base traits (:func:`base_traits`).
    :param traits: the start traits of the action; unknown ones or bad
        values raise :class:`TraitError` naming the event, a missing
        required one fails at ``start()`` naming the event and trait.
    """
    definition = events.EVENTS.find('dbaas.%s.start' % name)
    if definition is None:
        raise errors.UnknownEventError(
            name, events.ACTIONS, 'trove dbaas actions')
    payload = build(definition, dict(base, **traits))
    out = Action(notifier, definition, payload, context=context,
                 source=source)
    out.server_type = base.get('server_type')
    out.server_ip = base.get('server_ip')
    return out

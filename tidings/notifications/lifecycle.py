"""start / end / error around a long activity, in one process or across
several.

As a context manager::

    with notifier.lifecycle(EVENTS.EVENT_TYPE_TASK_TABLE_CREATE_START,
                            payload):
        create_table()

emits ``...start``, then ``...end`` (with the duration for StatsD timers) or
``...error`` with the exception described, and re-raises.  As a decorator::

    @emits_lifecycle(get_notifier, 'audit.strategy.start',
                     lambda audit, **kw: AuditActionPayload.from_audit(audit))
    def do_strategy(audit): ...

Across processes (the Trove pattern): the API process starts the
lifecycle and puts :meth:`Lifecycle.to_dict` into the request context; the
worker rebuilds it with :meth:`Lifecycle.from_dict` and ends it.
"""

import functools
import logging
import time

from tidings.notifications import payload as payload_mod
from tidings.notifications import registry as registry_mod
from tidings.objects import errors
from tidings.objects import introspect

WIRE_KEY = 'tidings_lifecycle'
LOG = logging.getLogger(__name__)


def http_status(exc, default=500):
    """The HTTP status an exception carries (``code``, ``status_code`` or
    ``status``, 100-599), else ``default``."""
    for attr in ('code', 'status_code', 'status'):
        value = getattr(exc, attr, None)
        if isinstance(value, int) and not isinstance(value, bool) and \
                100 <= value <= 599:
            return value
    return default


class Lifecycle:
    def __init__(self, notifier, event, payload, context=None, source=None,
                 error_payload=None, started_at=None):
        if not callable(getattr(notifier, 'resolve', None)):
            raise errors.ArgumentError(
                'Lifecycle notifier', notifier, 'a tidings Notifier')
        if error_payload is not None and not callable(error_payload):
            raise errors.ArgumentError(
                'Lifecycle error_payload', error_payload,
                'a callable (exception) -> payload, or None')
        if started_at is not None and (
                isinstance(started_at, bool)
                or not isinstance(started_at, (int, float))
                or not 0 <= started_at < float('inf')):
            raise errors.ArgumentError(
                'Lifecycle started_at', started_at,
                'a time.time() timestamp (finite seconds >= 0), or None')
        self.notifier = notifier
        definition = notifier.resolve(event)
        self.events = _phases(notifier, definition)
        self._payload = payload
        self.context = context
        self.source = source
        self.error_payload = error_payload
        self.started_at = started_at
        self.finished = False
        self.notifications = []

    # payload

    @property
    def payload(self):
        if not isinstance(self._payload, payload_mod.Payload) and \
                callable(self._payload):
            self._payload = payload_mod.call_factory(
                self._payload, self.events.get('start') or
                self.events.get('end') or self.events.get('error'))
        return self._payload

    def _emit(self, phase, payload, duration_ms=None, definition=None):
        definition = definition or self.events.get(phase)
        if definition is None:
            return None
        note = self.notifier.notify(definition, payload, self.context,
                                    source=self.source,
                                    duration_ms=duration_ms)
        if note is not None:
            self.notifications.append(note)
        return note

    def duration_ms(self):
        if self.started_at is None:
            return None
        return max(0.0, (time.time() - self.started_at) * 1000.0)

    # phases

    def start(self):
        self.started_at = time.time()
        definition = self.events.get('start')
        if definition is not None and self.notifier.is_enabled(
                definition, self.source):
            return self._emit('start', self.payload)
        return None

    def end(self, payload=None):
        self.finished = True
        definition = self.events.get('end')
        if definition is None or not self.notifier.is_enabled(
                definition, self.source):
            return None
        return self._emit('end', payload or self.payload, self.duration_ms())

    def error(self, exc, payload=None, status=None):
        """Emit ``.error`` for ``exc``.  When the catalog's error event has
        HTTP-status variants, ``status`` (else the exception's ``code`` /
        ``status_code`` / ``status`` attribute, else 500) picks one."""
        self.finished = True
        definition = self.events.get('error')
        if definition is not None and definition.status_variants and \
                definition.status is None:
            definition = definition.variant(status or http_status(exc))
        if definition is None or not self.notifier.is_enabled(
                definition, self.source):
            return None
        if payload is None:
            payload = self._error_payload(definition, exc)
        return self._emit('error', payload, self.duration_ms(), definition)

    def _error_payload(self, definition, exc):
        if self.error_payload is not None:
            return self.error_payload(exc)
        cls = definition.payload
        if issubclass(cls, payload_mod.ExceptionPayload):
            return self.notifier.exception_payload(exc, cls)
        base = self.payload
        if not isinstance(base, cls):
            raise errors.TidingsError(
                '%s: its payload class is %s but the lifecycle payload is a '
                '%s; pass error_payload=callable(exc)' % (
                    definition.name, cls.obj_name(), base.obj_name()))
        fault_field = _fault_field(cls)
        if fault_field is None:
            return base
        name, fault_cls = fault_field
        out = base.obj_clone()
        setattr(out, name, self.notifier.exception_payload(exc, fault_cls))
        return out

    def _name(self):
        found = self.events.get('error') or self.events.get('end') or \
            self.events.get('start')
        return found.name if found is not None else '?'

    # context manager

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.finished:
            return False
        if exc is not None:
            try:
                self.error(exc)
            except Exception:
                # The caller's exception matters more than the
                # notification about it: log ours, re-raise theirs.
                LOG.exception('could not emit the error notification of '
                              '%s for %r', self._name(), exc)
        else:
            self.end()
        return False

    # across processes

    def to_dict(self):
        """A JSON-able dict that :meth:`from_dict` turns back into this
        lifecycle in another process (sensitive fields stay masked, and
        the context is the notifier's redacted copy: no secret of it
        crosses to the other process)."""
        start = self.events.get('start') or self.events.get('end')
        return {
            'event': start.name,
            'catalog': start.catalog,
            'payload': self.payload.obj_to_primitive(),
            'started_at': self.started_at,
            'source': self.source,
            'context': self.notifier.redact_context(self.context),
        }

    @classmethod
    def from_dict(cls, notifier, data):
        if not isinstance(data, dict) or 'event' not in data or \
                'payload' not in data:
            raise errors.MalformedNotificationError(
                'lifecycle', 'expected a dict with event and payload, as '
                'Lifecycle.to_dict() writes; got %r' % (data,))
        event = data['event']
        if not isinstance(event, str):
            raise errors.MalformedNotificationError(
                'lifecycle', 'event %r is not a string (the constant name '
                'Lifecycle.to_dict() writes)' % (event,))
        definition = notifier.resolve(event)
        registry = definition.payload.OBJ_REGISTRY
        payload = registry.from_primitive(data['payload'])
        source = data.get('source')
        if source is not None and (not isinstance(source, str) or
                                   not source):
            raise errors.MalformedNotificationError(
                'lifecycle', 'source %r is not a non-empty string or None'
                % (source,))
        try:
            return cls(notifier, definition, payload,
                       context=data.get('context'), source=source,
                       started_at=data.get('started_at'))
        except errors.ArgumentError as exc:
            raise errors.MalformedNotificationError(
                'lifecycle', str(exc)) from None


def _phases(notifier, definition):
    for registry in notifier.registries:
        if registry.find(definition.name) is definition:
            return registry.lifecycle_events(definition)
    out = {}
    phase = definition.event_type.phase
    out[phase or 'end'] = definition
    return out


def _fault_field(cls):
    for name, field in cls.fields.items():
        obj_name = registry_mod.object_field_name(field)
        if obj_name is None or introspect.element_field(field):
            continue
        registry = cls.OBJ_REGISTRY
        if registry is not None and obj_name in registry:
            nested = registry.get(obj_name)
            if issubclass(nested, payload_mod.ExceptionPayload):
                return name, nested
    return None


def emits_lifecycle(notifier, event, payload, **kwargs):
    """Decorator: run the function inside ``notifier.lifecycle(event, ...)``.

    ``notifier`` is a Notifier or a callable returning one (looked up at
    call time).  ``payload`` is a payload, or a callable that receives the
    function's arguments and returns one.
    """
    if not (hasattr(notifier, 'notify') or callable(notifier)):
        raise errors.ArgumentError(
            'emits_lifecycle notifier', notifier,
            'a Notifier, or a callable returning one')
    if payload is not None and not isinstance(
            payload, payload_mod.Payload) and not callable(payload):
        raise errors.ArgumentError(
            'emits_lifecycle payload', payload,
            'a payload, or a callable taking the function\'s arguments and '
            'returning one')

    def decorator(func):
        if not callable(func):
            raise errors.ArgumentError(
                'emits_lifecycle', func, 'a function to decorate')

        @functools.wraps(func)
        def wrapper(*args, **kw):
            target = notifier if hasattr(notifier, 'notify') else notifier()
            if not hasattr(target, 'notify'):
                raise errors.ArgumentError(
                    'emits_lifecycle notifier() result', target,
                    'a Notifier')
            if isinstance(payload, payload_mod.Payload) or \
                    not callable(payload):
                factory = payload
            else:
                def factory():
                    return payload(*args, **kw)
            with Lifecycle(target, event, factory, **kwargs):
                return func(*args, **kw)
        return wrapper
    return decorator

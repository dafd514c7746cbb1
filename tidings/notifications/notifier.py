"""The Notifier: one entry point for every event, every backend.

``notify(event, payload_or_factory, context=None)``:

1. resolve the event in the registries (definition, constant or type);
2. apply the filters from conf -- level threshold, include/exclude sources,
   disabled events -- before any payload is built; the routing decision is
   cached per (event, source), so a filtered-out event costs a dict lookup;
3. build the payload (a factory is called only now), check it, wrap it in a
   :class:`Notification` and serialise it once (errors reach the caller);
4. hand it to each backend whose mechanism the event asks for.  A backend
   that raises is counted and logged once per burst; the others go on.
"""

import collections
import fnmatch
import itertools
import logging
import socket
import threading

from stevedore import driver

from tidings import backends as backends_mod
from tidings import burstlog
from tidings import conf as tidings_conf
from tidings.backends import base as backend_base
from tidings.notifications import context as context_mod
from tidings.notifications import notification as notification_mod
from tidings.notifications import payload as payload_mod
from tidings.notifications import publisher as publisher_mod
from tidings.notifications import registry as registry_mod
from tidings.objects import errors
from tidings.objects import fields

LOG = logging.getLogger(__name__)
_NOBODY = ()


class Route:
    """Where an (event, source, status) goes, worked out once and cached:
    the event's definition, the source the filters saw, the backends that
    deliver it (empty: filtered out), the publisher to stamp and the wire
    priority (None: the level's own)."""

    __slots__ = ('definition', 'source', 'targets', 'publisher', 'priority')

    def __init__(self, definition, source, targets, publisher,
                 priority=None):
        self.definition = definition
        self.source = source
        self.targets = targets
        self.publisher = publisher
        self.priority = priority

    def __repr__(self):
        return '<Route %s from %s to %s>' % (
            self.definition.event_type_str, self.source,
            ', '.join(b.name for b in self.targets) or 'nowhere')


class Notifier(backend_base.CloseOnce):
    """Deliver events of the given registries through configured backends.

    :param conf: an oslo.config ``ConfigOpts``; tidings registers its
        options on it and validates them now.  None uses the defaults.
    :param registries: the :class:`EventRegistry` objects (catalogs) whose
        events this notifier emits; a single registry is accepted.
    :param source: the default source (publisher source) of this service,
        e.g. ``'magnetodb-api'``; ``[notifications] publisher_source``
        overrides it.
    :param backends: backend instances to use instead of loading
        ``[notifications] backends`` (handy in tests).
    :param clock: a callable returning the naive UTC ``datetime`` stamped
        on each notification (default: now); with ``id_factory`` it makes
        notifications reproducible, as :mod:`tidings.samples` needs.
    :param id_factory: a callable ``(definition) -> str`` giving each
        notification's ``message_id`` (default: a random uuid4).
    """

    #: Routing decisions kept per (event, source) before the oldest
    #: quarter is forgotten: bounded memory whatever callers pass.  The
    #: HTTP statuses of an (event, source) live in one small table under
    #: its entry (at most the 500 valid statuses), so 22 error events
    #: answering 500 statuses are 22 entries, not 11,000.
    ROUTE_CACHE_SIZE = 4096

    def __init__(self, conf=None, registries=(), source=None, host=None,
                 backends=None, clock=None, id_factory=None):
        if conf is None:
            conf = tidings_conf.new_conf()
        else:
            tidings_conf.register_opts(conf)
        # The startup check is tidings config validate's: every problem
        # (options, files, pins, the backends to load) in one ConfigErrors.
        tidings_conf.validate(conf, registries=registries,
                              backends=backends is None)
        self.conf = conf
        notif = conf.notifications
        self.registries = _check_registries(registries)
        _check_text('Notifier source', source, 'e.g. "magnetodb-api"')
        _check_text('Notifier host', host, 'e.g. "controller-1"')
        _check_callable('Notifier clock', clock,
                        'returning the datetime of each notification')
        _check_callable('Notifier id_factory', id_factory,
                        '(definition) -> message_id str')
        self.publisher = publisher_mod.Publisher(
            notif.publisher_source or source or 'tidings',
            notif.publisher_host or host or socket.gethostname(),
            notif.publisher_id_format)
        self._threshold = fields.LEVEL_RANK[fields.normalize_level(
            notif.level)]
        #: ``{level: priority}``: the levels sent with another priority.
        self.wire_priorities = tidings_conf.wire_priorities(
            notif.wire_priorities)
        self._include = frozenset(notif.include_sources)
        self._exclude = frozenset(notif.exclude_sources)
        self._disabled = tuple(notif.disabled_events)
        fmt = notif.notification_format
        self.formats = ((notification_mod.VERSIONED,
                         notification_mod.UNVERSIONED) if fmt == 'both'
                        else (fmt,))
        self.include_traceback = notif.include_traceback
        #: Turns a request context into the redacted dict every backend
        #: gets (see :mod:`tidings.notifications.context`).
        self.redact_context = context_mod.Redactor(
            notif.redact_context_keys)
        self.pins = self._resolve_pins(notif.pin_versions)
        if backends is None:
            backends = [self._load_backend(name) for name in notif.backends]
        self.backends = _check_backends(backends)
        warning = backends_mod.unserved_warning(
            backends_mod.unserved([d for r in self.registries for d in r],
                                  [b.mechanisms for b in self.backends]),
            [b.name for b in self.backends])
        if warning:
            LOG.warning('%s', warning)
        for backend in self.backends:
            backend.bind(self)
        self._routes = {}            # (event, source) -> Route
        self._status_routes = {}     # (event, source) -> {status: Route}
        self.failures = collections.Counter()
        self._failure_logs = {
            b.name: burstlog.BurstLog(
                LOG, 'backend %s raised while sending' % b.name)
            for b in self.backends}
        self._lock = threading.Lock()
        self.clock = clock
        self.id_factory = id_factory
        self.closed = False

    # setup

    def _load_backend(self, name):
        try:
            mgr = driver.DriverManager(
                tidings_conf.BACKEND_NAMESPACE, name, invoke_on_load=True,
                invoke_args=(self.conf,), invoke_kwds={'name': name})
        except errors.TidingsError:
            raise
        except Exception as exc:
            cause = exc.__cause__ or exc
            if isinstance(cause, errors.TidingsError):
                raise cause from None
            raise errors.ConfigError(
                'notifications', 'backends', name,
                'backend failed to load: %s: %s' % (type(cause).__name__,
                                                    cause)) from exc
        return mgr.driver

    def payload_classes(self):
        seen = {}
        for registry in self.registries:
            for cls in registry.payload_classes():
                seen[(cls.OBJ_PROJECT_NAMESPACE, cls.obj_name())] = cls
        return seen

    def _resolve_pins(self, pins):
        """``{payload class: PinnedVersion}``: each pin with the downgrade
        the owning catalog's lock file allows (see
        :func:`tidings.conf.resolve_pins`)."""
        if not pins:
            return {}
        resolved, problems = tidings_conf.resolve_pins(pins,
                                                       self.registries)
        if problems:
            raise problems[0]
        return resolved

    # routing

    def resolve(self, event, status=None):
        """The EventDefinition for a definition, constant or event type."""
        if isinstance(event, registry_mod.EventDefinition):
            if status is not None and event.status is None:
                return event.variant(status)
            return event
        for registry in self.registries:
            found = registry.find(event, status)
            if found is not None:
                return found
        known = sorted(n for r in self.registries for n in r.names())
        raise errors.UnknownEventError(
            event, known, 'catalogs ' + ', '.join(
                r.name for r in self.registries) if self.registries
            else 'a notifier with no catalogs')

    def _route(self, event, source, status):
        # Checked here, once per (event, source, status): notify() finds
        # the route of a good key in the cache and pays nothing for it.
        _check_text('notify() source', source, 'e.g. "magnetodb-api"')
        _check_status(status)
        definition = self.resolve(event, status)
        if isinstance(event, registry_mod.EventDefinition):
            self._check_known(definition)
        if definition.status_variants and definition.status is None:
            raise errors.UnknownEventError(
                definition.name + '_<status>', [definition.name + '_404'],
                'HTTP-status events (pass status=404, or use the '
                '_404 constant)')
        src = source or definition.source or self.publisher.source
        publisher = (self.publisher if src == self.publisher.source
                     else self.publisher.with_source(src))
        return Route(definition, src, tuple(self._targets(definition, src)),
                     publisher, self.wire_priorities.get(definition.level))

    def _targets(self, definition, source):
        if definition.removed:
            return
        if fields.LEVEL_RANK[definition.level] < self._threshold:
            return
        if self._include and source not in self._include:
            return
        if source in self._exclude:
            return
        for pattern in self._disabled:
            if (fnmatch.fnmatchcase(definition.name, pattern)
                    or fnmatch.fnmatchcase(definition.event_type_str,
                                           pattern)
                    or (definition.template is not None and (
                        fnmatch.fnmatchcase(definition.template.name,
                                            pattern)
                        or fnmatch.fnmatchcase(
                            definition.template.event_type_str,
                            pattern)))):
                return
        for backend in self.backends:
            if backend.accepts(definition):
                yield backend

    def _check_known(self, definition):
        """A definition handed to a notifier with catalogs must be one of
        theirs: a notifier emits the events of the catalogs it was given
        (a notifier built with none takes any definition)."""
        if not self.registries:
            return
        wanted = definition.template or definition
        for registry in self.registries:
            if registry.find(wanted.name) is wanted:
                return
        raise errors.UnknownEventError(
            '%s (%s, of catalog %s)' % (wanted.name, wanted.event_type_str,
                                        wanted.catalog),
            sorted(n for r in self.registries for n in r.names()),
            'catalogs ' + ', '.join(r.name for r in self.registries))

    def route(self, event, source=None, status=None):
        key = (event, source)
        try:
            if status is None:
                route = self._routes.get(key)
            else:
                by_status = self._status_routes.get(key)
                route = None if by_status is None else by_status.get(status)
        except TypeError:
            raise _unhashable(event, source, status) from None
        if route is None:
            route = self._route(event, source, status)  # checks all three
            with self._lock:    # one writer: eviction iterates the cache
                if status is None:
                    self._remember(self._routes, key, route)
                else:
                    by_status = self._status_routes.get(key)
                    if by_status is None:
                        by_status = self._remember(self._status_routes,
                                                   key, {})
                    by_status[status] = route
        return route

    def _remember(self, cache, key, value):
        if len(cache) >= self.ROUTE_CACHE_SIZE:
            # Forget the oldest quarter (dicts keep insertion order): a
            # working set just past the size costs a few misses, never a
            # miss on every call as clearing the whole cache did.
            for old in list(itertools.islice(cache, len(cache) // 4 or 1)):
                del cache[old]
        cache[key] = value
        return value

    def is_enabled(self, event, source=None, status=None):
        """True when some backend would deliver ``event``."""
        return bool(self.route(event, source, status).targets)

    # emitting

    def notify(self, event, payload, context=None, source=None,
               status=None, duration_ms=None, publisher=None):
        """Emit ``event`` with ``payload`` (an object or a factory).

        ``context`` is the request context: None, a dict, or an object
        such as oslo.context's ``RequestContext``; backends get a redacted
        copy (:mod:`tidings.notifications.context`), never the caller's.

        Returns the Notification, or None when nothing delivers the event
        (then a factory is never called).  Raises a TidingsError for bad
        input: unknown event, a payload of the wrong class or with a
        required field unset, a payload that cannot be serialised, a
        context that cannot be carried as JSON (ContextError), an
        argument out of range (ArgumentError: ``status`` an HTTP status
        100-599, ``duration_ms`` finite and >= 0, ``source`` a non-empty
        string, ``publisher`` a Publisher), a factory that raised
        (PayloadFactoryError, the original chained).  Backend failures
        never reach the caller.
        """
        try:
            if status is None:
                route = self._routes.get((event, source))
            else:
                by_status = self._status_routes.get((event, source))
                route = None if by_status is None else by_status.get(status)
        except TypeError:
            raise _unhashable(event, source, status) from None
        if route is None:
            route = self.route(event, source, status)
        targets = route.targets
        if not targets or self.closed:
            return None
        definition = route.definition
        if duration_ms is not None:
            _check_duration(duration_ms)
        if publisher is not None and not isinstance(
                publisher, publisher_mod.Publisher):
            raise errors.ArgumentError(
                'notify() publisher', publisher,
                'a tidings Publisher, or None for the notifier\'s own')
        if not isinstance(payload, payload_mod.Payload):
            if callable(payload):
                payload = payload_mod.call_factory(payload, definition)
            if not isinstance(payload, definition.payload):
                raise errors.TidingsError(
                    '%s: payload %r is not a %s (the payload class of %s)' % (
                        definition.name, payload,
                        definition.payload.obj_name(),
                        definition.event_type_str))
        elif not isinstance(payload, definition.payload):
            raise errors.TidingsError(
                '%s: payload is a %s; expected a %s' % (
                    definition.name, payload.obj_name(),
                    definition.payload.obj_name()))
        try:
            payload.check_complete()
        except errors.MissingFieldError as exc:
            if exc.event:
                raise
            raise errors.MissingFieldError(
                exc.payload, exc.fields, definition.event_type_str) from None
        if context is not None:
            # Once, on the caller's thread, before any backend sees it:
            # no secret of the context leaves the process.
            context = self.redact_context(context)
        note = notification_mod.Notification(
            definition, payload, publisher or route.publisher,
            context=context, source=route.source, duration_ms=duration_ms,
            target_version=self.pins.get(type(payload)) if self.pins
            else None,
            formats=self.formats,
            message_id=self.id_factory and self.id_factory(definition),
            created=self.clock and self.clock(),
            priority=route.priority)
        note.prepare()
        for backend in targets:
            try:
                backend.send(note)
            except Exception as exc:
                with self._lock:
                    self.failures[backend.name] += 1
                self._failure_logs[backend.name].record(
                    '%s: %s' % (type(exc).__name__, exc))
        return note

    def exception_payload(self, exc, cls=None):
        """An ExceptionPayload for ``exc``, honouring include_traceback."""
        cls = cls or payload_mod.ExceptionPayload
        return cls.from_exception(exc, self.include_traceback)

    def lifecycle(self, event, payload, context=None, **kwargs):
        """A start/end/error context manager around ``event``."""
        from tidings.notifications import lifecycle
        return lifecycle.Lifecycle(self, event, payload, context=context,
                                   **kwargs)

    # shutdown and health

    def flush(self, timeout=None):
        """Wait until every backend delivered what it holds."""
        ok = True
        for backend in self.backends:
            try:
                ok = backend.flush(timeout) and ok
            except Exception:
                LOG.exception('flush of backend %s failed', backend.name)
                ok = False
        for log in self._failure_logs.values():
            log.summary()
        return ok

    def _shutdown(self, timeout):
        for backend in self.backends:
            try:
                backend.close()
            except Exception:
                LOG.exception('close of backend %s failed', backend.name)

    def stats(self):
        """Counters per backend, plus ``notifier_failures``."""
        out = {b.name: b.stats() for b in self.backends}
        for name, count in self.failures.items():
            out.setdefault(name, {})['notifier_failures'] = count
        return out

    def backend(self, name):
        for backend in self.backends:
            if backend.name == name:
                return backend
        raise LookupError('no backend %r; configured: %s' % (
            name, ', '.join(b.name for b in self.backends)))

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


# argument checks (TidingsError naming the argument, the value and what is
# accepted); on the constructor, or on notify()'s uncached route path

def _check_registries(registries):
    if isinstance(registries, registry_mod.EventRegistry):
        return [registries]
    return _check_list(
        'Notifier registries', registries,
        'an EventRegistry (catalog) or a list of them',
        registry_mod.EventRegistry,
        'an EventRegistry (catalog), e.g. tidings.catalogs.load(name)')


def _check_backends(backends):
    out = _check_list(
        'Notifier backends', backends,
        'a list of Backend instances, or None to load [notifications] '
        'backends',
        backend_base.Backend, 'a tidings.backends.base.Backend instance')
    for backend in out:
        if backend.mechanisms is not None and not backend.mechanisms:
            raise errors.ArgumentError(
                'backend %s mechanisms' % backend.name, backend.mechanisms,
                'the delivery mechanisms it serves, e.g. '
                "frozenset(['messaging']) (a backend that declares none "
                'would never receive an event), or None for a tap that '
                'takes every event')
    return out


def _check_list(what, values, accepted, item_type, item_accepted):
    """``values`` as a list of ``item_type``; a string or mapping (never
    meant as a list) or an item of another type is refused, naming it."""
    if isinstance(values, (str, bytes, dict)) or not hasattr(
            values, '__iter__'):
        raise errors.ArgumentError(what, values, accepted)
    out = list(values)
    for index, value in enumerate(out):
        if not isinstance(value, item_type):
            raise errors.ArgumentError('%s[%d]' % (what, index), value,
                                       item_accepted)
    return out


def _check_text(what, value, example):
    if value is not None and (not isinstance(value, str) or not value):
        raise errors.ArgumentError(what, value,
                                   'a non-empty string, %s, or None' % example)


def _check_callable(what, value, shape):
    if value is not None and not callable(value):
        raise errors.ArgumentError(what, value,
                                   'a callable %s, or None' % shape)


def _check_status(status):
    if status is None:
        return
    if isinstance(status, str) and status.isdigit() and status.isascii() \
            and status == str(int(status)):
        number = int(status)
    elif isinstance(status, int) and not isinstance(status, bool):
        number = status
    else:
        number = None
    if number is None or not 100 <= number <= 599:
        raise errors.ArgumentError(
            'notify() status', status,
            'an HTTP status from 100 to 599 (e.g. 404), for an event with '
            'HTTP-status variants, or None')


def _check_duration(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)) or \
            not 0 <= value < float('inf'):
        raise errors.ArgumentError(
            'notify() duration_ms', value,
            'a finite number of milliseconds >= 0, or None')


def _unhashable(event, source, status):
    for what, value, accepted in (
            ('event', event, 'an EventDefinition, its constant name or its '
             'event type'),
            ('source', source, 'a non-empty string or None'),
            ('status', status, 'an HTTP status from 100 to 599 or None')):
        try:
            hash(value)
        except TypeError:
            return errors.ArgumentError('notify() ' + what, value, accepted)
    return errors.TidingsError('notify(): unhashable arguments %r' % (
        (event, source, status),))

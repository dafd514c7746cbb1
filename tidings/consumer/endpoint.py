"""A base endpoint for oslo.messaging notification listeners.

Subclass it, write one method per event type, and give an instance to
``oslo_messaging.get_notification_listener``::

    class AuditEndpoint(NotificationEndpoint):
        def on_audit_create(self, payload, meta):
            print(payload.uuid, meta.publisher_id)

    endpoint = AuditEndpoint(['watcher'], dedup=MemoryDeduplicator())
    server = oslo_messaging.get_notification_listener(
        transport, [oslo_messaging.Target(topic='versioned_notifications')],
        [endpoint], executor='threading')

Handler names: ``on_`` and the event type with every ``.`` and ``-``
turned into ``_`` (``audit.create`` -> ``on_audit_create``).  Looked up in
this order, the first that exists wins:

1. ``on_<catalog>__<event>``: the catalog name, two underscores, the event
   (``on_watcher__audit_create``), for a consumer of several catalogs
   whose event types could meet;
2. ``on_<event>``;
3. for an HTTP status variant (``....error.404``), the same two names
   without the status (``on_..._error``): one handler for every status;
4. ``on_event(payload, meta)``, the catch-all (not defined here).

A message with no handler is acknowledged and counted (``unhandled``),
not decoded.

What comes back to oslo.messaging:

- ``HANDLED`` for a handled message, a duplicate, a filtered one, one
  with no handler, and one that cannot be decoded (an unknown event type,
  another major version, a malformed payload): redelivering a message
  that cannot be read would only bring it back forever.  Each such
  problem is logged once per burst and kind (see :mod:`tidings.burstlog`)
  and counted in :attr:`stats`;
- when a handler raises: ``HANDLED`` by default (the error is logged and
  counted, the listener goes on); with ``requeue_errors = True`` on the
  class, ``REQUEUE`` so the broker delivers it again (for handlers whose
  failures are transient, a database being down; the listener must then
  be created with ``allow_requeue=True``).  Either way the message's
  de-duplication claim is released, so a redelivery is handled.

Nothing a message carries stops the listener: every exception of
decoding or handling is caught here.

``filter_rule`` (an ``oslo_messaging.NotificationFilter``, as a class
attribute or given to the constructor) is applied by oslo.messaging's
dispatcher, and again here for messages given directly to
:meth:`dispatch`.
"""

import collections
import logging
import re
import threading

from tidings import burstlog
from tidings.consumer import decoder as decoder_mod
from tidings.objects import errors

LOG = logging.getLogger(__name__)

#: The priorities oslo.messaging dispatches to, each a method here.
PRIORITIES = ('audit', 'debug', 'info', 'warn', 'error', 'critical',
              'sample')
#: oslo.messaging's NotificationResult values (the strings, so this
#: module does not import oslo.messaging).
HANDLED = 'handled'
REQUEUE = 'requeue'
_SEPARATORS = re.compile(r'[.\-]')
_STATUS = re.compile(r'\.[1-5]\d\d$')
#: Event types whose handler lookup is remembered, at most.
CACHE_SIZE = 4096


def handler_name(event_type, catalog=None):
    """``on_<event>`` (``on_<catalog>__<event>`` with a catalog) for
    ``event_type``: dots and dashes become underscores."""
    name = _SEPARATORS.sub('_', event_type)
    if catalog:
        return 'on_%s__%s' % (_SEPARATORS.sub('_', catalog), name)
    return 'on_' + name


def handler_names(event_type, catalog=None):
    """Every method name tried for ``event_type``, in lookup order."""
    types = [event_type]
    if _STATUS.search(event_type):
        types.append(_STATUS.sub('', event_type))
    out = []
    for one in types:
        if catalog:
            out.append(handler_name(one, catalog))
        out.append(handler_name(one))
    out.append('on_event')
    return out


def _entry_point(priority):
    """oslo.messaging's entry point for ``priority``: its dispatcher
    calls the endpoint method named after the message's priority, and
    every priority is handled alike, so one factory makes them all."""
    def entry_point(self, ctxt, publisher_id, event_type, payload,
                    metadata):
        return self.dispatch(ctxt, publisher_id, event_type, payload,
                             metadata, priority)
    entry_point.__name__ = priority
    entry_point.__qualname__ = 'NotificationEndpoint.' + priority
    entry_point.__doc__ = ('oslo.messaging\'s entry point for %r '
                           'notifications: :meth:`dispatch`.' % priority)
    return entry_point


class NotificationEndpoint:
    """Dispatch received notifications by event type to ``on_*`` methods
    receiving the decoded payload and its :class:`~tidings.consumer.
    decoder.Meta`.

    :param registries: the catalogs to decode with (EventRegistry objects
        or names; default: as :class:`~tidings.consumer.decoder.Decoder`).
    :param decoder: a Decoder to use instead (``registries``,
        ``validate`` and ``invalid`` are then its own).
    :param dedup: a de-duplicator (:mod:`tidings.consumer.dedup`) or None.
    :param validate: validate against the lock file's schemas;
        ``invalid='raise'`` makes a message that fails not handled.
    :param filter_rule: an oslo_messaging.NotificationFilter.
    :param quiet: seconds a repeated problem of one kind stays quiet in
        the log after its first report.
    """

    filter_rule = None
    requeue_errors = False

    def __init__(self, registries=None, decoder=None, dedup=None,
                 validate=False, invalid='report', filter_rule=None,
                 quiet=30.0):
        self.decoder = decoder or decoder_mod.Decoder(
            registries, validate=validate, invalid=invalid)
        self.dedup = dedup
        if filter_rule is not None:
            self.filter_rule = filter_rule
        self.quiet = quiet
        #: ``handled``, ``duplicates``, ``filtered``, ``unhandled``,
        #: ``undecodable``, ``handler_errors``, ``dedup_errors``.
        self.stats = collections.Counter()
        self._bursts = {}
        self._handlers = {}
        self._lock = threading.Lock()

    # dispatching

    def handler_for(self, event_type):
        """The bound handler method of ``event_type``, or None."""
        if not isinstance(event_type, str):
            return None
        name = self._handlers.get(event_type, False)
        if name is False:
            definition = self.decoder.definition(event_type)
            name = next((n for n in handler_names(
                event_type, definition and definition.catalog)
                if callable(getattr(self, n, None))), None)
            with self._lock:
                if len(self._handlers) >= CACHE_SIZE:
                    self._handlers.clear()
                self._handlers[event_type] = name
        return getattr(self, name) if name else None

    def dispatch_wire(self, message, context=None):
        """Handle a wire message (a dict as tidings sends it)."""
        if not isinstance(message, dict):
            self._problem('undecodable', 'not a message', 'expected a JSON '
                          'object, got %s' % errors.value_repr(message, 80))
            return HANDLED
        return self.dispatch(
            context, message.get('publisher_id'), message.get('event_type'),
            message.get('payload'), {'message_id': message.get('message_id'),
                                     'timestamp': message.get('timestamp')},
            message.get('priority'))

    def dispatch(self, ctxt, publisher_id, event_type, payload, metadata,
                 priority=None):
        """Decode one message, skip a duplicate, call its handler; never
        raises.  Returns ``handled`` or ``requeue``."""
        try:
            return self._dispatch(ctxt, publisher_id, event_type, payload,
                                  metadata, priority)
        except Exception as exc:  # the listener must go on
            self._problem('internal error', type(exc).__name__, str(exc),
                          exc_info=True)
            return HANDLED

    def _dispatch(self, ctxt, publisher_id, event_type, payload, metadata,
                  priority):
        rule = self.filter_rule
        if rule is not None and not rule.match(ctxt, publisher_id,
                                               event_type, metadata,
                                               payload):
            self._count('filtered')
            return HANDLED
        handler = self.handler_for(event_type)
        if handler is None:
            self._count('unhandled')
            return HANDLED
        try:
            payload_obj, meta = self.decoder.decode_listener(
                ctxt, publisher_id, event_type, payload, metadata, priority)
        except errors.TidingsError as exc:
            self._problem('undecodable', '%s %s' % (
                event_type, type(exc).__name__), str(exc))
            self.on_undecodable(exc, decoder_mod.Meta(
                decoder_mod.listener_message(publisher_id, event_type,
                                             payload, metadata, priority),
                ctxt))
            return HANDLED
        claimed = self._claim(meta.message_id)
        if claimed is False:
            self._count('duplicates')
            return HANDLED
        try:
            handler(payload_obj, meta)
        except Exception as exc:
            if claimed:
                self._release(meta.message_id)
            self._problem('handler error', '%s %s' % (
                handler.__name__, type(exc).__name__), str(exc),
                exc_info=True)
            return REQUEUE if self.requeue_errors else HANDLED
        self._count('handled')
        return HANDLED

    def on_undecodable(self, exc, meta):
        """Called with the error of a message that cannot be decoded (it
        is already logged and counted); ``meta`` holds what the envelope
        said.  Does nothing here."""

    # de-duplication

    def _claim(self, message_id):
        """True: first time; False: duplicate; None: no de-duplication
        (none configured, no message_id, or the store failed: a duplicate
        is better than a loss)."""
        if self.dedup is None or not isinstance(message_id, str) or \
                not message_id:
            return None
        try:
            return self.dedup.claim(message_id)
        except Exception as exc:
            self._problem('dedup error', type(exc).__name__, str(exc))
            return None

    def _release(self, message_id):
        try:
            self.dedup.release(message_id)
        except Exception as exc:
            self._problem('dedup error', type(exc).__name__, str(exc))

    # bookkeeping

    def _count(self, what):
        with self._lock:
            self.stats[what] += 1

    def _problem(self, counter, kind, detail, exc_info=False):
        """Count a problem and log it once per burst of its kind."""
        counter_name = {'undecodable': 'undecodable',
                        'handler error': 'handler_errors',
                        'dedup error': 'dedup_errors',
                        'internal error': 'internal_errors'}[counter]
        key = '%s: %s' % (counter, kind)
        with self._lock:
            self.stats[counter_name] += 1
            burst = self._bursts.get(key)
            if burst is None:
                if len(self._bursts) >= CACHE_SIZE:
                    self._bursts.clear()
                burst = self._bursts[key] = burstlog.BurstLog(
                    LOG, '%s: %s' % (type(self).__name__, key),
                    quiet=self.quiet)
        if burst.record(detail) and exc_info:
            LOG.debug('%s', key, exc_info=True)

    def summary(self):
        """Log what the burst logs hold back (call when stopping)."""
        for burst in list(self._bursts.values()):
            burst.summary()


for _priority in PRIORITIES:
    setattr(NotificationEndpoint, _priority, _entry_point(_priority))
del _priority

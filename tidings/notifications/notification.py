"""The Notification envelope handed to every backend.

The wire message (:meth:`Notification.to_wire`) is the OpenStack versioned
notification format, byte-compatible with what Nova and Watcher send::

    {"priority": "INFO", "event_type": "audit.create",
     "timestamp": "2016-11-04 16:31:36.264673",
     "publisher_id": "infra-optim:localhost", "message_id": "<uuid4>",
     "payload": {"watcher_object.name": "AuditCreatePayload", ...}}
"""

import datetime
import itertools
import os
import random

from tidings.objects import errors
# The format names are defined once, in tidings.objects.schema; imported
# here because notification.VERSIONED is what callers and tests know.
from tidings.objects.schema import UNVERSIONED  # noqa: F401
from tidings.objects.schema import VERSIONED

BOTH = 'both'
TIMESTAMP_FORMAT = '%Y-%m-%d %H:%M:%S.%f'


_UTC = datetime.timezone.utc


def utcnow():
    """The current time, timezone-aware UTC."""
    return datetime.datetime.now(_UTC)


def format_timestamp(moment):
    """``2016-11-04 16:31:36.264673``: UTC, always with microseconds."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(_UTC)
    return moment.isoformat(' ', 'microseconds')[:26]


class _MessageIds:
    """message_ids in the UUID version 4 layout: 72 random bits drawn once
    per process (and again in a forked child) and a 48-bit counter.

    Unique (two processes share a prefix with a chance of 2**-72), not
    secret, and a third of the cost of a random UUID per notification:
    no 128-bit draw, which also touches the 2.5 KB state of the random
    generator on the caller's thread.
    """

    def __init__(self):
        self.reseed()

    def reseed(self):
        h = '%032x' % random.getrandbits(128)
        prefix = '%s-%s-4%s-%s%s-' % (h[:8], h[8:12], h[13:16],
                                      '89ab'[int(h[16], 16) & 3], h[17:20])
        # one tuple, swapped whole: a racing caller sees the old or the
        # new pair, never half of each
        self.state = (prefix, itertools.count(int(h[20:], 16) & 0xFFFFFFFF))

    def __call__(self):
        prefix, counter = self.state
        n = next(counter)
        if n >> 48:                 # 2**48 ids later: a new prefix
            self.reseed()
            return self()
        return '%s%012x' % (prefix, n)


#: A new message_id (a UUID string), see :class:`_MessageIds`.
new_message_id = _MessageIds()
os.register_at_fork(after_in_child=new_message_id.reseed)


class Notification:
    """One event on its way to the backends.

    Backends read the attributes; they never change them.

    - ``event``: the :class:`~tidings.notifications.registry.EventDefinition`
    - ``event_type`` (str), ``level`` (lowercase), ``priority`` (uppercase;
      the level's, unless ``[notifications] wire_priorities`` maps it)
    - ``publisher``: :class:`~tidings.notifications.publisher.Publisher`
    - ``payload``: the payload object
    - ``message_id``, ``timestamp`` (wire string), ``created`` (datetime)
    - ``context``: the request context given to notify(), redacted: a
      new dict of JSON data with no secret in it, or None
    - ``source``: the source the filters saw
    - ``duration_ms``: set on lifecycle ``.end``/``.error``, else None
    - ``status``: the HTTP status of an ``_ERROR_xxx`` variant, else None
    - ``target_version``: the pinned payload version, or None
    """

    __slots__ = ('event', 'event_type', 'level', 'priority', 'publisher',
                 'payload', 'message_id', 'created', 'context',
                 'source', 'duration_ms', 'status', 'target_version',
                 'formats', '_timestamp', '_payloads', '_wire')

    def __init__(self, event, payload, publisher, context=None, source=None,
                 duration_ms=None, target_version=None, formats=(VERSIONED,),
                 message_id=None, created=None, priority=None):
        self.event = event
        self.event_type = event.event_type_str
        self.level = event.level
        self.priority = priority or event.priority
        self.publisher = publisher
        self.payload = payload
        self.message_id = message_id or new_message_id()
        self.created = created or datetime.datetime.now(_UTC)
        self._timestamp = None
        self.context = context
        self.source = source or publisher.source
        self.duration_ms = duration_ms
        self.status = event.status
        self.target_version = target_version
        self.formats = formats
        self._payloads = {}
        self._wire = {}

    @property
    def publisher_id(self):
        return self.publisher.publisher_id

    @property
    def timestamp(self):
        """``created`` as the wire writes it, formatted on first use (by
        the first backend that needs it, off the caller's thread)."""
        text = self._timestamp
        if text is None:
            text = self._timestamp = format_timestamp(self.created)
        return text

    def payload_primitive(self, fmt=VERSIONED):
        """A new primitive of the payload in format ``fmt``."""
        if fmt == UNVERSIONED:
            return self.payload.to_flat_dict()
        return self.payload.obj_to_primitive(self.target_version)

    def prepare(self):
        """Serialise the payload in every format now.

        The notifier calls this on the caller's thread, so a payload that
        cannot be serialised is rejected there, naming the field, and the
        backends see the payload as it was at notify() time even when the
        caller changes the object afterwards.
        """
        for fmt in self.formats:
            self._payload_for(fmt)
        return self

    def _payload_for(self, fmt):
        primitive = self._payloads.get(fmt)
        if primitive is None:
            try:
                primitive = self.payload_primitive(fmt)
            except errors.TidingsError:
                raise
            except Exception as exc:
                raise _serialization_error(self.payload, exc) from exc
            self._payloads[fmt] = primitive
        return primitive

    def to_wire(self, fmt=None):
        """The message as it goes on the bus (a new dict each call is not
        made: the result is cached; do not mutate it).

        Backend threads may call it at the same time: each builds the same
        envelope around the payload :meth:`prepare` serialised.
        """
        fmt = fmt or self.formats[0]
        wire = self._wire.get(fmt)
        if wire is None:
            wire = {
                'priority': self.priority,
                'event_type': self.event_type,
                'timestamp': self.timestamp,
                'publisher_id': self.publisher.publisher_id,
                'message_id': self.message_id,
                'payload': self._payload_for(fmt),
            }
            self._wire[fmt] = wire
        return wire

    def __repr__(self):
        return '<Notification %s %s %s>' % (self.priority, self.event_type,
                                            self.message_id)


def _serialization_error(payload, exc):
    """Name the field whose value could not be serialised."""
    values = payload.__dict__
    for name, attr, field, _convert in payload._FIELD_INFO:
        if attr not in values:
            continue
        try:
            field.to_primitive(payload, name, values[attr])
        except Exception as field_exc:
            return errors.SerializationError(
                payload.obj_name(), name, values[attr],
                '%s: %s' % (type(field_exc).__name__, field_exc))
    return errors.SerializationError(payload.obj_name(), '*', payload,
                                     '%s: %s' % (type(exc).__name__, exc))


def check_wire(message):
    """Validate the envelope of a wire message; return it.

    Raises MalformedNotificationError naming the key and what is accepted.
    """
    if not isinstance(message, dict):
        raise errors.MalformedNotificationError(
            repr(message)[:80], 'expected a JSON object')
    for key in ('priority', 'event_type', 'timestamp', 'publisher_id',
                'message_id', 'payload'):
        if key not in message:
            raise errors.MalformedNotificationError(
                message.get('message_id', '<no message_id>'),
                'key %r is missing; a notification has priority, '
                'event_type, timestamp, publisher_id, message_id and '
                'payload' % key)
    return message

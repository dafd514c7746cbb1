"""Decode a received notification into the catalog's payload object.

A consumer gets a wire message (``{message_id, publisher_id, event_type,
priority, payload, timestamp}``) or the arguments of an oslo.messaging
listener callback, and wants the payload as the typed object its catalog
defines, not a dict of ``<ns>_object.*`` keys.  The event type names the
:class:`~tidings.notifications.registry.EventDefinition`, which names the
payload class; nested payloads resolve in the same namespace.

The producer and the consumer may run different releases, so the
versions on the wire and in the consumer's classes can differ:

- a newer *minor* version (1.3 received, 1.1 known): the fields the
  consumer does not know are dropped; :attr:`Meta.dropped` lists them
  (``field`` or ``nested.field``) and :attr:`Decoder.stats` counts them.
  Minor versions only add fields, so everything the consumer reads is
  there;
- an older minor version (1.0 received, 1.1 known): the fields the newer
  version added are simply unset (``obj_attr_is_set()`` is False);
- another major version: :class:`~tidings.objects.errors.
  PayloadVersionError` names both versions.  A major bump is a breaking
  change; guessing would hand the consumer wrong data.

An unversioned (flat) payload has no version on the wire: it is read with
the consumer's class, and keys the class does not know are dropped the
same way.

With ``validate=True`` the message is first checked against the JSON
Schema of its payload version in the lock file (the schemas of every
released version are kept there); :attr:`Meta.schema_error` holds the
first problem.  A version the lock does not hold (a producer one minor
ahead) cannot be checked: ``schema_valid`` is None and ``schema_error``
says why; it still decodes.
"""

import collections
import datetime
import os
import threading

import jsonschema

from tidings import catalogs
from tidings.notifications import notification as notification_mod
from tidings.notifications import registry as registry_mod
from tidings.notifications import validator as validator_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import introspect
from tidings.objects import schema as schema_mod

_NAME = '_object.name'
#: What ``invalid=`` accepts.
INVALID = ('report', 'raise')


class Meta:
    """What a handler knows about a message besides its payload.

    - ``event_type``, ``publisher_id``, ``priority`` (uppercase),
      ``message_id``, ``timestamp`` (the wire string; :attr:`created`
      parses it)
    - ``context``: the request context of an oslo.messaging listener
      callback (a dict), else None
    - ``definition``: the EventDefinition, ``catalog`` its catalog name
    - ``format``: ``versioned`` or ``unversioned``
    - ``payload_name`` (``<namespace>.<Name>``), ``payload_version`` (as
      received; None for an unversioned payload), ``known_version`` (the
      consumer's class)
    - ``dropped``: the fields of a newer version the consumer does not
      know, dropped (a tuple of ``field`` or ``nested.field``)
    - ``schema_valid``: True or False when validated; None when not
      validated or the lock has no schema for the version
      (``schema_error`` then says why); ``schema_error``: the first
      problem, or None
    """

    __slots__ = ('event_type', 'publisher_id', 'priority', 'message_id',
                 'timestamp', 'context', 'definition', 'format',
                 'payload_name', 'payload_version', 'known_version',
                 'dropped', 'schema_valid', 'schema_error')

    def __init__(self, message, context=None):
        self.event_type = message.get('event_type')
        self.publisher_id = message.get('publisher_id')
        priority = message.get('priority')
        self.priority = priority.upper() if isinstance(priority, str) \
            else priority
        self.message_id = message.get('message_id')
        self.timestamp = message.get('timestamp')
        self.context = context
        self.definition = None
        self.format = None
        self.payload_name = self.payload_version = None
        payload = message.get('payload')
        names = [k for k in payload if isinstance(k, str) and k.endswith(
            _NAME)] if isinstance(payload, dict) else ()
        if names:   # as received, even when the payload cannot be decoded
            ns = names[0][:-len(_NAME)]
            self.payload_name = '%s.%s' % (ns, payload[names[0]])
            version = payload.get(ns + '_object.version')
            self.payload_version = version if isinstance(version, str) \
                else None
        self.known_version = None
        self.dropped = ()
        self.schema_valid = None
        self.schema_error = None

    @property
    def catalog(self):
        return self.definition.catalog if self.definition else None

    @property
    def created(self):
        """The timestamp as an aware UTC datetime (None if unreadable)."""
        if not isinstance(self.timestamp, str):
            return None
        try:
            moment = datetime.datetime.fromisoformat(self.timestamp)
        except ValueError:
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return moment

    @property
    def newer(self):
        """True when the payload is a newer minor version than the
        consumer's."""
        return _compare(self.payload_version, self.known_version) > 0

    @property
    def older(self):
        return _compare(self.payload_version, self.known_version) < 0

    def as_dict(self):
        out = {name: getattr(self, name) for name in self.__slots__
               if name != 'definition'}
        out['dropped'] = list(self.dropped)
        out['catalog'] = self.catalog
        return out

    def __repr__(self):
        return '<Meta %s %s %s@%s>' % (self.event_type, self.message_id,
                                       self.payload_name,
                                       self.payload_version)


def _compare(a, b):
    """-1, 0 or 1 as version ``a`` is older, the same or newer than
    ``b``; 0 when either is missing or malformed."""
    try:
        a, b = base.version_tuple(a), base.version_tuple(b)
    except errors.VersionError:
        return 0
    return (a > b) - (a < b)


#: The result of :meth:`Decoder.decode`: the payload object and its Meta.
Decoded = collections.namedtuple('Decoded', 'payload meta')


def listener_message(publisher_id, event_type, payload, metadata,
                     priority=None):
    """The wire dict of an oslo.messaging listener callback's arguments
    (the listener splits ``message_id`` and ``timestamp`` into
    ``metadata`` and the priority into the method name)."""
    metadata = metadata if isinstance(metadata, dict) else {}
    return {'priority': priority.upper() if isinstance(priority, str)
            else priority,
            'event_type': event_type,
            'timestamp': metadata.get('timestamp'),
            'publisher_id': publisher_id,
            'message_id': metadata.get('message_id'),
            'payload': payload}


def _registries(registries):
    if registries is None:
        return [c.registry for c in catalogs.select()]
    if isinstance(registries, (registry_mod.EventRegistry, str)):
        registries = [registries]
    out = []
    for index, one in enumerate(registries):
        if isinstance(one, str):
            one = catalogs.load_spec(one)
        if not isinstance(one, registry_mod.EventRegistry):
            raise errors.ArgumentError(
                'Decoder registries[%d]' % index, one,
                'an EventRegistry (catalog) or a catalog name')
        out.append(one)
    return out


def _locks(registries):
    """The lock files of ``registries`` (each once; catalogs naming none
    are left out)."""
    paths = []
    for registry in registries:
        path = catalogs.contract(registry).lock
        if path is not None and path not in paths and os.path.exists(path):
            paths.append(path)
    if not paths:
        raise errors.LockFileError(
            '(none)', 'no lock file is known for catalog(s) %s; pass '
            'lock=PATH to validate' % ', '.join(r.name for r in registries))
    return paths


class Decoder:
    """Decode wire messages into payload objects of the given catalogs.

    :param registries: EventRegistry objects or catalog names (default:
        the catalogs of the current project, else every installed one,
        as ``tidings`` commands select them).
    :param validate: check each message against its payload version's
        schema in the lock file first.
    :param lock: the lock file(s) for ``validate`` (default: the
        catalogs' own); a path, a LockFile or a list of them.
    :param invalid: ``report`` (decode anyway, the first problem in
        :attr:`Meta.schema_error`) or ``raise``
        (MalformedNotificationError naming the first problem).

    Thread-safe: one decoder serves every thread of a listener.
    """

    def __init__(self, registries=None, validate=False, lock=None,
                 invalid='report'):
        if invalid not in INVALID:
            raise errors.ArgumentError('Decoder invalid', invalid,
                                       'one of ' + ', '.join(INVALID))
        self.registries = _registries(registries)
        self.invalid = invalid
        self.validator = None
        if validate:
            # the lock's schemas are tidings' own, checked by its tests:
            # no meta-schema check, which would stall the listener a
            # tenth of a second on the first message of each event type
            self.validator = validator_mod.NotificationValidator(
                lock if lock is not None else _locks(self.registries),
                self.registries, check_schemas=False)
        self._lock = threading.Lock()
        #: Counters: ``decoded``, ``newer``, ``older``, ``dropped_fields``,
        #: ``invalid``, ``unchecked`` (no schema for the version).
        self.stats = collections.Counter()
        #: How often each dropped field (``ns.Name.field``) was dropped.
        self.dropped = collections.Counter()

    # lookups

    def definition(self, event_type):
        """The EventDefinition of ``event_type`` (status variants too), or
        None when no selected catalog defines it."""
        return validator_mod.find_definition(self.registries, event_type)

    def _definition_of(self, meta):
        definition = self.definition(meta.event_type)
        if definition is None:
            raise errors.UnknownEventError(
                meta.event_type, sorted({d.event_type_str
                                         for r in self.registries
                                         for d in r}),
                'catalog(s) %s' % ', '.join(r.name for r in self.registries))
        return definition

    # decoding

    def decode(self, message, context=None):
        """The :data:`Decoded` ``(payload, meta)`` of wire ``message``.

        Raises MalformedNotificationError (envelope or payload not what
        the catalog says; with ``invalid='raise'``, a schema problem),
        UnknownEventError (an event type no selected catalog defines),
        PayloadVersionError (another major version), FieldValueError (a
        value the field refuses).
        """
        notification_mod.check_wire(message)
        meta = Meta(message, context)
        meta.definition = definition = self._definition_of(meta)
        if self.validator is not None:
            self._validate(message, meta)
        payload = message['payload']
        dropped = []
        if isinstance(payload, dict) and any(
                k.endswith(_NAME) for k in payload):
            meta.format = schema_mod.VERSIONED
            obj = self._versioned(definition.payload, payload, '', dropped,
                                  meta)
        else:
            meta.format = schema_mod.UNVERSIONED
            obj = self._flat(definition.payload, payload, '', dropped, meta)
            meta.payload_name = '%s.%s' % (
                definition.namespace, definition.payload_name)
            meta.known_version = definition.payload_version
        meta.dropped = tuple(dropped)
        with self._lock:
            self.stats['decoded'] += 1
            if meta.newer:
                self.stats['newer'] += 1
            elif meta.older:
                self.stats['older'] += 1
            if dropped:
                self.stats['dropped_fields'] += len(dropped)
                self.dropped.update('%s.%s' % (meta.payload_name, d)
                                    for d in dropped)
        return Decoded(obj, meta)

    def decode_listener(self, ctxt, publisher_id, event_type, payload,
                        metadata, priority=None):
        """:meth:`decode` for the arguments of an oslo.messaging
        notification listener callback."""
        return self.decode(listener_message(publisher_id, event_type,
                                            payload, metadata, priority),
                           context=ctxt)

    def _validate(self, message, meta):
        payload = message.get('payload')
        names = [k for k in payload if k.endswith(_NAME)] if isinstance(
            payload, dict) else []
        if names:
            ns = names[0][:-len(_NAME)]
            key = '%s.%s' % (ns, payload[names[0]])
            version = payload.get(ns + '_object.version')
            lock = self.validator.lock
            if isinstance(version, str) and lock.entry(key, version) is None:
                locked = lock.versions(key)
                meta.schema_error = (
                    '%s@%s is not in the lock file (%s), so it cannot be '
                    'checked' % (key, version, 'locked versions: ' +
                                 ', '.join(locked) if locked else
                                 'no version of it is locked'))
                with self._lock:
                    self.stats['unchecked'] += 1
                return
        try:
            problems = self.validator.errors(message)
        except errors.MalformedNotificationError as exc:
            problems = [str(exc)]
        except Exception as exc:
            problems = [self._broken_schema(message, exc)]
        meta.schema_valid = not problems
        if problems:
            meta.schema_error = problems[0]
            with self._lock:
                self.stats['invalid'] += 1
            if self.invalid == 'raise':
                raise errors.MalformedNotificationError(
                    meta.message_id, '%s does not match its schema: %s' % (
                        meta.event_type, problems[0]))

    def _broken_schema(self, message, exc):
        """The problem to report when applying a schema raised ``exc``:
        the meta-schema check, skipped on the way in, says whether the
        lock's schema is broken (edited by hand); if it is not, ``exc`` is
        a bug and raised again."""
        _key, build = self.validator.schema_for(message)
        try:
            jsonschema.Draft202012Validator.check_schema(build())
        except jsonschema.SchemaError as broken:
            return ('the lock file\'s schema of this payload version is not '
                    'a valid JSON Schema (%s); run `tidings fingerprints '
                    'check`' % broken.message)
        raise exc

    def _versioned(self, cls, primitive, path, dropped, meta):
        """An object of ``cls`` from its versioned primitive; fields of a
        newer minor version appended to ``dropped``."""
        where = meta.message_id
        ns = cls.OBJ_SERIAL_NAMESPACE
        key = '%s.%s' % (cls.OBJ_PROJECT_NAMESPACE, cls.obj_name())
        if not isinstance(primitive, dict):
            raise errors.MalformedNotificationError(
                where, 'payload%s: expected a %s object (a JSON object '
                'with %s.name), got %s' % (_at(path), key, ns,
                                           errors.value_repr(primitive, 80)))
        name = primitive.get(ns + '.name')
        if name != cls.obj_name():
            got = [k for k in primitive if k.endswith(_NAME)]
            raise errors.MalformedNotificationError(
                where, 'payload%s is %s, not %s, the payload of %s' % (
                    _at(path), '%s.%s' % (got[0][:-len(_NAME)],
                                          primitive[got[0]])
                    if got else 'no versioned object', key, meta.event_type))
        version = primitive.get(ns + '.version')
        data = primitive.get(ns + '.data')
        if not isinstance(data, dict):
            raise errors.MalformedNotificationError(
                where, 'payload%s/%s.data: expected a JSON object, got %s'
                % (_at(path), ns, errors.value_repr(data, 80)))
        try:
            received = base.version_tuple(version)
        except errors.VersionError:
            raise errors.MalformedNotificationError(
                where, 'payload%s/%s.version is %r; expected MAJOR.MINOR, '
                'e.g. 1.0' % (_at(path), ns, version)) from None
        known = base.version_tuple(cls.VERSION)
        if not path:
            meta.payload_name = key
            meta.payload_version = version
            meta.known_version = cls.VERSION
        if received[0] != known[0]:
            raise errors.PayloadVersionError(
                key + _at(path), version, cls.VERSION, meta.message_id)
        newer = received > known
        obj = cls()
        for field_name, value in data.items():
            field = cls.fields.get(field_name)
            if field is None:
                if newer:
                    dropped.append(path + field_name)
                    continue
                raise errors.MalformedNotificationError(
                    where, 'payload%s/%s.data: field %r is not in %s %s '
                    '(fields: %s); only a newer version may add fields' % (
                        _at(path), ns, field_name, key, version,
                        ', '.join(sorted(cls.fields))))
            self._set(cls, obj, field_name, field, value, path, dropped,
                      meta, self._versioned)
        return obj

    def _flat(self, cls, data, path, dropped, meta):
        """An object of ``cls`` from its unversioned (flat) form."""
        if not isinstance(data, dict):
            raise errors.MalformedNotificationError(
                meta.message_id, 'payload%s: expected a JSON object of %s '
                'fields, got %s' % (_at(path), cls.obj_name(),
                                    errors.value_repr(data, 80)))
        obj = cls()
        for field_name, value in data.items():
            field = cls.fields.get(field_name)
            if field is None:
                dropped.append(path + field_name)
                continue
            self._set(cls, obj, field_name, field, value, path, dropped,
                      meta, self._flat)
        return obj

    def _set(self, cls, obj, field_name, field, value, path, dropped, meta,
             nested):
        if value is not None:
            inner, single = _plan(cls)[field_name]
            if inner is not None:
                sub = '%s%s.' % (path, field_name)
                if single:
                    value = nested(inner, value, sub, dropped, meta)
                elif isinstance(value, dict):
                    value = {k: nested(inner, v, '%s%s.' % (sub, k),
                                       dropped, meta)
                             for k, v in value.items()}
                elif isinstance(value, list):
                    value = [nested(inner, v, '%s%d.' % (sub, i), dropped,
                                    meta) for i, v in enumerate(value)]
            else:
                try:
                    value = field.from_primitive(obj, field_name, value)
                except errors.TidingsError:
                    raise
                except (ValueError, TypeError, OverflowError,
                        AttributeError) as exc:
                    raise errors.FieldValueError(
                        cls.obj_name(), path + field_name, value,
                        base.describe_field(field), str(exc)) from None
        # the field's setter: coerced and checked as when a producer sets it
        cls._SETTERS[field_name](obj, value)


#: ``{payload class: {field: (nested class or None, single object?)}}``
_PLANS = {}


def _plan(cls):
    """How each field of ``cls`` decodes, worked out once per class: the
    nested payload class of an object field (a list or dict of them too)
    and whether it holds one object."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = {}
        for name, field in cls.fields.items():
            inner_name = introspect.object_field_name(field)
            inner = None if inner_name is None else \
                introspect.resolve_nested(cls, inner_name, name)
            plan[name] = (inner, introspect.object_name(field) is not None)
        _PLANS[cls] = plan
    return plan


def _at(path):
    return ' at %s' % path.rstrip('.') if path else ''

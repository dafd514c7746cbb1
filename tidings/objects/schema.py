"""JSON Schema (Draft 2020-12) of payloads and notifications.

Schemas are built from payload *shapes*
(:func:`tidings.objects.fingerprint.shape`), so the schema of a version
and its fingerprint always describe the same thing, and the schema of a
released version can be rebuilt from the shapes in the lock file.

- :func:`payload_schema` -- the versioned primitive
  (``<ns>_object.name/namespace/version/data``), nested payloads under
  ``$defs`` (key ``<namespace>.<Name>@<version>``) and ``$ref``;
- :func:`unversioned_schema` -- the flat ``data`` dict of the
  ``unversioned`` notification format;
- :func:`notification_schema` -- the whole wire message: priority,
  event_type, timestamp, publisher_id, message_id and payload.

``required`` lists the fields that are neither nullable nor defaulted (the
notifier refuses a payload with one of them unset); the others may be
absent, since unset fields are left out on the wire.

A field's schema comes from its structure (enum values, list/set/dict
element, nested payload) or else from its type: a tidings field type says
it itself (``JSON_SCHEMA``, see :class:`tidings.objects.fields.Published`:
sensitive strings are ``const: "***"``, non-negative integers have
``minimum: 0``...); :data:`_OSLO` is the fallback for oslo's own types.
``DateTime`` fields follow what oslo.versionedobjects emits:
``2016-11-04T16:31:36Z`` (whole seconds, ``Z`` or a ``+hh:mm`` offset).
"""

import re

from tidings.objects import errors
from tidings.objects import fields
from tidings.objects import fingerprint
from tidings.objects import introspect

DRAFT = 'https://json-schema.org/draft/2020-12/schema'
VERSIONED = 'versioned'
UNVERSIONED = 'unversioned'
FORMATS = (VERSIONED, UNVERSIONED)

#: What oslo's DateTime field writes (``_utils.isotime``).
DATETIME_PATTERN = fields.DATETIME_PATTERN
#: The envelope timestamp: ``2016-11-04 16:31:36.264673``.
TIMESTAMP_PATTERN = r'^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$'
#: ``[prefix.]object.action[.phase][.status]``.
EVENT_TYPE_PATTERN = r'^[a-z0-9][a-z0-9_-]*(\.[a-z0-9][a-z0-9_-]*)+$'

#: The schema of oslo.versionedobjects' own field types (by class name),
#: which cannot declare one; a tidings field type declares its own.
_OSLO = {
    'String': {'type': 'string'},
    'SensitiveString': {'type': 'string'},
    'VersionPredicate': {'type': 'string'},
    'UUID': {'type': 'string', 'format': 'uuid'},
    'Integer': {'type': 'integer'},
    'NonNegativeInteger': {'type': 'integer', 'minimum': 0},
    'Float': {'type': 'number'},
    'NonNegativeFloat': {'type': 'number', 'minimum': 0},
    'Boolean': {'type': 'boolean'},
    'FlexibleBoolean': {'type': 'boolean'},
    'DateTime': {'type': 'string', 'format': 'date-time',
                 'pattern': DATETIME_PATTERN},
    'IPAddress': {'type': 'string'},
    'IPV4AndV6Address': {'type': 'string'},
    'IPV4Address': {'type': 'string', 'format': 'ipv4'},
    'IPV6Address': {'type': 'string', 'format': 'ipv6'},
    'IPNetwork': {'type': 'string'},
    'IPV4Network': {'type': 'string'},
    'IPV6Network': {'type': 'string'},
    'MACAddress': {'type': 'string',
                   'pattern': '^([0-9a-f]{2}:){5}[0-9a-f]{2}$'},
    'PCIAddress': {'type': 'string'},
}


def def_key(namespace, name, version):
    """The ``$defs`` key of a nested payload."""
    return '%s.%s@%s' % (namespace, name, version)


class _Builder:
    """Turns shapes into schemas, collecting nested payloads in $defs."""

    def __init__(self, resolve, fmt):
        if fmt not in FORMATS:
            raise errors.TidingsError(
                'schema format %r is not one of %s' % (fmt,
                                                       ', '.join(FORMATS)))
        self.resolve = resolve
        self.fmt = fmt
        self.defs = {}

    def document(self, shape, version):
        body = self.payload(shape, version)
        doc = {'$schema': DRAFT}
        doc.update(body)
        if self.defs:
            doc['$defs'] = {k: self.defs[k] for k in sorted(self.defs)}
        return doc

    def payload(self, shape, version):
        data = self.data(shape)
        title = '%s.%s %s' % (shape['namespace'], shape['name'], version)
        if self.fmt == UNVERSIONED:
            return dict({'title': title + ' (unversioned)'}, **data)
        prefix = shape['namespace'] + '_object.'
        keys = [prefix + k for k in ('name', 'namespace', 'version', 'data')]
        return {
            'title': title,
            'type': 'object',
            'properties': {
                keys[0]: {'const': shape['name']},
                keys[1]: {'const': shape['namespace']},
                keys[2]: {'const': version},
                keys[3]: data,
            },
            'required': keys,
            'additionalProperties': False,
        }

    def data(self, shape):
        props = {}
        required = []
        for name in sorted(shape['fields']):
            desc = shape['fields'][name]
            props[name] = self.field(desc)
            if not desc.get('nullable') and 'default' not in desc:
                required.append(name)
        return {'type': 'object', 'properties': props, 'required': required,
                'additionalProperties': False}

    def field(self, desc):
        nullable = bool(desc.get('nullable'))
        kind = desc.get('base') or desc.get('type')
        declared = fields.json_schema(desc.get('type'), desc.get('base'))
        if declared is None and desc.get('sensitive'):
            # A sensitive type no longer in the code (an old locked shape).
            declared = {'const': fields.MASK}
        if 'enum' in desc:
            values = list(desc['enum'])
            out = {}
            if all(isinstance(v, str) for v in values):
                out['type'] = 'string'
            if nullable:
                values.append(None)
            out['enum'] = values
        elif 'object' in desc:
            out = {'$ref': '#/$defs/' + self.nested(desc['object'])}
            if nullable:
                out = {'anyOf': [out, {'type': 'null'}]}
                nullable = False
        elif kind in ('List', 'Set'):
            out = {'type': 'array', 'items': self.field(desc['element'])}
            if kind == 'Set':
                out['uniqueItems'] = True
        elif kind == 'Dict':
            out = {'type': 'object',
                   'additionalProperties': self.field(desc['element'])}
        elif declared is not None:
            out = declared
            if nullable and list(out) == ['const']:
                out = {'enum': [out['const'], None]}
        elif kind in _OSLO:
            out = dict(_OSLO[kind])
        else:
            out = {'$comment': 'field type %s: any JSON value'
                   % desc.get('type')}
        if nullable and 'type' in out:
            out['type'] = [out['type'], 'null']
        elif nullable and 'enum' in out:
            pass
        elif nullable:
            out = {'anyOf': [out, {'type': 'null'}]}
        if 'default' in desc:
            out['default'] = desc['default']
        return out

    def nested(self, ref):
        key = def_key(ref['namespace'], ref['name'], ref['version'])
        if key not in self.defs:
            self.defs[key] = {}  # placeholder: stops recursion cycles
            shape = self.resolve(ref['namespace'], ref['name'],
                                 ref['version'])
            if shape is None:
                self.defs[key] = self._unknown(ref)
            else:
                self.defs[key] = self.payload(shape, ref['version'])
        return key

    def _unknown(self, ref):
        text = ('%s: shape unknown (neither registered nor in the lock '
                'file)' % def_key(ref['namespace'], ref['name'],
                                  ref['version']))
        if self.fmt == UNVERSIONED:
            return {'type': 'object', '$comment': text}
        prefix = ref['namespace'] + '_object.'
        return {'type': 'object', '$comment': text, 'properties': {
            prefix + 'name': {'const': ref['name']},
            prefix + 'namespace': {'const': ref['namespace']},
            prefix + 'version': {'const': ref['version']},
            prefix + 'data': {'type': 'object'}}}


def class_resolver(*classes):
    """A ``resolve(namespace, name, version) -> shape or None`` over
    ``classes`` and every payload they nest."""
    table = {(c.OBJ_PROJECT_NAMESPACE, c.obj_name(), c.VERSION): c
             for c in introspect.with_nested(classes)}

    def resolve(namespace, name, version):
        cls = table.get((namespace, name, version))
        return None if cls is None else fingerprint.shape(cls)
    return resolve


def schema_from_shape(shape, version, resolve, fmt=VERSIONED):
    """The schema document of a payload ``shape`` at ``version``; nested
    shapes come from ``resolve(namespace, name, version)``."""
    return _Builder(resolve, fmt).document(shape, version)


def payload_schema(cls, fmt=VERSIONED):
    """The JSON Schema of payload class ``cls`` (versioned primitive)."""
    return schema_from_shape(fingerprint.shape(cls), cls.VERSION,
                             class_resolver(cls), fmt)


def unversioned_schema(cls):
    """The JSON Schema of ``cls`` in the ``unversioned`` (flat) format."""
    return payload_schema(cls, UNVERSIONED)


def envelope_schema(payload_doc, priority=None, event_type=None,
                    status_variants=False, title=None):
    """Wrap a payload schema document in the notification envelope.

    ``priority`` (a level) and ``event_type`` become consts when given;
    with ``status_variants`` the event type must end in ``.<HTTP status>``.
    """
    payload = dict(payload_doc)
    payload.pop('$schema', None)
    defs = payload.pop('$defs', None)
    if priority is not None:
        prio = {'const': fields.normalize_level(priority).upper()}
    else:
        prio = {'enum': [level.upper() for level in fields.LEVELS]}
    if event_type is None:
        etype = {'type': 'string', 'pattern': EVENT_TYPE_PATTERN}
    elif status_variants:
        etype = {'type': 'string',
                 'pattern': '^%s\\.[1-5][0-9][0-9]$' % re.escape(event_type)}
    else:
        etype = {'const': event_type}
    doc = {
        '$schema': DRAFT,
        'title': title or 'notification of %s' % payload.get(
            'title', 'a payload'),
        'type': 'object',
        'properties': {
            'priority': prio,
            'event_type': etype,
            'timestamp': {'type': 'string', 'pattern': TIMESTAMP_PATTERN},
            'publisher_id': {'type': 'string', 'minLength': 1},
            'message_id': {'type': 'string', 'format': 'uuid'},
            'payload': payload,
        },
        'required': ['priority', 'event_type', 'timestamp', 'publisher_id',
                     'message_id', 'payload'],
    }
    if defs:
        doc['$defs'] = defs
    return doc


def notification_schema(definition_or_cls, fmt=VERSIONED):
    """The JSON Schema of a whole notification (the wire message).

    Given an event definition, priority and event type are consts (a
    ``status_variants`` definition accepts any ``.<status>`` suffix); given
    a payload class, any level and event type are accepted.
    """
    definition = None
    cls = definition_or_cls
    if hasattr(definition_or_cls, 'event_type_str'):
        definition = definition_or_cls
        cls = definition.payload
    payload_doc = payload_schema(cls, fmt)
    if definition is None:
        return envelope_schema(payload_doc)
    variants = bool(definition.status_variants and definition.status is None)
    return envelope_schema(
        payload_doc, priority=definition.level,
        event_type=definition.event_type_str, status_variants=variants,
        title='%s (%s)' % (definition.event_type_str, definition.name))

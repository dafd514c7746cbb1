"""Field types the catalogs need, on top of oslo.versionedobjects fields.

All of oslo.versionedobjects' fields are re-exported, so a payload module
needs only ``from tidings.objects import fields``.

A field type deriving from :class:`Published` is the one place that says
how its values appear outside Python: in the JSON Schema
(:mod:`tidings.objects.schema`), as a Ceilometer trait
(:mod:`tidings.cmd.ceilometer`) and in the docs
(:mod:`tidings.sphinxext.render`).  oslo's own types, which cannot say
it, are described by fallbacks: the table in :mod:`tidings.objects.schema`
and :data:`OSLO_TRAIT_TYPES`.  Enums, lists, sets, dicts and object fields
are described by their structure (values, element, nested payload), not
by a type.
"""

import copy
import datetime
import math
import re

from oslo_versionedobjects.fields import *  # noqa: F401,F403
from oslo_versionedobjects import fields as ovo_fields

#: Notification levels, lowest first. ``warning`` is accepted on input as an
#: alias of ``warn``; ``sample`` (metering data) ranks with ``info``.
LEVELS = ('debug', 'info', 'audit', 'warn', 'error', 'critical', 'sample')
LEVEL_ALIASES = {'warning': 'warn'}
LEVEL_RANK = {'debug': 10, 'info': 20, 'sample': 20, 'audit': 25,
              'warn': 30, 'error': 40, 'critical': 50}
PHASES = ('start', 'end', 'error')
MASK = '***'

#: What oslo's DateTime field writes (``_utils.isotime``): whole seconds,
#: ``Z`` or a ``+hh:mm`` offset.
DATETIME_PATTERN = (r'^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}'
                    r'(Z|[+-]\d{2}:\d{2})$')

#: The Ceilometer trait types (``event_definitions.yaml``).
TRAIT_TYPES = ('text', 'int', 'float', 'datetime')
#: The trait type of oslo's own field types (and what derives from them);
#: anything else is ``text``.
OSLO_TRAIT_TYPES = (
    (ovo_fields.Integer, 'int'),
    (ovo_fields.Float, 'float'),
    (ovo_fields.DateTime, 'datetime'),
)

#: ``{(class name, oslo base name): Published subclass}``: the key a
#: payload shape names a field type by (see
#: :func:`tidings.objects.fingerprint.describe_field`).
_PUBLISHED = {}


def _oslo_base_name(klass):
    # The same rule as introspect.oslo_base_name (which takes an instance;
    # introspect imports nothing from here, but keep the two in step).
    for parent in klass.__mro__:
        if parent.__module__ == ovo_fields.__name__:
            return None if parent.__name__ == klass.__name__ else (
                parent.__name__)
    return None


class Published:
    """Mixin of a field type that says how its values are published.

    Subclasses set three class attributes (a subclass inherits its
    parent's):

    - ``JSON_SCHEMA``: the JSON Schema (draft 2020-12) of one non-null
      value, e.g. ``{'type': 'integer', 'minimum': 0}``; the schema
      builder adds ``null`` for nullable fields and the default;
    - ``TRAIT_TYPE``: its Ceilometer trait type, one of
      :data:`TRAIT_TYPES`;
    - ``DOC_TYPE``: the short type name the reference docs show (default:
      the class name).

    A subclass is registered under its class name and oslo base type,
    the names a payload shape (and so the lock file) records, so the
    schema of a released version is rebuilt from its locked shape.  Two
    different classes under one key must publish the same way.
    """

    JSON_SCHEMA = None
    TRAIT_TYPE = None
    DOC_TYPE = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.TRAIT_TYPE not in TRAIT_TYPES:
            raise TypeError('%s.TRAIT_TYPE is %r; accepted: one of %s' % (
                cls.__qualname__, cls.TRAIT_TYPE, ', '.join(TRAIT_TYPES)))
        if not isinstance(cls.JSON_SCHEMA, dict):
            raise TypeError('%s.JSON_SCHEMA is %r; accepted: a dict (the '
                            'JSON Schema of one value)' % (
                                cls.__qualname__, cls.JSON_SCHEMA))
        key = (cls.__name__, _oslo_base_name(cls))
        known = _PUBLISHED.get(key)
        if known is not None and _publishing(known) != _publishing(cls):
            raise TypeError(
                '%s.%s and %s.%s are both field type %s (oslo base %s) in '
                'a payload shape but publish differently; accepted: '
                'another class name, or the same JSON_SCHEMA, TRAIT_TYPE '
                'and DOC_TYPE' % (known.__module__, known.__qualname__,
                                  cls.__module__, cls.__qualname__,
                                  key[0], key[1]))
        _PUBLISHED[key] = cls

    def get_schema(self):
        """``JSON_SCHEMA`` in oslo.versionedobjects' form (``type`` is a
        list), for oslo's ``VersionedObject.to_json_schema()``."""
        schema = copy.deepcopy(self.JSON_SCHEMA)
        kind = schema.get('type')
        if kind is None:
            kind = super().get_schema()['type']
        schema['type'] = [kind] if isinstance(kind, str) else list(kind)
        return schema


def _publishing(cls):
    return (cls.JSON_SCHEMA, cls.TRAIT_TYPE, cls.DOC_TYPE or cls.__name__)


def published(type_name, base=None):
    """The :class:`Published` field type a shape's field describes
    (``type`` and ``base`` of the description), else None."""
    return _PUBLISHED.get((type_name, base))


def json_schema(type_name, base=None):
    """A copy of the JSON Schema of a published field type, else None
    (then the oslo base type's applies)."""
    cls = published(type_name, base)
    return None if cls is None else copy.deepcopy(cls.JSON_SCHEMA)


def trait_type(ftype):
    """The Ceilometer trait type of a field type (an instance)."""
    declared = getattr(ftype, 'TRAIT_TYPE', None)
    if declared is not None:
        return declared
    for oslo_type, name in OSLO_TRAIT_TYPES:
        if isinstance(ftype, oslo_type):
            return name
    return 'text'


def doc_type(ftype):
    """The short name the docs show for a (leaf) field type."""
    return getattr(ftype, 'DOC_TYPE', None) or type(ftype).__name__


def normalize_level(value):
    """Return the canonical level for ``value`` or raise ValueError."""
    if isinstance(value, str):
        key = value.strip().lower()
        key = LEVEL_ALIASES.get(key, key)
        if key in LEVEL_RANK:
            return key
    raise ValueError('%r is not one of %s (warning is accepted for warn)'
                     % (value, ', '.join(LEVELS)))


class Level(ovo_fields.Enum):
    """A notification level; case-insensitive, ``warning`` means ``warn``."""

    def __init__(self):
        super().__init__(valid_values=LEVELS)

    def coerce(self, obj, attr, value):
        try:
            return normalize_level(value)
        except ValueError:
            return super().coerce(obj, attr, value)


class LevelField(ovo_fields.BaseEnumField):
    AUTO_TYPE = Level()


class Phase(ovo_fields.Enum):
    def __init__(self):
        super().__init__(valid_values=PHASES)

    def coerce(self, obj, attr, value):
        if isinstance(value, str):
            value = value.strip().lower()
        return super().coerce(obj, attr, value)


class PhaseField(ovo_fields.BaseEnumField):
    AUTO_TYPE = Phase()


class SensitiveString(Published, ovo_fields.String):
    """A string kept in the object but written as ``***`` everywhere.

    The real value stays available to the service in-process; every
    serialised form (wire, database, log, file, samples) carries the mask.
    Ceilometer gets no trait of it (it would only ever hold the mask).
    """

    JSON_SCHEMA = {'const': MASK}
    TRAIT_TYPE = 'text'
    DOC_TYPE = 'String (sensitive, sent as ***)'

    @staticmethod
    def to_primitive(obj, attr, value):
        return MASK


class SensitiveStringField(ovo_fields.AutoTypedField):
    AUTO_TYPE = SensitiveString()


class Integer(Published, ovo_fields.Integer):
    """An integer that never truncates: oslo's ``int(value)`` turns 1.9
    into 1 and True into 1; here those are errors."""

    JSON_SCHEMA = {'type': 'integer'}
    TRAIT_TYPE = 'int'
    DOC_TYPE = 'Integer'

    def coerce(self, obj, attr, value):
        if isinstance(value, bool):
            raise ValueError('a boolean is not an integer')
        if isinstance(value, int):
            return int(value)
        if isinstance(value, float):
            if not math.isfinite(value) or not value.is_integer():
                raise ValueError('%r is not a whole number' % value)
            return int(value)
        if isinstance(value, str):
            return int(value.strip())
        raise ValueError('a %s is not an integer' % type(value).__name__)


class NonNegativeInteger(Integer):
    """An :class:`Integer` that is 0 or more."""

    JSON_SCHEMA = {'type': 'integer', 'minimum': 0}
    TRAIT_TYPE = 'int'
    DOC_TYPE = 'NonNegativeInteger'

    def coerce(self, obj, attr, value):
        value = super().coerce(obj, attr, value)
        if value < 0:
            raise ValueError('must be >= 0')
        return value


_TRUE = frozenset(['true', 'yes', 'on', '1', 't', 'y'])
_FALSE = frozenset(['false', 'no', 'off', '0', 'f', 'n'])


class Boolean(Published, ovo_fields.Boolean):
    """A boolean that rejects what is not one: oslo's ``bool(value)``
    turns ``'no'`` and ``'maybe'`` into True.  Accepts True/False, 0/1 and
    the strings true/false, yes/no, on/off, 1/0 (any case)."""

    JSON_SCHEMA = {'type': 'boolean'}
    TRAIT_TYPE = 'text'
    DOC_TYPE = 'Boolean'

    def coerce(self, obj, attr, value):
        if isinstance(value, bool):
            return value
        if isinstance(value, int) and value in (0, 1):
            return bool(value)
        if isinstance(value, str):
            key = value.strip().lower()
            if key in _TRUE:
                return True
            if key in _FALSE:
                return False
        raise ValueError('%r is not true or false' % (value,))


class IntegerField(ovo_fields.AutoTypedField):
    AUTO_TYPE = Integer()


class NonNegativeIntegerField(ovo_fields.AutoTypedField):
    AUTO_TYPE = NonNegativeInteger()


class BooleanField(ovo_fields.AutoTypedField):
    AUTO_TYPE = Boolean()


def is_sensitive(field):
    return isinstance(getattr(field, '_type', None), SensitiveString)


_UUID = re.compile(r'^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?'
                   r'[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')


class UUID(Published, ovo_fields.UUID):
    """A UUID string; unlike oslo's (which only warns), a value that is not
    a UUID is rejected, and the check costs a regex match, not a
    ``warnings`` context."""

    JSON_SCHEMA = {'type': 'string', 'format': 'uuid'}
    TRAIT_TYPE = 'text'
    DOC_TYPE = 'UUID'

    def coerce(self, obj, attr, value):
        text = value if isinstance(value, str) else str(value)
        if _UUID.match(text) is None:
            raise ValueError('%r is not a UUID (expected 32 hex digits, '
                             'dashes optional)' % (value,))
        if len(text) != 36:
            text = text.replace('-', '')
            text = '%s-%s-%s-%s-%s' % (text[:8], text[8:12], text[12:16],
                                       text[16:20], text[20:])
        return text


class UUIDField(ovo_fields.AutoTypedField):
    AUTO_TYPE = UUID()


_UTC = datetime.timezone.utc


class DateTime(Published, ovo_fields.DateTime):
    """oslo's DateTime, with aware values converted to UTC first.

    oslo writes ``2026-01-01T00:00:00UTC+02:00`` for a non-UTC offset (and
    ``...GMT`` for a zone whose offset is zero but whose name is not UTC),
    which is not RFC 3339; converted, every value is written ``...Z``.
    """

    JSON_SCHEMA = {'type': 'string', 'format': 'date-time',
                   'pattern': DATETIME_PATTERN}
    TRAIT_TYPE = 'datetime'
    DOC_TYPE = 'DateTime'

    def coerce(self, obj, attr, value):
        value = super().coerce(obj, attr, value)
        if value.tzinfo is not None and value.tzinfo is not _UTC:
            value = value.astimezone(_UTC)
        return value

    @staticmethod
    def to_primitive(obj, attr, value):
        # The same text as oslo's isotime() (``%Y-%m-%dT%H:%M:%SZ``) for a
        # UTC value, at a fifth of its cost: no strftime, no tzname().
        if value.tzinfo is _UTC and value.year >= 1000:
            return '%04d-%02d-%02dT%02d:%02d:%02dZ' % (
                value.year, value.month, value.day, value.hour, value.minute,
                value.second)
        return ovo_fields.DateTime.to_primitive(None, obj, attr, value)


class DateTimeField(ovo_fields.AutoTypedField):
    AUTO_TYPE = DateTime()

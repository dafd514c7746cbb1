"""Field types the catalogs need, on top of oslo.versionedobjects fields.

All of oslo.versionedobjects' fields are re-exported, so a payload module
needs only ``from tidings.objects import fields``.
"""

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


class SensitiveString(ovo_fields.String):
    """A string kept in the object but written as ``***`` everywhere.

    The real value stays available to the service in-process; every
    serialised form (wire, database, log, file, samples) carries the mask.
    """

    @staticmethod
    def to_primitive(obj, attr, value):
        return MASK

    def get_schema(self):
        return {'type': ['string'], 'const': MASK}


class SensitiveStringField(ovo_fields.AutoTypedField):
    AUTO_TYPE = SensitiveString()


def is_sensitive(field):
    return isinstance(getattr(field, '_type', None), SensitiveString)


_UUID = re.compile(r'^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?'
                   r'[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$')


class UUID(ovo_fields.UUID):
    """A UUID string; unlike oslo's (which only warns), a value that is not
    a UUID is rejected, and the check costs a regex match, not a
    ``warnings`` context."""

    def coerce(self, obj, attr, value):
        text = value if isinstance(value, str) else str(value)
        if _UUID.match(text) is None:
            raise ValueError('%r is not a UUID (expected 32 hex digits, '
                             'dashes optional)' % (value,))
        return text


class UUIDField(ovo_fields.AutoTypedField):
    AUTO_TYPE = UUID()

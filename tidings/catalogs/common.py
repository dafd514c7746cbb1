"""Field types the bundled catalogs share: free-form JSON values.

Watcher's audit ``parameters``, a strategy's ``parameters_spec`` or a
MagnetoDB item's ``keys`` are JSON documents whose shape the payload does
not fix.  These fields accept only JSON values (str, int, float, bool, None,
lists, dicts with string keys), copy them on the way in so later changes to
the caller's dict do not leak into the payload, and say what they accept
when given anything else.
"""

from tidings.objects import fields
from tidings.objects import jsonsafe

_SCALARS = (str, int, float, bool, type(None))


def json_copy(value, where='value', depth=0):
    """A deep copy of ``value``; ValueError when it is not JSON data or
    nests deeper than :data:`~tidings.objects.jsonsafe.MAX_DEPTH` (a
    cycle does too).  Its values are checked for what JSON cannot carry
    (NaN, lone surrogates...) by the field's setter, see
    :mod:`tidings.objects.jsonsafe`."""
    if isinstance(value, _SCALARS):
        return value
    if depth >= jsonsafe.MAX_DEPTH and isinstance(value, (dict, list,
                                                          tuple)):
        raise ValueError('%s: more than %d levels of nesting (or a cycle)'
                         % (where, jsonsafe.MAX_DEPTH))
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError('%s: key %r is not a string' % (where, key))
            out[key] = json_copy(item, '%s[%r]' % (where, key), depth + 1)
        return out
    if isinstance(value, (list, tuple)):
        return [json_copy(item, '%s[%d]' % (where, i), depth + 1)
                for i, item in enumerate(value)]
    raise ValueError('%s: %s %r is not JSON data (str, number, bool, None, '
                     'list or dict)' % (where, type(value).__name__, value))


class _JsonValue(fields.FieldType):
    """JSON data of one container type, copied on the way in and out."""

    container = dict
    container_name = 'dict'

    def coerce(self, obj, attr, value):
        if not isinstance(value, self.container):
            raise ValueError('expected a %s, got %s' % (
                self.container_name, type(value).__name__))
        return json_copy(value, attr)

    @staticmethod
    def to_primitive(obj, attr, value):
        return json_copy(value, attr)

    @staticmethod
    def from_primitive(obj, attr, value):
        return json_copy(value, attr)


class JsonDict(fields.Published, _JsonValue):
    """A dict of JSON values, e.g. ``{"para1": 3.2, "para2": "hello"}``."""

    JSON_SCHEMA = {'type': 'object'}
    TRAIT_TYPE = 'text'
    DOC_TYPE = 'JsonDict'


class JsonList(fields.Published, _JsonValue):
    """A list of JSON values, e.g. an audit scope ``[{"host_aggregates":
    [...]}]``."""

    JSON_SCHEMA = {'type': 'array'}
    TRAIT_TYPE = 'text'
    DOC_TYPE = 'JsonList'

    container = (list, tuple)
    container_name = 'list'


class JsonDictField(fields.AutoTypedField):
    AUTO_TYPE = JsonDict()


class JsonListField(fields.AutoTypedField):
    AUTO_TYPE = JsonList()

"""What every backend can carry, checked when a field is set.

A notification that ``notify()`` accepted must reach every backend: none
may drop it later for a reason the caller could have been told.  So a
payload field refuses, when it is set, a value that some backend cannot
write:

- NaN and the infinities, in a float field or anywhere inside a container
  field: JSON (RFC 8259) has no literal for them; the standard library
  writes a bare ``NaN`` (invalid JSON) and orjson writes ``null``;
- a lone surrogate (``'\\ud800'``) in any string, dict key or item: it is
  not Unicode text, cannot be encoded as UTF-8, and the database, jsonfile
  and messaging backends fail on it;
- an integer outside the signed 64-bit range (-2**63 .. 2**63-1): orjson
  refuses it, the event table's integer columns (BIGINT) cannot hold it,
  and consumers in most languages parse JSON integers into 64 bits;
- a container nested deeper than :data:`MAX_DEPTH` levels: orjson stops
  at 254 levels of the whole message and the standard library's encoder at
  the interpreter's recursion limit.

The NUL character (``'\\x00'``) is valid Unicode and valid JSON (written
``\\u0000``), so it is accepted; the database backend replaces it in the
event table's text columns (PostgreSQL refuses NUL there) and keeps it in
the payload column's JSON.

The check of a field is chosen once per field type, when the payload
class is registered (see :func:`check_for`), so the hot path pays only
for what can be wrong: ``str.isascii()`` (constant time in CPython) for a
string, a surrogate scan only for the rare non-ASCII string,
``math.isfinite`` for a float, two comparisons for an integer.
"""

import math

from oslo_versionedobjects import fields as ovo_fields

#: The integers a field accepts: signed 64 bits.
INT_MIN = -2 ** 63
INT_MAX = 2 ** 63 - 1
INT_RANGE = 'an integer from -2**63 to 2**63-1 (signed 64 bits)'
#: How deep a container field's value may nest (lists and dicts).
MAX_DEPTH = 64
TEXT = 'a string of Unicode text'
FINITE = 'a finite float'
JSON_DATA = ('JSON-safe values (Unicode text without lone surrogates, '
             'finite floats, integers within signed 64 bits, at most %d '
             'levels deep)' % MAX_DEPTH)


class Refused(ValueError):
    """A value no backend could carry; ``accepted`` says what would do."""

    def __init__(self, accepted, detail):
        self.accepted = accepted
        super().__init__(detail)


def _surrogate(value):
    """Raise Refused naming the first lone surrogate of ``value``."""
    try:
        value.encode('utf-8')
    except UnicodeEncodeError as exc:
        raise Refused(TEXT, 'lone surrogate %r at index %d cannot be '
                      'encoded as UTF-8' % (value[exc.start], exc.start)
                      ) from None


def check_text(value):
    """Refuse a string holding a lone surrogate (non-strings pass)."""
    if value.__class__ is str:
        if value.isascii():
            return
    elif not isinstance(value, str):
        return
    _surrogate(value)


def check_float(value):
    """Refuse NaN and the infinities."""
    if not math.isfinite(value):
        raise Refused(FINITE, 'NaN and infinities cannot be written as '
                      'JSON (RFC 8259)')


def check_int(value):
    """Refuse an integer outside the signed 64-bit range."""
    if not INT_MIN <= value <= INT_MAX:
        raise Refused(INT_RANGE, 'beyond signed 64 bits: orjson, the '
                      'database and 64-bit consumers cannot carry it')


class _SetItem:
    def __repr__(self):
        return 'an item'


_SET_ITEM = _SetItem()   # a set's items have no index


def _where(path):
    return ''.join('[%r]' % (p,) for p in path) or 'value'


def check_data(value):
    """Refuse a container (or scalar) holding anything of the above,
    naming where; nested versioned objects check their own fields."""
    _walk(value, [], 0)


def _walk(value, path, depth):
    cls = value.__class__
    if cls is str:
        if value.isascii():
            return
        scalar = check_text
    elif cls is float:
        scalar = check_float
    elif cls is int:
        scalar = check_int
    elif cls is bool or value is None:
        return
    elif cls is dict or isinstance(value, dict):
        if depth >= MAX_DEPTH:
            raise Refused(JSON_DATA, 'more than %d levels of nesting at %s'
                          % (MAX_DEPTH, _where(path)))
        for key, item in value.items():
            path.append(key)
            _walk(key, path, depth + 1)
            _walk(item, path, depth + 1)
            path.pop()
        return
    elif isinstance(value, (list, tuple, set, frozenset)):
        if depth >= MAX_DEPTH:
            raise Refused(JSON_DATA, 'more than %d levels of nesting at %s'
                          % (MAX_DEPTH, _where(path)))
        ordered = isinstance(value, (list, tuple))
        for index, item in enumerate(value):
            path.append(index if ordered else _SET_ITEM)
            _walk(item, path, depth + 1)
            path.pop()
        return
    elif isinstance(value, str):
        scalar = check_text
    elif isinstance(value, float):
        scalar = check_float
    elif isinstance(value, int) and not isinstance(value, bool):
        scalar = check_int
    else:
        # a versioned object (checked by its own setters), a datetime,
        # an IP address...: written by its field type, not as raw data
        return
    try:
        scalar(value)
    except Refused as exc:
        raise Refused(JSON_DATA, 'at %s: %r is not %s: %s' % (
            _where(path), value, exc.accepted, exc)) from None


def check_for(field):
    """The check a field's coerced (non-None) values get, or None.

    Chosen once per field at class registration.  A field type may say it
    checks its own values with ``JSON_SAFE = True``.
    """
    ftype = getattr(field, '_type', field)
    if getattr(ftype, 'JSON_SAFE', False):
        return None
    if isinstance(ftype, ovo_fields.Enum):
        # only the catalog's own values get through its coerce
        return None
    if isinstance(ftype, (ovo_fields.String, ovo_fields.StringPattern)):
        # StringPattern: oslo's UUID accepts any string (with a warning);
        # MAC, PCI and IP values are checked by pattern or are objects.
        return check_text
    if isinstance(ftype, ovo_fields.Float):
        return check_float
    if isinstance(ftype, ovo_fields.Integer):
        return check_int
    if isinstance(ftype, (ovo_fields.Boolean, ovo_fields.DateTime,
                          ovo_fields.Object)):
        return None
    return check_data

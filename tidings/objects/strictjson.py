"""Strict JSON for the files users hand tidings (lock files, wire
messages): UTF-8, RFC 8259 only, bounded nesting.

Python's :mod:`json` accepts more than JSON: bare ``NaN``, ``Infinity``
and ``-Infinity``, numbers that overflow to ``inf`` (``1e999``), and it
fails with a ``RecursionError`` (not a ``ValueError``) on deep nesting.
:func:`loads` refuses all of these with a :class:`JSONInputError` whose
message says what was wrong, where and what is accepted; callers wrap it
in their own typed error naming the file.
"""

import codecs
import math
import re

#: Deepest nesting of arrays and objects accepted.  A notification nests a
#: few payloads, a lock file entry a schema: neither comes near it.
MAX_DEPTH = 100

#: Strings (skipped) and the brackets that open or close a level.
_TOKENS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]', re.S)

_BOMS = (
    (codecs.BOM_UTF32_LE, 'UTF-32'), (codecs.BOM_UTF32_BE, 'UTF-32'),
    (codecs.BOM_UTF16_LE, 'UTF-16'), (codecs.BOM_UTF16_BE, 'UTF-16'),
)


class JSONInputError(ValueError):
    """The text is not strict JSON; the message says why and where.

    ``syntax`` is true when the text is not JSON at all (as opposed to
    JSON tidings refuses: NaN, too deep, not UTF-8...).
    """

    syntax = False


class JSONSyntaxError(JSONInputError):
    syntax = True


def _position(text, index):
    line = text.count('\n', 0, index) + 1
    column = index - (text.rfind('\n', 0, index) + 1) + 1
    return 'line %d column %d' % (line, column)


def decode(data):
    """``data`` (bytes) as text: UTF-8, an optional BOM dropped."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise JSONInputError(
                'is %s (it starts with a %s byte order mark); accepted: '
                'UTF-8 (re-encode it, e.g. iconv -f %s -t UTF-8)'
                % (name, name, name))
    try:
        return data.decode('utf-8-sig')
    except UnicodeDecodeError as exc:
        text = data[:exc.start].decode('utf-8', 'replace')
        raise JSONInputError(
            'is not UTF-8: byte 0x%02x at %s (offset %d) cannot be decoded; '
            'accepted: UTF-8 text' % (data[exc.start],
                                      _position(text, len(text)),
                                      exc.start)) from None


def check_depth(text, max_depth=MAX_DEPTH):
    """Raise JSONInputError when arrays/objects nest deeper than
    ``max_depth`` (checked before parsing: Python's parser recurses)."""
    depth = 0
    for match in _TOKENS.finditer(text):
        char = match.group()
        if char in '[{':
            depth += 1
            if depth > max_depth:
                raise JSONInputError(
                    'is nested more than %d levels deep (at %s); accepted: '
                    'at most %d levels of arrays and objects' % (
                        max_depth, _position(text, match.start()),
                        max_depth))
        elif char in ']}':
            depth -= 1


def _constant(name):
    raise JSONInputError(
        'holds a bare %s, which is not JSON (RFC 8259 has no NaN or '
        'infinities); accepted: finite numbers, or null' % name)


def _float(text):
    value = float(text)
    if not math.isfinite(value):
        raise JSONInputError(
            'holds the number %s, too large for a double (it reads as '
            'infinity); accepted: finite numbers' % (
                text if len(text) <= 40 else text[:37] + '...'))
    return value


def _int(text):
    try:
        return int(text)
    except ValueError:
        raise JSONInputError(
            'holds an integer of %d digits; accepted: at most 4300 digits'
            % len(text.lstrip('-'))) from None


def loads(text, max_depth=MAX_DEPTH):
    """Parse ``text`` (str or bytes) as strict JSON.

    Raises JSONInputError: not UTF-8, nested too deep, a bare
    NaN/Infinity, an infinite number, or not JSON at all.
    """
    import json

    if isinstance(text, (bytes, bytearray)):
        text = decode(bytes(text))
    check_depth(text, max_depth)
    try:
        return json.loads(text, parse_constant=_constant, parse_float=_float,
                          parse_int=_int)
    except JSONInputError:
        raise
    except json.JSONDecodeError as exc:
        raise JSONSyntaxError('is not valid JSON: %s at line %d column %d' % (
            exc.msg, exc.lineno, exc.colno)) from None
    except RecursionError:
        raise JSONInputError('is nested too deep to parse; accepted: at '
                             'most %d levels' % max_depth) from None


def describe_oserror(exc):
    """A short lowercase reason for an OSError on a user-named path."""
    if isinstance(exc, FileNotFoundError):
        return 'does not exist'
    if isinstance(exc, IsADirectoryError):
        return 'is a directory, not a file'
    if isinstance(exc, NotADirectoryError):
        return 'has a path component that is not a directory'
    if isinstance(exc, PermissionError):
        return 'permission denied'
    return (exc.strerror or str(exc)).lower()

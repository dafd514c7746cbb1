"""Request contexts, redacted before any backend sees them.

``notify(..., context=ctx)`` accepts what services pass as a request
context: None, a dict (oslo.context's ``to_dict()``, an RPC ``ctxt``), or
an object -- an oslo.context ``RequestContext`` or anything with a
``to_dict()``.  The notifier turns it, once and on the caller's thread,
into a new plain dict that carries no secret, and every backend gets that
dict (the bus, the outbox, the event database, files, logs, StatsD, a
lifecycle's ``to_dict()`` crossing processes):

- an object offering ``redacted_copy()`` (oslo.context) is redacted by
  it first, as oslo.messaging's own notifier does, then turned into a
  dict with ``to_dict()``;
- in every dict, at every depth, a key matching
  ``[notifications] redact_context_keys`` (shell patterns, case
  insensitive) has its value replaced by None -- what oslo.context puts
  in place of ``auth_token``;
- the copy holds JSON data only (str keys; str, int, float, bool, None,
  lists, dicts), so no backend can refuse it later: datetimes become ISO
  8601 text, UUIDs their text, tuples and sets lists, objects with
  ``to_dict()`` their dict; anything else, a NaN, an infinity or a lone
  surrogate is refused at ``notify()`` with a :class:`ContextError`
  naming where it is.

The caller's context is never changed: the copy is the redacted form.
"""

import datetime
import fnmatch
import math
import re
import uuid

try:
    from oslo_context.context import RequestContext as _OSLO
except ImportError:     # pragma: no cover - oslo.messaging brings it
    _OSLO = None

from tidings.conf import notifications as conf_notifications
from tidings.objects import errors
from tidings.objects import jsonsafe

#: What ``[notifications] redact_context_keys`` holds by default.
DEFAULT_KEYS = conf_notifications.REDACT_CONTEXT_KEYS

#: Keys redacted whatever the option holds: those oslo.context's
#: ``redacted_copy()`` clears.
ALWAYS = ('auth_token', 'auth_token_info', 'service_token')

#: The value a redacted key is given (oslo.context gives None too).
REDACTED = None

#: Deeper than this a context is refused (it is no request context).
MAX_DEPTH = 32

_SCALARS = frozenset([str, int, bool, type(None)])
_PLAIN = frozenset([int, bool, type(None)])


class ContextError(errors.TidingsError, ValueError):
    """A request context cannot be carried as JSON data."""

    def __init__(self, where, value, problem):
        self.where, self.value = where, value
        super().__init__(
            'request context %s: %s %s; accepted: a dict (or an object '
            'with to_dict()) of JSON data: str keys; str, int, float, '
            'bool, None, list, dict, datetime and UUID values' % (
                where, _short(value), problem))


def _short(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


def _compile(patterns):
    """(exact names, a regex for the patterns or None), lowercase."""
    exact, wild = set(), []
    for pattern in patterns:
        pattern = pattern.strip().lower()
        if not pattern:
            continue
        if any(c in pattern for c in '*?['):
            wild.append(fnmatch.translate(pattern))
        else:
            exact.add(pattern)
    return frozenset(exact), (re.compile('|'.join(wild)) if wild else None)


class Redactor:
    """Turn request contexts into redacted, JSON-safe dicts.

    ``Redactor(patterns)(context)`` gives the dict every backend sees (or
    None for no context).  Key verdicts are cached: a service's contexts
    use the same few dozen keys on every call.
    """

    #: Keys (and key sets) whose verdict is kept; past that, verdicts are
    #: found anew each time.
    CACHE_SIZE = 4096

    def __init__(self, patterns=DEFAULT_KEYS):
        self.patterns = tuple(patterns)
        patterns = ALWAYS + self.patterns
        self._exact, self._wild = _compile(patterns)
        self._verdicts = {}
        self._shapes = {}

    def secret(self, key):
        """True when values under ``key`` are redacted."""
        verdict = self._verdicts.get(key)
        if verdict is None:
            lowered = key.lower()
            verdict = lowered in self._exact or (
                self._wild is not None
                and self._wild.match(lowered) is not None)
            if len(self._verdicts) < self.CACHE_SIZE:
                self._verdicts[key] = verdict
        return verdict

    def __call__(self, context):
        if context is None:
            return None
        if context.__class__ is not dict:
            context = self._as_dict(context, 'context')
        return self._dict(context, 'context', 0)

    def _as_dict(self, obj, where):
        cls = type(obj)
        if _OSLO is not None and \
                getattr(cls, 'to_dict', None) is _OSLO.to_dict and \
                getattr(cls, 'redacted_copy', None) is _OSLO.redacted_copy:
            # oslo.context's own class: its to_dict() holds one secret,
            # auth_token, which the deny-list always clears.  This gives
            # redacted_copy().to_dict() without paying for the copy on
            # the caller's thread (see benchmarks/README.rst), except
            # that read_only, show_deleted, resource_uuid and
            # is_admin_project, which redacted_copy() does not carry
            # over, keep the caller's values (tested)
            return obj.to_dict()
        redacted_copy = getattr(obj, 'redacted_copy', None)
        if callable(redacted_copy):
            try:
                obj = redacted_copy()
            except Exception:   # noqa: S110 - the deny-list still applies
                # A subclass whose constructor redacted_copy() cannot
                # call: its to_dict() goes through the deny-list below,
                # which clears every key redacted_copy() would.
                pass
        if isinstance(obj, dict):
            return obj
        to_dict = getattr(obj, 'to_dict', None)
        if not callable(to_dict):
            raise ContextError(where, obj, 'is not a dict and has no '
                               'to_dict()')
        try:
            out = to_dict()
        except Exception as exc:
            raise ContextError(where, obj, 'could not be read: to_dict() '
                               'raised %s: %s' % (type(exc).__name__,
                                                  exc)) from exc
        if not isinstance(out, dict):
            raise ContextError(where, obj, 'gave %s from to_dict(), not a '
                               'dict' % type(out).__name__)
        return out

    def _dict(self, values, where, depth):
        if depth > MAX_DEPTH:
            raise ContextError(where, values, 'is nested deeper than %d '
                               'levels' % MAX_DEPTH)
        out = dict(values)
        # The secret keys of a dict with these keys, found once per key
        # set: a service's contexts have the same keys on every call.
        keys = tuple(out)
        secret = self._shapes.get(keys)
        if secret is None:
            secret = self._shape(keys, where)
        for key in secret:
            out[key] = REDACTED
        plain = _PLAIN
        for key, value in out.items():
            cls = value.__class__
            if cls is str:
                if value.isascii():
                    continue
            elif cls in plain:
                continue
            out[key] = self._value(value, where, key, depth + 1)
        return out

    def _shape(self, keys, where):
        """The secret keys among ``keys`` (checked to be strings)."""
        secret = []
        for key in keys:
            if not isinstance(key, str):
                raise ContextError('%s key' % where, key, 'is not a string')
            if self.secret(key):
                secret.append(key)
        secret = tuple(secret)
        if len(self._shapes) < self.CACHE_SIZE:
            self._shapes[keys] = secret
        return secret

    def _value(self, value, parent, key, depth):
        """The JSON-safe copy of ``value``, found at ``parent[key]``
        (the path is only formatted for an error)."""
        cls = value.__class__
        if cls in _SCALARS:
            if cls is str and not value.isascii():
                _check_text(value, parent, key)
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                raise ContextError(_where(parent, key), value,
                                   'is not a finite number (JSON has no '
                                   'NaN or infinity)')
            return float(value)
        if isinstance(value, dict):
            return self._dict(value, _where(parent, key), depth)
        if isinstance(value, (list, tuple, set, frozenset)):
            where = _where(parent, key)
            if depth > MAX_DEPTH:
                raise ContextError(where, value, 'is nested deeper than %d '
                                   'levels' % MAX_DEPTH)
            items = sorted(value, key=repr) if isinstance(
                value, (set, frozenset)) else value
            return [self._value(item, where, i, depth + 1)
                    for i, item in enumerate(items)]
        if isinstance(value, str):      # subclasses: plain copies
            return self._value(str(value), parent, key, depth)
        if isinstance(value, int):
            return int(value)
        if isinstance(value, (datetime.datetime, datetime.date,
                              datetime.time)):
            return value.isoformat()
        if isinstance(value, uuid.UUID):
            return str(value)
        where = _where(parent, key)
        if hasattr(value, 'to_dict') or hasattr(value, 'redacted_copy'):
            return self._dict(self._as_dict(value, where), where, depth)
        raise ContextError(where, value, 'is a %s, not JSON data'
                           % cls.__name__)


def _where(parent, key):
    return '%s[%r]' % (parent, key)


def _check_text(text, parent, key):
    try:
        jsonsafe.check_text(text)
    except jsonsafe.Refused as exc:
        raise ContextError(_where(parent, key), text, 'holds a %s' % exc
                           ) from None

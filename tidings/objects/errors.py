"""The typed errors of tidings.

Every error names the thing that was wrong, the value, and what is accepted,
e.g. ``AuditPayload.state: 'RUNNING' is not one of PENDING, ONGOING``.
They all derive from :class:`TidingsError` (and from ``ValueError`` where the
problem is a bad value, so generic handlers keep working).
"""

import reprlib


def _listing(items, limit=40):
    items = [str(i) for i in items]
    if not items:
        return '(none)'
    if len(items) > limit:
        return ', '.join(items[:limit]) + ', ... (%d in all)' % len(items)
    return ', '.join(items)


#: How much of a value an error message quotes.
VALUE_LIMIT = 300


def value_repr(value, limit=VALUE_LIMIT):
    """``repr(value)``, cut to ``limit`` characters (a 10 MB string or a
    dict nested a thousand levels deep makes no message)."""
    obj_name = getattr(value, 'obj_name', None)
    if callable(obj_name) and not isinstance(value, type):
        try:    # a payload object: its class says enough
            return 'a %s object' % obj_name()
        except Exception:   # noqa: S110 - fall back to its repr
            pass
    try:
        text = repr(value)
    except RecursionError:
        short = reprlib.Repr()
        short.maxlevel = 4
        text = short.repr(value)
    except Exception as exc:
        text = '<%s whose repr() raised %s>' % (type(value).__name__,
                                                type(exc).__name__)
    if len(text) > limit:
        text = '%s... (%d characters)' % (text[:limit], len(text))
    return text


class TidingsError(Exception):
    """Base of every error tidings raises on purpose."""


class FieldValueError(TidingsError, ValueError):
    def __init__(self, payload, field, value, accepted, detail=''):
        self.payload, self.field, self.value = payload, field, value
        self.accepted = accepted
        msg = '%s.%s: %s is not %s' % (payload, field, value_repr(value),
                                       accepted)
        if detail:
            msg += ' (%s)' % detail
        super().__init__(msg)


class UnknownFieldError(TidingsError, AttributeError):
    def __init__(self, payload, field, known):
        self.payload, self.field = payload, field
        super().__init__('%s has no field %r; its fields are: %s' % (
            payload, field, _listing(known)))


class MissingFieldError(TidingsError, ValueError):
    def __init__(self, payload, fields, event=None):
        self.payload, self.fields = payload, list(fields)
        self.event = event
        where = '%s (payload of %s)' % (payload, event) if event else payload
        super().__init__(
            '%s: required field(s) not set: %s (set them, or declare them '
            'nullable or with a default)' % (where, _listing(self.fields)))


class SchemaSourceError(TidingsError, ValueError):
    """A SCHEMA entry could not be filled from the given sources."""

    def __init__(self, payload, field, source, attribute, problem, given=()):
        self.payload, self.field = payload, field
        self.source, self.attribute = source, attribute
        msg = '%s.%s: SCHEMA source %r attribute %r: %s' % (
            payload, field, source, attribute, problem)
        if given:
            msg += ' (sources given: %s)' % _listing(sorted(given))
        super().__init__(msg)


class VersionError(TidingsError, ValueError):
    def __init__(self, version):
        self.version = version
        super().__init__('version %r is malformed; expected MAJOR.MINOR, '
                         'e.g. 1.0' % (version,))


class PinError(TidingsError, ValueError):
    def __init__(self, payload, version, producible):
        self.payload, self.version = payload, version
        super().__init__('%s cannot be pinned to %s; it can produce %s' % (
            payload, version, producible))


class UnknownPayloadError(TidingsError, LookupError):
    def __init__(self, name, known):
        self.name = name
        super().__init__('unknown payload %r; known payloads: %s' % (
            name, _listing(known)))


class EventTypeError(TidingsError, ValueError):
    def __init__(self, value, problem):
        self.value = value
        super().__init__(
            'event type %r: %s; accepted: [prefix.]object.action[.phase] '
            '(phase one of start, end, error; an error may end in an HTTP '
            'status, e.g. .error.404), parts of lowercase letters, digits, '
            '"_" and "-"' % (value, problem))


class UnknownEventError(TidingsError, LookupError):
    def __init__(self, event, known, where='registry'):
        self.event = event
        super().__init__('unknown event %r in %s; known events: %s' % (
            event, where, _listing(known)))


class UnknownCatalogError(TidingsError, LookupError):
    def __init__(self, name, known, group='tidings.catalogs'):
        self.name = name
        super().__init__(
            'unknown catalog %r; installed catalogs: %s (entry point group '
            '%s)' % (name, _listing(known), group))


class EventDefinitionError(TidingsError, ValueError):
    pass


class LevelError(TidingsError, ValueError):
    def __init__(self, value, accepted, what='level'):
        self.value = value
        super().__init__('%s %r is not one of %s' % (
            what, value, _listing(accepted)))


class ConfigError(TidingsError, ValueError):
    """A configuration value is wrong; raised at startup."""

    def __init__(self, group, option, value, accepted):
        self.group, self.option, self.value = group, option, value
        super().__init__('[%s] %s = %r: %s' % (group, option, value,
                                               accepted))


class ConfigFileError(TidingsError, ValueError):
    """A configuration file is missing or cannot be parsed."""

    def __init__(self, path, problem):
        self.path = path
        super().__init__('config file %s: %s' % (path, problem))


class LockFileError(TidingsError, ValueError):
    def __init__(self, path, problem):
        self.path = path
        super().__init__('lock file %s: %s' % (path, problem))


class ProjectError(TidingsError, ValueError):
    """A ``pyproject.toml`` ``[tool.tidings]`` table that cannot be used."""

    def __init__(self, path, problem):
        self.path = path
        super().__init__('%s [tool.tidings]: %s' % (path, problem))


class InstalledPackageError(TidingsError, ValueError):
    """A write into an installed package (site-packages), refused."""

    def __init__(self, what, path, catalogs, advice):
        self.path = path
        super().__init__(
            '%s %s of catalog(s) %s is inside an installed package; tidings '
            'never writes there: %s' % (what, path, ', '.join(catalogs),
                                        advice))


class InputFileError(TidingsError, ValueError):
    """A file given to a command is missing, unreadable or malformed."""

    def __init__(self, path, problem, what='input file'):
        self.path = path
        super().__init__('%s %s: %s' % (what, path, problem))


class SerializationError(TidingsError, ValueError):
    def __init__(self, payload, field, value, problem):
        self.payload, self.field = payload, field
        super().__init__('%s.%s: value %r cannot be serialised: %s' % (
            payload, field, value, problem))


class MalformedNotificationError(TidingsError, ValueError):
    def __init__(self, what, problem):
        super().__init__('malformed notification %s: %s' % (what, problem))


class RouteError(TidingsError, ValueError):
    """A request-metrics route is malformed or names an unknown event."""

    def __init__(self, route, problem):
        self.route = route
        super().__init__('request-metrics route %s: %s' % (route, problem))


class NestedPayloadError(TidingsError, LookupError):
    """An object field names a payload its namespace does not register."""

    def __init__(self, payload, field, nested, namespace):
        self.payload, self.field, self.nested = payload, field, nested
        super().__init__(
            '%s.%s: nested payload %r is not registered in namespace %s; '
            'register it in the same ObjectRegistry as %s' % (
                payload, field or '?', nested, namespace or '(none)',
                payload))


class FilterError(TidingsError, ValueError):
    """A query filter, sort key, limit, marker or scope is wrong."""

    def __init__(self, name, value, accepted):
        self.name, self.value, self.accepted = name, value, accepted
        super().__init__('%s %r: %s' % (name, value, accepted))


class DatabaseError(TidingsError):
    """The event database cannot be used (URL, connection, schema)."""

    def __init__(self, option, url, problem):
        self.option, self.url = option, url
        super().__init__('%s = %s: %s' % (option, url, problem))


class ConfigErrors(ConfigError):
    """Every problem of a configuration, found in one run.

    ``errors`` lists them (each a :class:`ConfigError` or a
    :class:`ConfigFileError`); the message gives one per line.  ``group``,
    ``option`` and ``value`` are those of the first problem that has them,
    so a handler written for a single ConfigError keeps working.
    """

    def __init__(self, problems):
        self.errors = list(problems)
        first = next((e for e in self.errors if isinstance(e, ConfigError)),
                     None)
        self.group = getattr(first, 'group', None)
        self.option = getattr(first, 'option', None)
        self.value = getattr(first, 'value', None)
        lines = [str(e) for e in self.errors]
        if len(lines) == 1:
            msg = lines[0]
        else:
            msg = '%d configuration problems:\n%s' % (
                len(lines), '\n'.join('- ' + line for line in lines))
        # ConfigError.__init__ formats one problem; this one is a list.
        TidingsError.__init__(self, msg)


class ArgumentError(TidingsError, ValueError):
    """An argument of a tidings call is of the wrong kind or out of range."""

    def __init__(self, what, value, accepted):
        self.what, self.value, self.accepted = what, value, accepted
        super().__init__('%s: %r is not %s' % (what, value, accepted))


class PayloadFactoryError(TidingsError):
    """A payload factory given to notify() (or a lifecycle) raised; the
    original exception is chained (``__cause__``)."""

    def __init__(self, event, factory, exc):
        self.event, self.factory = event, factory
        super().__init__(
            'payload factory %s of event %s raised %s: %s (a factory is '
            'called with no arguments and returns the event\'s payload)' % (
                factory, event, type(exc).__name__, exc))


class PayloadVersionError(TidingsError, ValueError):
    """A received payload of another major version than the consumer's
    class: a major bump is a breaking change, so the message cannot be
    read as the consumer's class (a newer or older *minor* version can)."""

    def __init__(self, payload, received, known, message_id=None):
        self.payload, self.received, self.known = payload, received, known
        self.message_id = message_id
        super().__init__(
            '%s%s: received version %s, this consumer knows %s; another '
            'major version cannot be decoded (accepted: versions %s.x; '
            'upgrade the consumer\'s catalog to read %s)' % (
                'message %s: ' % message_id if message_id else '', payload,
                received, known, str(known).split('.')[0], received))

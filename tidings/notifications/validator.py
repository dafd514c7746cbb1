"""The consumer-side validator: check a received notification against the
JSON Schema of its payload version.

A consumer gets wire messages (from the bus, a JSON file, a database row)
and wants to know they are what the producer documented.  The schema of
every released payload version is in the lock file, so a consumer running
an older or newer tidings than the producer still validates correctly::

    validator = NotificationValidator()          # the bundled lock file
    validator.validate(message)                  # raises, naming the problem

Versioned payloads are looked up by ``<namespace>.<Name>@<version>`` in
the lock file.  When the event type is known to the given registries
(catalogs), the priority and event type are checked against the event
definition too, and unversioned (flat) payloads can be validated with the
current payload class.
"""

import difflib
import os
import re
import threading

import jsonschema

from tidings.notifications import notification as notification_mod
from tidings.objects import errors
from tidings.objects import fingerprint
from tidings.objects import lockfile
from tidings.objects import schema as schema_mod

_SUFFIX = '_object.name'


_SURROGATE = re.compile('[\ud800-\udfff]')


def surrogate_problems(message):
    """``['path: problem']`` for every string (key or value) of
    ``message`` holding a lone surrogate (a ``\\ud800`` escape): valid
    JSON grammar, but no UTF-8 text can carry it, so a consumer storing or
    forwarding the message fails."""
    found = []
    stack = [((), message)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            match = _SURROGATE.search(value)
            if match:
                found.append('%s: %s holds a lone surrogate U+%04X, which '
                             'UTF-8 cannot carry; accepted: Unicode text '
                             'without lone surrogates' % (
                                 '/'.join(path) or '<root>', ascii(value),
                                 ord(match.group())))
        elif isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and _SURROGATE.search(key):
                    found.append('%s: key %s holds a lone surrogate; '
                                 'accepted: Unicode text without lone '
                                 'surrogates' % ('/'.join(path) or '<root>',
                                                 ascii(key)))
                stack.append((path + (ascii(key)[1:-1],), item))
        elif isinstance(value, list):
            stack.extend((path + (str(i),), item)
                         for i, item in enumerate(value))
    return sorted(found)


def _describe(error):
    """A jsonschema error's message, naming the value where jsonschema
    names only what was expected."""
    if error.validator == 'const':
        return '%r is not %r' % (error.instance, error.validator_value)
    return error.message


class NotificationValidator:
    """Validate wire messages against the lock file's schemas.

    :param lock: a lock file path (default: the bundled catalogs' one), a
        loaded :class:`~tidings.objects.lockfile.LockFile`, or a list of
        either (merged: see :func:`~tidings.objects.lockfile.merge`).
    :param registries: EventRegistry objects.  When some are given, a
        message's event type must be one of theirs (an unknown event type
        is a problem), its payload must be the event's payload class, and
        its priority and event type are checked against the event
        definition; an unversioned payload can be validated.  With none,
        any event type is accepted and only the payload schema is checked.
    """

    def __init__(self, lock=None, registries=()):
        if lock is None:
            lock = lockfile.bundled_path()
        if isinstance(lock, (list, tuple)):
            lock = lockfile.merge([
                lockfile.LockFile.load(os.fspath(one))
                if isinstance(one, (str, os.PathLike)) else one
                for one in lock])
        elif isinstance(lock, (str, os.PathLike)):
            lock = lockfile.LockFile.load(os.fspath(lock))
        if not isinstance(lock, lockfile.LockFile):
            raise errors.ArgumentError(
                'NotificationValidator lock', lock,
                'a lock file path, a loaded LockFile, a list of them, or '
                'None for the bundled catalogs\' lock file')
        self.lock = lock
        from tidings.notifications import registry as registry_mod
        if isinstance(registries, registry_mod.EventRegistry):
            registries = [registries]
        if isinstance(registries, (str, bytes, dict)) or not hasattr(
                registries, '__iter__'):
            raise errors.ArgumentError(
                'NotificationValidator registries', registries,
                'a list of EventRegistry objects (catalogs)')
        self.registries = list(registries)
        for index, registry in enumerate(self.registries):
            if not isinstance(registry, registry_mod.EventRegistry):
                raise errors.ArgumentError(
                    'NotificationValidator registries[%d]' % index,
                    registry, 'an EventRegistry (catalog)')
        self._cache = {}
        self._lock = threading.Lock()

    def _definition(self, event_type):
        if not isinstance(event_type, str):
            return None
        for registry in self.registries:
            found = registry.find(event_type)
            if found is not None:
                return found
        return None

    def _validator(self, key, builder):
        found = self._cache.get(key)
        if found is None:
            doc = builder()
            jsonschema.Draft202012Validator.check_schema(doc)
            found = jsonschema.Draft202012Validator(
                doc, format_checker=jsonschema.FormatChecker())
            with self._lock:
                self._cache[key] = found
        return found

    def schema_for(self, message):
        """``(cache key, builder)`` of the schema ``message`` must meet."""
        payload = message['payload']
        where = message.get('message_id', '<no message_id>')
        definition = self._definition(message.get('event_type'))
        names = [k for k in payload if k.endswith(_SUFFIX)] if isinstance(
            payload, dict) else []
        if not names:
            if definition is None:
                raise errors.MalformedNotificationError(
                    where, 'payload has no <namespace>_object.name key (an '
                    'unversioned payload); it can be validated only for an '
                    'event type of the given catalogs, and %r is not one'
                    % (message.get('event_type'),))
            return (('unversioned', definition.name),
                    lambda: schema_mod.notification_schema(
                        definition, fmt=schema_mod.UNVERSIONED))
        ns = names[0][:-len(_SUFFIX)]
        name = payload[names[0]]
        version = payload.get(ns + '_object.version')
        for what, value in (('name', name), ('version', version)):
            if not isinstance(value, str):
                raise errors.MalformedNotificationError(
                    where, 'payload/%s_object.%s is %r; expected a string%s'
                    % (ns, what, value, ' (MAJOR.MINOR, e.g. 1.0)'
                       if what == 'version' else ''))
        key = '%s.%s' % (ns, name)
        if self.lock.entry(key, version) is None:
            known = self.lock.versions(key)
            raise errors.MalformedNotificationError(
                where, 'payload %s@%s is not in the lock file %s; %s' % (
                    key, version, self.lock.path,
                    'locked versions: ' + ', '.join(known) if known
                    else 'no version of it is locked'))

        def build():
            doc = self.lock.schema(key, version)
            if definition is None:
                return schema_mod.envelope_schema(doc)
            variants = bool(definition.status_variants
                            and definition.status is None)
            return schema_mod.envelope_schema(
                doc, priority=definition.level,
                event_type=definition.event_type_str,
                status_variants=variants)
        return (key, version, definition and definition.name), build

    def catalog_problems(self, message):
        """The event type and payload class of ``message`` against the
        registries: ``['path: problem']`` (none without registries)."""
        if not self.registries:
            return []
        event_type = message.get('event_type')
        if not isinstance(event_type, str):
            return []  # the envelope schema names the wrong type
        definition = self._definition(event_type)
        catalogs = ', '.join(sorted(str(r.name) for r in self.registries))
        if definition is None:
            known = sorted({d.event_type_str for r in self.registries
                            for d in r})
            close = difflib.get_close_matches(event_type, known, n=3)
            return ['event_type: %r is not an event of catalog(s) %s%s; '
                    'accepted: an event type of those catalogs (tidings '
                    'events list), or validate without catalogs' % (
                        event_type, catalogs,
                        ' (did you mean %s?)' % ', '.join(close)
                        if close else '')]
        payload = message.get('payload')
        names = [k for k in payload if k.endswith(_SUFFIX)] if isinstance(
            payload, dict) else []
        if not names:
            return []
        ns = names[0][:-len(_SUFFIX)]
        got = '%s.%s' % (ns, payload[names[0]])
        expected = fingerprint.key(definition.payload)
        if got == expected:
            return []
        return ['payload/%s: %s is not the payload of %s; expected %s' % (
            names[0], got, event_type, expected)]

    def errors(self, message):
        """Every problem of ``message`` as ``'path: problem'`` strings."""
        notification_mod.check_wire(message)
        problems = surrogate_problems(message) + self.catalog_problems(
            message)
        key, build = self.schema_for(message)
        validator = self._validator(key, build)
        found = sorted(validator.iter_errors(message),
                       key=lambda e: list(map(str, e.absolute_path)))
        return problems + [
            '%s: %s' % ('/'.join(map(str, e.absolute_path)) or '<root>',
                        _describe(e)) for e in found]

    def validate(self, message):
        """Return ``message`` when valid; else raise
        MalformedNotificationError listing every problem."""
        problems = self.errors(message)
        if problems:
            raise errors.MalformedNotificationError(
                message.get('message_id', '<no message_id>'),
                '%s does not match its schema: %s' % (
                    message.get('event_type'), '; '.join(problems)))
        return message

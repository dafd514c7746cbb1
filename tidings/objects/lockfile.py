"""The lock file: every released payload version's fingerprint and schema.

A committed JSON file, written with sorted keys and a 2-space indent so
its diffs are readable::

    {"lock_format": 1,
     "payloads": {"<namespace>.<Name>": {"<version>": {
         "fingerprint": "1.0-<hash>", "shape": {...}, "schema": {...}}}}}

:func:`check` compares payload classes with it (see
:class:`PayloadResult` for the outcomes); :meth:`LockFile.update` records
the current versions and keeps the older ones, so the schema of 1.0 is
still served after 1.1 ships.
"""

import json
import os
import re
import tempfile

from tidings.objects import base
from tidings.objects import compat
from tidings.objects import errors
from tidings.objects import fingerprint
from tidings.objects import introspect
from tidings.objects import pinning
from tidings.objects import schema as schema_mod
from tidings.objects import strictjson

LOCK_FORMAT = 1
_KEY = re.compile(r'^[A-Za-z0-9_]+\.[A-Za-z_][A-Za-z0-9_]*$')
_VERSION = re.compile(r'^\d+\.\d+$')
UPDATE_HINT = 'run `tidings fingerprints update`'


class LockFile:
    """A lock file in memory: ``payloads[key][version] = entry``."""

    def __init__(self, path, payloads=None):
        self.path = path
        self.payloads = payloads if payloads is not None else {}

    # reading

    @classmethod
    def load(cls, path, missing_ok=False):
        """Read and validate ``path``; raise LockFileError when malformed.

        A missing file is an error unless ``missing_ok`` (then empty).
        """
        try:
            with open(path, 'rb') as stream:
                raw = stream.read()
        except FileNotFoundError:
            if missing_ok:
                return cls(path)
            raise errors.LockFileError(
                path, 'does not exist; create it with `tidings fingerprints '
                'update --lock %s`' % path) from None
        except OSError as exc:
            raise errors.LockFileError(path, 'cannot be read: %s' % (
                strictjson.describe_oserror(exc),)) from None
        try:
            data = strictjson.loads(raw)
        except strictjson.JSONInputError as exc:
            raise errors.LockFileError(path, '%s%s' % (
                exc, '; accepted: the JSON `tidings fingerprints update` '
                'writes' if exc.syntax else '')) from None
        return cls(path, validate(path, data))

    def versions(self, key):
        """Locked versions of payload ``key``, oldest first."""
        return sorted(self.payloads.get(key, {}), key=base.version_tuple)

    def newest(self, key):
        versions = self.versions(key)
        return versions[-1] if versions else None

    def entry(self, key, version):
        return self.payloads.get(key, {}).get(version)

    def keys(self):
        return sorted(self.payloads)

    def drop(self, key):
        """Forget payload ``key`` and every version of it."""
        return self.payloads.pop(key, None)

    def resolve(self, namespace, name, version):
        """A shape resolver over the locked shapes (for schemas)."""
        found = self.entry('%s.%s' % (namespace, name), version)
        return None if found is None else found['shape']

    def schema(self, key, version, fmt=schema_mod.VERSIONED):
        """The schema of a locked version (versioned: as stored)."""
        found = self.entry(key, version)
        if found is None:
            return None
        if fmt == schema_mod.VERSIONED:
            return found['schema']
        return schema_mod.schema_from_shape(found['shape'], version,
                                            self.resolve, fmt)

    # writing

    def record(self, cls):
        """Store the entry of ``cls``'s current version (replacing it)."""
        key = fingerprint.key(cls)
        self.payloads.setdefault(key, {})[cls.VERSION] = entry_for(cls)
        return key

    def to_json(self):
        return json.dumps({'lock_format': LOCK_FORMAT,
                           'payloads': self.payloads},
                          indent=2, sort_keys=True, ensure_ascii=False) + '\n'

    def save(self, path=None):
        """Write atomically (a temporary file, then rename)."""
        path = path or self.path
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix='.lock-', dir=directory)
        try:
            with os.fdopen(fd, 'w', encoding='utf-8') as stream:
                stream.write(self.to_json())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise


def merge(locks):
    """One LockFile holding the payloads of every one of ``locks``.

    Versions of the same payload from several files are all kept; the same
    version in two files must have the same fingerprint, else
    LockFileError names both files.  The merged file's ``path`` lists
    them all (it is for messages, not for saving).
    """
    locks = list(locks)
    if len(locks) == 1:
        return locks[0]
    payloads, origin = {}, {}
    for lock in locks:
        for key, versions in lock.payloads.items():
            for version, entry in versions.items():
                there = payloads.setdefault(key, {}).get(version)
                if there is not None and \
                        there['fingerprint'] != entry['fingerprint']:
                    raise errors.LockFileError(
                        lock.path, '%s %s is locked as %s, but as %s in %s; '
                        'accepted: lock files that agree on every version '
                        'they share' % (key, version, entry['fingerprint'],
                                        there['fingerprint'],
                                        origin[key, version]))
                payloads[key][version] = entry
                origin.setdefault((key, version), lock.path)
    return LockFile(', '.join(str(lock.path) for lock in locks), payloads)


def entry_for(cls):
    """The lock entry of a payload class: fingerprint, shape, schema."""
    shape = fingerprint.shape(cls)
    return {'fingerprint': fingerprint.fingerprint_of(cls.VERSION, shape),
            'shape': shape,
            'schema': schema_mod.payload_schema(cls)}


def validate(path, data):
    """Check the structure of a parsed lock file; return its payloads."""
    def bad(problem):
        return errors.LockFileError(path, problem)

    if not isinstance(data, dict):
        raise bad('expected a JSON object with keys lock_format and '
                  'payloads, got %s' % type(data).__name__)
    unknown = sorted(set(data) - {'lock_format', 'payloads'})
    if unknown:
        raise bad('unknown top-level key(s) %s; accepted: lock_format, '
                  'payloads' % ', '.join(unknown))
    if type(data.get('lock_format')) is not int or \
            data['lock_format'] != LOCK_FORMAT:
        raise bad('lock_format %r is not supported; accepted: %d'
                  % (data.get('lock_format'), LOCK_FORMAT))
    payloads = data.get('payloads')
    if not isinstance(payloads, dict):
        raise bad('"payloads" must be an object of <namespace>.<Name> -> '
                  'versions, got %r' % (type(payloads).__name__,))
    for key, versions in payloads.items():
        if not _KEY.match(key):
            raise bad('payload key %r: expected <namespace>.<Name>' % key)
        if not isinstance(versions, dict) or not versions:
            raise bad('%s: expected an object of version -> entry' % key)
        for version, entry in versions.items():
            _validate_entry(bad, key, version, entry)
    return payloads


def _validate_entry(bad, key, version, entry):
    where = '%s %s' % (key, version)
    if not _VERSION.match(version):
        raise bad('%s: version %r is not MAJOR.MINOR' % (key, version))
    if not isinstance(entry, dict):
        raise bad('%s: expected an object with fingerprint, shape and '
                  'schema' % where)
    missing = [k for k in ('fingerprint', 'shape', 'schema')
               if k not in entry]
    if missing:
        raise bad('%s: missing %s (an entry has fingerprint, shape and '
                  'schema)' % (where, ', '.join(missing)))
    try:
        fp_version, _ = fingerprint.split(entry['fingerprint'])
    except ValueError as exc:
        raise bad('%s: %s' % (where, exc))
    if fp_version != version:
        raise bad('%s: fingerprint %s is for version %s' % (
            where, entry['fingerprint'], fp_version))
    shape = entry['shape']
    if not isinstance(shape, dict) or not isinstance(
            shape.get('fields'), dict):
        raise bad('%s: shape must be an object with name, namespace, '
                  'fields and schema' % where)
    if fingerprint.key(shape) != key:
        raise bad('%s: shape describes %s' % (where, fingerprint.key(shape)))
    if fingerprint.fingerprint_of(version, shape) != entry['fingerprint']:
        raise bad('%s: fingerprint %s does not match its shape (edited by '
                  'hand? restore it from version control)' % (
                      where, entry['fingerprint']))
    if not isinstance(entry['schema'], dict):
        raise bad('%s: schema must be a JSON object' % where)


# checking

OK = 'ok'
UNLOCKED = 'unlocked'
FAIL = 'fail'


class PayloadResult:
    """The check of one payload class against the lock file.

    ``status``: ``ok`` (its VERSION is locked with this fingerprint),
    ``unlocked`` (VERSION is exactly the bump the change needs, but not
    recorded yet) or ``fail``; ``problem`` says why, ``verdict`` is the
    :class:`~tidings.objects.compat.Verdict` against the locked shape.

    ``findings``: ``(version, Change)`` pairs the payload's version history
    does not allow even when its fingerprint is locked: a pin to an older
    locked version that would emit messages that version's schema rejects
    (see :mod:`tidings.objects.pinning`), and ``FIELD_VERSIONS`` entries
    that disagree with the lock.  A payload with findings is not ok.
    """

    def __init__(self, cls, status, problem='', verdict=None, locked=None,
                 findings=()):
        self.cls = cls
        self.key = fingerprint.key(cls)
        self.version = cls.VERSION
        self.fingerprint = fingerprint.fingerprint(cls)
        self.status = status
        self.problem = problem
        self.verdict = verdict
        self.locked = locked
        self.findings = list(findings)
        #: Set by :func:`update` when the entry was written.
        self.recorded = False

    @property
    def ok(self):
        return self.status == OK and not self.findings

    def lines(self):
        status = self.status
        if status == OK and self.findings:
            status = FAIL
        head = '%s %s: %s' % (self.key, self.version, status.upper()
                              if status != OK else OK)
        if self.problem:
            head += ' — ' + self.problem
        out = [head]
        if self.verdict is not None and self.verdict.changes:
            for change in self.verdict.changes:
                out.append('  - %s' % (change,))
            out.append('  verdict: %s' % self.verdict)
        for version, change in self.findings:
            if change.kind == 'field_versions':
                out.append('  - FIELD_VERSIONS: %s (remove the entry, or '
                           'correct it)' % change.summary)
            else:
                out.append('  - pin to %s: %s' % (version, change.summary))
        if any(c.kind != 'field_versions' for _, c in self.findings):
            out.append('  verdict: breaking for pinned emitters — a pin to '
                       'an older version would send messages its schema '
                       'rejects: bump major to %s, or downgrade these '
                       'fields in %s.obj_make_compatible' % (
                           compat.required_version(self.version,
                                                   compat.BREAKING),
                           self.cls.__name__))
        return out

    def as_dict(self):
        return {'payload': self.key, 'version': self.version,
                'fingerprint': self.fingerprint, 'status': self.status,
                'problem': self.problem, 'locked_version': self.locked,
                'verdict': (self.verdict.as_dict()
                            if self.verdict is not None else None),
                'findings': [dict(change.as_dict(), version=version)
                             for version, change in self.findings]}


REMOVAL_HINT = ('if the removal is intended, drop it with `tidings '
                'fingerprints update --allow-removal`')


class Report:
    """The results of :func:`check`; ``ok`` when at least one payload
    was checked, every payload is ok and no locked payload of the checked
    namespaces is gone from the code.

    ``removed``: ``[(key, newest locked version)]`` of those payloads.
    ``looked_at``: words for what was searched for payloads (for the
    message when nothing was found).
    """

    def __init__(self, results, lock_path, removed=(), looked_at=None):
        self.results = results
        self.lock_path = lock_path
        self.removed = list(removed)
        self.looked_at = looked_at

    @property
    def empty(self):
        return not self.results

    @property
    def ok(self):
        return (not self.empty and not self.removed
                and all(r.ok for r in self.results))

    def failing(self):
        return [r for r in self.results if not r.ok]

    def removed_lines(self):
        return ['%s %s: REMOVED — locked, but no longer in the code: a '
                'breaking change for its consumers; %s' % (
                    key, version, REMOVAL_HINT)
                for key, version in self.removed]

    def text(self, verbose=True):
        lines = []
        for result in self.results:
            if verbose or not result.ok:
                lines.extend(result.lines())
        lines.extend(self.removed_lines())
        bad = len(self.failing())
        summary = '%d payload(s) checked against %s: %d ok, %d not' % (
            len(self.results), self.lock_path, len(self.results) - bad, bad)
        if self.removed:
            summary += ', %d removed' % len(self.removed)
        if self.empty:
            summary += ('; nothing was checked (looked at: %s); point it '
                        'at payloads with --catalog NAME or --module MOD '
                        '(a module that registers payloads)' % (
                            self.looked_at or 'no payload classes'))
        lines.append(summary)
        return '\n'.join(lines)

    def as_dict(self):
        return {'lock': self.lock_path, 'ok': self.ok,
                'payloads': [r.as_dict() for r in self.results],
                'removed': [{'payload': key, 'locked_version': version}
                            for key, version in self.removed],
                'looked_at': self.looked_at}


def check_class(cls, lock, checked_keys=None, resolve=None):
    """:class:`PayloadResult` of one payload class against ``lock``.

    ``checked_keys``: the keys of every payload checked with it, so a new
    payload's hint can tell a moved payload from an unrelated namesake.
    ``resolve``: the shape resolver nested payloads are read from when the
    pins to older versions are checked (default: the lock's).
    """
    result = _check_fingerprint(cls, lock, checked_keys)
    result.findings = history_findings(cls, lock, resolve)
    return result


def history_findings(cls, lock, resolve=None):
    """``[(version, Change)]``: what the lock's history of ``cls`` does
    not allow (see :class:`PayloadResult`)."""
    resolve = resolve or lock.resolve
    out = [(cls.VERSION, change)
           for change in pinning.field_versions_problems(cls, lock)]
    if pinning.overrides_downgrade(cls):
        return out
    current = fingerprint.shape(cls)
    key = fingerprint.key(cls)
    for version in pinning.older_versions(cls, lock):
        _pin, findings = pinning.plan(current, lock.entry(key, version)[
            'shape'], version, resolve)
        out.extend((version, change) for change in findings)
    return out


def _check_fingerprint(cls, lock, checked_keys=None):
    key = fingerprint.key(cls)
    version = cls.VERSION
    current = fingerprint.shape(cls)
    fp = fingerprint.fingerprint_of(version, current)
    newest = lock.newest(key)
    if newest is None:
        return PayloadResult(cls, FAIL, 'new payload, not in the lock file: '
                             + UPDATE_HINT + _elsewhere(lock, cls,
                                                        checked_keys))
    entry = lock.entry(key, version)
    if entry is not None:
        if entry['fingerprint'] == fp:
            return PayloadResult(cls, OK, locked=version)
        found = compat.verdict(entry['shape'], current, newest)
        return PayloadResult(
            cls, FAIL, 'fingerprint changed (locked %s, now %s) but VERSION '
            'is still %s: %s' % (entry['fingerprint'], fp, version,
                                 found.bump), found, version)
    found = compat.verdict(lock.entry(key, newest)['shape'], current, newest)
    if base.version_tuple(version) < base.version_tuple(newest):
        return PayloadResult(
            cls, FAIL, 'VERSION %s is not locked and older than the newest '
            'locked version %s' % (version, newest), found, newest)
    if found.kind == compat.UNCHANGED:
        allowed = (compat.required_version(newest, compat.COMPATIBLE),
                   compat.required_version(newest, compat.BREAKING))
        if version in allowed:
            return PayloadResult(
                cls, UNLOCKED, 'shape unchanged since %s, VERSION bumped to '
                '%s; not locked yet: %s' % (newest, version, UPDATE_HINT),
                found, newest)
        return PayloadResult(
            cls, FAIL, 'shape unchanged since %s; VERSION %s skips versions '
            '(next is %s or %s)' % ((newest, version) + allowed), found,
            newest)
    if version == found.required:
        return PayloadResult(
            cls, UNLOCKED, '%s; not locked yet: %s' % (found.kind,
                                                       UPDATE_HINT),
            found, newest)
    return PayloadResult(
        cls, FAIL, 'VERSION is %s but the change since %s requires %s' % (
            version, newest, found.required), found, newest)


def _elsewhere(lock, cls, checked_keys=None):
    """A hint when a new payload looks moved from another namespace.

    Only when exactly one payload of the same name is locked in another
    namespace and it is no longer among the payloads checked: then the
    payload's namespace probably changed, and consumers of the old one
    break.  A namesake still checked (an unrelated payload of another
    catalog) gets no hint: this one is simply new.
    """
    others = [k for k in lock.keys()
              if k.split('.', 1)[1] == cls.obj_name()
              and k != fingerprint.key(cls)]
    if len(others) != 1 or (checked_keys is not None
                            and others[0] in checked_keys):
        return ''
    return (' (or moved? %s is locked as %s, which is no longer checked: '
            'if this is the same payload, its namespace changed, a breaking '
            'change for consumers of %s)' % (cls.obj_name(), others[0],
                                             others[0]))


def check(classes, lock, namespaces=None, looked_at=None):
    """Check payload classes (and the payloads they nest) against a
    :class:`LockFile`; return a :class:`Report`.

    Payloads locked in ``namespaces`` (default: the namespaces of the
    classes checked) but not among the classes are reported as removed.
    """
    classes = introspect.with_nested(classes)
    keys = {fingerprint.key(cls) for cls in classes}
    code = schema_mod.class_resolver(*classes)

    def resolve(namespace, name, version):
        found = code(namespace, name, version)
        return found if found is not None else lock.resolve(
            namespace, name, version)

    results = [check_class(cls, lock, keys, resolve) for cls in classes]
    if namespaces is None:
        namespaces = {cls.OBJ_PROJECT_NAMESPACE for cls in classes}
    removed = [(key, lock.newest(key)) for key in lock.keys()
               if key.split('.', 1)[0] in namespaces and key not in keys]
    return Report(results, lock.path, removed, looked_at)


def update(classes, lock, force=False, allow_removal=False, **kwargs):
    """Record the current version of every payload that is new or bumped
    as its change requires; return the :class:`Report` checked *before*
    the update.

    A payload that fails the check (changed without the right bump) is
    recorded only with ``force``: rewriting a released version's entry
    hides the change from consumers.  A locked payload gone from the code
    (``report.removed``) is dropped from the lock, every version of it,
    only with ``allow_removal``; ``report.dropped`` lists what was.
    """
    report = check(classes, lock, **kwargs)
    new_keys = {r.key for r in report.results if lock.newest(r.key) is None}
    for result in report.results:
        if (result.status in (OK, UNLOCKED) or force
                or result.key in new_keys):
            lock.record(result.cls)
            result.recorded = True
    report.dropped = []
    if allow_removal:
        for key, _version in report.removed:
            lock.drop(key)
            report.dropped.append(key)
    return report


# -- where the lock files are ------------------------------------------------
#
# Which lock file is a catalog's is the catalogs' knowledge (an explicit
# path, the project's [tool.tidings], the registry's own ``lock=``: see
# :func:`tidings.catalogs.contract`).  The layers below the catalogs (pin
# resolution in :mod:`tidings.conf`, the notification validator) may not
# import them, so they ask here; :mod:`tidings.catalogs` answers by
# calling :func:`set_locations` when it is imported, and importing any part
# of tidings imports it (``tidings/__init__.py`` does).

_locations = {}


def set_locations(bundled, of_registry):
    """Called by :mod:`tidings.catalogs`: ``bundled`` is the bundled
    catalogs' lock file, ``of_registry(registry)`` the lock file of a
    registry's catalog (or None)."""
    _locations['bundled'] = bundled
    _locations['of_registry'] = of_registry


def _location(what):
    try:
        return _locations[what]
    except KeyError:
        raise errors.TidingsError(
            'no lock file locations: tidings.catalogs was not imported '
            '(import tidings does it)') from None


def bundled_path():
    """The bundled catalogs' lock file (:data:`tidings.catalogs.LOCK_FILE`).
    """
    return _location('bundled')


def path_of(registry):
    """The lock file of ``registry``'s catalog (None when it names none):
    ``tidings.catalogs.contract(registry).lock``."""
    return _location('of_registry')(registry)

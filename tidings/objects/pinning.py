"""Pinning: what a payload sends when pinned to an older version.

The lock file holds the shape of every released version, so what a
payload of the current version must change to look like version X is
known without the payload class saying it: :func:`plan` compares the
current shape with X's locked shape, field by field, and returns

- a :class:`PinnedVersion`: the version string X carrying its downgrade
  (fields X does not have are dropped; a field X requires but the current
  version may leave unset gets its default; a nested payload whose version
  moved on is itself pinned to the version X nested), which
  :meth:`~tidings.objects.base.TidingsObject.obj_make_compatible` applies;
- the *findings*: the changes a downgrade cannot undo, as
  :class:`~tidings.objects.compat.Change` objects (a field whose type
  changed, an enum that gained values X does not know, a field X requires
  that may now be unset with no default, a nested payload replaced by
  another...).  A pin with findings would emit messages X's schema
  rejects: ``tidings fingerprints check`` reports them and the notifier
  refuses the pin, unless the payload class overrides
  ``obj_make_compatible`` (its author then downgrades those fields).

``FIELD_VERSIONS`` is not needed any more; when a class gives it,
:func:`field_versions_problems` says where it disagrees with the lock.
"""

from tidings.objects import base
from tidings.objects import compat
from tidings.objects import errors
from tidings.objects import fingerprint

SINGLE, LIST, DICT = 'single', 'list', 'dict'


class PinnedVersion(str):
    """A target version (``'1.0'``) with the downgrade to reach it.

    It is a ``str`` equal to the version, so it goes wherever oslo passes a
    ``target_version`` (``obj_to_primitive``, ``obj_make_compatible``,
    ``Notification.target_version``) and an override of
    ``obj_make_compatible`` that calls ``super()`` still gets the
    downgrade.
    """

    def __new__(cls, version, drop=(), fill=(), nested=()):
        self = super().__new__(cls, version)
        #: Field names the target version does not have.
        self.drop = tuple(drop)
        #: ``(name, primitive default)``: required by the target version,
        #: may be unset now.
        self.fill = tuple(fill)
        #: ``(name, attribute, SINGLE | LIST | DICT, PinnedVersion)``.
        self.nested = tuple(nested)
        return self

    def __reduce__(self):
        return (PinnedVersion, (str(self), self.drop, self.fill,
                                self.nested))

    @property
    def changes_nothing(self):
        return not (self.drop or self.fill or self.nested)

    def downgrade(self, obj, data):
        """Turn ``data`` (the ``*_object.data`` of ``obj`` at its own
        version) into the data of this version, in place."""
        for name in self.drop:
            data.pop(name, None)
        for name, value in self.fill:
            if name not in data:
                data[name] = value
        values = obj.__dict__
        for name, attr, kind, pin in self.nested:
            value = values.get(attr)
            if value is None or name not in data:
                continue
            if kind == SINGLE:
                data[name] = value.obj_to_primitive(pin)
            elif kind == LIST:
                data[name] = [None if v is None else v.obj_to_primitive(pin)
                              for v in value]
            else:
                data[name] = {k: None if v is None
                              else v.obj_to_primitive(pin)
                              for k, v in value.items()}

    def describe(self):
        """Human words for what the downgrade does (docs, reports)."""
        parts = []
        if self.drop:
            parts.append('drops %s' % ', '.join('`%s`' % n
                                                 for n in self.drop))
        if self.fill:
            parts.append('sends the default of %s when unset' % ', '.join(
                '`%s`' % n for n, _ in self.fill))
        for name, _attr, _kind, pin in self.nested:
            parts.append('pins `%s` to %s' % (name, str(pin)))
        return '; '.join(parts) or 'nothing to change'


def _finding(path, kind, summary):
    return compat.Change(path, kind, summary, True)


def _required(desc):
    return not desc.get('nullable') and 'default' not in desc


def plan(current, target, version, resolve):
    """``(PinnedVersion, findings)`` turning shape ``current`` into shape
    ``target`` (the locked shape of ``version``).

    ``resolve(namespace, name, version)`` gives the locked shape of a
    nested payload (e.g. :meth:`LockFile.resolve`).
    """
    findings = []
    drop, fill, nested = [], [], []
    if fingerprint.key(current) != fingerprint.key(target):
        findings.append(_finding(None, 'name', 'is %s, locked %s as %s' % (
            fingerprint.key(current), version, fingerprint.key(target))))
    now_fields = current.get('fields', {})
    then_fields = target.get('fields', {})
    for name in sorted(set(now_fields) | set(then_fields)):
        now, then = now_fields.get(name), then_fields.get(name)
        if then is None:
            drop.append(name)
            continue
        if now is None:
            if _required(then):
                findings.append(_finding(name, 'removed', (
                    'removed field `%s`, which %s requires' % (name,
                                                                version))))
            continue
        findings.extend(_field(name, now, then, version))
        if _required(then) and not _required(now):
            if 'default' in now and now['default'] is not None:
                fill.append((name, now['default']))
            else:
                findings.append(_finding(name, 'nullable', (
                    '`%s` may be unset or null now, but %s requires a '
                    'value' % (name, version))))
        pin = _nested_pin(name, name, now, then, version, resolve, findings)
        if pin is not None:
            nested.append(('%s' % name, '_obj_' + name, pin[0], pin[1]))
    return PinnedVersion(version, drop, fill, nested), findings


def _field(path, now, then, version):
    """Findings of one field present in both versions (nested payload
    versions apart: see :func:`_nested_pin`)."""
    if (now.get('type'), now.get('base')) != (then.get('type'),
                                              then.get('base')):
        return [_finding(path, 'type', 'type of `%s` is %s, %s has %s: '
                         'pinning cannot convert it' % (
                             path, compat._type_name(now), version,
                             compat._type_name(then)))]
    out = []
    if bool(now.get('sensitive')) != bool(then.get('sensitive')):
        out.append(_finding(path, 'sensitive', '`%s` is %s now, %s in %s'
                            % (path, 'masked' if now.get('sensitive')
                               else 'unmasked', 'masked'
                               if then.get('sensitive') else 'unmasked',
                               version)))
    if 'enum' in then:
        extra = [v for v in now.get('enum') or [] if v not in then['enum']]
        if extra:
            out.append(_finding(path, 'enum', '`%s` may hold %s, which %s '
                                'does not know' % (path, ', '.join(
                                    '`%s`' % (v,) for v in extra), version)))
    if now.get('nullable') and not then.get('nullable'):
        out.append(_finding(path, 'nullable', '`%s` may be null now, not '
                            'in %s' % (path, version)))
    if now.get('subclasses') and not then.get('subclasses'):
        out.append(_finding(path, 'nested', '`%s` accepts subclasses now, '
                            'not in %s' % (path, version)))
    if 'element' in now or 'element' in then:
        out.extend(_field(path + '[]', now.get('element') or {},
                          then.get('element') or {}, version))
    return out


def _nested_pin(name, path, now, then, version, resolve, findings):
    """``(SINGLE | LIST | DICT, PinnedVersion)`` when the nested payload
    of field ``name`` must be pinned too, else None."""
    kind = SINGLE
    if 'object' not in now and 'element' in now:
        kind = DICT if now.get('type') == 'Dict' else LIST
        now, then = now['element'], then.get('element') or {}
        path += '[]'
    ref_now, ref_then = now.get('object'), then.get('object')
    if ref_now is None or ref_then is None or ref_now == ref_then:
        return None
    key_now = '%s.%s' % (ref_now['namespace'], ref_now['name'])
    key_then = '%s.%s' % (ref_then['namespace'], ref_then['name'])
    if key_now != key_then:
        findings.append(_finding(path, 'nested', '`%s` holds a %s, %s a '
                                 '%s' % (path, key_now, version, key_then)))
        return None
    wanted = ref_then['version']
    try:
        base.check_target_version(_Named(ref_now), wanted)
    except errors.PinError:
        findings.append(_finding(path, 'nested', 'nested %s of `%s` is %s, '
                                 'cannot be sent as %s (%s nests %s)' % (
                                     key_now, path, ref_now['version'],
                                     wanted, version, wanted)))
        return None
    shape_now = resolve(ref_now['namespace'], ref_now['name'],
                        ref_now['version'])
    shape_then = resolve(ref_then['namespace'], ref_then['name'], wanted)
    if shape_now is None or shape_then is None:
        findings.append(_finding(path, 'nested', 'nested %s %s of `%s` is '
                                 'not in the lock file' % (
                                     key_now, wanted if shape_then is None
                                     else ref_now['version'], path)))
        return None
    pin, more = plan(shape_now, shape_then, wanted, resolve)
    for change in more:
        findings.append(compat.Change(
            '%s.%s' % (path, change.field) if change.field else path,
            change.kind, 'in nested %s: %s' % (key_now, change.summary),
            True))
    return kind, pin


class _Named:
    """Enough of a payload class for check_target_version."""

    def __init__(self, ref):
        self.VERSION = ref['version']
        self._name = ref['name']

    def obj_name(self):
        return self._name


def overrides_downgrade(cls):
    """True when ``cls`` downgrades with its own ``obj_make_compatible``
    (then findings are left to it)."""
    own = cls.obj_make_compatible
    return getattr(own, '__func__', own) is not \
        base.TidingsObject.obj_make_compatible


def pin(cls, version, lock):
    """``(PinnedVersion, findings)`` of payload class ``cls`` pinned to
    ``version``, from :class:`~tidings.objects.lockfile.LockFile`
    ``lock``.

    PinError when the version cannot be pinned at all: another major
    version, newer than the class, or not in the lock (the message names
    the locked versions).
    """
    base.check_target_version(cls, version)
    key = fingerprint.key(cls)
    current = fingerprint.shape(cls)
    if version == cls.VERSION:
        return PinnedVersion(version), []
    entry = lock.entry(key, version) if lock is not None else None
    if entry is None:
        known = lock.versions(key) if lock is not None else []
        raise errors.PinError(
            cls.obj_name(), version, 'the versions locked in %s: %s' % (
                getattr(lock, 'path', 'no lock file'),
                ', '.join(known) if known else 'none'))
    return plan(current, entry['shape'], version, lock.resolve)


def older_versions(cls, lock):
    """The locked versions of ``cls`` it can be pinned to: its major
    version, older than its VERSION."""
    major, _ = base.version_tuple(cls.VERSION)
    current = base.version_tuple(cls.VERSION)
    return [v for v in lock.versions(fingerprint.key(cls))
            if base.version_tuple(v)[0] == major
            and base.version_tuple(v) < current]


def field_versions_problems(cls, lock):
    """Where ``cls.FIELD_VERSIONS`` disagrees with the lock: a list of
    :class:`~tidings.objects.compat.Change` (empty when it agrees or is
    not given).

    ``FIELD_VERSIONS[f] = 'X.Y'`` agrees when every locked version of the
    class's major version has ``f`` exactly when it is X.Y or newer, and
    X.Y is not newer than the class.
    """
    given = getattr(cls, 'FIELD_VERSIONS', None) or {}
    if not given:
        return []
    key = fingerprint.key(cls)
    major, _ = base.version_tuple(cls.VERSION)
    locked = {v: lock.entry(key, v)['shape']['fields']
              for v in lock.versions(key)
              if base.version_tuple(v)[0] == major}
    locked[cls.VERSION] = fingerprint.shape(cls)['fields']
    out = []
    for name in sorted(given):
        since = given[name]
        if name not in cls.fields:
            out.append(_finding(name, 'field_versions', (
                'FIELD_VERSIONS names `%s`, which is not a field' % name)))
            continue
        try:
            since_t = base.version_tuple(since)
        except errors.TidingsError:
            out.append(_finding(name, 'field_versions', (
                'FIELD_VERSIONS[%r] = %r is not MAJOR.MINOR' % (name,
                                                               since))))
            continue
        having = sorted((v for v, f in locked.items() if name in f),
                        key=base.version_tuple)
        wrong = [v for v, f in locked.items()
                 if (name in f) != (base.version_tuple(v) >= since_t)]
        if wrong:
            wrong.sort(key=base.version_tuple)
            out.append(_finding(name, 'field_versions', (
                'FIELD_VERSIONS says `%s` came in %s, but %s %s it (the '
                'lock has it first in %s)' % (
                    name, since, ', '.join(wrong),
                    'has' if name in locked[wrong[0]] else 'lacks',
                    having[0] if having else 'no version'))))
    return out

"""Compatibility verdicts: what changed between two payload shapes.

:func:`compare` takes an old shape (from the lock file) and the current one
(:func:`tidings.objects.fingerprint.shape`) and lists the changes, field by
field.  Each change is *compatible* (a consumer written for the old shape
still reads the new one: bump the minor version) or *breaking* (bump the
major version).  The rules:

=====================================================  ==========
change                                                 verdict
=====================================================  ==========
field added (optional or not)                          compatible
field removed                                          breaking
field type changed (incl. element type, sensitivity)   breaking
enum widened (values only added)                       compatible
enum values reordered, none removed                    compatible
enum narrowed (a value removed, reordered or not)      breaking
nullable true -> false (consumers get fewer nulls)     compatible
nullable false -> true                                 breaking
default added, removed or changed                      compatible
SCHEMA mapping changed                                 compatible
nested payload: same name, newer minor version         compatible
nested payload: major bump, downgrade, other name      breaking
namespace or payload name changed                      breaking
=====================================================  ==========

The elements of List/Dict/Set fields follow the same rules under the path
``field[]``.  :func:`verdict` sums the changes up with the version the
payload needs::

    compatible — added optional field `x`: bump minor to 1.3
    breaking — removed field `y`; changed type of `z`: bump major to 2.0
"""

import collections

from tidings.objects import base

COMPATIBLE = 'compatible'
BREAKING = 'breaking'
UNCHANGED = 'unchanged'


class Change(collections.namedtuple('Change', 'field kind summary breaking')):
    """One difference: ``field`` (None for the payload itself), ``kind``
    (added, removed, type, enum, nullable, default, schema, nested,
    namespace, name, sensitive), a human ``summary`` and ``breaking``."""

    __slots__ = ()

    @property
    def verdict(self):
        return BREAKING if self.breaking else COMPATIBLE

    def as_dict(self):
        return {'field': self.field, 'kind': self.kind,
                'summary': self.summary, 'verdict': self.verdict}

    def __str__(self):
        return '%s: %s' % (self.verdict, self.summary)


def _q(name):
    return '`%s`' % name


def compare(old, new):
    """The changes from shape ``old`` to shape ``new``, in a stable order:
    payload-level changes first, then by field name."""
    changes = []
    if old.get('namespace') != new.get('namespace'):
        changes.append(Change(None, 'namespace', 'changed namespace from %s '
                              'to %s' % (_q(old.get('namespace')),
                                         _q(new.get('namespace'))), True))
    if old.get('name') != new.get('name'):
        changes.append(Change(None, 'name', 'renamed payload from %s to %s'
                              % (_q(old.get('name')), _q(new.get('name'))),
                              True))
    old_fields = old.get('fields', {})
    new_fields = new.get('fields', {})
    old_schema = old.get('schema', {})
    new_schema = new.get('schema', {})
    for name in sorted(set(old_fields) | set(new_fields)):
        if name not in new_fields:
            changes.append(Change(name, 'removed',
                                  'removed field %s' % _q(name), True))
        elif name not in old_fields:
            changes.append(_added(name, new_fields[name]))
        else:
            changes.extend(_compare_field(name, old_fields[name],
                                          new_fields[name]))
    for name in sorted(set(old_schema) | set(new_schema)):
        before, after = old_schema.get(name), new_schema.get(name)
        if before != after:
            changes.append(Change(name, 'schema', 'changed SCHEMA of %s (%s '
                                  'to %s)' % (_q(name), _source(before),
                                              _source(after)), False))
    return changes


def _source(entry):
    return '.'.join(entry) if entry else 'none'


def _added(name, desc):
    optional = desc.get('nullable') or 'default' in desc
    return Change(name, 'added', 'added %sfield %s' % (
        'optional ' if optional else '', _q(name)), False)


def _type_name(desc):
    name = desc.get('type')
    if desc.get('base'):
        name += '(%s)' % desc['base']
    return name


def _compare_field(path, old, new):
    if (old.get('type'), old.get('base')) != (new.get('type'),
                                              new.get('base')):
        return [Change(path, 'type', 'changed type of %s (%s to %s)' % (
            _q(path), _type_name(old), _type_name(new)), True)]
    out = []
    if bool(old.get('sensitive')) != bool(new.get('sensitive')):
        out.append(Change(path, 'sensitive', '%s %s' % (
            'masked' if new.get('sensitive') else 'unmasked', _q(path)),
            True))
    if old.get('enum') != new.get('enum'):
        out.append(_enum_change(path, old.get('enum') or [],
                                new.get('enum') or []))
    if bool(old.get('nullable')) != bool(new.get('nullable')):
        if new.get('nullable'):
            out.append(Change(path, 'nullable', 'made %s nullable'
                              % _q(path), True))
        else:
            out.append(Change(path, 'nullable', 'made %s non-nullable'
                              % _q(path), False))
    if old.get('default', _NONE) != new.get('default', _NONE):
        out.append(Change(path, 'default', 'changed default of %s (%s to '
                          '%s)' % (_q(path), _default(old), _default(new)),
                          False))
    if old.get('object') != new.get('object'):
        out.append(_nested_change(path, old.get('object') or {},
                                  new.get('object') or {}))
    if bool(old.get('subclasses')) != bool(new.get('subclasses')):
        out.append(Change(path, 'nested', '%s subclasses in %s' % (
            'accepted' if new.get('subclasses') else 'refused', _q(path)),
            bool(new.get('subclasses'))))
    if old.get('element') != new.get('element'):
        out.extend(_compare_field(path + '[]', old.get('element') or {},
                                  new.get('element') or {}))
    return out


_NONE = object()


def _default(desc):
    if 'default' not in desc:
        return 'none'
    return repr(desc['default'])


def _enum_change(path, old, new):
    removed = [v for v in old if v not in new]
    added = [v for v in new if v not in old]
    if removed:
        text = 'narrowed enum of %s (removed %s' % (
            _q(path), ', '.join(_q(v) for v in removed))
        if added:
            text += '; added %s' % ', '.join(_q(v) for v in added)
        return Change(path, 'enum', text + ')', True)
    if added:
        return Change(path, 'enum', 'widened enum of %s (added %s)' % (
            _q(path), ', '.join(_q(v) for v in added)), False)
    return Change(path, 'enum', 'reordered enum values of %s' % _q(path),
                  False)


def _nested_change(path, old, new):
    old_ref = '%s.%s' % (old.get('namespace'), old.get('name'))
    new_ref = '%s.%s' % (new.get('namespace'), new.get('name'))
    if old_ref != new_ref:
        return Change(path, 'nested', 'changed nested payload of %s from %s '
                      'to %s' % (_q(path), old_ref, new_ref), True)
    before, after = old.get('version'), new.get('version')
    try:
        vb, va = base.version_tuple(before), base.version_tuple(after)
    except ValueError:
        vb = va = None
    text = 'nested %s of %s went from %s to %s' % (
        new.get('name'), _q(path), before, after)
    breaking = vb is None or va[0] != vb[0] or va < vb
    return Change(path, 'nested', text, breaking)


class Verdict:
    """The sum of a list of changes against a released ``base_version``.

    ``kind`` is unchanged, compatible or breaking; ``required`` the version
    the payload needs (``base_version`` itself when unchanged).
    """

    def __init__(self, changes, base_version):
        self.changes = list(changes)
        self.base_version = base_version
        if not self.changes:
            self.kind = UNCHANGED
        elif any(c.breaking for c in self.changes):
            self.kind = BREAKING
        else:
            self.kind = COMPATIBLE
        self.required = required_version(base_version, self.kind)

    @property
    def breaking(self):
        return self.kind == BREAKING

    @property
    def bump(self):
        """The words of the bump: ``bump minor to 1.3``."""
        if self.kind == UNCHANGED:
            return 'no bump needed'
        return 'bump %s to %s' % (
            'major' if self.kind == BREAKING else 'minor', self.required)

    def __str__(self):
        if self.kind == UNCHANGED:
            return UNCHANGED
        shown = [c for c in self.changes if c.breaking or not self.breaking]
        return '%s — %s: %s' % (self.kind, '; '.join(c.summary for c in shown),
                                self.bump)

    def as_dict(self):
        return {'verdict': self.kind, 'base_version': self.base_version,
                'required_version': self.required, 'text': str(self),
                'changes': [c.as_dict() for c in self.changes]}


def required_version(base_version, kind):
    """The version after ``base_version`` that a change of ``kind`` needs."""
    major, minor = base.version_tuple(base_version)
    if kind == BREAKING:
        return '%d.0' % (major + 1)
    if kind == COMPATIBLE:
        return '%d.%d' % (major, minor + 1)
    return '%d.%d' % (major, minor)


def verdict(old, new, base_version):
    """:class:`Verdict` of the changes from shape ``old`` to ``new``."""
    return Verdict(compare(old, new), base_version)

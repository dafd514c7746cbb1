"""Fingerprints: a payload class's canonical shape, hashed.

The *shape* of a payload class is a JSON-able description of everything a
consumer of its wire form depends on:

- its name and namespace;
- per field (sorted by name): the field type (class name, plus the oslo
  base type for custom types), nullability, the default (``default`` is
  absent when unspecified), enum values in declared order, the element
  description of List/Dict/Set fields, ``sensitive: true`` for masked
  strings, and for object fields the nested payload's name, namespace and
  VERSION;
- the ``SCHEMA`` mapping.

Docstrings, comments, methods and ``FIELD_VERSIONS`` are not part of it.
The *fingerprint* is ``<VERSION>-<first 32 hex digits of the sha256 of the
canonical JSON of the shape>``.  The version is outside the hash, so two
versions with the same shape share the hash part.

A nested payload contributes its version, not its shape: a change inside
``VolumePayload`` is caught by ``VolumePayload``'s own fingerprint, and the
version bump it needs then changes the fingerprint of every payload that
nests it (Nova's object hash misses that second step).
"""

import datetime
import hashlib
import json
import re

from oslo_versionedobjects import fields as ovo_fields

from tidings.objects import fields
from tidings.objects import introspect

HASH_LENGTH = 32
_FINGERPRINT = re.compile(r'^(?P<version>\d+\.\d+)-(?P<hash>[0-9a-f]{%d})$'
                          % HASH_LENGTH)


def shape(cls):
    """The canonical, JSON-able shape of payload class ``cls``."""
    schema = getattr(cls, 'SCHEMA', None) or {}
    return {
        'name': cls.obj_name(),
        'namespace': cls.OBJ_PROJECT_NAMESPACE,
        'fields': {name: describe_field(cls, name, cls.fields[name])
                   for name in sorted(cls.fields)},
        'schema': {name: list(source)
                   for name, source in sorted(schema.items())},
    }


def describe_field(cls, name, field):
    """The shape of one field of ``cls`` (see the module docstring)."""
    ftype = introspect.field_type(field)
    out = {'type': type(ftype).__name__,
           'nullable': bool(getattr(field, 'nullable', False))}
    base = introspect.oslo_base_name(ftype)
    if base is not None:
        out['base'] = base
    default = getattr(field, 'default', ovo_fields.UnspecifiedDefault)
    if default is not ovo_fields.UnspecifiedDefault:
        out['default'] = (fields.MASK if fields.is_sensitive(field)
                          and default is not None else canonical(default))
    valid = introspect.enum_values(field)
    if valid is not None:
        out['enum'] = [canonical(v) for v in valid]
    if fields.is_sensitive(field):
        out['sensitive'] = True
    element = introspect.element_field(field)
    if element is not None:
        out['element'] = describe_field(cls, name, element)
    if isinstance(ftype, ovo_fields.Object):
        nested = introspect.resolve_nested(cls, ftype._obj_name, name)
        out['object'] = {'name': nested.obj_name(),
                         'namespace': nested.OBJ_PROJECT_NAMESPACE,
                         'version': nested.VERSION}
        if getattr(ftype, '_subclasses', False):
            out['subclasses'] = True
    return out


def canonical(value):
    """A JSON-able, order-independent form of a default or enum value."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted((canonical(v) for v in value), key=canonical_json)
    if isinstance(value, dict):
        return {str(k): canonical(v) for k, v in value.items()}
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if hasattr(value, 'obj_to_primitive'):
        return canonical(value.obj_to_primitive())
    return '%s(%s)' % (type(value).__name__, value)


def canonical_json(value):
    """Compact JSON with sorted keys: the bytes that get hashed."""
    return json.dumps(value, sort_keys=True, separators=(',', ':'),
                      ensure_ascii=True)


def shape_hash(shape_dict):
    """The hash part of a fingerprint."""
    digest = hashlib.sha256(canonical_json(shape_dict).encode('ascii'))
    return digest.hexdigest()[:HASH_LENGTH]


def fingerprint_of(version, shape_dict):
    """``<version>-<hash>`` of a shape (e.g. one read from the lock file)."""
    return '%s-%s' % (version, shape_hash(shape_dict))


def fingerprint(cls):
    """``'<VERSION>-<hash>'`` of payload class ``cls``."""
    return fingerprint_of(cls.VERSION, shape(cls))


def split(fp):
    """``(version, hash)`` of a fingerprint string; ValueError if not one."""
    match = _FINGERPRINT.match(fp) if isinstance(fp, str) else None
    if match is None:
        raise ValueError('fingerprint %r is malformed; expected '
                         'MAJOR.MINOR-<%d hex digits>' % (fp, HASH_LENGTH))
    return match.group('version'), match.group('hash')


def key(cls_or_shape):
    """The lock-file key of a payload: ``<namespace>.<Name>``."""
    if isinstance(cls_or_shape, dict):
        return '%s.%s' % (cls_or_shape['namespace'], cls_or_shape['name'])
    return '%s.%s' % (cls_or_shape.OBJ_PROJECT_NAMESPACE,
                      cls_or_shape.obj_name())

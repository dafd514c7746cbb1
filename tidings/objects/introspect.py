"""What a payload field is: its type, elements and nested payloads.

Fingerprints, compatibility verdicts and JSON Schemas all read fields
through these helpers, so the three agree on what a field is.
"""

from oslo_versionedobjects import fields as ovo_fields

from tidings.objects import base
from tidings.objects import errors


def field_type(field):
    """The FieldType of a field (``field._type``)."""
    return getattr(field, '_type', field)


def element_field(field):
    """The element Field of a List/Dict/Set field, else None."""
    return getattr(field_type(field), '_element_type', None)


def enum_values(field):
    """The valid values of an enum field, in declared order, else None."""
    ftype = field_type(field)
    if isinstance(ftype, ovo_fields.Enum):
        return list(ftype._valid_values)
    return None


def valid_values(field):
    """The ``_valid_values`` of a field's type (an enum's, in declared
    order, as oslo stores them), else None; unlike :func:`enum_values`
    not limited to oslo ``Enum`` types."""
    return getattr(field_type(field), '_valid_values', None)


def object_name(field):
    """The object name of an ObjectField (or an ``Object`` field type),
    else None; a list or dict of objects gives None (see
    :func:`object_field_name`)."""
    ftype = field_type(field)
    if isinstance(ftype, ovo_fields.Object):
        return ftype._obj_name
    return None


def oslo_base_name(ftype):
    """Name of the nearest oslo.versionedobjects type ``ftype`` derives
    from (``Enum`` for a custom enum type ``Level``), or None for oslo's
    own types and for a same-named replacement of one (tidings' stricter
    ``UUID`` writes the same wire form as oslo's)."""
    for klass in type(ftype).__mro__:
        if klass.__module__ == ovo_fields.__name__:
            if klass.__name__ == type(ftype).__name__:
                return None
            return klass.__name__
    return None


def object_field_name(field):
    """The object name of an ObjectField or list/dict of objects, else None."""
    ftype = field_type(field)
    inner = getattr(ftype, '_element_type', None)
    if inner is not None:
        ftype = getattr(inner, '_type', inner)
    return getattr(ftype, '_obj_name', None)


def resolve_nested(cls, name, field_name=None):
    """The payload class ``name`` referenced by an object field of ``cls``.

    Nested payloads resolve through ``cls.OBJ_REGISTRY`` (the namespace of
    the outer payload); the newest registered version wins.
    """
    registry = getattr(cls, 'OBJ_REGISTRY', None)
    if registry is None or name not in registry:
        namespace = getattr(registry, 'namespace', None)
        raise errors.NestedPayloadError(
            cls.obj_name(), field_name, name, namespace)
    return registry.get(name)


def nested_classes(cls):
    """Payload classes referenced by the object fields of ``cls``.

    Names not registered in the class's registry are skipped here;
    :func:`resolve_nested` raises for them.
    """
    out = []
    registry = getattr(cls, 'OBJ_REGISTRY', None)
    for field in cls.fields.values():
        name = object_field_name(field)
        if name is None:
            continue
        if registry is not None and name in registry:
            out.append(registry.get(name))
    return out


def with_nested(classes):
    """``classes`` plus every payload they nest, recursively, de-duplicated
    by (namespace, name, version) and sorted by namespace and name."""
    seen = {}
    stack = list(classes)
    while stack:
        cls = stack.pop()
        key = (cls.OBJ_PROJECT_NAMESPACE, cls.obj_name(), cls.VERSION)
        if key in seen:
            continue
        seen[key] = cls
        stack.extend(nested_classes(cls))
    return [seen[k] for k in sorted(seen, key=lambda k: (k[0], k[1],
                                                         _vkey(k[2])))]


def _vkey(version):
    # Sort key only: a malformed version sorts first instead of raising.
    try:
        return base.version_tuple(version)
    except errors.VersionError:
        return (0, 0)

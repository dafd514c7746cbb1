"""Versioned objects with one registry per namespace.

oslo.versionedobjects keeps a single process-wide registry keyed by object
name, so two services that both define ``ExceptionPayload`` overwrite each
other there.  tidings gives each service its own :class:`ObjectRegistry`,
bound to a namespace (``watcher``, ``magnetodb``...): registering a class sets
its wire namespace (``<namespace>_object.*``) and builds its field properties
without touching the global oslo registry.
"""

import re
import threading
import warnings

with warnings.catch_warnings():
    # oslo_versionedobjects.base imports oslo_messaging (for its
    # serializer), which imports oslo_service, which picks its eventlet
    # backend at import: eventlet, oslo_utils.eventletutils and
    # oslo_service.eventlet_backdoor each warn that they are deprecated,
    # in every process that imports tidings.  tidings uses none of them
    # and cannot avoid this import (every payload is a VersionedObject),
    # so exactly these deprecation warnings of exactly these modules are
    # silenced, during this one import only; the filters are restored
    # after it.
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated',
                            category=Warning)   # EventletDeprecationWarning
    for _module in (r'oslo_service(\..*)?', r'oslo_utils\.eventletutils'):
        warnings.filterwarnings('ignore', category=DeprecationWarning,
                                module=_module)
    from oslo_versionedobjects import base as ovo_base
    from oslo_versionedobjects import fields as ovo_fields

from tidings.objects import codegen
from tidings.objects import errors
from tidings.objects import jsonsafe


class TidingsObject(ovo_base.VersionedObject):
    """Base of every tidings payload.

    Serialises to the OpenStack versioned-notification primitive: unset
    fields are left out, ``*_object.changes`` is never written and nested
    objects are nested primitives (also without ``changes``).
    """

    OBJ_PROJECT_NAMESPACE = 'tidings'
    OBJ_SERIAL_NAMESPACE = 'tidings_object'
    #: The :class:`ObjectRegistry` the class was registered in.
    OBJ_REGISTRY = None
    VERSION = '1.0'
    fields = {}

    #: Optional ``{'field_name': 'X.Y'}``: the version that added a field.
    #: The lock file's history is what pinning follows (see
    #: :mod:`tidings.objects.pinning`); when given, this must agree with
    #: it (``tidings fingerprints check`` says where it does not).  Used
    #: only by :meth:`obj_make_compatible` for a plain version string,
    #: with no lock at hand.
    FIELD_VERSIONS = {}

    # Filled by make_properties() at registration.
    _FIELD_INFO = ()
    _REQUIRED = ()
    _REQUIRED_ATTRS = ()
    _NESTED = ()
    _SETTERS = {}

    def __init__(self, **kwargs):
        # Coerce through the field properties so a bad value fails here,
        # naming the payload, the field and what is accepted.
        super().__init__()
        for name, value in kwargs.items():
            self._set_field(name, value)

    def _set_field(self, name, value):
        if name not in self.fields:
            raise errors.UnknownFieldError(self.obj_name(), name,
                                           sorted(self.fields))
        setattr(self, name, value)

    def obj_attr_is_set(self, attrname):
        return '_obj_' + attrname in self.__dict__

    def _primitive_data(self):
        """The ``*_object.data`` dict of the set fields.  Registration
        replaces it with code written for the class (see
        :func:`~tidings.objects.codegen.primitive_functions`); this loop is
        its reference."""
        data = {}
        values = self.__dict__
        for name, attr, _field, convert in self._FIELD_INFO:
            try:
                value = values[attr]
            except KeyError:
                continue
            if convert is None or value is None:
                data[name] = value
            elif convert is codegen.ONE_OBJECT:
                data[name] = value.obj_to_primitive()
            else:
                data[name] = convert(self, name, value)
        return data

    def _primitive(self):
        """The primitive at the class's own VERSION.  Registration
        replaces it with code written for the class (see
        :func:`~tidings.objects.codegen.primitive_functions`)."""
        return self._envelope(self.VERSION, self._primitive_data())

    def _envelope(self, version, data):
        ns = self.OBJ_SERIAL_NAMESPACE
        keys = _KEYS.get(ns)
        if keys is None:
            keys = _KEYS[ns] = (ns + '.name', ns + '.namespace',
                                ns + '.version', ns + '.data')
        return {
            keys[0]: self.obj_name(),
            keys[1]: self.OBJ_PROJECT_NAMESPACE,
            keys[2]: version,
            keys[3]: data,
        }

    def obj_to_primitive(self, target_version=None, version_manifest=None):
        if target_version is None or target_version == self.VERSION:
            return self._primitive()
        data = self._primitive_data()
        check_target_version(self, target_version)
        self.obj_make_compatible(data, target_version)
        return self._envelope(str(target_version), data)

    def obj_make_compatible(self, primitive, target_version):
        """Turn ``primitive`` (the data dict at this VERSION) into the
        data of ``target_version``, in place.

        A :class:`~tidings.objects.pinning.PinnedVersion` (what the
        notifier pins with) carries the downgrade derived from the lock
        file's history and applies it.  A plain version string falls back
        to ``FIELD_VERSIONS``.
        """
        downgrade = getattr(target_version, 'downgrade', None)
        if downgrade is not None:
            downgrade(self, primitive)
            return
        target = version_tuple(target_version)
        for name, since in self.FIELD_VERSIONS.items():
            if name in primitive and version_tuple(since) > target:
                del primitive[name]

    def to_flat_dict(self):
        """The unversioned form: field values only, nested payloads flat."""
        out = {}
        values = self.__dict__
        for name, attr, field, _convert in self._FIELD_INFO:
            if attr in values:
                out[name] = _flat(field.to_primitive(self, name,
                                                     values[attr]))
        return out


def make_properties(cls):
    """Field properties whose setter names the payload and field on error.

    Values live in ``_obj_<field>`` as with oslo.versionedobjects, so every
    oslo method keeps working.
    """
    info = []
    for name, field in cls.fields.items():
        attr = '_obj_' + name
        info.append((name, attr, field, codegen.converter(field)))

        def getter(self, name=name, attr=attr):
            try:
                return self.__dict__[attr]
            except KeyError:
                self.obj_load_attr(name)
                return self.__dict__[attr]

        setter = _make_setter(name, attr, field)

        def deleter(self, name=name, attr=attr):
            self.__dict__.pop(attr, None)
            self._changed_fields.discard(name)

        setattr(cls, name, property(getter, setter, deleter))
    cls._FIELD_INFO = tuple(info)
    cls._primitive_data, cls._primitive = codegen.primitive_functions(cls)
    cls._SETTERS = {name: getattr(cls, name).fset for name in cls.fields}
    cls._REQUIRED = tuple(
        name for name, _, field, _convert in info
        if not field.nullable and
        field.default is ovo_fields.UnspecifiedDefault)
    cls._REQUIRED_ATTRS = tuple('_obj_' + name for name in cls._REQUIRED)
    cls._NESTED = tuple(
        attr for name, attr, field, _convert in info
        if isinstance(field._type, ovo_fields.Object) or isinstance(
            getattr(field._type, '_element_type', None), ovo_fields.Field))


_FIELD_COERCE = ovo_fields.Field.coerce


def _refusal(obj, name, field, value, exc):
    """The FieldValueError of ``value`` refused by a field's coerce or by
    its JSON-safety check."""
    detail = str(exc)
    if _REPEATS.match(detail):
        detail = ''
    if not detail.isascii():
        # oslo's details quote the value with str(): a lone surrogate
        # there would make the message itself unprintable
        detail = detail.encode('utf-8', 'backslashreplace').decode('utf-8')
    if isinstance(exc, jsonsafe.Refused):
        return errors.FieldValueError(obj.obj_name(), name, value,
                                      _accepted(field, exc), detail)
    return errors.FieldValueError(obj.obj_name(), name, value,
                                  describe_field(field), detail)


def _make_setter(name, attr, field):
    """The property setter of one field: coerce, refuse what no backend
    could carry (see :mod:`tidings.objects.jsonsafe`), store.

    Written out per kind of check by
    :func:`tidings.objects.codegen.field_setter`.  A non-None value goes
    straight to the field type's coerce when the field does not override
    oslo's ``Field.coerce`` (which only sends None elsewhere): one call
    less, which pays for the check.
    """
    field_coerce = field.coerce
    if type(field).coerce is _FIELD_COERCE:
        type_coerce = field._type.coerce
    else:
        type_coerce = field_coerce
    return codegen.field_setter(name, attr, field, field_coerce, type_coerce,
                                jsonsafe.check_for(field), _refusal)


#: ``<ns>.name``, ``<ns>.namespace``, ``<ns>.version``, ``<ns>.data`` by
#: serial namespace.
_KEYS = {}

def _flat(value):
    if isinstance(value, dict):
        for key in value:
            if key.endswith('_object.data'):
                return {k: _flat(v) for k, v in value[key].items()}
        return {k: _flat(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_flat(v) for v in value]
    return value


def version_tuple(version):
    try:
        major, minor = str(version).split('.')
        return int(major), int(minor)
    except ValueError:
        raise errors.VersionError(version) from None


def check_target_version(obj_or_cls, target):
    """Raise unless ``target`` is a version the class can produce.

    A class can produce its own VERSION and every older minor version of the
    same major version (a major bump is a breaking change: no downgrade).
    """
    current = version_tuple(obj_or_cls.VERSION)
    wanted = version_tuple(target)
    if wanted[0] != current[0] or wanted > current:
        raise errors.PinError(
            obj_or_cls.obj_name(), target,
            'versions %d.0 to %s' % (current[0], obj_or_cls.VERSION))


def _accepted(field, refused):
    """What a field accepts, said by the JSON-safety check that refused a
    value: ``a finite float or None``; for a container, its type and the
    JSON data it may hold."""
    if refused.accepted == jsonsafe.JSON_DATA:
        text = 'a valid %s of %s' % (type(field._type).__name__,
                                     jsonsafe.JSON_DATA)
    else:
        text = refused.accepted
    if field.nullable:
        text += ' or None'
    return text


def describe_field(field):
    """A short human description of what a field accepts."""
    ftype = field._type
    valid = getattr(ftype, '_valid_values', None)
    if valid:
        text = 'one of ' + ', '.join(str(v) for v in valid)
    elif isinstance(field, ovo_fields.ObjectField) or isinstance(
            ftype, ovo_fields.Object):
        text = 'a %s object' % ftype._obj_name
    else:
        text = _IN_WORDS.get(type(ftype).__name__) or \
            'a valid %s' % type(ftype).__name__
    if field.nullable:
        text += ' or None'
    return text


#: What oslo's (and tidings') field types accept, in words.
_IN_WORDS = {
    'DateTime': 'a datetime, or ISO 8601 text such as 2026-01-01T12:00:00Z',
    'String': 'a string',
    'SensitiveString': 'a string',
    'Integer': 'a whole number',
    'NonNegativeInteger': 'a whole number >= 0',
    'Float': 'a number',
    'Boolean': 'true or false',
    'UUID': 'a UUID (32 hex digits, dashes optional)',
}

#: oslo's explanations that only repeat the value or what is accepted.
_REPEATS = re.compile(r'^(An object of type \S+ is required in field|'
                      r'A (datetime\.datetime|string) is required in field|'
                      r'.* is not a UUID \(expected|'
                      r'.* is not (a whole number|true or false)$|'
                      r'must be >= 0$|invalid literal for int\(\)|'
                      r'Field value .* is invalid$)')


class ObjectRegistry:
    """The payload classes of one namespace.

    ``registry = ObjectRegistry('watcher')`` then ``@registry.register`` on
    each payload class.  Lookups are by name and version.
    """

    def __init__(self, namespace):
        if not isinstance(namespace, str) or not namespace or \
                not namespace.replace('_', '').isalnum() or \
                not namespace.isascii():
            raise errors.TidingsError(
                'ObjectRegistry namespace %r: expected a non-empty word of '
                'letters, digits and underscores' % (namespace,))
        self.namespace = namespace
        self._classes = {}
        self._lock = threading.Lock()

    def register(self, cls):
        if not (isinstance(cls, type) and issubclass(cls, TidingsObject)):
            raise errors.TidingsError(
                'ObjectRegistry %s: register(%r): expected a TidingsObject '
                'subclass (e.g. a Payload subclass), used as a class '
                'decorator' % (self.namespace, cls))
        version_tuple(cls.VERSION)
        if not isinstance(cls.fields, dict):
            raise errors.TidingsError(
                'ObjectRegistry %s: %s.fields is a %s; expected a dict of '
                'field name to field' % (self.namespace, cls.__name__,
                                         type(cls.fields).__name__))
        for name, field in cls.fields.items():
            if not isinstance(field, ovo_fields.Field) or not (
                    isinstance(name, str) and name.isidentifier()):
                raise errors.TidingsError(
                    'ObjectRegistry %s: %s.fields[%r] = %r: expected an '
                    'identifier naming a field of tidings.objects.fields '
                    '(e.g. StringField())' % (self.namespace, cls.__name__,
                                              name, field))
        cls.OBJ_PROJECT_NAMESPACE = self.namespace
        cls.OBJ_SERIAL_NAMESPACE = self.namespace + '_object'
        cls.OBJ_REGISTRY = self
        version_tuple(cls.VERSION)
        ovo_base.VersionedObjectRegistry.register_if(False)(cls)
        make_properties(cls)
        with self._lock:
            versions = self._classes.setdefault(cls.obj_name(), {})
            versions[cls.VERSION] = cls
        return cls

    def get(self, name, version=None):
        versions = self._classes.get(name) if isinstance(name, str) \
            else None
        if not versions:
            raise errors.UnknownPayloadError(
                '%s.%s' % (self.namespace, name),
                ['%s.%s' % (self.namespace, n) for n in sorted(self._classes)])
        if version is None:
            return versions[max(versions, key=version_tuple)]
        try:
            return versions[version]
        except KeyError:
            raise errors.UnknownPayloadError(
                '%s.%s@%s' % (self.namespace, name, version),
                ['%s.%s@%s' % (self.namespace, name, v)
                 for v in sorted(versions, key=version_tuple)]) from None

    def classes(self):
        """The newest class of every registered name, sorted by name."""
        return [self.get(name) for name in sorted(self._classes)]

    def __contains__(self, name):
        return name in self._classes

    def __iter__(self):
        return iter(self.classes())

    def from_primitive(self, primitive):
        """Rebuild an object from its wire primitive (``changes`` ignored).

        Nested objects are looked up in this registry.  Masked sensitive
        values stay masked: secrets do not travel.
        """
        ns = self.namespace + '_object'
        try:
            name = primitive[ns + '.name']
            data = primitive[ns + '.data']
        except (KeyError, TypeError):
            raise errors.MalformedNotificationError(
                'payload', 'expected a %s primitive with %s.name and '
                '%s.data, got %r' % (self.namespace, ns, ns,
                                     str(primitive)[:120])) from None
        if not isinstance(name, str) or not isinstance(data, dict):
            raise errors.MalformedNotificationError(
                'payload', 'expected %s.name a string and %s.data a JSON '
                'object, got %r and %r' % (ns, ns, str(name)[:60],
                                           str(data)[:120]))
        cls = self.get(name)
        obj = cls()
        for key, value in data.items():
            field = cls.fields.get(key)
            if field is None:
                raise errors.UnknownFieldError(name, key, sorted(cls.fields))
            if value is not None:
                value = self._field_from_primitive(obj, key, field, value)
            obj._set_field(key, value)
        return obj

    def _field_from_primitive(self, obj, key, field, value):
        try:
            return self._decode_field(obj, key, field, value)
        except errors.TidingsError:
            raise
        except (ValueError, TypeError, OverflowError, AttributeError) as exc:
            raise errors.FieldValueError(
                obj.obj_name(), key, value, describe_field(field),
                str(exc)) from None

    def _decode_field(self, obj, key, field, value):
        ftype = field._type
        if isinstance(ftype, ovo_fields.Object):
            return self.from_primitive(value)
        inner = getattr(ftype, '_element_type', None)
        if inner is not None and isinstance(inner._type, ovo_fields.Object):
            if isinstance(value, dict):
                return {k: self.from_primitive(v) for k, v in value.items()}
            return [self.from_primitive(v) for v in value]
        return field.from_primitive(obj, key, value)

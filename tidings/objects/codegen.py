"""Code written at class registration for the caller's hot path.

The one module of tidings that generates code.  :func:`primitive_functions`
writes, for each payload class, the two methods that serialise a payload
on every notification (``_primitive_data`` and ``_primitive``); they
replace the generic loop of :class:`tidings.objects.base.TidingsObject`,
which stays as their reference (a test checks every bundled payload gives
the same primitive both ways).  Why: that loop's tuple unpacking, per-field
tests and attribute lookups were most of a notification's cost on the
caller's thread (figures in ``benchmarks/README.rst``).  The generated
source holds identifiers and ``repr``-quoted attribute names only, never
user text.

:func:`field_setter` writes the property setter of each field from one
template, per kind of JSON-safety check, for the same reason: it runs for
every field of every payload built.
"""

import math

from oslo_versionedobjects import fields as ovo_fields

from tidings.objects import errors
from tidings.objects import jsonsafe

#: The converter of a field holding one nested versioned object.
ONE_OBJECT = object()


def converter(field):
    """How obj_to_primitive turns a field's (non-None) value into its
    primitive: None when the value is its own primitive, ``ONE_OBJECT`` for
    one nested object, else a ``(obj, attr, value)`` callable.

    oslo's ``Field.to_primitive`` only maps None to None and hands the
    value to its type; where a field does not change that, the type's
    method is called directly (one call less per field and per value).
    """
    ftype = field._type
    if type(field).to_primitive is not ovo_fields.Field.to_primitive:
        return field.to_primitive
    method = type(ftype).to_primitive
    if method is ovo_fields.FieldType.to_primitive:
        return None
    if method is ovo_fields.Object.to_primitive:
        return ONE_OBJECT
    return ftype.to_primitive


def primitive_functions(cls):
    """``_primitive_data`` and ``_primitive`` written out for ``cls``: one
    test and one store per field, no loop, no tuple unpacking, converters
    bound by name, and (for ``_primitive``) the envelope's keys, name and
    namespace as constants.

    They do what :meth:`TidingsObject._primitive_data` and
    :meth:`TidingsObject._primitive` do, at a fraction of the cost
    (figures in ``benchmarks/README.rst``); they run on the caller's
    thread for every notification.  Field names are
    identifiers and attribute names are written with ``repr``, so the
    generated source holds no user text.
    """
    ns = cls.OBJ_SERIAL_NAMESPACE
    namespace = {'NAME': cls.obj_name(), 'PROJECT': cls.OBJ_PROJECT_NAMESPACE}
    body = ['    values = self.__dict__', '    data = {}']
    for index, (name, attr, _field, convert) in enumerate(cls._FIELD_INFO):
        body.append('    if %r in values:' % attr)
        body.append('        value = values[%r]' % attr)
        if convert is None:
            body.append('        data[%r] = value' % name)
            continue
        if convert is ONE_OBJECT:
            call = 'value.obj_to_primitive()'
        else:
            namespace['convert_%d' % index] = convert
            call = 'convert_%d(self, %r, value)' % (index, name)
        body.append('        data[%r] = None if value is None else %s'
                    % (name, call))
    source = '\n'.join(
        ['def _primitive_data(self):'] + body + ['    return data', '']
        + ['def _primitive(self):'] + body
        + ['    return {%r: NAME, %r: PROJECT, %r: self.VERSION, %r: data}'
           % (ns + '.name', ns + '.namespace', ns + '.version',
              ns + '.data')])
    code = compile(source, '<%s primitives>' % cls.__name__, 'exec')
    exec(code, namespace)
    return namespace['_primitive_data'], namespace['_primitive']



#: Per kind of JSON-safety check (:mod:`tidings.objects.jsonsafe`), the
#: test that sends a coerced value to its check: a string costs
#: ``isascii()``, a float ``isfinite()``, an integer two comparisons; only
#: a non-ASCII string is scanned.  A check not named here gets every
#: non-None value; a field without a check (None) gets no test at all.
_GUARDS = {
    None: None,
    jsonsafe.check_text: 'coerced.__class__ is str and not coerced.isascii()',
    jsonsafe.check_int: ('coerced is not None and not '
                         '(INT_MIN <= coerced <= INT_MAX)'),
    jsonsafe.check_float: ('coerced.__class__ is float and '
                           'not isfinite(coerced)'),
}
_ANY_VALUE = 'coerced is not None'
_SETTER_MAKER = '''\
def make_setter(name, attr, field, field_coerce, type_coerce, check,
                refusal):
    def setter(self, value):
        try:
            coerced = (field_coerce(self, name, value) if value is None
                       else type_coerce(self, name, value))
%s
        except TidingsError:
            raise
        except (ValueError, TypeError, OverflowError, RecursionError) as exc:
            raise refusal(self, name, field, value, exc) from None
        self._changed_fields.add(name)
        self.__dict__[attr] = coerced
    return setter
'''
#: ``make_setter`` by guard, compiled on first use.
_SETTER_MAKERS = {}


def field_setter(name, attr, field, field_coerce, type_coerce, check,
                 refusal):
    """The property setter of one field: coerce (``type_coerce`` for a
    value, ``field_coerce`` for None), run ``check`` on what its guard in
    ``_GUARDS`` lets through, store in ``attr``; an error that is not
    already a :class:`~tidings.objects.errors.TidingsError` becomes
    ``refusal(obj, name, field, value, exc)``.

    One template for every kind of check, compiled once per kind: the
    setter runs for every field of every payload on the caller's thread,
    where a test of the kind at run time, or a check called for every
    value, would cost each field of each notification.  What is compiled
    holds the guards above and no field's name; the setter returned is a
    closure over the field's values, as a hand-written one would be.
    """
    guard = _GUARDS.get(check, _ANY_VALUE)
    maker = _SETTER_MAKERS.get(guard)
    if maker is None:
        test = ('' if guard is None else
                '            if %s:\n                check(coerced)' % guard)
        namespace = {'TidingsError': errors.TidingsError,
                     'INT_MIN': jsonsafe.INT_MIN,
                     'INT_MAX': jsonsafe.INT_MAX,
                     'isfinite': math.isfinite}
        exec(compile(_SETTER_MAKER % test, '<tidings field setter>', 'exec'),
             namespace)
        maker = _SETTER_MAKERS[guard] = namespace['make_setter']
    return maker(name, attr, field, field_coerce, type_coerce, check,
                 refusal)

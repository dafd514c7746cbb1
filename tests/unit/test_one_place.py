"""Each idea in one place (issue 12, section 3): the format names and the
version parser are defined once, in ``tidings.objects``, and oslo's
private field attributes are read only there."""

import ast
import pathlib

import testtools

import tidings
from tidings.backends.messaging import plan as messaging_plan
from tidings.backends import record
from tidings.cmd import ceilometer
from tidings.notifications import notification
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import introspect
from tidings.objects import schema
from tidings.sphinxext import render

ROOT = pathlib.Path(tidings.__file__).parent
OBJECTS = ROOT / 'objects'


#: oslo.versionedobjects' private attributes (fields and objects); only
#: tidings.objects (introspect.py, base.py) reads them.
OSLO_PRIVATE = frozenset((
    '_type', '_nullable', '_default', '_obj_name', '_element_type',
    '_valid_values', '_changed_fields', '_context', '_obj_fields',
    '_obj_changes'))
#: Where oslo keeps a field's value: ``_obj_<field>``.
OSLO_VALUE_PREFIX = '_obj_'


def _oslo_private(name):
    return name in OSLO_PRIVATE or name.startswith(OSLO_VALUE_PREFIX)


def private_reads(tree):
    """``[(line, name)]`` of the oslo private attributes ``tree`` names:
    ``x._type``, ``getattr(x, '_type')`` (and hasattr/setattr/delattr),
    and text building an oslo value attribute (``'_obj_' + name``)."""
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and _oslo_private(node.attr):
            out.append((node.lineno, node.attr))
        elif (isinstance(node, ast.Call)
              and isinstance(node.func, ast.Name)
              and node.func.id in ('getattr', 'hasattr', 'setattr',
                                   'delattr')
              and len(node.args) > 1
              and isinstance(node.args[1], ast.Constant)
              and isinstance(node.args[1].value, str)
              and _oslo_private(node.args[1].value)):
            out.append((node.lineno, node.args[1].value))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and node.value.startswith(OSLO_VALUE_PREFIX)):
            out.append((node.lineno, node.value))
    return out


def _modules(outside=None):
    for path in sorted(ROOT.rglob('*.py')):
        if outside is not None and outside in path.parents:
            continue
        yield path, ast.parse(path.read_text(encoding='utf-8'), str(path))


class TestFormatNames(testtools.TestCase):

    def test_one_definition(self):
        found = []
        for path, tree in _modules():
            for node in ast.walk(tree):
                if (isinstance(node, ast.Assign)
                        and isinstance(node.value, ast.Constant)
                        and node.value.value in (schema.VERSIONED,
                                                 schema.UNVERSIONED)):
                    found.append(str(path.relative_to(ROOT)))
        self.assertEqual(['objects/schema.py', 'objects/schema.py'], found)

    def test_old_names_are_the_one_constant(self):
        self.assertIs(schema.VERSIONED, notification.VERSIONED)
        self.assertIs(schema.UNVERSIONED, notification.UNVERSIONED)
        self.assertIs(schema.VERSIONED, record.VERSIONED)
        self.assertIs(schema.FORMATS, ceilometer.FORMATS)
        self.assertIs(schema, messaging_plan.schema_mod)


class TestVersionParser(testtools.TestCase):

    def test_sort_key_uses_version_tuple(self):
        self.assertEqual((1, 12), introspect._vkey('1.12'))
        self.assertEqual((0, 0), introspect._vkey('1.x'))
        self.assertEqual((0, 0), introspect._vkey(None))

    def test_field_since_defaults_to_the_major_version(self):
        class P:
            VERSION = '3.7'
        self.assertEqual('3.0', render.field_since(P, 'x'))

    def test_version_tuple(self):
        self.assertEqual((2, 10), base.version_tuple('2.10'))
        self.assertRaises(errors.VersionError, base.version_tuple, '2')


class TestOsloPrivateAttributes(testtools.TestCase):
    """Only ``tidings.objects`` reads oslo.versionedobjects' private
    attributes; everything else asks :mod:`tidings.objects.introspect`."""

    def test_only_objects_reads_them(self):
        found = ['%s:%d %s' % (path.relative_to(ROOT), line, name)
                 for path, tree in _modules(outside=OBJECTS)
                 for line, name in private_reads(tree)]
        self.assertEqual([], found)

    def test_the_scan_finds_each_form(self):
        tree = ast.parse(
            "a = f._type\n"
            "b = getattr(f, '_element_type', None)\n"
            "c = hasattr(t, '_valid_values')\n"
            "d = '_obj_' + name\n"
            "e = o._obj_name\n"
            "g = o.obj_name()\n"
            "h = o.type\n")
        self.assertEqual(
            [(1, '_type'), (2, '_element_type'), (3, '_valid_values'),
             (4, '_obj_'), (5, '_obj_name')],
            sorted(private_reads(tree)))

    def test_the_helpers(self):
        from oslo_versionedobjects import fields as ovo_fields
        enum = ovo_fields.EnumField(['a', 'b'])
        self.assertEqual(['a', 'b'], list(introspect.valid_values(enum)))
        self.assertIsNone(introspect.valid_values(ovo_fields.StringField()))
        obj = ovo_fields.ObjectField('Fault')
        self.assertEqual('Fault', introspect.object_name(obj))
        self.assertIsNone(introspect.object_name(
            ovo_fields.ListOfObjectsField('Fault')))
        self.assertEqual('List of Fault',
                         render.field_type(
                             ovo_fields.ListOfObjectsField('Fault')))

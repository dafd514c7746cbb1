"""Each idea in one place (issue 12, section 3): the format names and the
version parser are defined once, in ``tidings.objects``, and oslo's
private field attributes are read only there."""

import ast
import pathlib

import testtools

import tidings
from tidings.backends import messaging
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
        self.assertIs(schema, messaging.schema_mod)


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

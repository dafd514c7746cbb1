"""Field types say how they are published: JSON Schema, trait, doc name.

Each tidings field type (:class:`tidings.objects.fields.Published`) is the
one place that says it; the schema builder, the Ceilometer generator and
the docs renderer read it from there, and fall back to their own rule only
for oslo.versionedobjects' types.
"""

from unittest import mock

import jsonschema
from oslo_versionedobjects import fields as ovo_fields
import testtools

from tests.unit import fptest_payloads as fp
from tidings.catalogs import common
from tidings.cmd import ceilometer
from tidings.objects import base
from tidings.objects import fields
from tidings.objects import fingerprint
from tidings.objects import schema
from tidings.sphinxext import render

#: (field, JSON Schema of a non-null value, trait type, doc name): every
#: tidings field type.
EXPECTED = [
    (fields.IntegerField(), {'type': 'integer'}, 'int', 'Integer'),
    (fields.NonNegativeIntegerField(), {'type': 'integer', 'minimum': 0},
     'int', 'NonNegativeInteger'),
    (fields.BooleanField(), {'type': 'boolean'}, 'text', 'Boolean'),
    (fields.UUIDField(), {'type': 'string', 'format': 'uuid'}, 'text',
     'UUID'),
    (fields.DateTimeField(), {'type': 'string', 'format': 'date-time',
                              'pattern': fields.DATETIME_PATTERN},
     'datetime', 'DateTime'),
    (fields.SensitiveStringField(), {'const': '***'}, 'text',
     'String (sensitive, sent as ***)'),
    (common.JsonDictField(), {'type': 'object'}, 'text', 'JsonDict'),
    (common.JsonListField(), {'type': 'array'}, 'text', 'JsonList'),
]


def _data_schema(field_map):
    cls = fp.make_payload(field_map, registry=base.ObjectRegistry('fptest'))
    return schema.payload_schema(cls)['properties']['fptest_object.data']


def _prop(field):
    return _data_schema({'x': field})['properties']['x']


class TestEveryTidingsFieldType(testtools.TestCase):

    def test_the_table_lists_every_tidings_field_type(self):
        ours = {cls for cls in fields._PUBLISHED.values()
                if cls.__module__.startswith('tidings.')}
        listed = {type(field._type) for field, _s, _t, _d in EXPECTED}
        self.assertEqual(sorted(c.__name__ for c in ours),
                         sorted(c.__name__ for c in listed))

    def test_each_declares_all_three_itself(self):
        for field, _s, _t, _d in EXPECTED:
            own = vars(type(field._type))
            for attr in ('JSON_SCHEMA', 'TRAIT_TYPE', 'DOC_TYPE'):
                self.assertIn(attr, own, type(field._type).__name__)

    def test_json_schema_of_a_payload_field(self):
        for field, expected, _t, _d in EXPECTED:
            self.assertEqual(expected, _prop(field),
                             type(field._type).__name__)

    def test_ceilometer_trait_type(self):
        for field, _s, trait, _d in EXPECTED:
            self.assertEqual(trait, ceilometer.trait_type(field),
                             type(field._type).__name__)

    def test_doc_type(self):
        for field, _s, _t, doc in EXPECTED:
            self.assertEqual(doc, render.field_type(field),
                             type(field._type).__name__)

    def test_same_named_replacements_publish_like_the_oslo_type(self):
        # A shape cannot tell tidings' UUID from oslo's (same name, same
        # wire form), so both must publish the same way.
        for cls in set(fields._PUBLISHED.values()):
            if cls.__module__.startswith('tidings.') and (
                    fields._oslo_base_name(cls) is None):
                oslo_type = getattr(ovo_fields, cls.__name__)
                self.assertEqual(schema._OSLO[cls.__name__],
                                 cls.JSON_SCHEMA, cls.__name__)
                self.assertEqual(
                    fields.trait_type(oslo_type()),
                    cls.TRAIT_TYPE, cls.__name__)
                self.assertEqual(cls.__name__, cls.DOC_TYPE)


class TestSchemaFromTheFieldType(testtools.TestCase):

    def test_a_non_negative_integer_has_minimum_0(self):
        data = _data_schema({'n': fields.NonNegativeIntegerField(),
                             'm': fields.NonNegativeIntegerField(
                                 nullable=True, default=None)})
        self.assertEqual({'type': 'integer', 'minimum': 0},
                         data['properties']['n'])
        self.assertEqual({'type': ['integer', 'null'], 'minimum': 0,
                          'default': None}, data['properties']['m'])
        validator = jsonschema.Draft202012Validator(data)
        self.assertTrue(validator.is_valid({'n': 0, 'm': None}))
        self.assertFalse(validator.is_valid({'n': -1}))

    def test_json_dict_is_an_object_and_json_list_an_array(self):
        data = _data_schema({'d': common.JsonDictField(nullable=True),
                             'l': common.JsonListField(default=[])})
        self.assertEqual({'type': ['object', 'null']},
                         data['properties']['d'])
        self.assertEqual({'type': 'array', 'default': []},
                         data['properties']['l'])
        validator = jsonschema.Draft202012Validator(data)
        self.assertTrue(validator.is_valid({'d': {'a': [1]}, 'l': [{}]}))
        self.assertFalse(validator.is_valid({'d': [1]}))
        self.assertFalse(validator.is_valid({'d': None, 'l': {}}))

    def test_a_nullable_sensitive_string_is_the_mask_or_null(self):
        self.assertEqual({'enum': ['***', None]}, _prop(
            fields.SensitiveStringField(nullable=True)))

    def test_oslo_sensitive_string_is_not_masked(self):
        # oslo's SensitiveString writes the real value: same class name as
        # tidings', another oslo base in the shape, so another schema.
        field = ovo_fields.SensitiveStringField()
        self.assertEqual({'type': 'string'}, _prop(field))
        self.assertEqual('SensitiveString', render.field_type(field))

    def test_the_schema_is_rebuilt_from_a_locked_shape(self):
        # A released version's schema comes from the shape in the lock
        # file, which names the type: the registry finds it by that name.
        cls = fp.make_payload({'n': fields.NonNegativeIntegerField()},
                              registry=base.ObjectRegistry('fptest'))
        shape = fingerprint.shape(cls)
        self.assertEqual({'type': 'NonNegativeInteger', 'base': 'Integer',
                          'nullable': False}, shape['fields']['n'])
        doc = schema.schema_from_shape(shape, '1.0', lambda *a: None)
        self.assertEqual(schema.payload_schema(cls), doc)

    def test_a_sensitive_type_gone_from_the_code_is_still_the_mask(self):
        gone = {'name': 'GonePayload', 'namespace': 'fptest', 'schema': {},
                'fields': {'k': {'type': 'GoneSecret', 'base': 'String',
                                 'nullable': True, 'sensitive': True}}}
        doc = schema.schema_from_shape(gone, '1.0', lambda *a: None)
        self.assertEqual({'enum': ['***', None]}, doc['properties'][
            'fptest_object.data']['properties']['k'])

    def test_oslo_types_use_the_fallback_table(self):
        self.assertEqual({'type': 'number', 'minimum': 0},
                         _prop(ovo_fields.NonNegativeFloatField()))
        self.assertEqual('float',
                         ceilometer.trait_type(ovo_fields.FloatField()))

    def test_oslo_get_schema_agrees(self):
        # oslo's own VersionedObject.to_json_schema() reads get_schema().
        self.assertEqual(
            {'type': ['integer', 'null'], 'minimum': 0, 'readonly': False},
            fields.NonNegativeIntegerField(nullable=True).get_schema())
        self.assertEqual({'type': ['string'], 'const': '***',
                          'readonly': False},
                         fields.SensitiveStringField().get_schema())
        self.assertEqual({'type': ['object'], 'readonly': False},
                         common.JsonDictField().get_schema())


class TestAddingAFieldType(testtools.TestCase):
    """The developer guide's worked example ("Add a field type")."""

    def setUp(self):
        super().setUp()
        # Field types register on definition: forget the test's ones.
        patcher = mock.patch.dict(fields._PUBLISHED)
        patcher.start()
        self.addCleanup(patcher.stop)

    def define_port(self):
        class Port(fields.Integer):
            """A TCP or UDP port number."""

            JSON_SCHEMA = {'type': 'integer', 'minimum': 1,
                           'maximum': 65535}
            TRAIT_TYPE = 'int'
            DOC_TYPE = 'Port'

            def coerce(self, obj, attr, value):
                value = super().coerce(obj, attr, value)
                if not 1 <= value <= 65535:
                    raise ValueError('%r is not a port (1-65535)' % value)
                return value

        class PortField(fields.AutoTypedField):
            AUTO_TYPE = Port()

        return Port, PortField

    def test_one_class_is_published_everywhere(self):
        port, port_field = self.define_port()
        field = port_field(nullable=True)
        self.assertEqual({'type': ['integer', 'null'], 'minimum': 1,
                          'maximum': 65535}, _prop(field))
        self.assertEqual('int', ceilometer.trait_type(field))
        self.assertEqual('Port', render.field_type(field))
        self.assertEqual('List of Port', render.field_type(
            ovo_fields.List(port())))

    def test_redefining_it_identically_is_fine(self):
        self.define_port()
        self.define_port()  # a module reloaded

    def test_another_type_of_the_same_name_must_publish_the_same(self):
        self.define_port()
        exc = self.assertRaises(TypeError, type, 'Port', (fields.Integer,),
                                {'JSON_SCHEMA': {'type': 'integer'},
                                 'TRAIT_TYPE': 'int', 'DOC_TYPE': 'Port'})
        self.assertIn('publish differently', str(exc))

    def test_trait_type_must_be_a_ceilometer_one(self):
        exc = self.assertRaises(TypeError, type, 'Odd', (fields.Integer,),
                                {'TRAIT_TYPE': 'integer'})
        self.assertIn("TRAIT_TYPE is 'integer'; accepted: one of text, int, "
                      "float, datetime", str(exc))

    def test_json_schema_must_be_a_dict(self):
        exc = self.assertRaises(TypeError, type, 'Odd', (fields.Integer,),
                                {'JSON_SCHEMA': None})
        self.assertIn('JSON_SCHEMA is None; accepted: a dict', str(exc))

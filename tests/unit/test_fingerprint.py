"""Fingerprints: what changes them and what does not."""

import re

from oslo_versionedobjects import fields as ovo_fields
from oslo_versionedobjects import fixture as ovo_fixture

from tests import testcase
from tests.unit import fptest_payloads as fp
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fields
from tidings.objects import fingerprint


def _fields(**overrides):
    out = {
        'name': fields.StringField(),
        'state': fields.EnumField(['PENDING', 'ONGOING', 'DONE']),
        'count': fields.IntegerField(default=0),
    }
    out.update(overrides)
    return out


def _fp(field_map=None, **kwargs):
    return fingerprint.fingerprint(
        fp.make_payload(_fields() if field_map is None else field_map,
                        **kwargs))


class TestFingerprintFormat(testcase.TestCase):

    def test_fingerprint_is_version_dash_32_hex_digits(self):
        self.assertRegex(_fp(version='1.3'), r'^1\.3-[0-9a-f]{32}$')

    def test_same_declaration_gives_same_fingerprint(self):
        self.assertEqual(_fp(), _fp())

    def test_version_bump_changes_only_the_version_part(self):
        old, new = _fp(version='1.0'), _fp(version='1.1')
        self.assertEqual(old.split('-')[1], new.split('-')[1])
        self.assertTrue(new.startswith('1.1-'))

    def test_split_returns_version_and_hash(self):
        version, digest = fingerprint.split(_fp(version='2.4'))
        self.assertEqual('2.4', version)
        self.assertEqual(32, len(digest))

    def test_split_rejects_a_malformed_fingerprint(self):
        self.assertRaises(ValueError, fingerprint.split, '1.0-xyz')


class TestWhatDoesNotChangeTheFingerprint(testcase.TestCase):

    def test_docstring_change_is_not_caught(self):
        self.assertEqual(_fp(doc='Old words.'), _fp(doc='New words.'))

    def test_field_versions_do_not_change_it(self):
        self.assertEqual(_fp(), _fp(FIELD_VERSIONS={'count': '1.1'}))

    def test_methods_do_not_change_it(self):
        self.assertEqual(_fp(), _fp(helper=lambda self: 42))

    def test_field_declaration_order_does_not_change_it(self):
        forward = dict(_fields())
        backward = dict(reversed(list(_fields().items())))
        self.assertEqual(_fp(forward), _fp(backward))

    def test_schema_declaration_order_does_not_change_it(self):
        one = {'name': ('a', 'name'), 'count': ('a', 'count')}
        two = {'count': ('a', 'count'), 'name': ('a', 'name')}
        self.assertEqual(_fp(schema=one), _fp(schema=two))


class TestWhatChangesTheFingerprint(testcase.TestCase):

    def assertChanges(self, other):
        self.assertNotEqual(_fp(), other)

    def test_added_field(self):
        self.assertChanges(_fp(_fields(extra=fields.StringField(
            nullable=True))))

    def test_removed_field(self):
        field_map = _fields()
        del field_map['count']
        self.assertChanges(_fp(field_map))

    def test_field_type(self):
        self.assertChanges(_fp(_fields(name=fields.UUIDField())))

    def test_nullability(self):
        self.assertChanges(_fp(_fields(name=fields.StringField(
            nullable=True))))

    def test_default(self):
        self.assertChanges(_fp(_fields(count=fields.IntegerField(
            default=1))))

    def test_enum_value_added(self):
        self.assertChanges(_fp(_fields(state=fields.EnumField(
            ['PENDING', 'ONGOING', 'DONE', 'FAILED']))))

    def test_enum_order(self):
        self.assertChanges(_fp(_fields(state=fields.EnumField(
            ['DONE', 'ONGOING', 'PENDING']))))

    def test_schema_mapping(self):
        self.assertNotEqual(_fp(schema={'name': ('a', 'name')}),
                            _fp(schema={'name': ('a', 'title')}))

    def test_sensitivity(self):
        self.assertChanges(_fp(_fields(name=fields.SensitiveStringField())))

    def test_list_element_type(self):
        self.assertNotEqual(
            _fp(_fields(tags=fields.ListOfStringsField())),
            _fp(_fields(tags=fields.ListOfIntegersField())))

    def test_namespace(self):
        self.assertChanges(_fp(namespace='other'))


class TestNestedPayloads(testcase.TestCase):

    def _outer(self, inner_version):
        registry = base.ObjectRegistry('fptest')
        fp.make_payload({'serial': fields.StringField()}, name='Inner',
                        version=inner_version, registry=registry)
        return fp.make_payload({'inner': fields.ObjectField('Inner')},
                               name='Outer', registry=registry)

    def test_nested_version_bump_changes_the_outer_fingerprint(self):
        self.assertNotEqual(fingerprint.fingerprint(self._outer('1.0')),
                            fingerprint.fingerprint(self._outer('1.1')))

    def test_oslo_object_hash_misses_the_nested_version_bump(self):
        # What Nova's test_objects relies on: the same hash for both.
        def oslo_hash(cls):
            checker = ovo_fixture.ObjectVersionChecker({'Outer': [cls]})
            return checker.get_hashes()['Outer']
        self.assertEqual(oslo_hash(self._outer('1.0')),
                         oslo_hash(self._outer('1.1')))

    def test_nested_shape_names_name_namespace_and_version(self):
        described = fingerprint.shape(self._outer('1.4'))['fields']['inner']
        self.assertEqual({'name': 'Inner', 'namespace': 'fptest',
                          'version': '1.4'}, described['object'])

    def test_list_of_nested_payloads_names_the_element_payload(self):
        registry = base.ObjectRegistry('fptest')
        fp.make_payload({'serial': fields.StringField()}, name='Inner',
                        version='1.2', registry=registry)
        outer = fp.make_payload(
            {'inners': fields.ListOfObjectsField('Inner')}, name='Outer',
            registry=registry)
        element = fingerprint.shape(outer)['fields']['inners']['element']
        self.assertEqual('1.2', element['object']['version'])

    def test_unregistered_nested_payload_is_an_error_naming_the_field(self):
        outer = fp.make_payload({'inner': fields.ObjectField('Missing')})
        self.assertRaisesNaming(errors.NestedPayloadError,
                                ['ThingPayload.inner', "'Missing'"],
                                fingerprint.fingerprint, outer)


class TestShape(testcase.TestCase):

    def setUp(self):
        super().setUp()
        self.shape = fingerprint.shape(fp.make_payload(
            _fields(secret=fields.SensitiveStringField(nullable=True),
                    tags=fields.ListOfStringsField(),
                    level=fields.LevelField()),
            schema={'name': ('source', 'title')}))

    def test_shape_names_the_payload_and_namespace(self):
        self.assertEqual(('ThingPayload', 'fptest'),
                         (self.shape['name'], self.shape['namespace']))

    def test_fields_are_sorted_by_name(self):
        names = list(self.shape['fields'])
        self.assertEqual(sorted(names), names)

    def test_enum_values_keep_their_declared_order(self):
        self.assertEqual(['PENDING', 'ONGOING', 'DONE'],
                         self.shape['fields']['state']['enum'])

    def test_custom_field_type_records_its_oslo_base(self):
        level = self.shape['fields']['level']
        self.assertEqual(('Level', 'Enum'), (level['type'], level['base']))

    def test_same_named_replacement_of_an_oslo_type_has_its_shape(self):
        ours = fp.make_payload({'id': fields.UUIDField()})
        oslos = fp.make_payload({'id': ovo_fields.UUIDField()})
        self.assertEqual(fingerprint.fingerprint(oslos),
                         fingerprint.fingerprint(ours))

    def test_default_is_recorded_and_absent_when_unspecified(self):
        self.assertEqual(0, self.shape['fields']['count']['default'])
        self.assertNotIn('default', self.shape['fields']['name'])

    def test_sensitive_field_is_marked(self):
        self.assertTrue(self.shape['fields']['secret']['sensitive'])

    def test_list_field_records_its_element_type(self):
        self.assertEqual('String',
                         self.shape['fields']['tags']['element']['type'])

    def test_schema_mapping_is_recorded(self):
        self.assertEqual({'name': ['source', 'title']}, self.shape['schema'])

    def test_sensitive_default_is_masked(self):
        shape = fingerprint.shape(fp.make_payload(
            {'key': fields.SensitiveStringField(default='hunter2')}))
        self.assertEqual('***', shape['fields']['key']['default'])

    def test_set_default_is_canonical_whatever_the_iteration_order(self):
        self.assertEqual(['a', 'b', 'c'],
                         fingerprint.canonical({'c', 'a', 'b'}))

    def test_canonical_json_is_compact_and_sorted(self):
        self.assertEqual('{"a":1,"b":[2]}',
                         fingerprint.canonical_json({'b': [2], 'a': 1}))

    def test_hash_is_the_sha256_prefix_of_the_canonical_json(self):
        self.assertTrue(re.fullmatch(r'[0-9a-f]{32}',
                                     fingerprint.shape_hash(self.shape)))

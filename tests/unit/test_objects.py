"""The versioned-object layer: registries, wire primitives, field types."""

import json
import logging
import os

import fixtures

from tests import testcase
from tests.unit import catalog
from tidings.backends import jsonfile
from tidings.backends import log as log_backend
from tidings.notifications import payload as payload_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fields
from tidings.testing import fixtures as tidings_fixtures

ALPHA = base.ObjectRegistry('alpha')
BETA = base.ObjectRegistry('beta')


def _exception_payload_1_0():
    class ExceptionPayload(payload_mod.ExceptionPayload):
        VERSION = '1.0'

    return ALPHA.register(ExceptionPayload)


AlphaExceptionPayload = _exception_payload_1_0()


@ALPHA.register
class ExceptionPayload(payload_mod.ExceptionPayload):
    VERSION = '1.1'
    fields = dict(payload_mod.ExceptionPayload.fields,
                  code=fields.IntegerField(nullable=True))


@BETA.register
class ExceptionPayload(payload_mod.ExceptionPayload):  # noqa: F811
    VERSION = '1.0'


@ALPHA.register
class KindsPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'level': fields.LevelField(nullable=True),
        'phase': fields.PhaseField(nullable=True),
        'count': fields.IntegerField(nullable=True),
        'flag': fields.BooleanField(nullable=True),
        'ident': fields.UUIDField(nullable=True),
        'ratio': fields.FloatField(nullable=True),
        'state': fields.EnumField(['PENDING', 'ONGOING'], nullable=True),
    }


def exc_payload(cls=catalog.ExceptionPayload):
    return cls(module_name='m', function_name='f', exception='E',
               exception_message='boom')


class TestObjectRegistry(testcase.TestCase):

    def test_same_name_in_two_namespaces_does_not_collide(self):
        self.assertIs(BETA.get('ExceptionPayload'), ExceptionPayload)
        self.assertEqual('alpha',
                         ALPHA.get('ExceptionPayload').OBJ_PROJECT_NAMESPACE)
        self.assertEqual('beta',
                         BETA.get('ExceptionPayload').OBJ_PROJECT_NAMESPACE)

    def test_each_namespace_serialises_under_its_own_prefix(self):
        prim = BETA.get('ExceptionPayload')(
            module_name='m', function_name='f', exception='E',
            exception_message='x').obj_to_primitive()
        self.assertEqual('beta', prim['beta_object.namespace'])
        self.assertNotIn('alpha_object.name', prim)

    def test_registering_leaves_the_base_class_in_tidings_namespace(self):
        self.assertEqual('tidings',
                         payload_mod.ExceptionPayload.OBJ_PROJECT_NAMESPACE)

    def test_get_without_version_returns_the_newest(self):
        self.assertEqual('1.1', ALPHA.get('ExceptionPayload').VERSION)

    def test_get_with_version_returns_that_version(self):
        self.assertIs(AlphaExceptionPayload,
                      ALPHA.get('ExceptionPayload', '1.0'))

    def test_get_unknown_name_lists_known_payloads(self):
        self.assertRaisesNaming(errors.UnknownPayloadError,
                                ["'alpha.Nope'", 'alpha.KindsPayload'],
                                ALPHA.get, 'Nope')

    def test_get_unknown_version_lists_known_versions(self):
        self.assertRaisesNaming(
            errors.UnknownPayloadError,
            ['alpha.ExceptionPayload@1.0', 'alpha.ExceptionPayload@1.1'],
            ALPHA.get, 'ExceptionPayload', '9.0')

    def test_namespace_must_be_a_word(self):
        self.assertRaisesNaming(errors.TidingsError, ["'no spaces'"],
                                base.ObjectRegistry, 'no spaces')

    def test_malformed_version_is_rejected_at_registration(self):
        class Bad(payload_mod.Payload):
            VERSION = '1'

        self.assertRaisesNaming(errors.VersionError, ['MAJOR.MINOR'],
                                ALPHA.register, Bad)


class TestWirePrimitive(testcase.TestCase):

    def test_primitive_has_no_changes(self):
        prim = catalog.table_payload().obj_to_primitive()
        self.assertEqual(
            ['unitcat_object.data', 'unitcat_object.name',
             'unitcat_object.namespace', 'unitcat_object.version'],
            sorted(prim))

    def test_primitive_names_payload_namespace_and_version(self):
        prim = catalog.table_payload().obj_to_primitive()
        self.assertEqual('TablePayload', prim['unitcat_object.name'])
        self.assertEqual('unitcat', prim['unitcat_object.namespace'])
        self.assertEqual('1.2', prim['unitcat_object.version'])

    def test_unset_fields_are_omitted(self):
        data = catalog.table_payload().obj_to_primitive()[
            'unitcat_object.data']
        self.assertEqual({'table_name': 'orders', 'tenant_id': 't-1',
                          'rows': 12}, data)

    def test_field_set_to_none_is_sent_as_null(self):
        data = catalog.table_payload(comment=None).obj_to_primitive()[
            'unitcat_object.data']
        self.assertIsNone(data['comment'])

    def test_nested_payloads_are_nested_primitives_without_changes(self):
        payload = catalog.table_payload(fault=exc_payload())
        nested = payload.obj_to_primitive()['unitcat_object.data']['fault']
        self.assertEqual({
            'unitcat_object.name': 'ExceptionPayload',
            'unitcat_object.namespace': 'unitcat',
            'unitcat_object.version': '1.0',
            'unitcat_object.data': {
                'module_name': 'm', 'function_name': 'f', 'exception': 'E',
                'exception_message': 'boom'}}, nested)

    def test_primitive_is_json_serialisable(self):
        payload = catalog.table_payload(fault=exc_payload(), tags=['a'])
        prim = payload.obj_to_primitive()
        self.assertEqual(prim, json.loads(json.dumps(prim)))

    def test_from_primitive_rebuilds_nested_payloads(self):
        payload = catalog.table_payload(
            fault=exc_payload(),
            disk=catalog.DiskPayload(name='vda', size_gb=3))
        prim = json.loads(json.dumps(payload.obj_to_primitive()))
        rebuilt = catalog.OBJECTS.from_primitive(prim)
        self.assertIsInstance(rebuilt.fault, catalog.ExceptionPayload)
        self.assertEqual(3, rebuilt.disk.size_gb)
        self.assertEqual(prim, rebuilt.obj_to_primitive())

    def test_from_primitive_rejects_a_non_primitive(self):
        self.assertRaisesNaming(errors.MalformedNotificationError,
                                ['unitcat_object.name'],
                                catalog.OBJECTS.from_primitive, ['x'])

    def test_from_primitive_rejects_data_that_is_not_an_object(self):
        exc = self.assertRaises(
            errors.MalformedNotificationError,
            catalog.OBJECTS.from_primitive,
            {'unitcat_object.name': 'PingPayload',
             'unitcat_object.data': 5})
        self.assertIn('unitcat_object.data', str(exc))

    def test_from_primitive_rejects_unknown_field(self):
        exc = self.assertRaises(
            errors.UnknownFieldError, catalog.OBJECTS.from_primitive,
            {'unitcat_object.name': 'PingPayload',
             'unitcat_object.data': {'m': 1}})
        self.assertIn("PingPayload has no field 'm'", str(exc))

    def test_from_primitive_bad_value_is_a_field_value_error(self):
        exc = self.assertRaises(
            errors.FieldValueError, catalog.OBJECTS.from_primitive,
            {'unitcat_object.name': 'PingPayload',
             'unitcat_object.data': {'n': 'many'}})
        self.assertEqual(('PingPayload', 'n', 'many'),
                         (exc.payload, exc.field, exc.value))

    def test_from_primitive_bad_nested_list_is_a_field_value_error(self):
        registry = base.ObjectRegistry('nestedlist')

        @registry.register
        class Item(payload_mod.Payload):
            fields = {'n': fields.IntegerField()}

        @registry.register
        class Holder(payload_mod.Payload):
            fields = {'items': fields.ListOfObjectsField('Item')}

        exc = self.assertRaises(
            errors.FieldValueError, registry.from_primitive,
            {'nestedlist_object.name': 'Holder',
             'nestedlist_object.data': {'items': 7}})
        self.assertEqual('items', exc.field)

    def test_unversioned_form_is_flat(self):
        payload = catalog.table_payload(fault=exc_payload())
        flat = payload.to_flat_dict()
        self.assertEqual('boom', flat['fault']['exception_message'])
        self.assertNotIn('unitcat_object.data', json.dumps(flat))


class TestVersionPinning(testcase.TestCase):

    def test_older_target_drops_fields_added_later(self):
        payload = catalog.table_payload(comment='c', tags=['x'])
        data = payload.obj_to_primitive('1.0')['unitcat_object.data']
        self.assertNotIn('comment', data)
        self.assertNotIn('tags', data)

    def test_intermediate_target_keeps_fields_of_that_version(self):
        payload = catalog.table_payload(comment='c', tags=['x'])
        prim = payload.obj_to_primitive('1.1')
        self.assertEqual('1.1', prim['unitcat_object.version'])
        self.assertEqual('c', prim['unitcat_object.data']['comment'])
        self.assertNotIn('tags', prim['unitcat_object.data'])

    def test_newer_target_is_a_pin_error(self):
        self.assertRaisesNaming(
            errors.PinError,
            ['TablePayload cannot be pinned to 1.3', '1.0 to 1.2'],
            catalog.table_payload().obj_to_primitive, '1.3')

    def test_other_major_is_a_pin_error(self):
        self.assertRaises(errors.PinError, base.check_target_version,
                          catalog.TablePayload, '0.9')

    def test_malformed_version_is_a_version_error(self):
        self.assertRaisesNaming(errors.VersionError, ["'one.two'"],
                                base.version_tuple, 'one.two')


class TestFieldErrors(testcase.TestCase):

    def test_error_names_payload_field_value_and_accepted(self):
        exc = self.assertRaises(errors.FieldValueError, KindsPayload,
                                state='RUNNING')
        self.assertEqual('KindsPayload', exc.payload)
        self.assertEqual('state', exc.field)
        self.assertEqual('RUNNING', exc.value)
        self.assertIn("KindsPayload.state: 'RUNNING' is not one of "
                      "PENDING, ONGOING", str(exc))

    def test_error_is_a_value_error(self):
        self.assertRaises(ValueError, KindsPayload, count='lots')

    def test_assignment_error_also_names_the_field(self):
        payload = KindsPayload()
        self.assertRaisesNaming(
            errors.FieldValueError,
            ["KindsPayload.count: 'lots' is not a whole number"], setattr,
            payload, 'count', 'lots')

    def test_unknown_keyword_names_the_known_fields(self):
        self.assertRaisesNaming(
            errors.UnknownFieldError,
            ["KindsPayload has no field 'colour'", 'count'], KindsPayload,
            colour='red')

    def test_wrong_nested_object_class_is_rejected(self):
        self.assertRaisesNaming(errors.FieldValueError,
                                ['a ExceptionPayload object'],
                                catalog.table_payload().__setattr__, 'fault',
                                catalog.PingPayload(n=1))

    def test_integer_refuses_to_truncate(self):
        self.assertRaises(errors.FieldValueError, KindsPayload, count=1.5)

    def test_integer_refuses_a_boolean(self):
        self.assertRaises(errors.FieldValueError, KindsPayload, count=True)

    def test_integer_accepts_a_whole_float_and_a_numeric_string(self):
        self.assertEqual(2, KindsPayload(count=2.0).count)
        self.assertEqual(3, KindsPayload(count=' 3').count)

    def test_huge_float_is_a_field_value_error(self):
        self.assertRaises(errors.FieldValueError, KindsPayload,
                          ratio=10 ** 400)

    def test_boolean_refuses_an_unknown_word(self):
        self.assertRaisesNaming(errors.FieldValueError,
                                ["'maybe' is not true or false"], KindsPayload,
                                flag='maybe')

    def test_boolean_reads_no_as_false(self):
        self.assertIs(False, KindsPayload(flag='no').flag)

    def test_uuid_refuses_a_malformed_uuid(self):
        self.assertRaises(errors.FieldValueError, KindsPayload,
                          ident='not-a-uuid')


class TestLevelField(testcase.TestCase):

    def test_level_is_case_insensitive(self):
        self.assertEqual('error', KindsPayload(level='ERROR').level)

    def test_warning_is_an_alias_of_warn(self):
        self.assertEqual('warn', KindsPayload(level='Warning').level)

    def test_wire_carries_the_canonical_level(self):
        data = KindsPayload(level='WARNING').obj_to_primitive()[
            'alpha_object.data']
        self.assertEqual('warn', data['level'])

    def test_bad_level_lists_the_levels(self):
        self.assertRaisesNaming(
            errors.FieldValueError,
            ['debug, info, audit, warn, error, critical, sample'],
            KindsPayload, level='loud')

    def test_normalize_level_rejects_non_strings(self):
        self.assertRaises(ValueError, fields.normalize_level, 20)


class TestPhaseField(testcase.TestCase):

    def test_phase_is_case_insensitive(self):
        self.assertEqual('start', KindsPayload(phase=' Start ').phase)

    def test_bad_phase_lists_the_phases(self):
        self.assertRaisesNaming(errors.FieldValueError, ['start, end, error'],
                                KindsPayload, phase='middle')


class TestSensitiveString(testcase.TestCase):

    def _payload(self):
        return catalog.table_payload(owner_token='hunter2')

    def test_value_stays_readable_in_process(self):
        self.assertEqual('hunter2', self._payload().owner_token)

    def test_masked_in_the_wire_primitive(self):
        data = self._payload().obj_to_primitive()['unitcat_object.data']
        self.assertEqual('***', data['owner_token'])

    def test_masked_in_the_unversioned_dict(self):
        self.assertEqual('***', self._payload().to_flat_dict()['owner_token'])

    def test_masked_in_the_log_line(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name='tidings.test.secrets', level=logging.INFO))
        fix = self.useFixture(tidings_fixtures.NotificationFixture(
            catalog.EVENTS, backends=[log_backend.LogBackend(
                logger_name='tidings.test.secrets')]))
        fix.notifier.notify(catalog.TABLE_CREATE_START, self._payload())
        self.assertIn('"owner_token": "***"', logger.output)
        self.assertNotIn('hunter2', logger.output)

    def test_masked_in_the_jsonfile_line(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'n.jsonl')
        backend = jsonfile.JsonFileBackend(path=path)
        fix = self.useFixture(tidings_fixtures.NotificationFixture(
            catalog.EVENTS, backends=[backend]))
        fix.notifier.notify(catalog.TABLE_CREATE_START, self._payload())
        fix.notifier.flush(5)
        with open(path) as handle:
            text = handle.read()
        self.assertNotIn('hunter2', text)
        line = json.loads(text.splitlines()[0])
        self.assertEqual('***', line['payload']['unitcat_object.data'][
            'owner_token'])

    def test_rebuilt_from_the_wire_it_stays_masked(self):
        prim = self._payload().obj_to_primitive()
        self.assertEqual('***',
                         catalog.OBJECTS.from_primitive(prim).owner_token)

    def test_is_sensitive_tells_sensitive_fields(self):
        self.assertTrue(fields.is_sensitive(
            catalog.TablePayload.fields['owner_token']))
        self.assertFalse(fields.is_sensitive(
            catalog.TablePayload.fields['comment']))


"""JSON Schemas, validated against real emitted wire messages."""

import datetime
import json

import jsonschema
import testtools

from tests.unit import fptest_payloads as fp
from tidings import conf as tidings_conf
from tidings.backends import memory
from tidings.catalogs.demo import events as demo
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import registry as registry_mod
from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fields
from tidings.objects import schema

_UUID = '2d1c6e5a-1c2f-4f0e-9a7e-3b8f7c1d2e4f'
_WHEN = datetime.datetime(2026, 11, 1, 12, 0, 0, 123456,
                          tzinfo=datetime.timezone.utc)


def _validator(doc):
    jsonschema.Draft202012Validator.check_schema(doc)
    return jsonschema.Draft202012Validator(
        doc, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _errors(doc, instance):
    # What a consumer sees: the message after its trip through JSON (a
    # Set field's primitive is a tuple until then).
    instance = json.loads(json.dumps(instance))
    return [e.message for e in _validator(doc).iter_errors(instance)]


def _emit(registry, event, payload, fmt='versioned', level='debug'):
    conf = tidings_conf.new_conf()
    conf.set_override('level', level, group='notifications')
    conf.set_override('notification_format', fmt, group='notifications')
    backend = memory.MemoryBackend(name='memory', max_notifications=10)
    notifier = notifier_mod.Notifier(conf, registry, source='fptest',
                                     host='node-1', backends=[backend])
    note = notifier.notify(event, payload)
    notifier.close()
    return note


def _kitchen_sink():
    """A registry with one event whose payload uses every field kind."""
    objects = base.ObjectRegistry('fptest')
    fp.make_payload({'serial': fields.StringField()}, name='Part',
                    registry=objects)
    cls = fp.make_payload({
        'id': fields.UUIDField(),
        'when': fields.DateTimeField(),
        'count': fields.NonNegativeIntegerField(default=0),
        'ratio': fields.FloatField(nullable=True),
        'flag': fields.BooleanField(),
        'state': fields.EnumField(['on', 'off'], nullable=True),
        'level': fields.LevelField(),
        'secret': fields.SensitiveStringField(),
        'maybe_secret': fields.SensitiveStringField(nullable=True),
        'tags': fields.ListOfStringsField(),
        'ints': fields.SetOfIntegersField(),
        'labels': fields.DictOfNullableStringsField(),
        'part': fields.ObjectField('Part'),
        'parts': fields.ListOfObjectsField('Part', nullable=True),
        'address': fields.IPV4AddressField(),
    }, name='SinkPayload', registry=objects)
    events = registry_mod.EventRegistry('fptest', objects=objects)
    definition = events.define('EVENT_TYPE_SINK', 'fptest.sink.update',
                               'audit', cls)
    payload = cls(
        id=_UUID, when=_WHEN, ratio=None, flag=True, state='on',
        level='warning', secret='hunter2', maybe_secret=None,
        tags=['a', 'b'], ints={3, 1}, labels={'x': 'y', 'z': None},
        part=objects.get('Part')(serial='S1'),
        parts=[objects.get('Part')(serial='S2')], address='10.0.0.1')
    return events, definition, cls, payload


class TestEmittedMessagesValidate(testtools.TestCase):

    def test_every_demo_sample_validates_against_its_notification_schema(
            self):
        for definition in demo.EVENTS:
            note = _emit(demo.EVENTS, definition, definition.sample())
            self.assertEqual(
                [], _errors(schema.notification_schema(definition),
                            note.to_wire()), definition.name)

    def test_every_field_kind_validates(self):
        events, definition, _, payload = _kitchen_sink()
        note = _emit(events, definition, payload)
        self.assertEqual([], _errors(schema.notification_schema(definition),
                                     note.to_wire()))

    def test_unversioned_message_validates_against_the_unversioned_schema(
            self):
        events, definition, _, payload = _kitchen_sink()
        note = _emit(events, definition, payload, fmt='unversioned')
        doc = schema.notification_schema(definition, fmt='unversioned')
        self.assertEqual([], _errors(doc, note.to_wire('unversioned')))

    def test_payload_schema_validates_the_payload_primitive(self):
        _, _, cls, payload = _kitchen_sink()
        self.assertEqual([], _errors(schema.payload_schema(cls),
                                     payload.obj_to_primitive()))

    def test_a_naive_datetime_is_emitted_in_the_schema_format(self):
        _, _, cls, payload = _kitchen_sink()
        payload.when = datetime.datetime(2026, 1, 2, 3, 4, 5)
        self.assertEqual([], _errors(schema.payload_schema(cls),
                                     payload.obj_to_primitive()))


class TestSchemaRejects(testtools.TestCase):

    def setUp(self):
        super().setUp()
        events, self.definition, self.cls, payload = _kitchen_sink()
        self.wire = _emit(events, self.definition, payload).to_wire()
        self.doc = schema.notification_schema(self.definition)

    def data(self, wire):
        return wire['payload']['fptest_object.data']

    def test_an_unknown_field(self):
        self.data(self.wire)['surprise'] = 1
        self.assertTrue(_errors(self.doc, self.wire))

    def test_a_missing_required_field(self):
        del self.data(self.wire)['flag']
        self.assertIn("'flag' is a required property",
                      _errors(self.doc, self.wire))

    def test_an_unmasked_secret(self):
        self.data(self.wire)['secret'] = 'hunter2'
        self.assertIn("'***' was expected", _errors(self.doc, self.wire))

    def test_a_value_outside_the_enum(self):
        self.data(self.wire)['state'] = 'broken'
        self.assertTrue(_errors(self.doc, self.wire))

    def test_an_envelope_value_it_does_not_allow(self):
        for key, value in [
                ('event_type', 'fptest.sink.delete'),   # another event
                ('priority', 'INFO'),                   # another level
                ('timestamp', '2026-11-01 12:00:00'),   # no microseconds
                ('message_id', 'not-a-uuid')]:
            wire = dict(self.wire, **{key: value})
            self.assertTrue(_errors(self.doc, wire), key)

    def test_another_payload_version(self):
        self.wire['payload']['fptest_object.version'] = '9.9'
        self.assertTrue(_errors(self.doc, self.wire))

    def test_a_nested_payload_with_a_wrong_field_type(self):
        self.data(self.wire)['part']['fptest_object.data']['serial'] = 7
        self.assertTrue(_errors(self.doc, self.wire))


class TestSchemaContent(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.doc = schema.payload_schema(demo.BackupPayload)
        self.data = self.doc['properties']['demo_object.data']

    def test_schema_declares_draft_2020_12(self):
        self.assertEqual('https://json-schema.org/draft/2020-12/schema',
                         self.doc['$schema'])

    def test_name_namespace_and_version_are_consts(self):
        props = self.doc['properties']
        self.assertEqual(
            [{'const': 'BackupPayload'}, {'const': 'demo'},
             {'const': '1.0'}],
            [props['demo_object.name'], props['demo_object.namespace'],
             props['demo_object.version']])

    def test_required_are_the_non_nullable_fields_without_default(self):
        self.assertEqual(['backup_id', 'created_at', 'name', 'project_id',
                          'status'], self.data['required'])

    def test_data_allows_no_additional_properties(self):
        self.assertIs(False, self.data['additionalProperties'])

    def test_nested_payloads_are_defs_referenced_by_ref(self):
        self.assertEqual(
            {'anyOf': [{'$ref': '#/$defs/demo.VolumePayload@1.0'},
                       {'type': 'null'}]},
            self.data['properties']['volume'])
        self.assertIn('demo.VolumePayload@1.0', self.doc['$defs'])

    def test_enum_values_are_listed_in_order(self):
        self.assertEqual(['creating', 'available', 'error', 'deleting'],
                         self.data['properties']['status']['enum'])

    def test_formats_for_uuid_and_datetime(self):
        props = self.data['properties']
        self.assertEqual('uuid', props['backup_id']['format'])
        self.assertEqual('date-time', props['created_at']['format'])

    def test_sensitive_field_is_the_mask(self):
        self.assertEqual({'enum': ['***', None]},
                         self.data['properties']['encryption_key'])

    def test_unversioned_schema_is_the_flat_data_object(self):
        flat = schema.unversioned_schema(demo.BackupPayload)
        self.assertNotIn('demo_object.data', flat['properties'])
        self.assertIn('backup_id', flat['properties'])

    def test_status_variant_event_type_accepts_an_http_status_suffix(self):
        objects = base.ObjectRegistry('fptest')
        cls = fp.make_payload({'x': fields.StringField()}, registry=objects)
        events = registry_mod.EventRegistry('fptest', objects=objects)
        definition = events.define('EVENT_TYPE_REQ_ERROR', 'fptest.req.error',
                                   'error', cls, status_variants=True)
        pattern = schema.notification_schema(definition)[
            'properties']['event_type']
        validator = _validator({'$schema': schema.DRAFT, **pattern})
        self.assertTrue(validator.is_valid('fptest.req.error.404'))
        self.assertFalse(validator.is_valid('fptest.req.error'))

    def test_envelope_of_a_payload_class_accepts_any_level(self):
        doc = schema.notification_schema(demo.CleanupPayload)
        self.assertIn('SAMPLE', doc['properties']['priority']['enum'])

    def test_unknown_format_is_an_error_naming_the_accepted_ones(self):
        exc = self.assertRaises(errors.TidingsError, schema.payload_schema,
                                demo.CleanupPayload, 'flat')
        self.assertIn('versioned, unversioned', str(exc))

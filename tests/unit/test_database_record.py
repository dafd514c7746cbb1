"""How a notification fills the event table's columns (RECORD)."""

import json

import testtools

from tests import dbhelpers
from tidings import errors
from tidings.backends import dbschema
from tidings.backends import memory
from tidings.backends import record
from tidings.notifications import payload as payload_mod
from tidings.notifications import registry
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('recordtest')


@OBJECTS.register
class ThingPayload(payload_mod.Payload):
    RECORD = {'object_type': '=gadget', 'object_name': ('label', 'name'),
              'project': 'owner.project_id'}
    fields = {
        'uuid': fields.StringField(),
        'name': fields.StringField(nullable=True),
        'label': fields.StringField(nullable=True),
        'owner': fields.DictOfNullableStringsField(nullable=True),
    }


EVENTS = registry.EventRegistry('recordtest', objects=OBJECTS)
THING_MAKE = EVENTS.define('THING_MAKE', 'shop.thing.make.start', 'audit',
                           ThingPayload, mechanisms=['database'])


def notify(notifier_events, event, payload, **kwargs):
    from tidings.notifications import notifier as notifier_mod
    notifier = notifier_mod.Notifier(None, notifier_events,
                                     backends=[memory.MemoryBackend()])
    return notifier.notify(event, payload, **kwargs)


def row_of(notifier_events, event, payload, **kwargs):
    note = notify(notifier_events, event, payload, **kwargs)
    return record.build_row(note, record.Plan(note.event,
                                              type(note.payload)))


class TestRecord(testtools.TestCase):
    def test_a_constant_sets_the_object_type(self):
        row = row_of(EVENTS, THING_MAKE, ThingPayload(uuid='t1'))
        self.assertEqual('gadget', row['object_type'])

    def test_the_first_set_path_of_a_tuple_wins(self):
        row = row_of(EVENTS, THING_MAKE, ThingPayload(
            uuid='t1', name='n', label=None))
        self.assertEqual('n', row['object_name'])
        row = row_of(EVENTS, THING_MAKE, ThingPayload(
            uuid='t1', name='n', label='l'))
        self.assertEqual('l', row['object_name'])

    def test_paths_walk_into_dict_fields(self):
        row = row_of(EVENTS, THING_MAKE, ThingPayload(
            uuid='t1', owner={'project_id': 'pp'}))
        self.assertEqual('pp', row['project'])

    def test_unset_record_columns_fall_back_to_the_defaults(self):
        row = row_of(EVENTS, THING_MAKE, ThingPayload(uuid='t1'),
                     context={'tenant_id': 'ctx-p', 'user_id': 'ctx-u',
                              'global_request_id': 'greq'})
        self.assertEqual(('t1', 'ctx-p', 'ctx-u', 'greq', 'make', 'start',
                          'audit', 25), tuple(row[k] for k in (
                              'object_id', 'project', 'user', 'request_id',
                              'action', 'phase', 'level', 'level_rank')))

    def test_a_context_object_with_to_dict_is_read(self):
        class Context:
            def to_dict(self):
                return {'project_id': 'obj-p', 'request_id': 'req-o'}
        row = row_of(EVENTS, THING_MAKE, ThingPayload(uuid='t1'),
                     context=Context())
        self.assertEqual(('obj-p', 'req-o'), (row['project'],
                                              row['request_id']))

    def test_a_node_event_takes_its_parent_from_cluster_id(self):
        row = row_of(dbhelpers.EVENTS, dbhelpers.NODE_UPDATE_END,
                     dbhelpers.node(cluster_id='c-9'))
        self.assertEqual('c-9', row['parent_id'])

    def test_an_http_status_event_stores_the_status(self):
        payload = dbhelpers.cluster(status=None)
        row = row_of(dbhelpers.EVENTS, dbhelpers.REQUEST_ERROR, payload,
                     status=404)
        self.assertEqual(('404', 'api.request.error.404'),
                         (row['status'], row['event_type']))

    def test_the_fault_message_is_the_reason_when_nothing_else_is(self):
        fault = dbhelpers.ExceptionPayload(
            module_name='m', function_name='f', exception='E',
            exception_message='disk full')
        row = row_of(dbhelpers.EVENTS, dbhelpers.NODE_UPDATE_END,
                     dbhelpers.node(status_reason=None, fault=fault))
        self.assertEqual('disk full', row['reason'])

    def record_error(self, record_map):
        """Why check_record refuses a payload of one field ``name`` with
        this RECORD."""
        class Bad(payload_mod.Payload):
            RECORD = record_map
            fields = {'name': fields.StringField()}
        return str(self.assertRaises(errors.EventDefinitionError,
                                     record.check_record, Bad))

    def test_check_record_rejects_an_unknown_column(self):
        self.assertIn("key 'colour' is not a column; accepted: "
                      'object_type, object_id',
                      self.record_error({'colour': 'name'}))

    def test_check_record_rejects_a_path_outside_the_payload(self):
        self.assertIn("starts with 'thing', which is not a field",
                      self.record_error({'object_id': 'thing.id'}))

    def test_check_record_accepts_the_test_catalog(self):
        for cls in dbhelpers.EVENTS.payload_classes():
            record.check_record(cls)

    def test_the_payload_column_is_compact_json_of_the_wire_payload(self):
        primitive = {'a_object.data': {'name': 'caf\u00e9', 'n': [1, 2.5],
                                       'none': None}}
        self.assertEqual(primitive, json.loads(record.encode(primitive)))
        self.assertNotIn(' ', record.encode(primitive))

    def test_a_value_the_fast_encoder_refuses_goes_through_the_stdlib(self):
        # orjson takes 64-bit integers only, and text keys only.
        primitive = {'big': 2 ** 70, 1: 'one'}
        self.assertEqual({'big': 2 ** 70, '1': 'one'},
                         json.loads(record.encode(primitive)))

    def test_a_row_lists_the_columns_in_table_order(self):
        note = notify(EVENTS, THING_MAKE, ThingPayload(uuid='t1',
                                                       name='n'))
        values = record.Plan(note.event, ThingPayload).values(note)
        self.assertEqual(len(dbschema.COLUMNS), len(values))
        row = dict(zip(dbschema.COLUMNS, values, strict=True))
        self.assertEqual((note.message_id, note.timestamp, 't1', 'n'), (
            row['id'], row['timestamp'], row['object_id'],
            row['object_name']))

    def test_mysql_values_are_what_pymysql_writes(self):
        from pymysql import converters
        plan = None
        rows = []
        for name in ('plain', "it's", 'say "hi"', 'back\\slash',
                     'new\nline', 'cr\r', 'nul\0', 'ctrl-z\x1a', '%s %d %%',
                     'caf\u00e9 \u2603', '\U0001f600', '\\\'\"\n\r\0\x1a', '',
                     None):
            note = notify(EVENTS, THING_MAKE, ThingPayload(uuid='t1',
                                                           name=name))
            plan = plan or record.Plan(note.event, ThingPayload)
            rows.append(plan.values(note))
        rows.append([2 ** 40, -3, 0] + rows[0][3:])   # integers of any size
        expected = [('(%s)' % ','.join(
            converters.escape_item(v, 'utf8mb4') for v in row)).encode()
            for row in rows]
        self.assertEqual(expected, dbschema.mysql_values(rows, None))

    def test_mysql_values_hand_other_types_to_the_driver(self):
        seen = []

        def literal(value):
            seen.append(value)
            return 'X'
        self.assertEqual([b"('a',X,NULL,X)"], dbschema.mysql_values(
            [['a', 1.5, None, b'raw']], literal))
        self.assertEqual([1.5, b'raw'], seen)

    def test_copy_text_escapes_exactly_like_field_by_field(self):
        plan = None
        rows = []
        for name in ('plain', 'tab\there', 'new\nline', '\\N', 'back\\slash',
                     'cr\r', None):
            note = notify(EVENTS, THING_MAKE, ThingPayload(uuid='t1',
                                                           name=name))
            plan = plan or record.Plan(note.event, ThingPayload)
            rows.append(plan.values(note))
        expected = ''.join('\t'.join(map(dbschema._copy_field, row)) + '\n'
                           for row in rows)
        self.assertEqual(expected, dbschema.copy_text(rows))
        self.assertEqual(len(rows), dbschema.copy_text(rows).count('\n'))

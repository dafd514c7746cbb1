"""The MagnetoDB catalog follows the refactoring spec bullet by bullet.

The spec is copied, as data, into ``magnetodb_spec/``; the tests parse its
event list and compare every bullet with the registry.
"""

import datetime
import os
import re

import fixtures
import testtools

from tests.unit import catalog_testing
from tidings import conf as tidings_conf
from tidings.catalogs.magnetodb import events
from tidings.catalogs.magnetodb import payloads
from tidings.catalogs.magnetodb import usage
from tidings.objects import errors

SPEC = os.path.join(os.path.dirname(__file__), 'magnetodb_spec',
                    'magnetodb-notification-refactoring.rst')
_UTC = datetime.timezone.utc


def spec_bullets():
    """``[{'bullet': ..., 'new event name': ..., ...}, ...]`` from the
    spec's "Event Changes" section."""
    with open(SPEC) as f:
        text = f.read().split('Event Changes', 1)[1]
    bullets = []
    for line in text.splitlines():
        top = re.match(r'^- (\S+)\s*$', line)
        attr = re.match(r'^  - ([a-z ]+): (.*?)\s*$', line)
        if top:
            bullets.append({'bullet': top.group(1)})
        elif attr and bullets:
            bullets[-1][attr.group(1)] = attr.group(2)
    return bullets


def spec_name(bullet):
    """The constant a bullet is registered under: the new name, else (for
    removed and no-change events) the event name; ``_xxx`` dropped."""
    name = bullet['new event name']
    if name == 'n/a':
        name = bullet['event name']
    return name[:-len('_xxx')] if name.endswith('_xxx') else name


class MagnetoDBSpecTest(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.bullets = spec_bullets()

    def test_spec_parses_into_every_bullet(self):
        self.assertEqual(71, len(self.bullets))

    def test_every_spec_event_is_registered_under_its_new_name(self):
        names = {spec_name(b) for b in self.bullets}
        self.assertEqual(71, len(names))
        self.assertEqual(set(), names - set(events.EVENTS.names()))
        self.assertEqual({'EVENT_TYPE_TABLE_USAGE'},
                         set(events.EVENTS.names()) - names)

    def test_levels_are_the_specs(self):
        for bullet in self.bullets:
            definition = events.EVENTS[spec_name(bullet)]
            self.assertEqual(bullet['notification level'], definition.level,
                             definition.name)

    def test_metric_names_are_the_specs(self):
        for bullet in self.bullets:
            definition = events.EVENTS[spec_name(bullet)]
            metric = bullet['metrics name']
            expected = [] if metric == 'n/a' else [metric.replace(
                '.xxx', '.<status>')]
            self.assertEqual(expected, definition.as_dict()['metrics'],
                             definition.name)

    def test_delivery_mechanisms_are_the_specs(self):
        for bullet in self.bullets:
            definition = events.EVENTS[spec_name(bullet)]
            mechanisms = bullet['delivery mechanism']
            expected = ([] if mechanisms == 'n/a' else
                        [m.strip() for m in mechanisms.split(',')])
            self.assertEqual(expected, list(definition.mechanisms),
                             definition.name)

    def test_removed_bullets_are_removed_and_the_others_are_not(self):
        for bullet in self.bullets:
            definition = events.EVENTS[spec_name(bullet)]
            self.assertEqual(bullet['notes'] == 'removed',
                             bool(definition.removed), definition.name)

    def test_error_xxx_bullets_have_status_variants(self):
        for bullet in self.bullets:
            definition = events.EVENTS[spec_name(bullet)]
            self.assertEqual(bullet['new event name'].endswith('_ERROR_xxx'),
                             definition.status_variants, definition.name)

    def test_changed_bullets_map_old_names_to_new(self):
        for bullet in self.bullets:
            if bullet['notes'] == 'changed':
                self.assertEqual(spec_name(bullet),
                                 events.RENAMED[bullet['event name']])


class MagnetoDBEventTypeTest(testtools.TestCase):

    def test_wire_event_types_of_the_brief(self):
        self.assertEqual('magnetodb.req.create_table',
                         events.EVENT_TYPE_REQUEST_TABLE_CREATE.event_type_str)
        self.assertEqual(
            'magnetodb.task.create_table.start',
            events.EVENT_TYPE_TASK_TABLE_CREATE_START.event_type_str)
        self.assertEqual('magnetodb.dynamo.create_table',
                         events.EVENT_TYPE_DYNAMO_TABLE_CREATE.event_type_str)

    def test_events_without_metric_follow_the_constant(self):
        expected = {
            'EVENT_TYPE_STREAMING_DATA_START':
                'magnetodb.streaming.data.start',
            'EVENT_TYPE_STREAMING_PATH_ERROR':
                'magnetodb.streaming.path.error',
            'EVENT_TYPE_REQUEST_RATE_LIMITED': 'magnetodb.req.rate_limited',
            'EVENT_TYPE_DATA_PUTITEM_START': 'magnetodb.data.putitem.start',
            'EVENT_TYPE_TABLE_USAGE': 'magnetodb.table.usage',
        }
        self.assertEqual(expected, {
            name: events.EVENTS[name].event_type_str for name in expected})

    def test_every_metric_is_mdb_plus_the_event_type(self):
        for definition in events.EVENTS:
            for metric in definition.metrics:
                self.assertEqual(events.metric_of(definition.event_type_str),
                                 metric)

    def test_error_404_variant_by_constant(self):
        variant = events.EVENTS['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404']
        self.assertEqual('magnetodb.req.create_table.error.404',
                         variant.event_type_str)
        self.assertEqual(('mdb.req.create_table.error.404',), variant.metrics)
        self.assertEqual(404, variant.status)
        self.assertEqual('error', variant.level)

    def test_error_variant_by_event_type(self):
        variant = events.EVENTS['magnetodb.dynamo.scan.error.503']
        self.assertEqual('EVENT_TYPE_DYNAMO_SCAN_ERROR_503', variant.name)
        self.assertEqual(('mdb.dynamo.scan.error.503',), variant.metrics)

    def test_every_error_xxx_variant_emits_with_its_status(self):
        notifier, backend = catalog_testing.memory_notifier(events.EVENTS)
        variants = [d for d in events.EVENTS if d.status_variants]
        self.assertEqual(22, len(variants))
        for definition in variants:
            for status in (400, 404, 500):
                note = notifier.notify(
                    '%s_%d' % (definition.name, status), definition.sample)
                self.assertEqual('%s.%d' % (definition.event_type_str,
                                            status), note.event_type)
                self.assertEqual(('%s.%d' % (definition.metrics[0], status),),
                                 note.event.metrics)
                self.assertEqual('ERROR', note.priority)
        self.assertEqual(66, len(backend.messages))

    def test_error_event_without_status_is_refused_with_the_way_out(self):
        notifier, _ = catalog_testing.memory_notifier(events.EVENTS)
        exc = self.assertRaises(
            errors.UnknownEventError, notifier.notify,
            'EVENT_TYPE_REQUEST_PUTITEM_ERROR', events.sample_request(
                'REQUEST', 'PUTITEM', error=True))
        self.assertIn('EVENT_TYPE_REQUEST_PUTITEM_ERROR_404', str(exc))

    def test_lookup_by_constant_string_and_module_attribute(self):
        self.assertIs(events.EVENTS['EVENT_TYPE_REQUEST_GETITEM'],
                      events.EVENT_TYPE_REQUEST_GETITEM)
        self.assertIs(events.EVENTS.EVENT_TYPE_DYNAMO_BATCHWRITE,
                      events.EVENTS['magnetodb.dynamo.batch_write'])


class MagnetoDBRemovedEventsTest(testtools.TestCase):

    def test_removed_events_are_never_emitted(self):
        notifier, backend = catalog_testing.memory_notifier(
            events.EVENTS, level='debug')
        removed = [d for d in events.EVENTS if d.removed]
        self.assertEqual(16, len(removed))
        for definition in removed:
            self.assertFalse(notifier.is_enabled(definition))
            self.assertIsNone(notifier.notify(definition, definition.sample))
        self.assertEqual(0, len(backend.messages))

    def test_removed_events_are_documented(self):
        described = events.EVENTS['EVENT_TYPE_DATA_QUERY_START'].as_dict()
        self.assertIn('removed', described['removed'])
        self.assertIn('Removed', described['description'])
        self.assertEqual('DataItemPayload', described['payload'])

    def test_no_change_events_are_kept(self):
        notifier, backend = catalog_testing.memory_notifier(events.EVENTS)
        for name in ('EVENT_TYPE_STREAMING_PATH_ERROR',
                     'EVENT_TYPE_STREAMING_DATA_START',
                     'EVENT_TYPE_STREAMING_DATA_END',
                     'EVENT_TYPE_STREAMING_DATA_ERROR',
                     'EVENT_TYPE_REQUEST_RATE_LIMITED'):
            definition = events.EVENTS[name]
            self.assertIsNotNone(notifier.notify(name, definition.sample))
        self.assertEqual(5, len(backend.messages))

    def test_debug_table_list_is_below_the_default_level(self):
        notifier, backend = catalog_testing.memory_notifier(events.EVENTS)
        self.assertFalse(notifier.is_enabled('EVENT_TYPE_REQUEST_TABLE_LIST'))
        notifier, backend = catalog_testing.memory_notifier(events.EVENTS,
                                                            level='debug')
        self.assertTrue(notifier.is_enabled('EVENT_TYPE_REQUEST_TABLE_LIST'))


class MagnetoDBPayloadTest(testtools.TestCase):

    def test_table_payload_has_the_spec_fields(self):
        self.assertEqual(
            {'tenant_id', 'user_id', 'table_name', 'table_schema', 'state',
             'disk_gb', 'message', 'fault'},
            set(payloads.TablePayload.fields))

    def test_data_item_payload_has_the_spec_details(self):
        self.assertTrue(
            {'table_name', 'keys', 'rows_impacted', 'consistency_level',
             'request_bytes', 'response_bytes'}
            <= set(payloads.DataItemPayload.fields))

    def test_request_event_carries_the_data_item_nested(self):
        notifier, backend = catalog_testing.memory_notifier(events.EVENTS)
        notifier.notify('EVENT_TYPE_REQUEST_PUTITEM',
                        events.EVENT_TYPE_REQUEST_PUTITEM.sample)
        data = backend.messages[0]['payload']['magnetodb_object.data']
        item = data['item']
        self.assertEqual('DataItemPayload', item['magnetodb_object.name'])
        self.assertEqual({'user_id': 'u-1001'},
                         item['magnetodb_object.data']['keys'])
        self.assertEqual('put_item', data['endpoint'])

    def test_task_error_carries_the_fault(self):
        notifier, backend = catalog_testing.memory_notifier(events.EVENTS)
        try:
            raise RuntimeError('cassandra unavailable')
        except RuntimeError as exc:
            fault = payloads.ExceptionPayload.from_exception(exc)
        payload = events.sample_table('ERROR')
        payload.fault = fault
        notifier.notify('EVENT_TYPE_TASK_TABLE_CREATE_ERROR', payload)
        wire = backend.messages[0]
        self.assertEqual('ERROR', wire['priority'])
        fault = wire['payload']['magnetodb_object.data']['fault']
        self.assertEqual('magnetodb', fault['magnetodb_object.namespace'])
        self.assertEqual('RuntimeError',
                         fault['magnetodb_object.data']['exception'])

    def test_missing_request_field_names_payload_and_field(self):
        notifier, _ = catalog_testing.memory_notifier(events.EVENTS)
        payload = events.sample_request('DYNAMO', 'GETITEM')
        del payload.duration_ms
        exc = self.assertRaises(errors.MissingFieldError, notifier.notify,
                                'EVENT_TYPE_DYNAMO_GETITEM', payload)
        self.assertIn('RequestPayload', str(exc))
        self.assertIn('duration_ms', str(exc))

    def test_wrong_payload_class_is_refused_by_name(self):
        notifier, _ = catalog_testing.memory_notifier(events.EVENTS)
        exc = self.assertRaises(errors.TidingsError, notifier.notify,
                                'EVENT_TYPE_TASK_TABLE_CREATE_END',
                                events.sample_streaming('END'))
        self.assertIn('StreamingPayload', str(exc))
        self.assertIn('expected a TablePayload', str(exc))

    def test_bad_status_value_names_payload_and_field(self):
        exc = self.assertRaises(errors.FieldValueError,
                                payloads.RequestPayload, status='teapot')
        self.assertIn('RequestPayload.status', str(exc))


class MagnetoDBUsageTest(testtools.TestCase):

    BEGIN = datetime.datetime(2026, 11, 1, 0, 0, tzinfo=_UTC)
    END = datetime.datetime(2026, 11, 1, 1, 0, tzinfo=_UTC)

    def tables(self, start, end):
        yield events.sample_table()
        yield {'tenant_id': events.TENANT, 'table_name': 'orders',
               'state': 'active', 'disk_gb': 7}

    def conf(self, interval=None):
        conf = tidings_conf.new_conf()
        if interval is not None:
            conf.set_override('usage_notification_interval', interval,
                              group='magnetodb')
        return conf

    def test_disabled_by_default(self):
        notifier, _ = catalog_testing.memory_notifier(events.EVENTS)
        task = usage.usage_task(notifier, self.conf(), self.tables)
        self.assertEqual(-1, task.interval)
        self.assertFalse(task.enabled)
        self.assertFalse(task.start())

    def test_run_once_emits_one_per_table_with_the_audit_period(self):
        notifier, backend = catalog_testing.memory_notifier(events.EVENTS)
        task = usage.usage_task(notifier, self.conf(3600), self.tables)
        self.assertEqual(2, task.run_once(self.BEGIN, self.END))
        self.assertEqual(['user_profiles', 'orders'], [
            m['payload']['magnetodb_object.data']['table_name']
            for m in backend.messages])
        for message in backend.messages:
            self.assertEqual('magnetodb.table.usage', message['event_type'])
            data = message['payload']['magnetodb_object.data']
            self.assertEqual('2026-11-01T00:00:00Z',
                             data['audit_period_beginning'])
            self.assertEqual('2026-11-01T01:00:00Z',
                             data['audit_period_ending'])

    def test_short_interval_emits_periodically(self):
        notifier, backend = catalog_testing.memory_notifier(events.EVENTS)
        task = usage.usage_task(notifier, self.conf(1), self.tables)
        self.assertTrue(task.start())
        self.addCleanup(task.stop)
        backend.wait_for('magnetodb.table.usage', count=4, timeout=10)
        task.stop()
        self.assertGreaterEqual(task.runs, 2)
        messages = backend.by_event_type('magnetodb.table.usage')
        first = messages[0]['payload']['magnetodb_object.data']
        third = messages[2]['payload']['magnetodb_object.data']
        self.assertEqual(first['audit_period_ending'],
                         third['audit_period_beginning'])

    def test_zero_interval_is_a_config_error_at_startup(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'magnetodb.conf')
        with open(path, 'w') as f:
            f.write('[magnetodb]\nusage_notification_interval = 0\n')
        conf = tidings_conf.new_conf(config_files=[path])
        exc = self.assertRaises(errors.ConfigError, tidings_conf.validate,
                                conf)
        self.assertIn('usage_notification_interval', str(exc))

    def test_zero_interval_cannot_be_set(self):
        exc = self.assertRaises(
            ValueError, self.conf().set_override,
            'usage_notification_interval', 0, group='magnetodb')
        self.assertIn('0 is not accepted', str(exc))

    def test_a_failing_collect_does_not_stop_the_task(self):
        notifier, backend = catalog_testing.memory_notifier(events.EVENTS)

        def broken(start, end):
            raise RuntimeError('storage down')

        task = usage.usage_task(notifier, self.conf(60), broken)
        self.assertEqual(0, task.run_once(self.BEGIN, self.END))
        self.assertEqual(1, task.runs)
        self.assertEqual(0, len(backend.messages))

"""Notifier: filters, routing, formats, pinning, failures, threads."""

import json
import logging
import threading

import fixtures
import testtools

from tests.unit import catalog
from tidings import conf as tidings_conf
from tidings.backends import base as backend_base
from tidings.backends import memory
from tidings.backends import noop
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import payload as payload_mod
from tidings.notifications import registry as registry_mod
from tidings.objects import base as objects_base
from tidings.objects import errors
from tidings.objects import fields as ofields
from tidings.testing import fixtures as tidings_fixtures


class Exploding(backend_base.Backend):
    mechanisms = None

    def __init__(self, name='exploding', mechanisms=None):
        super().__init__(None, name)
        self.calls = 0

    def send(self, notification):
        self.calls += 1
        raise RuntimeError('broker on fire')


class StatsdOnly(memory.MemoryBackend):
    mechanisms = frozenset(['statsd'])

    def __init__(self):
        super().__init__(None, name='statsd-only', max_notifications=100)


def _conf(**overrides):
    conf = tidings_conf.new_conf()
    for key, value in overrides.items():
        conf.set_override(key, value, 'notifications')
    return conf


class Counter:
    def __init__(self, make):
        self.make = make
        self.calls = 0

    def __call__(self):
        self.calls += 1
        return self.make()


class NotifierTestCase(testtools.TestCase):

    def notifications(self, **overrides):
        fix = tidings_fixtures.NotificationFixture(
            catalog.EVENTS, source='api', **overrides)
        return self.useFixture(fix)

    def ping(self):
        return catalog.PingPayload(n=1)


class TestLevelThreshold(NotifierTestCase):

    def test_event_below_level_is_not_delivered(self):
        fix = self.notifications()
        self.assertIsNone(fix.notifier.notify(catalog.PING, self.ping()))
        self.assertEqual([], fix.messages)

    def test_event_at_level_is_delivered(self):
        fix = self.notifications(level='debug')
        fix.notifier.notify(catalog.PING, self.ping())
        self.assertEqual(['unitcat.host.ping'], fix.event_types())

    def test_warn_threshold_keeps_warn_and_drops_audit(self):
        fix = self.notifications(level='WARNING')
        self.assertFalse(fix.notifier.is_enabled(catalog.AUDIT))
        self.assertTrue(fix.notifier.is_enabled(catalog.DROPPED))

    def test_sample_level_ranks_with_info(self):
        events = catalog.EVENTS.__class__('sampletest')
        events.define('EVENT_S', 'sampletest.meter.sample', 'sample',
                      catalog.PingPayload)
        fix = self.useFixture(tidings_fixtures.NotificationFixture(
            events, level='info'))
        self.assertTrue(fix.notifier.is_enabled('EVENT_S'))


class TestSourceFilters(NotifierTestCase):

    def test_include_sources_delivers_only_listed_sources(self):
        fix = self.notifications(include_sources=['worker'])
        fix.notifier.notify(catalog.TABLE_CREATE_START,
                            catalog.table_payload())
        fix.notifier.notify(catalog.TABLE_CREATE_START,
                            catalog.table_payload(), source='worker')
        self.assertEqual(['worker'],
                         [n.source for n in fix.notifications])

    def test_exclude_sources_drops_listed_sources(self):
        fix = self.notifications(exclude_sources=['api'])
        self.assertIsNone(fix.notifier.notify(catalog.TABLE_CREATE_START,
                                              catalog.table_payload()))
        self.assertIsNotNone(fix.notifier.notify(
            catalog.TABLE_CREATE_START, catalog.table_payload(),
            source='worker'))

    def test_definition_source_is_used_when_notify_gives_none(self):
        fix = self.notifications(level='debug',
                                 exclude_sources=['auditor'])
        self.assertFalse(fix.notifier.is_enabled(catalog.AUDIT))
        self.assertTrue(fix.notifier.is_enabled(catalog.PING))

    def test_source_sets_the_publisher_id(self):
        fix = self.notifications(publisher_host='node-1')
        note = fix.notifier.notify(catalog.TABLE_CREATE_START,
                                   catalog.table_payload(), source='worker')
        self.assertEqual('worker:node-1', note.to_wire()['publisher_id'])


class TestDisabledEvents(NotifierTestCase):

    def test_disable_by_constant(self):
        fix = self.notifications(
            disabled_events=['EVENT_TYPE_TABLE_CREATE_START'])
        self.assertFalse(fix.notifier.is_enabled(catalog.TABLE_CREATE_START))
        self.assertTrue(fix.notifier.is_enabled(catalog.TABLE_CREATE_END))

    def test_disable_by_event_type(self):
        fix = self.notifications(disabled_events=['unitcat.table.create.end'])
        self.assertFalse(fix.notifier.is_enabled(catalog.TABLE_CREATE_END))
        self.assertTrue(fix.notifier.is_enabled(catalog.TABLE_CREATE_START))

    def test_disable_by_pattern(self):
        fix = self.notifications(disabled_events=['unitcat.table.create.*'])
        for event in (catalog.TABLE_CREATE_START, catalog.TABLE_CREATE_END,
                      catalog.TABLE_CREATE_ERROR):
            self.assertFalse(fix.notifier.is_enabled(event))
        self.assertTrue(fix.notifier.is_enabled(catalog.DROPPED))

    def test_disable_status_variants_by_template_constant(self):
        fix = self.notifications(
            disabled_events=['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR'])
        self.assertFalse(fix.notifier.is_enabled(
            'EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404'))

    def test_disable_status_variants_by_template_event_type(self):
        fix = self.notifications(
            disabled_events=['unitcat.req.table_create.error'])
        self.assertFalse(fix.notifier.is_enabled(
            'EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404'))

    def test_disable_one_status_variant_by_pattern(self):
        fix = self.notifications(disabled_events=['*.error.404'])
        self.assertFalse(fix.notifier.is_enabled(
            'EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404'))
        self.assertTrue(fix.notifier.is_enabled(
            'EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_500'))


class TestPayloadFactory(NotifierTestCase):

    def test_factory_not_called_when_filtered_out(self):
        fix = self.notifications()
        factory = Counter(self.ping)
        fix.notifier.notify(catalog.PING, factory)
        self.assertEqual(0, factory.calls)

    def test_factory_not_called_when_no_backend_serves_the_mechanism(self):
        notifier = notifier_mod.Notifier(
            _conf(level='debug'), catalog.EVENTS, backends=[StatsdOnly()])
        factory = Counter(self.ping)
        self.assertIsNone(notifier.notify(catalog.PING, factory))
        self.assertEqual(0, factory.calls)

    def test_factory_called_once_when_delivered(self):
        fix = self.notifications(level='debug')
        factory = Counter(self.ping)
        note = fix.notifier.notify(catalog.PING, factory)
        self.assertEqual(1, factory.calls)
        self.assertEqual(1, note.payload.n)

    def test_factory_returning_the_wrong_class_is_an_error(self):
        fix = self.notifications(level='debug')
        exc = self.assertRaises(errors.TidingsError, fix.notifier.notify,
                                catalog.PING, lambda: {'n': 1})
        self.assertIn('is not a PingPayload', str(exc))


class TestMechanisms(NotifierTestCase):

    def test_backend_gets_only_events_asking_for_its_mechanism(self):
        statsd = StatsdOnly()
        fix = self.notifications(backends=[statsd])
        fix.notifier.notify(catalog.TABLE_CREATE_START,
                            catalog.table_payload())
        fix.notifier.notify(catalog.TABLE_CREATE_END,
                            catalog.table_payload())
        self.assertEqual(['unitcat.table.create.end'],
                         [m['event_type'] for m in statsd.messages])
        self.assertEqual(2, len(fix.messages))

    def test_backends_are_loaded_by_name_from_conf(self):
        notifier = notifier_mod.Notifier(
            _conf(backends=['memory', 'noop']), catalog.EVENTS)
        self.assertEqual([memory.MemoryBackend, noop.NoopBackend],
                         [type(b) for b in notifier.backends])
        self.assertEqual(['memory', 'noop'],
                         [b.name for b in notifier.backends])


class TestBackendFailures(NotifierTestCase):

    def setUp(self):
        super().setUp()
        self.logger = self.useFixture(fixtures.FakeLogger(
            name=notifier_mod.__name__, level=logging.WARNING))
        self.bad = Exploding()
        self.good = memory.MemoryBackend(max_notifications=1000)
        self.notifier = notifier_mod.Notifier(
            _conf(), catalog.EVENTS, backends=[self.bad, self.good])

    def _emit(self, count=1):
        for _ in range(count):
            self.notifier.notify(catalog.TABLE_CREATE_START,
                                 catalog.table_payload())

    def test_failing_backend_does_not_stop_the_next(self):
        self._emit()
        self.assertEqual(1, len(self.good.messages))

    def test_failure_does_not_reach_the_caller(self):
        note = self.notifier.notify(catalog.TABLE_CREATE_START,
                                    catalog.table_payload())
        self.assertEqual('unitcat.table.create.start', note.event_type)

    def test_failures_are_counted_per_backend(self):
        self._emit(5)
        self.assertEqual(5, self.notifier.stats()['exploding'][
            'notifier_failures'])
        self.assertNotIn('notifier_failures',
                         self.notifier.stats()['memory'])

    def test_a_burst_of_failures_is_logged_once(self):
        self._emit(50)
        lines = [line for line in self.logger.output.splitlines() if line]
        self.assertEqual(1, len(lines), lines)
        self.assertIn('backend exploding raised while sending', lines[0])
        self.assertIn('RuntimeError: broker on fire', lines[0])

    def test_flush_reports_the_rest_of_the_burst_with_a_count(self):
        self._emit(50)
        self.notifier.flush(1)
        self.assertIn('49 more since the last report (50 in all)',
                      self.logger.output)


class TestFormats(NotifierTestCase):

    def test_versioned_by_default(self):
        fix = self.notifications()
        fix.notifier.notify(catalog.TABLE_CREATE_START,
                            catalog.table_payload())
        self.assertEqual('TablePayload', fix.messages[0]['payload'][
            'unitcat_object.name'])

    def test_unversioned_sends_the_flat_dict(self):
        fix = self.notifications(notification_format='unversioned')
        fix.notifier.notify(catalog.TABLE_CREATE_START,
                            catalog.table_payload())
        self.assertEqual({'table_name': 'orders', 'tenant_id': 't-1',
                          'rows': 12}, fix.messages[0]['payload'])

    def test_both_gives_each_form(self):
        fix = self.notifications(notification_format='both')
        note = fix.notifier.notify(catalog.TABLE_CREATE_START,
                                   catalog.table_payload())
        self.assertEqual(('versioned', 'unversioned'), note.formats)
        self.assertIn('unitcat_object.data',
                      note.to_wire('versioned')['payload'])
        self.assertEqual('orders',
                         note.to_wire('unversioned')['payload']['table_name'])

    def test_both_forms_share_the_message_id(self):
        fix = self.notifications(notification_format='both')
        note = fix.notifier.notify(catalog.TABLE_CREATE_START,
                                   catalog.table_payload())
        self.assertEqual(note.to_wire('versioned')['message_id'],
                         note.to_wire('unversioned')['message_id'])

    def test_wire_message_has_the_openstack_keys(self):
        fix = self.notifications(publisher_host='node-1')
        fix.notifier.notify(catalog.TABLE_CREATE_START,
                            catalog.table_payload())
        wire = fix.messages[0]
        self.assertEqual(['event_type', 'message_id', 'payload',
                          'priority', 'publisher_id', 'timestamp'],
                         sorted(wire))
        self.assertEqual('INFO', wire['priority'])
        self.assertEqual('api:node-1', wire['publisher_id'])
        self.assertRegex(wire['timestamp'],
                         r'^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$')
        json.dumps(wire)


class TestVersionPinning(NotifierTestCase):

    def test_pin_downgrades_the_payload(self):
        fix = self.notifications(pin_versions=['TablePayload:1.0'])
        fix.notifier.notify(catalog.TABLE_CREATE_START,
                            catalog.table_payload(comment='c', tags=['t']))
        payload = fix.messages[0]['payload']
        self.assertEqual('1.0', payload['unitcat_object.version'])
        self.assertNotIn('comment', payload['unitcat_object.data'])

    def test_pin_with_namespace(self):
        fix = self.notifications(pin_versions=['unitcat.TablePayload:1.1'])
        note = fix.notifier.notify(catalog.TABLE_CREATE_START,
                                   catalog.table_payload(comment='c',
                                                         tags=['t']))
        self.assertEqual('1.1', note.target_version)
        self.assertEqual('c', fix.messages[0]['payload'][
            'unitcat_object.data']['comment'])

    def test_unpinned_payloads_keep_their_version(self):
        fix = self.notifications(level='debug',
                                 pin_versions=['TablePayload:1.0'])
        fix.notifier.notify(catalog.PING, self.ping())
        self.assertIsNone(fix.notifications[0].target_version)

    def test_unproducible_pin_is_a_startup_config_error(self):
        exc = self.assertRaises(
            errors.ConfigError, notifier_mod.Notifier,
            _conf(pin_versions=['TablePayload:1.3']), catalog.EVENTS,
            backends=[])
        self.assertIn("[notifications] pin_versions = 'TablePayload:1.3'",
                      str(exc))
        self.assertIn('can produce versions 1.0 to 1.2', str(exc))

    def test_pin_to_another_major_is_a_config_error(self):
        self.assertRaises(errors.ConfigError, notifier_mod.Notifier,
                          _conf(pin_versions=['TablePayload:2.0']),
                          catalog.EVENTS, backends=[])

    def test_unknown_pinned_payload_lists_payloads(self):
        exc = self.assertRaises(
            errors.ConfigError, notifier_mod.Notifier,
            _conf(pin_versions=['TabelPayload:1.0']), catalog.EVENTS,
            backends=[])
        self.assertIn('no such payload; payloads: unitcat.DiskPayload, '
                      'unitcat.ExceptionPayload', str(exc))

    def test_malformed_pin_shows_the_accepted_form(self):
        exc = self.assertRaises(
            errors.ConfigError, notifier_mod.Notifier,
            _conf(pin_versions=['TablePayload=1.0']), catalog.EVENTS,
            backends=[])
        self.assertIn('expected PayloadName:MAJOR.MINOR', str(exc))


class TestBadInput(NotifierTestCase):

    def test_unknown_event_lists_the_events(self):
        fix = self.notifications()
        exc = self.assertRaises(errors.UnknownEventError,
                                fix.notifier.notify, 'EVENT_TYPE_NOPE',
                                self.ping())
        self.assertIn("unknown event 'EVENT_TYPE_NOPE' in catalogs unitcat",
                      str(exc))
        self.assertIn('EVENT_TYPE_PING', str(exc))

    def test_wrong_payload_class_names_both_classes(self):
        fix = self.notifications()
        exc = self.assertRaises(errors.TidingsError, fix.notifier.notify,
                                catalog.TABLE_CREATE_START, self.ping())
        self.assertIn('EVENT_TYPE_TABLE_CREATE_START: payload is a '
                      'PingPayload; expected a TablePayload', str(exc))

    def test_incomplete_payload_is_a_missing_field_error(self):
        fix = self.notifications()
        self.assertRaises(errors.MissingFieldError, fix.notifier.notify,
                          catalog.TABLE_CREATE_START,
                          catalog.TablePayload(rows=1))
        self.assertEqual([], fix.messages)

    def test_status_event_without_status_says_how_to_pass_one(self):
        fix = self.notifications()
        exc = self.assertRaises(errors.UnknownEventError,
                                fix.notifier.notify, catalog.REQUEST_ERROR,
                                catalog.table_payload())
        self.assertIn('pass status=404', str(exc))


class TestStatusVariants(NotifierTestCase):

    def test_status_argument_picks_the_variant(self):
        fix = self.notifications()
        note = fix.notifier.notify(catalog.REQUEST_ERROR,
                                   catalog.table_payload(), status=404)
        self.assertEqual('unitcat.req.table_create.error.404',
                         note.event_type)
        self.assertEqual(404, note.status)

    def test_status_constant_picks_the_variant(self):
        fix = self.notifications()
        fix.notifier.notify('EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_503',
                            catalog.table_payload())
        self.assertEqual(['unitcat.req.table_create.error.503'],
                         fix.event_types())


class TestNotifyDetails(NotifierTestCase):

    def test_context_and_duration_reach_the_notification(self):
        fix = self.notifications()
        note = fix.notifier.notify(catalog.TABLE_CREATE_END,
                                   catalog.table_payload(),
                                   context={'request_id': 'req-1'},
                                   duration_ms=12.5)
        self.assertEqual({'request_id': 'req-1'}, note.context)
        self.assertEqual(12.5, fix.notifications[0].duration_ms)

    def test_closed_notifier_delivers_nothing(self):
        fix = self.notifications()
        fix.notifier.close()
        self.assertIsNone(fix.notifier.notify(catalog.TABLE_CREATE_START,
                                              catalog.table_payload()))

    def test_a_second_close_closes_no_backend_again(self):
        fix = self.notifications()
        closes = []
        for backend in fix.notifier.backends:
            self.patch(backend, 'close',
                       lambda timeout=5.0, name=backend.name:
                       closes.append(name))
        fix.notifier.close(2)
        fix.notifier.close(2)
        self.assertEqual([b.name for b in fix.notifier.backends], closes)

    def routes_after(self, size, sources):
        """The route cache of ``size`` entries once ``sources`` sources
        (s0, s1...) asked about one event."""
        fix = self.notifications()
        fix.notifier.ROUTE_CACHE_SIZE = size
        for i in range(sources):
            fix.notifier.is_enabled(catalog.TABLE_CREATE_START,
                                    source='s%d' % i)
        return fix.notifier._routes

    def test_route_cache_stays_bounded(self):
        self.assertLessEqual(len(self.routes_after(10, 50)), 10)

    def test_route_cache_forgets_the_oldest_not_everything(self):
        kept = [source for _event, source in self.routes_after(8, 9)]
        self.assertEqual(['s2', 's3', 's4', 's5', 's6', 's7', 's8'], kept)

    def test_every_http_status_of_an_event_is_one_cache_entry(self):
        fix = self.notifications()
        notifier = fix.notifier
        for status in range(100, 600):
            route = notifier.route(catalog.REQUEST_ERROR, status=status)
            self.assertEqual(status, route.definition.status)
        self.assertEqual(1, len(notifier._status_routes))
        self.assertEqual(500, len(
            notifier._status_routes[(catalog.REQUEST_ERROR, None)]))
        self.assertIs(route, notifier.route(catalog.REQUEST_ERROR,
                                            status=599))
        self.assertEqual({}, notifier._routes)

    def test_a_bad_status_is_refused_and_never_cached(self):
        fix = self.notifications()
        for bad in (99, 600, True, '0404', 404.0):
            self.assertRaises(errors.ArgumentError, fix.notifier.route,
                              catalog.REQUEST_ERROR, status=bad)
        self.assertRaises(errors.ArgumentError, fix.notifier.route,
                          catalog.REQUEST_ERROR, status=[404])
        self.assertEqual({}, fix.notifier._status_routes)

    def test_unknown_backend_in_conf_fails_at_startup(self):
        exc = self.assertRaises(errors.ConfigError, notifier_mod.Notifier,
                                _conf(backends=['kafka']), catalog.EVENTS)
        self.assertIn('installed: ', str(exc))


class TestThreads(NotifierTestCase):

    def test_concurrent_emitters_are_each_delivered_exactly_once(self):
        threads, per_thread = 8, 250
        fix = self.notifications()
        barrier = threading.Barrier(threads)
        errors_seen = []

        def emit(index):
            barrier.wait()
            try:
                for i in range(per_thread):
                    fix.notifier.notify(
                        catalog.TABLE_CREATE_START,
                        catalog.table_payload(comment='%d-%d' % (index, i)),
                        source='s%d' % (i % 3))
            except Exception as exc:  # pragma: no cover - reported below
                errors_seen.append(exc)

        workers = [threading.Thread(target=emit, args=(n,))
                   for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        self.assertEqual([], errors_seen)
        comments = [m['payload']['unitcat_object.data']['comment']
                    for m in fix.messages]
        self.assertEqual(threads * per_thread, len(comments))
        self.assertEqual(sorted('%d-%d' % (t, i) for t in range(threads)
                                for i in range(per_thread)),
                         sorted(comments))
        self.assertEqual(threads * per_thread,
                         len({m['message_id'] for m in fix.messages}))



class _Unencodable(ofields.FieldType):
    @staticmethod
    def coerce(obj, attr, value):
        return value

    @staticmethod
    def to_primitive(obj, attr, value):
        raise TypeError('cannot encode %r' % (value,))


class _UnencodableField(ofields.AutoTypedField):
    AUTO_TYPE = _Unencodable()


_SER_OBJECTS = objects_base.ObjectRegistry('sertest')


@_SER_OBJECTS.register
class OddPayload(payload_mod.Payload):
    fields = {'ok': ofields.StringField(), 'odd': _UnencodableField()}


class TestUnserialisablePayload(testtools.TestCase):
    """A payload that cannot be serialised is rejected at the caller."""

    def test_error_names_payload_and_field_and_nothing_is_delivered(self):
        events = registry_mod.EventRegistry('sertest', objects=_SER_OBJECTS)
        event = events.define('EVENT_TYPE_ODD', 'odd.thing', 'info',
                              OddPayload)
        sink = memory.MemoryBackend()
        notifier = notifier_mod.Notifier(None, events, backends=[sink])
        exc = self.assertRaises(
            errors.SerializationError, notifier.notify, event,
            OddPayload(ok='fine', odd=object()))
        self.assertEqual(('OddPayload', 'odd'), (exc.payload, exc.field))
        self.assertIn('OddPayload.odd', str(exc))
        self.assertEqual([], list(sink.messages))

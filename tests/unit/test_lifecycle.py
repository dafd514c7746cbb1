"""Lifecycle: start/end/error around an activity, in one process or two."""

import json
import logging
import multiprocessing
import os
import time

import fixtures
import testtools

from tests.unit import catalog
from tidings import conf as tidings_conf
from tidings.notifications import lifecycle as lifecycle_mod
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import registry
from tidings.objects import errors
from tidings.testing import fixtures as tidings_fixtures

START = 'unitcat.table.create.start'
END = 'unitcat.table.create.end'
ERROR = 'unitcat.table.create.error'


class Conflict(Exception):
    code = 409


def _events_with_exception_payload_error():
    events = registry.EventRegistry('lctest', objects=catalog.OBJECTS)
    events.define('EVENT_JOB_RUN_START', 'lctest.job.run.start', 'info',
                  catalog.PingPayload)
    events.define('EVENT_JOB_RUN_ERROR', 'lctest.job.run.error', 'error',
                  catalog.ExceptionPayload)
    return events


def _events_with_status_error():
    events = registry.EventRegistry('lcstatus', objects=catalog.OBJECTS)
    events.define('EVENT_REQ_PUT_START', 'lcstatus.req.put.start', 'info',
                  catalog.PingPayload)
    events.define('EVENT_REQ_PUT_ERROR', 'lcstatus.req.put.error', 'error',
                  catalog.PingPayload, status_variants=True)
    return events


class LifecycleTestCase(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.fix = self.useFixture(tidings_fixtures.NotificationFixture(
            catalog.EVENTS, source='api'))
        self.notifier = self.fix.notifier

    def raise_inside(self, exc, fix=None, event=catalog.TABLE_CREATE_START,
                     payload=None):
        """A lifecycle of ``event`` whose activity raises ``exc``, caught
        once the lifecycle has seen it; the fixture that got the events."""
        fix = fix or self.fix
        try:
            with fix.notifier.lifecycle(event, payload if payload is not None
                                        else catalog.table_payload()):
                raise exc
        except type(exc):
            pass
        return fix


class TestContextManager(LifecycleTestCase):

    def test_emits_start_then_end(self):
        with self.notifier.lifecycle(catalog.TABLE_CREATE_START,
                                     catalog.table_payload()):
            self.assertEqual([START], self.fix.event_types())
        self.assertEqual([START, END], self.fix.event_types())

    def test_end_carries_the_duration(self):
        with self.notifier.lifecycle(catalog.TABLE_CREATE_START,
                                     catalog.table_payload()):
            time.sleep(0.02)
        start, end = self.fix.notifications
        self.assertIsNone(start.duration_ms)
        self.assertGreaterEqual(end.duration_ms, 20.0)
        self.assertLess(end.duration_ms, 5000.0)

    def test_error_emits_error_and_reraises(self):
        def run():
            with self.notifier.lifecycle(catalog.TABLE_CREATE_START,
                                         catalog.table_payload()):
                raise KeyError('no such table')

        self.assertRaises(KeyError, run)
        self.assertEqual([START, ERROR], self.fix.event_types())

    def test_error_payload_carries_the_fault(self):
        try:
            with self.notifier.lifecycle(catalog.TABLE_CREATE_START,
                                         catalog.table_payload()):
                raise KeyError('no such table')
        except KeyError:
            pass
        fault = self.fix.notifications[-1].payload.fault
        self.assertIsInstance(fault, catalog.ExceptionPayload)
        self.assertEqual('KeyError', fault.exception)
        self.assertEqual("'no such table'", fault.exception_message)
        self.assertEqual('test_error_payload_carries_the_fault',
                         fault.function_name)

    def test_error_fault_is_in_the_wire_message(self):
        self.raise_inside(KeyError('no such table'))
        data = self.fix.messages[-1]['payload']['unitcat_object.data']
        self.assertEqual('ExceptionPayload',
                         data['fault']['unitcat_object.name'])

    def test_error_does_not_change_the_start_payload(self):
        payload = catalog.table_payload()
        self.raise_inside(KeyError('x'), payload=payload)
        self.assertFalse(payload.obj_attr_is_set('fault'))

    def test_error_carries_the_duration(self):
        self.raise_inside(KeyError('x'))
        self.assertIsNotNone(self.fix.notifications[-1].duration_ms)

    def test_traceback_included_when_conf_asks(self):
        fix = self.raise_inside(KeyError('x'), self.useFixture(
            tidings_fixtures.NotificationFixture(catalog.EVENTS,
                                                 include_traceback=True)))
        self.assertIn('Traceback', fix.notifications[-1].payload.fault
                      .traceback)

    def test_traceback_left_out_by_default(self):
        self.raise_inside(KeyError('x'))
        self.assertFalse(self.fix.notifications[-1].payload.fault
                         .obj_attr_is_set('traceback'))

    def test_error_event_with_exception_payload_gets_one(self):
        fix = self.raise_inside(
            ValueError('bad job'), self.useFixture(
                tidings_fixtures.NotificationFixture(
                    _events_with_exception_payload_error())),
            'EVENT_JOB_RUN_START', catalog.PingPayload(n=1))
        payload = fix.notifications[-1].payload
        self.assertIsInstance(payload, catalog.ExceptionPayload)
        self.assertEqual('bad job', payload.exception_message)

    def test_status_error_event_takes_the_exception_code(self):
        self.assertEqual('lcstatus.req.put.error.409',
                         self.status_error_event(Conflict('exists')))

    def test_status_error_event_defaults_to_500(self):
        self.assertEqual('lcstatus.req.put.error.500',
                         self.status_error_event(RuntimeError('oops')))

    def status_error_event(self, exc):
        fix = self.raise_inside(
            exc, self.useFixture(tidings_fixtures.NotificationFixture(
                _events_with_status_error())),
            'EVENT_REQ_PUT_START', catalog.PingPayload(n=1))
        return fix.event_types()[-1]

    def test_failing_error_notification_never_hides_the_exception(self):
        logger = self.useFixture(fixtures.FakeLogger(
            name=lifecycle_mod.__name__, level=logging.ERROR))

        def broken(exc):
            raise RuntimeError('cannot describe')

        def run():
            with self.notifier.lifecycle(catalog.TABLE_CREATE_START,
                                         catalog.table_payload(),
                                         error_payload=broken):
                raise KeyError('original')

        exc = self.assertRaises(KeyError, run)
        self.assertEqual("'original'", str(exc))
        self.assertIn('could not emit the error notification',
                      logger.output)

    def test_lazy_payload_is_not_built_when_nothing_delivers(self):
        fix = self.useFixture(tidings_fixtures.NotificationFixture(
            catalog.EVENTS, disabled_events=['unitcat.table.create.*']))
        built = []

        def factory():
            built.append(1)
            return catalog.table_payload()

        with fix.notifier.lifecycle(catalog.TABLE_CREATE_START, factory):
            pass
        self.assertEqual([], built)
        self.assertEqual([], fix.messages)


class TestDecorator(LifecycleTestCase):

    def test_decorated_function_emits_start_and_end(self):
        @lifecycle_mod.emits_lifecycle(
            self.notifier, catalog.TABLE_CREATE_START,
            lambda name: catalog.TablePayload(table_name=name,
                                              tenant_id='t', rows=0))
        def create(name):
            return 'created %s' % name

        self.assertEqual('created users', create('users'))
        self.assertEqual([START, END], self.fix.event_types())
        self.assertEqual('users',
                         self.fix.notifications[0].payload.table_name)

    def test_decorated_function_error_emits_error_and_reraises(self):
        @lifecycle_mod.emits_lifecycle(lambda: self.notifier,
                                       catalog.TABLE_CREATE_START,
                                       catalog.table_payload())
        def create():
            raise OSError('disk full')

        self.assertRaises(OSError, create)
        self.assertEqual([START, ERROR], self.fix.event_types())
        self.assertEqual('OSError', self.fix.notifications[-1].payload
                         .fault.exception)

    def test_decorator_keeps_the_function_name(self):
        @lifecycle_mod.emits_lifecycle(self.notifier,
                                       catalog.TABLE_CREATE_START,
                                       catalog.table_payload())
        def create_table():
            pass

        self.assertEqual('create_table', create_table.__name__)


class TestAcrossProcesses(LifecycleTestCase):

    def _started(self, context=None):
        lifecycle = self.notifier.lifecycle(
            catalog.TABLE_CREATE_START, catalog.table_payload(comment='c'),
            context=context)
        lifecycle.start()
        return lifecycle

    def test_to_dict_survives_json(self):
        data = self._started().to_dict()
        self.assertEqual(data, json.loads(json.dumps(data)))

    def test_rebuilt_lifecycle_ends_with_the_same_payload(self):
        data = json.loads(json.dumps(self._started().to_dict()))
        rebuilt = lifecycle_mod.Lifecycle.from_dict(self.notifier, data)
        rebuilt.end()
        start, end = self.fix.messages
        self.assertEqual(END, end['event_type'])
        self.assertEqual(start['payload'], end['payload'])

    def test_rebuilt_lifecycle_keeps_the_start_time(self):
        lifecycle = self._started()
        data = json.loads(json.dumps(lifecycle.to_dict()))
        time.sleep(0.02)
        rebuilt = lifecycle_mod.Lifecycle.from_dict(self.notifier, data)
        rebuilt.end()
        self.assertGreaterEqual(self.fix.notifications[-1].duration_ms, 20)

    def test_rebuilt_lifecycle_keeps_the_context(self):
        data = json.loads(json.dumps(self._started(
            context={'request_id': 'req-7'}).to_dict()))
        lifecycle_mod.Lifecycle.from_dict(self.notifier, data).end()
        self.assertEqual({'request_id': 'req-7'},
                         self.fix.notifications[-1].context)

    def test_rebuilt_lifecycle_can_report_an_error(self):
        data = json.loads(json.dumps(self._started().to_dict()))
        rebuilt = lifecycle_mod.Lifecycle.from_dict(self.notifier, data)
        rebuilt.error(ValueError('worker failed'))
        self.assertEqual(ERROR, self.fix.event_types()[-1])
        self.assertEqual('worker failed', self.fix.notifications[-1]
                         .payload.fault.exception_message)

    def test_malformed_dict_is_rejected(self):
        exc = self.assertRaises(errors.MalformedNotificationError,
                                lifecycle_mod.Lifecycle.from_dict,
                                self.notifier, {'payload': {}})
        self.assertIn('Lifecycle.to_dict()', str(exc))

    def _run_child(self, target, data):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'child.jsonl')
        ctx = multiprocessing.get_context('spawn')
        child = ctx.Process(target=target, args=(data, path))
        child.start()
        child.join(60)
        if child.is_alive():
            child.kill()
            child.join(5)
        self.assertEqual(0, child.exitcode)
        with open(path) as handle:
            return [json.loads(line) for line in handle]

    def test_spawned_child_ends_the_lifecycle(self):
        data = self._started(context={'request_id': 'req-9'}).to_dict()
        [line] = self._run_child(_end_in_child, data)
        start = self.fix.messages[0]
        self.assertEqual(END, line['event_type'])
        self.assertEqual(start['payload'], line['payload'])
        self.assertEqual('worker:child-host', line['publisher_id'])

    def test_spawned_child_reports_an_error(self):
        data = self._started().to_dict()
        [line] = self._run_child(_fail_in_child, data)
        self.assertEqual(ERROR, line['event_type'])
        fault = line['payload']['unitcat_object.data']['fault']
        self.assertEqual('disk full',
                         fault['unitcat_object.data']['exception_message'])


def _child_notifier(path):
    conf = tidings_conf.new_conf()
    conf.set_override('backends', ['jsonfile'], 'notifications')
    conf.set_override('path', path, 'backend_jsonfile')
    conf.set_override('publisher_host', 'child-host', 'notifications')
    return notifier_mod.Notifier(conf, catalog.EVENTS, source='worker')


def _end_in_child(data, path):
    notifier = _child_notifier(path)
    lifecycle_mod.Lifecycle.from_dict(notifier, data).end()
    notifier.close()


def _fail_in_child(data, path):
    notifier = _child_notifier(path)
    lifecycle = lifecycle_mod.Lifecycle.from_dict(notifier, data)
    try:
        raise OSError('disk full')
    except OSError as exc:
        lifecycle.error(exc)
    notifier.close()


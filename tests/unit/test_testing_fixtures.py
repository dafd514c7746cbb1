"""tidings.testing.fixtures: NotificationFixture and assert_matches_sample."""

import json
import os
import subprocess
import sys
import threading
import uuid

import fixtures
import testtools
from testtools import runtest

from tests.unit import catalog
from tests.unit import test_samples
from tidings import catalogs
from tidings import samples
from tidings.objects import errors
from tidings.testing import fixtures as tidings_fixtures

REPO = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class TestNotificationFixture(testtools.TestCase):

    def fixture(self, **kwargs):
        return self.useFixture(tidings_fixtures.NotificationFixture(
            catalog.EVENTS, **kwargs))

    def emit(self, fix, event=catalog.TABLE_CREATE_START):
        return fix.notifier.notify(event, catalog.table_payload())

    def test_captures_notifications_and_wire_messages(self):
        fix = self.fixture()
        note = self.emit(fix)
        self.assertEqual([note], fix.notifications)
        self.assertEqual([note.to_wire()], fix.messages)

    def test_wait_for_returns_the_messages_of_that_event_type(self):
        fix = self.fixture()
        self.emit(fix)
        self.emit(fix, catalog.TABLE_CREATE_END)
        [found] = fix.wait_for('unitcat.table.create.end')
        self.assertEqual('unitcat.table.create.end', found['event_type'])

    def test_wait_for_waits_for_another_thread(self):
        fix = self.fixture()
        timer = threading.Timer(0.05, self.emit, (fix,))
        timer.start()
        self.addCleanup(timer.cancel)
        self.assertEqual(1, len(fix.wait_for('unitcat.table.create.start',
                                             timeout=5)))

    def test_wait_for_counts(self):
        fix = self.fixture()
        for _ in range(3):
            self.emit(fix)
        self.assertEqual(3, len(fix.wait_for('unitcat.table.create.start',
                                             count=3)))

    def test_wait_for_timeout_fails_listing_what_arrived(self):
        fix = self.fixture()
        self.emit(fix)
        exc = self.assertRaises(AssertionError, fix.wait_for,
                                'unitcat.table.create.end', timeout=0.05)
        self.assertIn('expected 1 notification(s) of '
                      'unitcat.table.create.end within 0.05s, got 0',
                      str(exc))
        self.assertIn('captured: unitcat.table.create.start', str(exc))

    def test_clear_forgets_captured_notifications(self):
        fix = self.fixture()
        self.emit(fix)
        fix.clear()
        self.assertEqual(([], []), (fix.notifications, fix.messages))

    def test_keyword_overrides_set_notifications_options(self):
        fix = self.fixture(level='debug')
        fix.notifier.notify(catalog.PING, catalog.PingPayload(n=1))
        self.assertEqual(['unitcat.host.ping'], fix.event_types())

    def test_conf_overrides_reach_other_groups(self):
        fix = self.fixture(
            conf_overrides={'backend_memory.max_notifications': 2})
        for _ in range(4):
            self.emit(fix)
        self.assertEqual(2, len(fix.messages))

    def test_bad_override_fails_at_setup(self):
        exc = self.assertRaises(runtest.MultipleExceptions, self.fixture,
                                level='loud')
        self.assertIsInstance(exc.args[0][1], errors.ConfigError)

    def test_extra_backends_also_receive(self):
        extra = tidings_fixtures.memory.MemoryBackend(name='extra')
        fix = self.fixture(backends=[extra])
        self.emit(fix)
        self.assertEqual(1, len(extra.messages))

    def test_notifier_is_closed_at_cleanup(self):
        fix = tidings_fixtures.NotificationFixture(catalog.EVENTS)
        fix.setUp()
        fix.cleanUp()
        self.assertTrue(fix.notifier.closed)


class TestAssertMatchesSample(testtools.TestCase):
    """assert_matches_sample against a sample file written by the test."""

    def setUp(self):
        super().setUp()
        self.fix = self.useFixture(tidings_fixtures.NotificationFixture(
            catalog.EVENTS, publisher_host='node-1'))
        self.dir = self.useFixture(fixtures.TempDir()).path

    def sample(self, message, name='sample.json'):
        path = os.path.join(self.dir, name)
        with open(path, 'w') as handle:
            json.dump(message, handle, indent=4)
        return path

    def emit(self, **extra):
        return self.fix.notifier.notify(catalog.TABLE_CREATE_START,
                                        catalog.table_payload(**extra))

    def test_same_notification_matches(self):
        path = self.sample(self.emit().to_wire())
        tidings_fixtures.assert_matches_sample(self.emit(), path)

    def test_wire_dict_is_accepted(self):
        path = self.sample(self.emit().to_wire())
        tidings_fixtures.assert_matches_sample(self.emit().to_wire(), path)

    def test_message_id_timestamp_and_host_are_normalised(self):
        wire = dict(self.emit().to_wire(), timestamp='2016-11-04 00:00:00.'
                    '000000', message_id=str(uuid.uuid4()),
                    publisher_id='unitcat:localhost')
        path = self.sample(wire)
        tidings_fixtures.assert_matches_sample(self.emit(), path)

    def test_publisher_source_is_compared(self):
        path = self.sample(dict(self.emit().to_wire(),
                                publisher_id='other:node-1'))
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                self.emit(), path)
        self.assertIn('-    "publisher_id": "other:node-1",', str(exc))
        self.assertIn('+    "publisher_id": "unitcat:node-1",', str(exc))

    def test_malformed_envelope_values_are_not_normalised(self):
        path = self.sample(self.emit().to_wire())
        wire = dict(self.emit().to_wire(), timestamp='yesterday',
                    message_id='abc')
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                wire, path)
        self.assertIn('+    "timestamp": "yesterday"', str(exc))
        self.assertIn('+    "message_id": "abc",', str(exc))

    def test_payload_fields_are_never_normalised(self):
        wire = self.emit().to_wire()
        nested = json.loads(json.dumps(wire))
        nested['payload']['unitcat_object.data']['timestamp'] = 'a'
        path = self.sample(nested)
        nested['payload']['unitcat_object.data']['timestamp'] = 'b'
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                nested, path)
        self.assertIn('"timestamp": "b"', str(exc))

    def test_failure_says_what_was_normalised(self):
        path = self.sample(self.emit(comment='old').to_wire())
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                self.emit(comment='new'), path)
        self.assertIn('(envelope normalised: message_id, timestamp, '
                      'publisher_id host)', str(exc))

    def test_difference_raises_with_a_unified_diff(self):
        path = self.sample(self.emit(comment='old').to_wire())
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                self.emit(comment='new'), path)
        message = str(exc)
        self.assertIn('notification does not match sample %s' % path,
                      message)
        self.assertIn('--- %s' % path, message)
        self.assertIn('+++ notification', message)
        self.assertIn('-            "comment": "old",', message)
        self.assertIn('+            "comment": "new",', message)

    def test_ignored_keys_are_left_out_at_every_depth(self):
        path = self.sample(self.emit(comment='old').to_wire())
        tidings_fixtures.assert_matches_sample(
            self.emit(comment='new'), path, ignore=('comment',))

    def test_nothing_normalised_when_asked(self):
        path = self.sample(self.emit().to_wire())
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                self.emit(), path, normalize=False)
        self.assertIn('"message_id"', str(exc))
        self.assertIn('(compared as is)', str(exc))

    def test_sample_that_is_not_json_fails_readably(self):
        path = os.path.join(self.dir, 'broken.json')
        with open(path, 'w') as handle:
            handle.write('{not json')
        exc = self.assertRaises(AssertionError,
                                tidings_fixtures.assert_matches_sample,
                                self.emit(), path)
        self.assertIn('sample %s is not valid JSON' % path, str(exc))


class TestSampleOfItsEvent(testtools.TestCase):
    """A captured notification is compared with the committed sample of
    its event, found by event type in the catalog's samples folder."""

    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.registry = test_samples.make_registry()
        self.registry.samples = self.dir
        samples.write(self.registry, self.dir)
        self.fix = self.useFixture(tidings_fixtures.NotificationFixture(
            self.registry, level='debug'))

    def emit(self, name, **kwargs):
        return self.fix.notifier.notify(self.registry[name],
                                        test_samples.sample_key(), **kwargs)

    def test_default_source_is_the_catalog_name_as_in_samples(self):
        self.assertEqual('sampletest', self.fix.notifier.publisher.source)

    def test_notification_matches_the_sample_of_its_event_type(self):
        self.emit('EVENT_TYPE_KEY_CREATE')
        message = self.fix.assert_matches_sample('sampletest.key.create')
        self.assertEqual('sampletest.key.create', message['event_type'])

    def test_event_source_of_the_definition_matches(self):
        self.emit('EVENT_TYPE_KEY_PURGE')
        self.fix.assert_matches_sample('sampletest.key.purge')

    def test_status_variant_matches_its_sample(self):
        self.emit('EVENT_TYPE_REQUEST_KEY_GET_ERROR', status=404)
        self.fix.assert_matches_sample('sampletest.request.key.get.error.404')

    def test_status_variant_without_a_sample_says_which_is_sampled(self):
        self.emit('EVENT_TYPE_REQUEST_KEY_GET_ERROR', status=500)
        exc = self.assertRaises(
            AssertionError, self.fix.assert_matches_sample,
            'sampletest.request.key.get.error.500')
        self.assertIn('status variants are sampled at status 404 only',
                      str(exc))

    def test_module_function_finds_the_sample_by_event_type(self):
        note = self.emit('EVENT_TYPE_KEY_CREATE')
        tidings_fixtures.assert_matches_sample(note,
                                               registries=self.registry)

    def test_a_real_difference_fails(self):
        self.fix.notifier.notify(self.registry.EVENT_TYPE_KEY_CREATE,
                                 test_samples.KeyPayload(name='k2'))
        exc = self.assertRaises(AssertionError,
                                self.fix.assert_matches_sample,
                                'sampletest.key.create')
        self.assertIn('+            "name": "k2"', str(exc))

    def test_waits_for_the_event_and_says_what_arrived(self):
        exc = self.assertRaises(AssertionError,
                                self.fix.assert_matches_sample,
                                'sampletest.key.create', timeout=0.01)
        self.assertIn('captured: none', str(exc))

    def test_missing_sample_file_says_how_to_write_it(self):
        os.unlink(os.path.join(self.dir, 'sampletest',
                               'sampletest.key.create.json'))
        self.emit('EVENT_TYPE_KEY_CREATE')
        exc = self.assertRaises(AssertionError,
                                self.fix.assert_matches_sample,
                                'sampletest.key.create')
        self.assertIn('no sample %s' % os.path.join(
            self.dir, 'sampletest', 'sampletest.key.create.json'), str(exc))
        self.assertIn('tidings samples generate', str(exc))

    def test_unknown_event_type_is_named(self):
        exc = self.assertRaises(AssertionError, tidings_fixtures.sample_path,
                                self.registry, 'sampletest.key.craete')
        self.assertIn('no event sampletest.key.craete in catalog(s) '
                      'sampletest', str(exc))

    def test_removed_event_has_no_sample(self):
        exc = self.assertRaises(AssertionError, tidings_fixtures.sample_path,
                                self.registry, 'sampletest.key.rotate')
        self.assertIn('is removed: it has no sample', str(exc))

    def test_catalog_without_samples_folder_says_where_to_name_it(self):
        contract = catalogs.Contract(self.registry, None, None)
        self.useFixture(fixtures.MockPatch('tidings.catalogs.contract',
                                           return_value=contract))
        exc = self.assertRaises(AssertionError, tidings_fixtures.sample_path,
                                self.registry, 'sampletest.key.create')
        self.assertIn('catalog sampletest has no samples folder', str(exc))
        self.assertIn('samples_dir=', str(exc))

    def test_samples_dir_overrides_the_catalog_folder(self):
        other = self.useFixture(fixtures.TempDir()).path
        samples.write(self.registry, other)
        self.assertEqual(
            os.path.join(other, 'sampletest', 'sampletest.key.create.json'),
            tidings_fixtures.sample_path(self.registry,
                                         'sampletest.key.create', other))


class TestBundledSamples(testtools.TestCase):
    """Out of the box: every bundled event emitted through the fixture
    matches its committed sample, by event type alone."""

    def test_every_bundled_event_matches_its_sample(self):
        for name in catalogs.names():
            registry = catalogs.load(name)
            with tidings_fixtures.NotificationFixture(
                    registry, level='debug') as fix:
                for _definition, sampled in samples.sampled_definitions(
                        registry):
                    fix.notifier.notify(sampled, sampled.sample)
                    fix.assert_matches_sample(sampled.event_type_str)


PLAIN = '''
import sys, unittest
sys.modules['fixtures'] = None          # as if not installed
from tests.unit import catalog
from tidings.testing import fixtures as tf
assert tf.FixtureBase is tf._PlainFixture, tf.FixtureBase

with tf.NotificationFixture(catalog.EVENTS) as fix:
    fix.notifier.notify(catalog.TABLE_CREATE_START, catalog.table_payload())
    assert fix.event_types() == ['unitcat.table.create.start']
assert fix.notifier.closed

class Case(unittest.TestCase):
    def test_it(self):
        fix = self.enterContext(tf.NotificationFixture(catalog.EVENTS))
        fix.notifier.notify(catalog.TABLE_CREATE_END, catalog.table_payload())
        fix.wait_for('unitcat.table.create.end')
        self.fixture = fix

case = Case('test_it')
result = case.run()
assert result.wasSuccessful(), result.errors + result.failures
assert case.fixture.notifier.closed
try:
    tf.NotificationFixture(catalog.EVENTS, level='loud').setUp()
except Exception as exc:
    print(type(exc).__name__)
print('ok')
'''


class TestWithoutTheFixturesPackage(testtools.TestCase):

    def test_fixture_is_a_context_manager_and_unittest_helper(self):
        out = subprocess.run(
            [sys.executable, '-c', PLAIN], capture_output=True, text=True,
            cwd=REPO, check=False)
        self.assertEqual(0, out.returncode, out.stderr)
        self.assertEqual('ConfigErrors\nok\n', out.stdout)

"""``tidings listen`` over the ``fake://`` transport, in process."""

import json
import threading
import uuid

import fixtures
import oslo_messaging

from tests.unit import cmdbase
from tests.unit import test_consumer
from tidings import conf as tidings_conf
from tidings.catalogs.demo import events as demo
from tidings.cmd import listen

SAMPLE = 'samples/demo/demo.backup.create.start.json'


def sample(**changes):
    with open('%s/%s' % (test_consumer.ROOT, SAMPLE),
              encoding='utf-8') as handle:
        message = json.load(handle)
    message['message_id'] = str(uuid.uuid4())
    message.update(changes)
    return message


class TestListen(cmdbase.CommandTestCase):

    def setUp(self):
        super().setUp()
        self.transport = oslo_messaging.get_notification_transport(
            tidings_conf.new_conf(), url='fake://')
        self.useFixture(fixtures.MonkeyPatch(
            'oslo_messaging.get_notification_transport',
            lambda conf, url=None: self.transport))
        self.pools = []
        self.started = threading.Event()
        real = oslo_messaging.get_notification_listener

        def spy(*args, **kwargs):
            self.pools.append(kwargs.get('pool'))
            listener = real(*args, **kwargs)
            start = listener.start

            def started(*a, **kw):
                start(*a, **kw)
                self.started.set()
            listener.start = started
            return listener
        self.useFixture(fixtures.MonkeyPatch(
            'oslo_messaging.get_notification_listener', spy))
        self.useFixture(fixtures.FakeLogger(name='tidings.consumer'))

    def tail(self, messages, *argv):
        """Run ``tidings listen`` and send ``messages`` once its listener
        has started (its pool queue exists only then; what was sent
        before is not delivered): ``(code, stdout, stderr)``."""
        result = []
        runner = threading.Thread(target=lambda: result.append(
            self.run_tidings('listen', '--transport-url', 'fake://',
                             '--catalog', 'demo', '--topic', 't',
                             '--timeout', '20', *argv)))
        runner.start()
        self.assertTrue(self.started.wait(20), 'the listener never started')
        for message in messages:
            test_consumer.send(self.transport, dict(
                message, message_id=str(uuid.uuid4())))
        runner.join(30)
        self.assertFalse(runner.is_alive(), 'tidings listen did not stop')
        return result[0]

    def test_table_shows_version_and_schema(self):
        ahead = test_consumer.bump(sample(), '1.1', colour='blue')
        major = test_consumer.bump(sample(), '2.0')
        code, out, err = self.tail([sample(), ahead, major], '--count', '3')
        lines = out.splitlines()
        self.assertEqual(['TIME', 'EVENT', 'TYPE', 'PUBLISHER', 'VERSION',
                          'SCHEMA'], lines[0].split())
        rows = lines[1:]
        self.assertEqual(3, len(rows), out)
        self.assertIn('demo.backup.create.start', rows[0])
        self.assertIn('demo:localhost', rows[0])
        text = '\n'.join(rows)
        self.assertIn('1.0      valid', text)
        self.assertIn('1.1      unchecked: demo.BackupPayload@1.1 is not in '
                      'the lock file', text)
        self.assertIn('(dropped: colour)', text)
        self.assertIn('2.0      INVALID: message', text)
        self.assertIn('received version 2.0, this consumer knows 1.0', text)
        self.assertEqual(1, code)   # an invalid message was seen
        self.assertIn('3 message(s): 2 valid or unchecked, 1 invalid', err)
        self.assertTrue(self.pools[0].startswith('tidings-listen-'))

    def test_json_lines_and_event_filter(self):
        cleanup = sample(event_type='demo.backup.cleanup', priority='DEBUG',
                         payload=demo.CleanupPayload(removed=1)
                         .obj_to_primitive())
        code, out, err = self.tail([cleanup, sample(), cleanup, sample()],
                                   '--count', '2',
                                   '-f', 'json', '--event', 'demo.*.start',
                                   '--pool', 'mine')
        self.assertEqual(0, code, err)
        rows = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(['demo.backup.create.start'] * 2,
                         [r['event_type'] for r in rows])
        self.assertEqual({'dropped', 'error', 'event_type', 'message_id',
                          'priority', 'publisher_id', 'time', 'valid',
                          'version'}, set(rows[0]))
        self.assertEqual((True, '1.0', 'INFO'), (
            rows[0]['valid'], rows[0]['version'], rows[0]['priority']))
        self.assertEqual(['mine'], self.pools)

    def test_timeout_before_count_is_a_finding(self):
        code, out, err = self.run_tidings(
            'listen', '--transport-url', 'fake://', '--catalog', 'demo',
            '--count', '5', '--timeout', '0.3')
        self.assertEqual(1, code)
        self.assertIn('0 message(s)', err)
        self.assertIn('5 expected (--count) in 0.3s', err)

    def test_interrupted_stops_the_listener(self):
        stopped = []
        real = oslo_messaging.get_notification_listener

        def listener(*args, **kwargs):
            server = real(*args, **kwargs)
            stop = server.stop
            server.stop = lambda: (stopped.append(True), stop())[1]
            return server
        self.useFixture(fixtures.MonkeyPatch(
            'oslo_messaging.get_notification_listener', listener))

        def interrupt(*args, **kwargs):
            raise KeyboardInterrupt
        self.useFixture(fixtures.MonkeyPatch('queue.Queue.get', interrupt))
        code, _out, err = self.run_tidings(
            'listen', '--transport-url', 'fake://', '--catalog', 'demo',
            '--count', '3')
        self.assertEqual(130, code)
        self.assertIn('0 message(s): 0 valid or unchecked, 0 invalid; 3 '
                      'expected (--count)\n', err)
        self.assertEqual([True], stopped)
        self.assertIn('tidings listen: interrupted', err)

    def test_event_filter_regex(self):
        regex = listen.event_filter(['demo.*.start', 'x-y.?'])
        self.assertEqual(r'^(?:demo\..*\.start|x\-y\..)$', regex)
        self.assertIsNone(listen.event_filter(None))

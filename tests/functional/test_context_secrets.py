"""No secret of the request context leaves the process: checked on the
real bus with a real oslo.messaging listener, and byte by byte in every
file tidings writes while the broker is unreachable (the outbox, the
SQLite event database, the JSON file), in its log lines and in the
StatsD datagrams.
"""

import json
import logging
import os

import fixtures
from oslo_context import context as oslo_context

from tests import netutil
from tests.functional import tcpproxy
from tests.functional import test_messaging_rabbit as rabbit
from tidings.catalogs.demo import events
from tidings.notifications import Notifier

SECRET = 'gAAAAABn-tidings-SECRET-7c1d'


def contexts():
    """The shapes services pass, each carrying the secret."""
    return [
        oslo_context.RequestContext(auth_token=SECRET, request_id='req-1',
                                    project_id='proj-1', user_id='u-1'),
        {'auth_token': SECRET, 'request_id': 'req-2', 'project_id': 'p'},
        {'request_id': 'req-3', 'auth': {'password': SECRET,
                                         'service_token': SECRET},
         'hops': [{'token': SECRET}]},
    ]


class TestNoSecretLeaves(rabbit.RabbitTestCase):

    def assertNoSecret(self, data, where):
        if isinstance(data, str):
            data = data.encode('utf-8')
        at = data.find(SECRET.encode('utf-8'))
        if at >= 0:     # say where, without printing a whole file
            self.fail('the secret reached %s: ...%r...' % (
                where, data[max(0, at - 120):at + 40]))

    def test_a_real_listener_receives_no_secret(self):
        listener = self.listener()
        notifier, backend = self.notifier()
        shapes = contexts()
        ids = []
        for index in range(600):
            ids.append(notifier.notify(
                events.EVENT_TYPE_BACKUP_CREATE_START,
                events.sample_backup(),
                context=shapes[index % len(shapes)]).message_id)
        self.assertAllArrivedInOrder(ids, listener.wait_for(ids))
        self.assertEqual(600, len(listener.messages))
        for message in listener.messages:
            self.assertNoSecret(json.dumps(message), 'the listener')
        by_request = {m['ctxt']['request_id']: m['ctxt']
                      for m in listener.messages}
        # what oslo.messaging's own notifier delivers: auth_token None
        self.assertIsNone(by_request['req-1']['auth_token'])
        self.assertEqual('proj-1', by_request['req-1']['project_id'])
        self.assertEqual({'password': None, 'service_token': None},
                         by_request['req-3']['auth'])
        self.assertEqual([{'token': None}], by_request['req-3']['hops'])

    def test_an_outage_writes_no_secret_to_any_file_log_or_datagram(self):
        listener = self.listener()
        proxy = tcpproxy.TcpProxy(5672)
        self.addCleanup(proxy.stop)
        proxy.refuse()
        sink = netutil.Receiver(self)
        logs = self.useFixture(fixtures.FakeLogger(name='tidings',
                                                   level=logging.INFO))
        conf = self.conf(url='rabbit://guest:guest@127.0.0.1:%d/'
                         % proxy.port)
        conf.set_override('backends', ['messaging', 'database', 'jsonfile',
                                       'log', 'statsd'], 'notifications')
        conf.set_override('port', sink.port, 'backend_statsd')
        notifier = Notifier(conf, [events.EVENTS], source='functional')
        self.addCleanup(notifier.close, 2.0)
        backend = notifier.backend('messaging')
        shapes = contexts()
        ids = []
        for index in range(300):
            # .end goes to StatsD too
            event = (events.EVENT_TYPE_BACKUP_CREATE_END if index % 2
                     else events.EVENT_TYPE_BACKUP_CREATE_START)
            ids.append(notifier.notify(
                event, events.sample_backup(),
                context=shapes[index % len(shapes)]).message_id)
        for name in ('database', 'jsonfile', 'statsd'):
            self.assertTrue(notifier.backend(name).flush(10), name)
        backend.flush(10)
        self.assertEqual(300, backend.stats()['outbox'])
        # every byte of every file tidings wrote in its state directory
        written = []
        for folder, _dirs, files in os.walk(self.state):
            for name in files:
                path = os.path.join(folder, name)
                with open(path, 'rb') as handle:
                    data = handle.read()
                written.append((name, len(data)))
                self.assertNoSecret(data, path)
        names = [name for name, _ in written]
        self.assertIn('outbox.sqlite', names)
        self.assertIn('notifications.jsonl', names)
        self.assertTrue(any(n.startswith('events') for n in names), names)
        self.assertNoSecret(logs.output, 'the log')
        self.assertIn('demo.backup.create.start', logs.output)
        sink.drain()
        self.assertGreater(len(sink.packets), 0)
        self.assertNoSecret(b''.join(sink.packets), 'the StatsD datagrams')
        # and once the broker is back, the replayed messages carry none
        proxy.allow()
        self.assertTrue(backend.wait_delivered(30))
        self.assertAllArrivedInOrder(ids, listener.wait_for(ids, 30))
        for message in listener.messages:
            self.assertNoSecret(json.dumps(message), 'the listener')

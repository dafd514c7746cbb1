"""The Trove cross-process pattern over the real RabbitMQ.

Four processes (tests/functional/trove_processes.py): the API starts three
dbaas actions and sends each, in its request context, over RPC; the task
manager ends one itself; the guest, which has no notifier, hands the other
two to the conductor over RPC, which emits them.  This test consumes
everything with an oslo.messaging notification listener on a unique topic.
"""

import os
import select
import subprocess
import sys
import threading
import time
import uuid
import warnings

import kombu
import oslo_messaging
from oslo_config import cfg

from tests.functional import base

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
TIMEOUT = 20.0
PRIORITIES = ('audit', 'debug', 'info', 'warn', 'error', 'critical',
              'sample')


class Collector:
    """Notification listener endpoint keeping what arrives."""

    def __init__(self):
        self.messages = []
        self._cond = threading.Condition()

    def _keep(self, priority, publisher_id, event_type, payload):
        with self._cond:
            self.messages.append({'priority': priority,
                                  'publisher_id': publisher_id,
                                  'event_type': event_type,
                                  'payload': payload})
            self._cond.notify_all()

    def info(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('INFO', publisher_id, event_type, payload)

    def error(self, ctxt, publisher_id, event_type, payload, metadata):
        self._keep('ERROR', publisher_id, event_type, payload)

    def wait_for(self, count, timeout):
        with self._cond:
            self._cond.wait_for(lambda: len(self.messages) >= count,
                                timeout)
            return {m['event_type']: m for m in self.messages}


class TestTroveCrossProcess(base.FunctionalTestCase):

    def setUp(self):
        super().setUp()
        self.require('rabbitmq')
        warnings.filterwarnings('ignore', message=r'\s*Eventlet')
        tag = uuid.uuid4().hex[:10]
        self.topics = {role: 'tidings_trove_%s_%s' % (role, tag)
                       for role in ('task', 'guest', 'conductor', 'notify')}
        # Our own exchange: the shared broker's 'openstack' exchange may
        # have been declared durable by another client.
        self.exchange = 'tidings_trove_%s' % tag
        self.addCleanup(self.delete_queues)
        self.collector = Collector()
        self.listen()
        self.procs = []
        self.addCleanup(self.stop_processes)

    def listen(self):
        transport = oslo_messaging.get_notification_transport(
            cfg.ConfigOpts(), url=base.RABBIT_URL)
        listener = oslo_messaging.get_notification_listener(
            transport, [oslo_messaging.Target(topic=self.topics['notify'],
                                              exchange=self.exchange)],
            [self.collector], executor='threading')
        listener.start()

        def stop():
            listener.stop()
            listener.wait()
            transport.cleanup()
        self.addCleanup(stop)

    def delete_queues(self):
        names = ['%s.%s' % (self.topics['notify'], p) for p in PRIORITIES]
        for role, server in (('task', 'task-1'), ('guest', 'guest-1'),
                             ('conductor', 'conductor-1')):
            names += [self.topics[role], '%s.%s' % (self.topics[role],
                                                    server)]
        url = base.RABBIT_URL.replace('rabbit://', 'amqp://', 1)
        with kombu.Connection(url) as conn:
            for name in names:
                channel = conn.channel()
                try:
                    channel.queue_delete(name)
                except Exception:
                    conn.close()
                    conn.connect()
                finally:
                    if channel.is_open:
                        channel.close()
            channel = conn.channel()
            try:
                channel.exchange_delete(self.exchange)
            except Exception:
                pass
            finally:
                if channel.is_open:
                    channel.close()

    def spawn(self, role, *args):
        proc = subprocess.Popen(
            [sys.executable, '-m', 'tests.functional.trove_processes', role,
             base.RABBIT_URL] + list(args),
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, env=dict(os.environ,
                                TIDINGS_TEST_EXCHANGE=self.exchange))
        self.procs.append(proc)
        return proc

    def stop_processes(self):
        """SIGTERM every process at once, then reap them (kill after
        10 s)."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()

    def wait_ready(self, procs):
        deadline = time.monotonic() + TIMEOUT
        for proc in procs:
            ready, _, _ = select.select(
                [proc.stdout], [], [], max(0, deadline - time.monotonic()))
            line = proc.stdout.readline() if ready else ''
            if line.strip() != 'ready':
                proc.kill()
                self.fail('%s did not start: %s' % (
                    proc.args[3], proc.stderr.read()[-2000:]))

    def run_flows(self):
        servers = [
            self.spawn('task', self.topics['task'], self.topics['notify']),
            self.spawn('guest', self.topics['guest'],
                       self.topics['conductor']),
            self.spawn('conductor', self.topics['conductor'],
                       self.topics['notify']),
        ]
        self.wait_ready(servers)
        api = self.spawn('api', self.topics['task'], self.topics['guest'],
                         self.topics['notify'])
        try:
            api.wait(TIMEOUT)
        except subprocess.TimeoutExpired:
            api.kill()
        self.assertEqual(0, api.returncode, api.stderr.read()[-2000:])
        return self.collector.wait_for(6, TIMEOUT)

    def test_api_task_guest_and_conductor_emit_one_lifecycle_each(self):
        got = self.run_flows()

        def data(event_type):
            self.assertIn(event_type, got, sorted(got))
            return got[event_type]['payload']['trove_object.data']

        self.assertEqual(6, len(self.collector.messages))
        # API -> task manager: the task process emits the end.
        start = data('dbaas.instance_create.start')
        end = data('dbaas.instance_create.end')
        self.assertEqual(('api', 'task'),
                         (start['server_type'], end['server_type']))
        self.assertEqual('req-task', end['request_id'])
        self.assertEqual('inst-1', end['instance_id'])
        self.assertEqual(
            'trove-taskmanager:functional',
            got['dbaas.instance_create.end']['publisher_id'])
        # API -> guest -> conductor: the conductor emits for the guest.
        end = data('dbaas.database_create.end')
        self.assertEqual('conductor', end['server_type'])
        self.assertEqual('req-guest-end', end['request_id'])
        self.assertEqual('trove-conductor:functional',
                         got['dbaas.database_create.end']['publisher_id'])
        error = data('dbaas.user_create.error')
        self.assertEqual('ERROR', got['dbaas.user_create.error']['priority'])
        self.assertEqual('conductor', error['server_type'])
        self.assertEqual('req-guest-error', error['request_id'])
        self.assertEqual('user app already exists', error['message'])
        self.assertIn('in create_user', error['exception'])
        for event_type in ('dbaas.database_create.start',
                           'dbaas.user_create.start'):
            self.assertEqual('api', data(event_type)['server_type'])

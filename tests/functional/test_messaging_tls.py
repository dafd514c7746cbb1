"""AMQP over TLS on the pipelined path, against the test cluster's TLS
listeners (``tools/rabbit-cluster.sh``: 5683-5685, a server certificate
for localhost and 127.0.0.1 signed by the cluster's own CA).

``[oslo_messaging_rabbit] ssl`` and its files keep the messaging backend
on its pipelined publisher (before: any of them moved it to the
oslo.messaging fallback, ten times slower), and a certificate the
configured CA does not sign is refused: reported, never sent in clear,
and nothing lost.  An independent consumer on the plain port of the same
node counts the message_ids.
"""

import logging
import os
import subprocess
import time

import amqp
import fixtures

from tests.functional import test_messaging_guarantees as guarantees

#: The first node's TLS listener and the CA that signed its certificate.
TLS_PORT = 5683
CA_FILE = os.path.join(guarantees.CLUSTER_DIR, 'tls', 'ca.pem')


class TestTLSOnThePipeline(guarantees.ClusterTestCase):

    def setUp(self):
        super().setUp()
        if not os.path.exists(CA_FILE) or not guarantees.base.port_open(
                '127.0.0.1', TLS_PORT):
            self.unavailable('the test cluster has no TLS listener on '
                             '127.0.0.1:%d (or no %s): tools/rabbit-'
                             'cluster.sh stop && tools/rabbit-cluster.sh '
                             'start' % (TLS_PORT, CA_FILE))

    def tls_notifier(self, ca_file, **rabbit):
        return self.notifier(
            url='rabbit://guest:guest@127.0.0.1:%d/' % TLS_PORT,
            rabbit=dict({'ssl': True, 'ssl_ca_file': ca_file}, **rabbit))

    def test_verified_tls_stays_on_the_pipeline_and_loses_nothing(self):
        notifier, backend = self.tls_notifier(CA_FILE,
                                              rabbit_quorum_queue=True,
                                              amqp_durable_queues=False)
        self.assertEqual('pipeline', backend.mode)
        self.assertEqual('routed', backend.stats()['guarantee'])
        sent = self.emit(notifier, 2000)
        self.assertTrue(backend.wait_delivered(30), backend.stats())
        queue = '%s.info' % self.topic
        self.assertEqual(('quorum', 'true'), self.queue_info(queue))
        received = guarantees.consume_ids(self.port, queue,
                                          expected=len(sent))
        self.assertEqual((0, 0), guarantees.lost_and_duplicates(
            sent, received))
        self.assertEqual(sent, received)
        stats = backend.stats()
        self.assertEqual((2000, 0, 0), (stats['sent'], stats['outbox'],
                                        stats['queued']))

    def test_a_certificate_the_ca_does_not_sign_is_refused_and_kept(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends.messaging.backend', level=logging.WARNING))
        other = self.useFixture(fixtures.TempDir()).path
        ca_file = os.path.join(other, 'other-ca.pem')
        subprocess.run(
            ['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes',
             '-days', '1', '-subj', '/CN=not the cluster CA', '-keyout',
             os.path.join(other, 'other-ca.key'), '-out', ca_file],
            check=True, capture_output=True, timeout=60)
        notifier, backend = self.tls_notifier(ca_file)
        self.assertEqual('pipeline', backend.mode)
        sent = self.emit(notifier, 200)
        deadline = time.monotonic() + 20
        while backend.stats()['outbox'] < len(sent) and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        stats = backend.stats()
        self.assertEqual((0, len(sent)), (stats['sent'], stats['outbox']),
                         stats)
        self.assertIn('CERTIFICATE_VERIFY_FAILED', logs.output)
        # nothing reached the broker, in clear or otherwise: the queue
        # was never declared, or holds nothing
        try:
            received = guarantees.consume_ids(
                self.port, '%s.info' % self.topic, timeout=1.0, idle=0.5)
        except amqp.exceptions.NotFound:
            received = []
        self.assertEqual([], received)

"""Faults of a real database under the database backend, through a TCP
proxy the test controls: the database goes down (the proxy refuses) or
freezes (the proxy holds every byte) while notifications are emitted, then
comes back.  Each asserts that nothing is lost, nothing is stored twice
and the caller never waits.  Mixed into the PostgreSQL and MariaDB test
cases, which set ``service`` and ``url`` (base.DatabaseMixin)."""

import gc
import threading
import time

from testtools import content

from tests import dbhelpers
from tests.functional import base
from tests.functional import tcpproxy
from tidings.backends import eventstore


class DatabaseFaultCases:

    service = None

    def faulty_backend(self):
        """A backend writing through a proxy in front of the database, with
        100 notifications already stored; (proxy, backend, notifier,
        notifications sent)."""
        host, port = base.SERVICES[self.service]
        proxy = tcpproxy.TcpProxy(port, host)
        self.addCleanup(proxy.stop)
        url = self.url.replace('%s:%d' % (host, port),
                               '127.0.0.1:%d' % proxy.port)
        self.assertNotEqual(url, self.url)
        backend = dbhelpers.make_backend(
            self, url, retry_interval_max=0.2, connect_timeout=2,
            batch_size=100)
        self.addCleanup(dbhelpers.drop_tables, self.url,
                        backend.table_prefix)
        # Which threads touch the database: never the caller's (what
        # "the caller never waits" means, whatever the machine's load
        # makes of its wall time).
        self.db_threads = set()
        for name in ('deliver', '_get_engine'):
            setattr(backend, name, self._recording(getattr(backend, name)))
        notifier = dbhelpers.notifier(backend)
        sent = [notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                dbhelpers.cluster()) for _ in range(100)]
        self.assertTrue(notifier.flush(10))
        # A full collection of the interpreter's heap (every imported
        # module) can take 100 ms on its own; services freeze the heap
        # after startup, and so does this test, so that what is measured
        # is the backend.
        gc.collect()
        gc.freeze()
        self.addCleanup(gc.unfreeze)
        return proxy, backend, notifier, sent

    def _recording(self, real):
        """``real``, noting in :attr:`db_threads` the thread calling."""
        def recording(*args, **kwargs):
            self.db_threads.add(threading.get_ident())
            return real(*args, **kwargs)
        return recording

    def emit_bursts(self, notifier, sent, bursts=20):
        """100 notifications every 50 ms; the worst notify() in seconds."""
        worst = 0.0
        for _burst in range(bursts):
            for _ in range(100):
                t0 = time.perf_counter()
                sent.append(notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                            dbhelpers.cluster()))
                worst = max(worst, time.perf_counter() - t0)
            time.sleep(0.05)
        return worst

    def assertAllStoredOnce(self, backend, notifier, sent, worst):
        self.assertTrue(notifier.flush(20), backend.stats())
        store = eventstore.EventStore(self.url,
                                      table_prefix=backend.table_prefix)
        self.addCleanup(store.close)
        stored = []
        marker = None
        while True:
            page = store.list(all_projects=True, limit=1000, marker=marker)
            if not page:
                break
            stored.extend(e['id'] for e in page)
            marker = page[-1]['id']
        self.assertEqual(len(stored), len(set(stored)), 'stored twice')
        self.assertEqual(set(n.message_id for n in sent), set(stored))
        stats = backend.stats()
        self.assertEqual((len(sent), 0, 0, False), (
            stats['stored'] + stats['duplicates'], stats['dropped'],
            stats['failed'], stats['database_down']))
        # the database only ever on the backend's own thread
        self.assertTrue(self.db_threads)
        self.assertNotIn(threading.get_ident(), self.db_threads)
        self.addDetail('worst notify()', content.text_content(
            '%.1f ms' % (worst * 1000)))

    def test_database_down_loses_nothing_and_the_caller_never_waits(self):
        started = time.monotonic()
        proxy, backend, notifier, sent = self.faulty_backend()
        proxy.refuse()
        worst = self.emit_bursts(notifier, sent)
        self.assertTrue(backend.stats()['database_down'])
        self.assertGreater(backend.stats()['retries'], 0)
        proxy.allow()
        self.assertAllStoredOnce(backend, notifier, sent, worst)
        self.assertEqual(2100, len(sent))
        self.assertLess(time.monotonic() - started, 30)

    def test_database_frozen_loses_nothing_and_the_caller_never_waits(self):
        started = time.monotonic()
        proxy, backend, notifier, sent = self.faulty_backend()
        proxy.freeze()
        worst = self.emit_bursts(notifier, sent, bursts=10)
        # the writer is stuck in a round trip: what the callers emitted
        # waits in the queue, none of it is dropped
        stats = backend.stats()
        self.assertGreater(stats['queued'], 0, stats)
        self.assertEqual(0, stats['dropped'])
        proxy.thaw()
        self.assertAllStoredOnce(backend, notifier, sent, worst)
        self.assertEqual(1100, len(sent))
        self.assertLess(time.monotonic() - started, 30)

"""The database backend and the event store on a real PostgreSQL."""

import gc
import time

from tests import dbcases
from tests import dbhelpers
from tests.functional import base
from tests.functional import tcpproxy
from tidings.backends import eventstore


class PostgreSQLMixin:
    def setUp(self):
        super().setUp()
        self.require('postgresql')
        self.url = base.POSTGRES_URL


class TestMigrationsPostgreSQL(PostgreSQLMixin, dbcases.MigrationCases,
                               base.FunctionalTestCase):
    pass


class TestEventStorePostgreSQL(PostgreSQLMixin, dbcases.StoreCases,
                               base.FunctionalTestCase):
    pass


class TestDatabaseBackendPostgreSQL(PostgreSQLMixin, dbcases.BackendCases,
                                    base.FunctionalTestCase):
    pass


class TestDatabaseDownPostgreSQL(PostgreSQLMixin, base.FunctionalTestCase):
    """The fault: PostgreSQL goes away (a proxy in front of it refuses) while
    notifications are emitted, then comes back."""

    def test_nothing_is_lost_and_the_caller_never_waits(self):
        started = time.monotonic()
        proxy = tcpproxy.TcpProxy(base.SERVICES['postgresql'][1])
        self.addCleanup(proxy.stop)
        url = self.url.replace('127.0.0.1:5432', '127.0.0.1:%d' % proxy.port)
        backend = dbhelpers.make_backend(
            self, url, retry_interval_max=0.2, connect_timeout=2,
            batch_size=100)
        self.addCleanup(dbhelpers.drop_tables, self.url,
                        backend.table_prefix)
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
        proxy.refuse()
        worst = 0.0
        for _burst in range(20):
            for _ in range(100):
                t0 = time.perf_counter()
                sent.append(notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                            dbhelpers.cluster()))
                worst = max(worst, time.perf_counter() - t0)
            time.sleep(0.05)
        self.assertTrue(backend.stats()['database_down'])
        self.assertGreater(backend.stats()['retries'], 0)
        proxy.allow()

        self.assertTrue(notifier.flush(20), backend.stats())
        store = eventstore.EventStore(self.url,
                                      table_prefix=backend.table_prefix)
        self.addCleanup(store.close)
        stored = set()
        marker = None
        while True:
            page = store.list(all_projects=True, limit=1000, marker=marker)
            if not page:
                break
            stored.update(e['id'] for e in page)
            marker = page[-1]['id']
        self.assertEqual(set(n.message_id for n in sent), stored)
        stats = backend.stats()
        self.assertEqual((2100, 0, 0, False), (
            stats['stored'] + stats['duplicates'], stats['dropped'],
            stats['failed'], stats['database_down']))
        self.assertLess(worst, 0.05, 'worst notify() took %.1f ms' % (
            worst * 1000))
        self.assertLess(time.monotonic() - started, 30)

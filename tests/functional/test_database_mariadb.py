"""The database backend and the event store on a real MariaDB."""

from tests import dbcases
from tests import dbpartitions
from tests import dbplans
from tests import dbsenlin
from tests import dbhelpers
from tests.functional import base
from tests.functional import dbfaults
from tidings.backends import eventstore


class MariaDBMixin(base.DatabaseMixin):
    service = 'mariadb'


class TestMigrationsMariaDB(MariaDBMixin, dbcases.MigrationCases,
                            base.FunctionalTestCase):
    """The schema migrations on a real MariaDB."""


class TestEventStoreMariaDB(MariaDBMixin, dbcases.StoreCases,
                            base.FunctionalTestCase):
    """The event store on a real MariaDB."""


class TestDatabaseBackendMariaDB(MariaDBMixin, dbcases.BackendCases,
                                 base.FunctionalTestCase):
    """The database backend on a real MariaDB."""


class TestDatabaseFaultsMariaDB(MariaDBMixin, dbfaults.DatabaseFaultCases,
                                base.FunctionalTestCase):
    """The database backend through database faults on a real MariaDB."""


class TestQueryPlansMariaDB(MariaDBMixin, dbplans.PlanCases,
                            base.FunctionalTestCase):
    """The query plans of the event store listings on a real MariaDB."""


class TestSenlinViewMariaDB(MariaDBMixin, dbsenlin.SenlinViewCases,
                            base.FunctionalTestCase):
    """Senlin's event table shape (a view) on a real MariaDB."""


class TestPurgeLocksMariaDB(MariaDBMixin, dbcases.PurgeLockCases,
                            base.FunctionalTestCase):
    """A writer and an open purge chunk on a real MariaDB."""


class TestBulkInsertMariaDB(MariaDBMixin, base.FunctionalTestCase):
    """The multi-row INSERTs tidings writes for PyMySQL."""

    def test_a_batch_over_max_stmt_length_is_split_and_all_stored(self):
        import pymysql
        self.patch(pymysql.cursors.Cursor, 'max_stmt_length', 8000)
        statements = []
        real = pymysql.cursors.Cursor.execute

        def execute(cursor, query, args=None):
            if isinstance(query, bytes) and query.startswith(b'INSERT'):
                statements.append(len(query))
            return real(cursor, query, args)
        self.patch(pymysql.cursors.Cursor, 'execute', execute)
        backend = dbhelpers.make_backend(self, self.url, batch_size=500)
        notifier = dbhelpers.notifier(backend)
        notes = [notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                 dbhelpers.cluster(name='n%d' % i))
                 for i in range(300)]
        self.assertTrue(notifier.flush(20))
        store = eventstore.EventStore(self.url,
                                      table_prefix=backend.table_prefix)
        self.addCleanup(store.close)
        stored = store.list(all_projects=True, limit=1000)
        self.assertEqual(sorted(n.message_id for n in notes),
                         sorted(e['id'] for e in stored))
        self.assertGreater(len(statements), 5)
        self.assertLessEqual(max(statements), 8000)


class TestPartitionsMariaDB(MariaDBMixin, dbpartitions.PartitionCases,
                      base.FunctionalTestCase):
    """The event table partitioned by day on a real MariaDB."""


class TestEventStorePartitionedMariaDB(MariaDBMixin, dbcases.StoreCases,
                                 base.FunctionalTestCase):
    """The event store on a table partitioned by day."""

    partition_by = 'day'


class TestDatabaseBackendPartitionedMariaDB(MariaDBMixin, dbcases.BackendCases,
                                      base.FunctionalTestCase):
    """The database backend on a table partitioned by day."""

    partition_by = 'day'


class TestQueryPlansPartitionedMariaDB(MariaDBMixin,
                                       dbplans.PartitionedPlanCases,
                                       base.FunctionalTestCase):
    """The listings' plans on a table partitioned by day."""

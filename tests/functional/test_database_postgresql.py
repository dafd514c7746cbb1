"""The database backend and the event store on a real PostgreSQL."""

from tests import dbcases
from tests import dbhelpers
from tests import dbpartitions
from tests import dbplans
from tests import dbsenlin
from tests.functional import base
from tests.functional import dbfaults
from tidings.backends import eventstore
from tidings.backends import partitions


class PostgreSQLMixin(base.DatabaseMixin):
    service = 'postgresql'


class PostgreSQLMigrationCases(dbcases.MigrationCases):
    def test_processes_migrating_at_once_under_serializable_succeed(self):
        # A server whose default isolation takes the transaction's
        # snapshot at its first statement: a migration must not begin
        # before it holds the lock, or it sees the database as it was.
        self.assert_migrating_at_once_succeeds(
            self.url + ('&' if '?' in self.url else '?') +
            'options=-c%20default_transaction_isolation%3Dserializable')


class TestMigrationsPostgreSQL(PostgreSQLMixin, PostgreSQLMigrationCases,
                               base.FunctionalTestCase):
    """The schema migrations on a real PostgreSQL."""


class TestEventStorePostgreSQL(PostgreSQLMixin, dbcases.StoreCases,
                               base.FunctionalTestCase):
    """The event store on a real PostgreSQL."""


class TestDatabaseBackendPostgreSQL(PostgreSQLMixin, dbcases.BackendCases,
                                    base.FunctionalTestCase):
    """The database backend on a real PostgreSQL."""


class TestDatabaseFaultsPostgreSQL(PostgreSQLMixin,
                                   dbfaults.DatabaseFaultCases,
                                   base.FunctionalTestCase):
    """The database backend through database faults on a real PostgreSQL."""


class TestQueryPlansPostgreSQL(PostgreSQLMixin, dbplans.PlanCases,
                               base.FunctionalTestCase):
    """The query plans of the event store listings on a real PostgreSQL."""


class TestSenlinViewPostgreSQL(PostgreSQLMixin, dbsenlin.SenlinViewCases,
                               base.FunctionalTestCase):
    """Senlin's event table shape (a view) on a real PostgreSQL."""


class TestPurgeLocksPostgreSQL(PostgreSQLMixin, dbcases.PurgeLockCases,
                               base.FunctionalTestCase):
    """A writer and an open purge chunk on a real PostgreSQL."""


class TestPartitionsPostgreSQL(PostgreSQLMixin, dbpartitions.PartitionCases,
                               base.FunctionalTestCase):
    """The event table partitioned by day on a real PostgreSQL."""

    def test_the_row_estimate_sums_the_analysed_partitions(self):
        # autovacuum analyses the partitions, never their parent: the
        # parent's own estimate stays "never analysed"
        store = self.partitioned()
        now = eventstore.utcnow()
        self.write(store, [
            dbhelpers.row(id=str(i), timestamp=now - dbpartitions.DAY * i)
            for i in range(3)])
        names = [partitions.partition_name('postgresql', store.table.name,
                                           day) for day in self.days(store)]
        names.append(self.catch_all(store))
        with store.engine.begin() as conn:
            for name in names:
                conn.exec_driver_sql('ANALYZE %s' % name)
        self.assertEqual(3, store.estimate_rows())


class TestEventStorePartitionedPostgreSQL(PostgreSQLMixin, dbcases.StoreCases,
                                 base.FunctionalTestCase):
    """The event store on a table partitioned by day."""

    partition_by = 'day'


class TestDatabaseBackendPartitionedPostgreSQL(PostgreSQLMixin,
                                               dbcases.BackendCases,
                                               base.FunctionalTestCase):
    """The database backend on a table partitioned by day."""

    partition_by = 'day'


class TestQueryPlansPartitionedPostgreSQL(PostgreSQLMixin,
                                          dbplans.PartitionedPlanCases,
                                          base.FunctionalTestCase):
    """The listings' plans on a table partitioned by day."""

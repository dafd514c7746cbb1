"""The database backend and the event store on a real PostgreSQL."""

from tests import dbcases
from tests import dbpartitions
from tests import dbplans
from tests import dbsenlin
from tests.functional import base
from tests.functional import dbfaults


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


class TestEventStorePartitionedPostgreSQL(PostgreSQLMixin, dbcases.StoreCases,
                                 base.FunctionalTestCase):
    """The event store on a table partitioned by day."""

    partition_by = 'day'


class TestDatabaseBackendPartitionedPostgreSQL(PostgreSQLMixin,
                                               dbcases.BackendCases,
                                               base.FunctionalTestCase):
    """The database backend on a table partitioned by day."""

    partition_by = 'day'


class TestQueryPlansPartitionedPostgreSQL(PostgreSQLMixin, dbplans.PlanCases,
                                 base.FunctionalTestCase):
    """The listings' plans on a table partitioned by day."""

    partition_by = 'day'

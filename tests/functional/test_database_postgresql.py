"""The database backend and the event store on a real PostgreSQL."""

from tests import dbcases
from tests import dbplans
from tests.functional import base
from tests.functional import dbfaults


class PostgreSQLMixin:
    def setUp(self):
        super().setUp()
        self.require('postgresql')
        self.url = base.POSTGRES_URL


class TestMigrationsPostgreSQL(PostgreSQLMixin, dbcases.MigrationCases,
                               base.FunctionalTestCase):
    def test_processes_migrating_at_once_under_serializable_succeed(self):
        # A server whose default isolation takes the transaction's
        # snapshot at its first statement: a migration must not begin
        # before it holds the lock, or it sees the database as it was.
        self.assert_migrating_at_once_succeeds(
            self.url + ('&' if '?' in self.url else '?') +
            'options=-c%20default_transaction_isolation%3Dserializable')


class TestEventStorePostgreSQL(PostgreSQLMixin, dbcases.StoreCases,
                               base.FunctionalTestCase):
    pass


class TestDatabaseBackendPostgreSQL(PostgreSQLMixin, dbcases.BackendCases,
                                    base.FunctionalTestCase):
    pass


class TestDatabaseFaultsPostgreSQL(PostgreSQLMixin,
                                   dbfaults.DatabaseFaultCases,
                                   base.FunctionalTestCase):
    service = 'postgresql'


class TestQueryPlansPostgreSQL(PostgreSQLMixin, dbplans.PlanCases,
                          base.FunctionalTestCase):
    pass

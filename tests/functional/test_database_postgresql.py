"""The database backend and the event store on a real PostgreSQL."""

from tests import dbcases
from tests import dbplans
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


globals().update(dbcases.test_classes(
    'PostgreSQL', PostgreSQLMixin, base.FunctionalTestCase,
    Migrations=PostgreSQLMigrationCases,
    DatabaseFaults=dbfaults.DatabaseFaultCases,
    QueryPlans=dbplans.PlanCases,
    PurgeLocks=dbcases.PurgeLockCases))

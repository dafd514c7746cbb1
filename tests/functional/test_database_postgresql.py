"""The database backend and the event store on a real PostgreSQL."""

from tests import dbcases
from tests.functional import base
from tests.functional import dbfaults


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


class TestDatabaseFaultsPostgreSQL(PostgreSQLMixin,
                                   dbfaults.DatabaseFaultCases,
                                   base.FunctionalTestCase):
    service = 'postgresql'

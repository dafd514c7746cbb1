"""The database backend and the event store on a real MariaDB."""

from tests import dbcases
from tests.functional import base
from tests.functional import dbfaults


class MariaDBMixin:
    def setUp(self):
        super().setUp()
        self.require('mariadb')
        self.url = base.MARIADB_URL


class TestMigrationsMariaDB(MariaDBMixin, dbcases.MigrationCases,
                            base.FunctionalTestCase):
    pass


class TestEventStoreMariaDB(MariaDBMixin, dbcases.StoreCases,
                            base.FunctionalTestCase):
    pass


class TestDatabaseBackendMariaDB(MariaDBMixin, dbcases.BackendCases,
                                 base.FunctionalTestCase):
    pass


class TestDatabaseFaultsMariaDB(MariaDBMixin, dbfaults.DatabaseFaultCases,
                                base.FunctionalTestCase):
    service = 'mariadb'

"""The database backend and the event store on a real MariaDB."""

from tests import dbcases
from tests.functional import base


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

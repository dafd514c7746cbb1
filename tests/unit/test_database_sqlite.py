"""The event store and the database backend on SQLite files."""

import os
import tempfile

import testtools

from tests import dbcases
from tests import dbplans
from tests import dbsenlin


class SQLiteMixin:
    def setUp(self):
        super().setUp()
        directory = tempfile.mkdtemp(prefix='tidings-db-')
        self.addCleanup(_remove_tree, directory)
        self.url = 'sqlite:///' + os.path.join(directory, 'events.sqlite')


def _remove_tree(path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)


class TestMigrationsSQLite(SQLiteMixin, dbcases.MigrationCases,
                          testtools.TestCase):
    """The schema migrations on SQLite files."""


class TestEventStoreSQLite(SQLiteMixin, dbcases.StoreCases,
                           testtools.TestCase):
    """The event store on SQLite files."""


class TestDatabaseBackendSQLite(SQLiteMixin, dbcases.BackendCases,
                                testtools.TestCase):
    """The database backend on SQLite files."""


class TestQueryPlansSQLite(SQLiteMixin, dbplans.PlanCases,
                           testtools.TestCase):
    """The query plans of the event store listings on SQLite files."""


class TestSenlinViewSQLite(SQLiteMixin, dbsenlin.SenlinViewCases,
                           testtools.TestCase):
    """Senlin's event table shape (a view) on SQLite files."""

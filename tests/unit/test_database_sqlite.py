"""The event store and the database backend on SQLite files."""

import os
import tempfile

import testtools

from tests import dbcases
from tests import dbplans


class SQLiteMixin:
    def setUp(self):
        super().setUp()
        directory = tempfile.mkdtemp(prefix='tidings-db-')
        self.addCleanup(_remove_tree, directory)
        self.url = 'sqlite:///' + os.path.join(directory, 'events.sqlite')


def _remove_tree(path):
    import shutil
    shutil.rmtree(path, ignore_errors=True)


globals().update(dbcases.test_classes('SQLite', SQLiteMixin,
                                      testtools.TestCase,
                                      QueryPlans=dbplans.PlanCases))

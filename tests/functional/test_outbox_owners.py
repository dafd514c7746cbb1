"""One outbox table shared by several processes on a real PostgreSQL and
MariaDB: session locks keep each process's rows its own."""

import uuid

import sqlalchemy as sa

from tests.functional import base
from tests.unit import test_outbox


class SharedTableMixin(test_outbox.OutboxOwnersMixin):

    def setUp(self):
        super().setUp()
        self.require(self.service)
        self.table = 'outbox_%s' % uuid.uuid4().hex[:10]
        self.addCleanup(self.drop)

    def url(self):
        return self.base_url

    def drop(self):
        engine = sa.create_engine(self.base_url)
        try:
            with engine.begin() as conn:
                for table in (self.table, self.table + '_ledger'):
                    conn.execute(sa.text('DROP TABLE IF EXISTS %s' % table))
        finally:
            engine.dispose()


class TestOutboxOwnersPostgreSQL(SharedTableMixin, base.FunctionalTestCase):
    service = 'postgresql'
    base_url = base.POSTGRES_URL


class TestOutboxOwnersMariaDB(SharedTableMixin, base.FunctionalTestCase):
    service = 'mariadb'
    base_url = base.MARIADB_URL

"""How a purge sizes its chunks and its pauses (:class:`ChunkPacer`)."""

import os
import sqlite3

import fixtures
import sqlalchemy as sa
import testtools

from tests import dbhelpers

from tidings.backends import dbschema
from tidings.backends import eventstore


def pacer(**kwargs):
    options = dict(target=0.02, first=200, minimum=20, maximum=5000,
                   pause_ratio=1.0, min_pause=0.02, growth=2.0)
    options.update(kwargs)
    return eventstore.ChunkPacer(**options)


class TestChunkPacer(testtools.TestCase):
    def test_the_first_chunk_is_the_configured_one(self):
        self.assertEqual(200, pacer().size)
        self.assertEqual(eventstore.PURGE_FIRST_CHUNK,
                         eventstore.ChunkPacer().size)

    def test_a_slow_chunk_shrinks_the_next_to_the_target_at_once(self):
        p = pacer()
        p.measured(200, 0.1)           # 0.5 ms a row: 20 ms is 40 rows
        self.assertEqual(40, p.size)

    def test_a_fast_chunk_grows_the_next_at_most_twice(self):
        p = pacer()
        p.measured(200, 0.001)         # 5 us a row would fit 4,000 rows
        self.assertEqual(400, p.size)
        p.measured(400, 0.002)
        self.assertEqual(800, p.size)

    def test_growth_stops_where_the_chunk_fits_the_target(self):
        p = pacer()
        p.measured(200, 0.01)          # 50 us a row: 400 rows fit 20 ms
        self.assertEqual(400, p.size)
        p.measured(400, 0.02)
        self.assertEqual(400, p.size)

    def test_size_stays_within_the_minimum_and_the_maximum(self):
        p = pacer(first=4000)
        p.measured(4000, 0.004)
        self.assertEqual(5000, p.size)
        p.measured(5000, 60.0)
        self.assertEqual(20, p.size)

    def test_an_instant_chunk_grows_by_the_growth_factor(self):
        p = pacer()
        p.measured(200, 0.0)
        self.assertEqual(400, p.size)

    def test_the_pause_is_as_long_as_the_lock_was_held(self):
        self.assertEqual(0.05, pacer().measured(200, 0.05))
        self.assertEqual(0.1, pacer(pause_ratio=2.0).measured(200, 0.05))

    def test_the_pause_is_never_shorter_than_a_writer_cycle(self):
        self.assertEqual(0.02, pacer().measured(200, 0.001))

    def test_a_zero_pause_ratio_does_not_pause(self):
        self.assertEqual(0.0, pacer(pause_ratio=0).measured(200, 0.05))

    def test_a_minimum_above_the_maximum_is_the_maximum(self):
        p = pacer(first=1, minimum=50, maximum=8)
        self.assertEqual(1, p.size)     # the first chunk is as given
        p.measured(1, 10.0)
        self.assertEqual(8, p.size)

    def test_a_first_chunk_above_the_maximum_is_the_maximum(self):
        self.assertEqual(8, pacer(first=500, maximum=8).size)

    def test_every_database_sizes_chunks_to_the_same_lock_time(self):
        sizes = {}
        for dialect in ('sqlite', 'postgresql', 'mysql', 'mariadb'):
            p = eventstore.ChunkPacer(dialect=dialect, first=100)
            p.measured(100, 0.1)            # 1 ms a row
            sizes[dialect] = p.size
        self.assertEqual({'sqlite': 20, 'postgresql': 20, 'mysql': 20,
                          'mariadb': 20}, sizes)

    def test_mariadb_pauses_three_times_a_chunk_others_twice(self):
        self.assertEqual([0.1, 0.1, 0.15, 0.15], [
            round(eventstore.ChunkPacer(dialect=d).measured(100, 0.05), 6)
            for d in ('sqlite', 'postgresql', 'mysql', 'mariadb')])

    def test_the_module_settings_are_read_when_a_pacer_is_made(self):
        self.patch(eventstore, 'PURGE_LOCK_TARGET', 0.1)
        self.patch(eventstore, 'PURGE_CHUNK', 300)
        p = eventstore.ChunkPacer()
        p.measured(200, 0.01)
        self.assertEqual(300, p.size)


class TestSQLiteChunkLock(testtools.TestCase):
    """A purge chunk takes SQLite's write lock by trying every few ms,
    not through the busy handler's sleeps of up to 100 ms."""

    def setUp(self):
        super().setUp()
        folder = self.useFixture(fixtures.TempDir()).path
        self.engine = dbschema.create_engine(
            'sqlite:///' + os.path.join(folder, 'e.sqlite'))
        self.addCleanup(self.engine.dispose)
        dbschema.upgrade(self.engine)
        self.other = sqlite3.connect(os.path.join(folder, 'e.sqlite'),
                                     isolation_level=None)
        self.addCleanup(self.other.close)
        self.other.execute('BEGIN IMMEDIATE')     # a writer holds the lock

    def test_it_tries_again_until_the_writer_commits(self):
        sleeps = []

        def sleep(seconds):
            sleeps.append(seconds)
            if len(sleeps) == 3:
                self.other.execute('COMMIT')
        with self.engine.connect() as conn:
            eventstore.lock_for_chunk(conn, sleep=sleep)
            self.assertTrue(conn.connection.dbapi_connection.in_transaction)
            conn.rollback()
            self.assertEqual(30000, conn.exec_driver_sql(
                'PRAGMA busy_timeout').scalar())
        self.assertEqual([eventstore.PURGE_LOCK_RETRY] * 3, sleeps)

    def test_a_lock_held_past_the_wait_fails_naming_the_lock(self):
        self.patch(eventstore, 'PURGE_LOCK_WAIT', 0.0)
        with self.engine.connect() as conn:
            exc = self.assertRaises(sqlite3.OperationalError,
                                    eventstore.lock_for_chunk, conn,
                                    sleep=lambda s: None)
            self.assertIn('locked', str(exc))
            self.assertEqual(30000, conn.exec_driver_sql(
                'PRAGMA busy_timeout').scalar())


class TestSQLiteCheckpoint(testtools.TestCase):
    def test_each_chunk_checkpoints_what_it_wrote(self):
        folder = self.useFixture(fixtures.TempDir()).path
        engine = dbschema.create_engine(
            'sqlite:///' + os.path.join(folder, 'e.sqlite'))
        self.addCleanup(engine.dispose)
        dbschema.upgrade(engine)
        old = eventstore.utcnow() - eventstore.datetime.timedelta(days=40)
        dbhelpers.insert_rows(engine, dbschema.DEFAULT_PREFIX, [
            dbhelpers.row(timestamp=old) for _ in range(30)])
        self.patch(eventstore, 'PURGE_FIRST_CHUNK', 10)
        self.patch(eventstore, 'PURGE_CHUNK', 10)
        statements = []
        sa.event.listen(engine, 'before_cursor_execute',
                        lambda *args: statements.append(args[2]))
        store = eventstore.EventStore(engine=engine)
        self.assertEqual(30, store.purge('1d'))
        deletes = [s for s in statements if s.startswith('DELETE')]
        checkpoints = [s for s in statements if 'wal_checkpoint' in s]
        self.assertEqual(3, len(deletes))
        self.assertEqual(['PRAGMA wal_checkpoint(PASSIVE)'] * 3, checkpoints)

"""Day partitions of the event table (``partition_by = day``), on a real
PostgreSQL and MariaDB (tests/functional): each test has its own table
prefix and drops its tables."""

import contextlib
import datetime
import io
import threading
import time

import fixtures
import sqlalchemy as sa

from tests import dbcases
from tests import dbhelpers
from tidings.backends import dbschema
from tidings.backends import eventstore
from tidings.backends import partitions
from tidings.cmd import main
from tidings.objects import errors

DAY = datetime.timedelta(days=1)


def _text(row):
    """A row dict in COLUMNS order, as the backend's BulkInsert takes it
    (the timestamp as naive UTC text)."""
    return [row[c].isoformat(' ', 'microseconds') if c == 'timestamp'
            else row[c] for c in dbschema.COLUMNS]


class PartitionCases:
    """Mixed into a test class that sets ``self.url``."""

    def partitioned(self, days_ahead=2):
        prefix = dbhelpers.unique_prefix()
        self.addCleanup(dbhelpers.drop_tables, self.url, prefix)
        store = eventstore.EventStore(self.url, table_prefix=prefix)
        self.addCleanup(store.close)
        store.upgrade(partition_by='day', days_ahead=days_ahead)
        return store

    def days(self, store):
        with store.engine.connect() as conn:
            return sorted(partitions.partitions(conn, store.table.name))

    def write(self, store, rows):
        """``rows`` through the backend's bulk writer, one batch."""
        bulk = dbschema.BulkInsert(store.table, store.engine.dialect)
        with store.engine.begin() as conn:
            bulk(conn, [_text(r) for r in rows])

    def in_partition(self, store, name):
        with store.engine.connect() as conn:
            return partitions.count_partition(conn, store.table.name, name)

    def catch_all(self, store):
        """The partition that keeps rows of days without one."""
        if store.engine.dialect.name == 'postgresql':
            return store.table.name + partitions.PG_DEFAULT
        return partitions.MAX_PARTITION

    def test_upgrade_creates_the_table_partitioned_with_days_ahead(self):
        store = self.partitioned(days_ahead=3)
        today = eventstore.utcnow().date()
        self.assertEqual([today + DAY * i for i in range(4)],
                         self.days(store))
        inspector = sa.inspect(store.engine)
        self.assertEqual(
            ['id', 'timestamp'], sorted(inspector.get_pk_constraint(
                store.table.name)['constrained_columns']))
        self.assertEqual('0004', store.upgrade(partition_by='day',
                                               days_ahead=3))
        self.assertEqual(4, len(self.days(store)))

    def test_writes_land_in_their_day_and_far_ones_are_kept(self):
        store = self.partitioned()
        now = eventstore.utcnow()
        far_future = now + datetime.timedelta(days=400)
        far_past = datetime.datetime(2001, 1, 1, 12)
        self.write(store, [dbhelpers.row(id='now', timestamp=now),
                           dbhelpers.row(id='future', timestamp=far_future),
                           dbhelpers.row(id='past', timestamp=far_past)])
        self.assertEqual(['future', 'now', 'past'], sorted(
            e['id'] for e in store.list(all_projects=True)))
        today = partitions.partition_name(store.engine.dialect.name,
                                          store.table.name, now.date())
        pg = store.engine.dialect.name == 'postgresql'
        # PostgreSQL's default partition keeps the far past and future;
        # on MariaDB the first day (today's) keeps the past, pmax the
        # future.
        self.assertEqual(1 if pg else 2, self.in_partition(store, today))
        self.assertEqual(2 if pg else 1, self.in_partition(
            store, self.catch_all(store)))

    def test_a_new_day_takes_its_rows_from_the_catch_all_partition(self):
        store = self.partitioned()
        later = eventstore.utcnow() + datetime.timedelta(days=30)
        self.write(store, [dbhelpers.row(id='later', timestamp=later)])
        self.assertEqual(1, self.in_partition(store, self.catch_all(store)))
        self.assertEqual([later.date()], partitions.add_days(
            store.engine, store.table.name, [later.date()]))
        self.assertEqual(0, self.in_partition(store, self.catch_all(store)))
        self.assertEqual(1, self.in_partition(
            store, partitions.partition_name(
                store.engine.dialect.name, store.table.name, later.date())))
        self.assertEqual(['later'], [e['id'] for e in store.list(
            all_projects=True)])

    def aged(self, store, days=5):
        """Partitions for the last ``days`` days and two rows in each
        (00:30 and 23:30 of the day); returns the rows' (id, timestamp)."""
        today = eventstore.utcnow().date()
        past = [today - DAY * i for i in range(1, days + 1)]
        partitions.add_days(store.engine, store.table.name, past)
        rows = []
        for day in past:
            for hour, minute in ((0, 30), (23, 30)):
                moment = datetime.datetime.combine(
                    day, datetime.time(hour, minute))
                rows.append(dbhelpers.row(id='%s-%02d' % (day, hour),
                                          timestamp=moment))
        self.write(store, rows)
        return [(r['id'], r['timestamp']) for r in rows]

    def test_purge_drops_whole_days_and_chunk_deletes_the_boundary(self):
        store = self.partitioned_from(5)
        rows = self.aged(store)
        now = eventstore.utcnow()
        # The cutoff is noon three days ago: days 4 and 5 go whole, the
        # 00:30 event of day 3 is deleted, its 23:30 one stays.
        boundary = now.date() - 3 * DAY
        cutoff = datetime.datetime.combine(boundary, datetime.time(12))
        expected = sorted(i for i, t in rows if t < cutoff)
        statements = []
        sa.event.listen(store.engine, 'before_cursor_execute',
                        lambda *a: statements.append(a[2]))
        done = []
        deleted = store.purge(now - cutoff, progress=lambda d, t: done.append(
            (d, t)))
        self.assertEqual(len(expected), deleted)
        self.assertEqual((len(expected), len(expected)), done[-1])
        left = sorted(e['id'] for e in store.list(all_projects=True,
                                                  limit=1000))
        self.assertEqual(sorted(i for i, t in rows if t >= cutoff), left)
        days = self.days(store)
        self.assertNotIn(boundary - DAY, days)
        self.assertNotIn(boundary - 2 * DAY, days)
        self.assertIn(boundary, days)
        drops = [s for s in statements if 'DROP PARTITION' in s or
                 s.startswith('DROP TABLE "%s_p' % store.table.name)]
        self.assertEqual(2, len(drops), drops)
        deletes = [s for s in statements if s.lstrip().upper().startswith(
            'DELETE')]
        self.assertEqual(1, len(deletes), statements)

    def partitioned_from(self, days_back):
        """A partitioned table whose day partitions are ``days_back``
        days ago to two days ahead."""
        prefix, engine = dbhelpers.schema(self, self.url)
        today = eventstore.utcnow().date()
        dbhelpers.partitioned_schema(engine, prefix, [
            today + DAY * i for i in range(-days_back, 3)])
        store = eventstore.EventStore(engine=engine, table_prefix=prefix)
        self.addCleanup(store.close)
        return store

    def test_a_drop_waiting_for_a_long_transaction_tries_again(self):
        store = self.partitioned_from(3)
        self.aged(store)
        self.useFixture(fixtures.MockPatchObject(partitions, 'LOCK_TIMEOUT',
                                                 1))
        reading = threading.Event()

        def long_reader():
            # a report's transaction on the table, open for 1.5 s
            with store.engine.connect() as conn:
                with conn.begin():
                    conn.execute(sa.select(sa.func.count()).select_from(
                        store.table)).scalar()
                    reading.set()
                    time.sleep(1.5)
        reader = threading.Thread(target=long_reader)
        reader.start()
        self.addCleanup(reader.join)
        reading.wait(10)
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends.partitions'))
        cutoff = datetime.datetime.combine(eventstore.utcnow().date() - DAY,
                                           datetime.time())
        partitions.drop_older(store.engine, store.table.name, cutoff)
        self.assertIn('its lock was not free within 1 s', logs.output)
        self.assertEqual([], [d for d in self.days(store)
                              if d < cutoff.date()])

    def test_dry_run_counts_and_names_the_partitions_to_drop(self):
        store = self.partitioned_from(5)
        rows = self.aged(store)
        now = eventstore.utcnow()
        cutoff = datetime.datetime.combine(now.date() - 3 * DAY,
                                           datetime.time(12))
        self.assertEqual(len([r for r in rows if r[1] < cutoff]),
                         store.purge(now - cutoff, dry_run=True))
        plan = store.purge_plan(now - cutoff)
        self.assertEqual([2, 2], [n for _, n in plan])
        self.assertEqual(len(rows), store.count(all_projects=True))

    def test_the_dry_run_command_names_each_partition_it_would_drop(self):
        store = self.partitioned_from(5)
        self.aged(store)
        cutoff = datetime.datetime.combine(
            eventstore.utcnow().date() - 3 * DAY, datetime.time(12))
        seconds = int((eventstore.utcnow() - cutoff).total_seconds())
        out = io.StringIO()
        with contextlib.redirect_stdout(out), \
                contextlib.redirect_stderr(io.StringIO()):
            code = main.main([
                'events', 'purge', '--db', self.url, '--table-prefix',
                store.prefix, '--older-than', '%ds' % seconds, '--dry-run'])
        self.assertEqual(0, code)
        lines = out.getvalue().splitlines()
        self.assertEqual(3, len(lines), lines)
        self.assertTrue(lines[0].startswith('would drop partition '), lines)
        self.assertIn('(2 event(s))', lines[1])
        self.assertTrue(lines[2].startswith('would delete 5 event(s)'), lines)
        self.assertEqual(10, store.count(all_projects=True))

    def test_a_stopped_purge_drops_nothing(self):
        store = self.partitioned_from(5)
        rows = self.aged(store)
        self.assertEqual(0, store.purge('2d', stop=lambda: True))
        self.assertEqual(len(rows), store.count(all_projects=True))

    def test_an_empty_unpartitioned_table_is_made_again_partitioned(self):
        prefix, engine = dbhelpers.schema(self, self.url, 'head')
        dbschema.upgrade(engine, prefix, partition_by='day')
        with engine.connect() as conn:
            self.assertTrue(partitions.is_partitioned(
                conn, dbschema.table_name(prefix)))
        view = dbschema.senlin_view(prefix)
        with engine.connect() as conn:
            self.assertEqual([], conn.execute(sa.select(view)).all())

    def test_an_unpartitioned_table_with_events_is_refused(self):
        prefix, engine = dbhelpers.schema(self, self.url, 'head')
        dbhelpers.insert_rows(engine, prefix, [dbhelpers.row(id='kept')])
        with self.assertRaises(errors.DatabaseError) as caught:
            dbschema.upgrade(engine, prefix, partition_by='day')
        message = str(caught.exception)
        self.assertIn('partition_by', message)
        self.assertIn('Converting an existing event table', message)
        store = eventstore.EventStore(engine=engine, table_prefix=prefix)
        self.assertEqual(1, store.count(all_projects=True))

    def test_a_retention_pass_makes_the_days_ahead_and_drops_old_days(self):
        prefix = dbhelpers.unique_prefix()
        store = eventstore.EventStore(self.url, table_prefix=prefix)
        self.addCleanup(store.close)
        backend = dbhelpers.make_backend(
            self, self.url, prefix=prefix, partition_by='day',
            partition_days_ahead=4, max_age='1d', retention_interval=3600)
        backend.flush()
        dbcases.BackendCases.wait_ready(self, backend)
        today = eventstore.utcnow().date()
        self.assertEqual([today + DAY * i for i in range(5)],
                         self.days(store))
        old = eventstore.utcnow() - datetime.timedelta(days=3)
        self.write(store, [dbhelpers.row(id='old', timestamp=old),
                           dbhelpers.row(id='new',
                                         timestamp=eventstore.utcnow())])
        self.assertEqual(1, backend.retain())
        self.assertEqual(['new'], [e['id'] for e in store.list(
            all_projects=True)])

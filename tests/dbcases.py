"""Behaviours of the event store and the database backend, written once
and run on SQLite (tests/unit) and on PostgreSQL and MariaDB
(tests/functional).  Each database module declares one test class per
family, ``Test<family><database>(mixin, cases, test case)``: its mixin
sets ``self.url`` in setUp.  Every test uses its own table prefix and
drops its tables.
"""

import datetime
import json
import os
import subprocess
import sys
import time

import sqlalchemy as sa

from tests import dbhelpers
from tidings.backends import dbschema
from tidings.backends import memory
from tidings.backends import eventstore
from tidings import errors


_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# One process of the concurrent migration test: connect, say ready, wait
# for "go" on stdin, upgrade, print the revision.  Every commit is
# delayed (argv[3] s), widening the window between a migration's last
# statement and its commit, where a waiter must not yet get the lock
# (releasing the lock before the commit failed 1 run in 40 without the
# delay, every run with it).
_MIGRATE_CHILD = """
import sys
import time
import warnings
warnings.simplefilter('ignore')
import sqlalchemy as sa
from tidings.backends import dbschema
engine = dbschema.create_engine(sys.argv[1])
sa.event.listen(engine, 'commit',
                lambda conn, delay=float(sys.argv[3]): time.sleep(delay))
with engine.connect():
    pass
print('ready', flush=True)
sys.stdin.readline()
print(dbschema.upgrade(engine, sys.argv[2]), flush=True)
"""


def _reap(child):
    if child.poll() is None:
        child.kill()
    child.wait(10)
    for stream in (child.stdin, child.stdout, child.stderr):
        stream.close()


#: A statement that runs for minutes unless cancelled, per dialect (on
#: MariaDB a killed SLEEP() or BENCHMARK() returns instead of failing).
LONG_STATEMENT = {
    'postgresql': 'SELECT pg_sleep(600)',
    'mysql': 'SELECT COUNT(*) FROM information_schema.collations a, '
             'information_schema.collations b, information_schema.'
             'collations c, information_schema.collations d',
    'sqlite': 'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 '
              'FROM n WHERE i < 100000000000) SELECT count(*) FROM n',
}


class MigrationCases:
    def empty_schema(self):
        """A table prefix no table has yet (its tables dropped at cleanup)
        and an engine on the test database."""
        return dbhelpers.schema(self, self.url)

    def test_upgrade_creates_the_tables_from_an_empty_database(self):
        prefix, engine = self.empty_schema()
        self.assertIsNone(dbschema.current_revision(engine, prefix))
        revision = dbschema.upgrade(engine, prefix)
        self.assertEqual(dbschema.head_revision(), revision)
        names = sa.inspect(engine).get_table_names()
        self.assertIn(prefix + 'events', names)
        self.assertIn(prefix + 'alembic_version', names)

    def test_migrated_schema_matches_the_model(self):
        from alembic.autogenerate import compare_metadata
        from alembic.runtime.migration import MigrationContext
        prefix, engine = self.empty_schema()
        dbschema.upgrade(engine, prefix)
        metadata = sa.MetaData()
        dbschema.events_table(metadata, prefix)
        with engine.connect() as conn:
            context = MigrationContext.configure(
                conn, opts={'compare_type': True})
            diff = [d for d in compare_metadata(context, metadata)
                    if not (d[0] == 'remove_table' and
                            d[1].name != prefix + 'events')
                    and not (d[0] in ('remove_index', 'remove_table') and
                             not d[1].name.startswith(
                                 ('ix_' + prefix, prefix)))]
        self.assertEqual([], diff)

    def test_upgrade_twice_is_harmless(self):
        prefix, engine = self.empty_schema()
        dbschema.upgrade(engine, prefix)
        dbhelpers.insert_rows(engine, prefix, [dbhelpers.row()])
        dbschema.upgrade(engine, prefix)
        store = eventstore.EventStore(engine=engine, table_prefix=prefix)
        self.assertEqual(1, store.count(all_projects=True))

    def filled_at(self, revision):
        """(prefix, engine, indexes) of a table migrated to ``revision``
        holding one event; ``indexes()`` maps each index suffix to its
        (columns, partial)."""
        prefix, engine = dbhelpers.schema(self, self.url, revision)
        dbhelpers.insert_rows(engine, prefix, [dbhelpers.row()])

        def indexes():
            return {ix['name'][len('ix_%sevents_' % prefix):]: (
                ix['column_names'], any(k.endswith('_where') for k in
                                        ix.get('dialect_options', {})))
                for ix in sa.inspect(engine).get_indexes(prefix + 'events')}
        return prefix, engine, indexes

    def assert_kept_its_event(self, engine, prefix):
        store = eventstore.EventStore(engine=engine, table_prefix=prefix)
        self.assertEqual(1, store.count(all_projects=True))

    def test_0002_swaps_the_indexes_of_a_filled_table_both_ways(self):
        prefix, engine, indexes = self.filled_at('0001')
        self.assertIn('project_timestamp', indexes())
        dbschema.upgrade(engine, prefix, '0002')
        self.assertIn('project_type_ts', indexes())
        self.assertNotIn('project_timestamp', indexes())
        dbschema.downgrade(engine, prefix, '0001')
        self.assertEqual(['event_type', 'object_id', 'parent_id',
                          'project_timestamp', 'request_id', 'timestamp'],
                         sorted(indexes()))
        self.assert_kept_its_event(engine, prefix)

    def test_0003_makes_the_id_indexes_cheaper_both_ways(self):
        prefix, engine, indexes = self.filled_at('0002')
        self.assertEqual((['request_id', 'timestamp', 'id'], False),
                         indexes()['request_id_ts'])
        dbschema.upgrade(engine, prefix)
        after = indexes()
        self.assertEqual({s for s, _ in dbschema.INDEXES}, set(after))
        partial = engine.dialect.name in ('postgresql', 'sqlite')
        self.assertEqual((['request_id'], partial), after['request_id'])
        for suffix in ('object_id_ts', 'parent_id_ts'):
            self.assertEqual(partial, after[suffix][1], suffix)
        dbschema.downgrade(engine, prefix, '0002')
        self.assertEqual((['request_id', 'timestamp', 'id'], False),
                         indexes()['request_id_ts'])
        self.assertNotIn('request_id', indexes())
        self.assert_kept_its_event(engine, prefix)

    def test_processes_migrating_at_once_all_succeed(self):
        self.assert_migrating_at_once_succeeds(self.url)

    def assert_migrating_at_once_succeeds(self, url, processes=3,
                                          commit_delay=0.2):
        prefix = dbhelpers.unique_prefix()
        self.addCleanup(dbhelpers.drop_tables, self.url, prefix)
        children = [subprocess.Popen(
            [sys.executable, '-c', _MIGRATE_CHILD, url, prefix,
             str(commit_delay)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, cwd=_ROOT)
            for _ in range(processes)]
        for child in children:
            self.addCleanup(_reap, child)
        for child in children:   # imported and connected: start together
            self.assertEqual('ready\n', child.stdout.readline())
        for child in children:
            child.stdin.write('go\n')
            child.stdin.flush()
        results = [(child.wait(60), child.stdout.read().strip(),
                    child.stderr.read()[-2000:]) for child in children]
        head = dbschema.head_revision()
        self.assertEqual([(0, head)] * processes, [r[:2] for r in results],
                         '\n'.join(r[2] for r in results))
        engine = dbschema.create_engine(self.url)
        self.addCleanup(engine.dispose)
        with engine.connect() as conn:
            versions = conn.execute(sa.text('SELECT * FROM %s' % (
                dbschema.version_table(prefix)))).fetchall()
        self.assertEqual(1, len(versions))

    def test_upgrade_reports_each_statement_of_each_migration(self):
        prefix, engine = self.empty_schema()
        steps = []
        dbschema.upgrade(engine, prefix, progress=steps.append)
        self.assertIsNone(steps[-1])
        steps = steps[:-1]
        table = prefix + 'events'
        self.assertTrue(steps[0].startswith(
            '0001 (1 of 4): CREATE TABLE %s' % table), steps[0])
        self.assertIn('0002 (2 of 4): CREATE INDEX IF NOT EXISTS '
                      'ix_%s_type_ts ON %s (event_type, timestamp, id)' % (
                          table, table), steps)
        self.assertFalse([s for s in steps if 'alembic_version' in s],
                         steps)
        self.assertEqual(['0001 (1 of 4)', '0002 (2 of 4)', '0003 (3 of 4)',
                          '0004 (4 of 4)'], sorted(
            {s.split(':')[0] for s in steps}))

    def test_pending_migrations_and_the_row_estimate(self):
        prefix, engine = self.empty_schema()
        self.assertEqual(['0001', '0002', '0003', '0004'],
                         dbschema.pending_migrations(engine, prefix))
        self.assertIsNone(dbschema.estimate_rows(engine, prefix))
        dbschema.upgrade(engine, prefix, '0001')
        self.assertEqual(['0002', '0003', '0004'],
                         dbschema.pending_migrations(engine, prefix))
        dbschema.upgrade(engine, prefix)
        self.assertEqual([], dbschema.pending_migrations(engine, prefix))
        dbhelpers.insert_rows(engine, prefix, [dbhelpers.row(id=str(i))
                                               for i in range(3)])
        with engine.begin() as conn:     # the statistics are estimates
            conn.exec_driver_sql('ANALYZE %s%s' % (
                'TABLE ' if engine.dialect.name == 'mysql' else '',
                prefix + 'events'))
        self.assertEqual(3, dbschema.estimate_rows(engine, prefix))

    def test_0002_stopped_after_some_indexes_runs_again_to_the_end(self):
        # What a stop (Ctrl-C) leaves on MariaDB, whose DDL commits each
        # statement: the first new indexes built, the version still 0001.
        prefix, engine = self.empty_schema()
        dbschema.upgrade(engine, prefix, '0001')
        dbhelpers.insert_rows(engine, prefix, [dbhelpers.row()])
        table = dbschema.get_table(prefix)
        with engine.begin() as conn:
            sa.Index('ix_%sevents_project_ts' % prefix, table.c.project,
                     table.c.timestamp, table.c.id).create(conn)
        self.assertEqual('0004', dbschema.upgrade(engine, prefix))
        self.assertEqual(sorted('ix_%sevents_%s' % (prefix, s)
                                for s, _ in dbschema.INDEXES),
                         sorted(ix['name'] for ix in sa.inspect(
                             engine).get_indexes(prefix + 'events')))

    def test_statement_cancel_stops_a_running_statement(self):
        import threading
        engine = dbschema.create_engine(self.url)
        self.addCleanup(engine.dispose)
        cancel = dbschema.StatementCancel()
        running, outcome = threading.Event(), []

        def run():
            with engine.connect() as conn:
                cancel.attach(conn)
                running.set()
                try:
                    conn.exec_driver_sql(LONG_STATEMENT[engine.dialect.name])
                    outcome.append('finished')
                except sa.exc.DBAPIError as exc:
                    outcome.append(exc)
        worker = threading.Thread(target=run, daemon=True)
        worker.start()
        self.assertTrue(running.wait(30))
        while worker.is_alive():    # until the statement is there to cancel
            cancel()
            worker.join(0.2)
        self.assertTrue(cancel.cancelled)
        self.assertIsInstance(outcome[0], sa.exc.DBAPIError, outcome)
        with engine.connect() as conn:     # the engine is still usable
            self.assertEqual(1, conn.exec_driver_sql('SELECT 1').scalar())

    def test_downgrade_to_base_removes_the_event_table(self):
        prefix, engine = self.empty_schema()
        dbschema.upgrade(engine, prefix)
        self.assertIsNone(dbschema.downgrade(engine, prefix))
        self.assertNotIn(prefix + 'events',
                         sa.inspect(engine).get_table_names())


class StoreCases:
    """EventStore queries on rows written directly (on a table
    partitioned by day when the class sets ``partition_by = 'day'``)."""

    partition_by = 'none'

    def store_with(self, rows):
        prefix = dbhelpers.unique_prefix()
        self.addCleanup(dbhelpers.drop_tables, self.url, prefix)
        store = eventstore.EventStore(self.url, table_prefix=prefix)
        self.addCleanup(store.close)
        store.upgrade(partition_by=self.partition_by)
        if rows:
            dbhelpers.insert_rows(store.engine, prefix, rows)
        return store

    def ids(self, events):
        return [e['id'] for e in events]

    def old_and_new(self, old_age, new_age):
        """A store with the events ``old`` and ``new`` of these ages."""
        now = eventstore.utcnow()
        return self.store_with([
            dbhelpers.row(id='old', timestamp=now - old_age),
            dbhelpers.row(id='new', timestamp=now - new_age)])

    def p1(self, store, **filters):
        """The ids, sorted, of what ``store`` lists to project p1 under
        ``filters``."""
        return sorted(self.ids(store.list(filters, project='p1')))

    def test_a_project_sees_only_its_own_events(self):
        store = self.store_with([dbhelpers.row(id='a', project='p1'),
                                 dbhelpers.row(id='b', project='p2'),
                                 dbhelpers.row(id='c', project=None)])
        self.assertEqual(['a'], self.ids(store.list(project='p1')))
        self.assertEqual(['b'], self.ids(store.list(project='p2')))

    def test_all_projects_sees_every_event(self):
        store = self.store_with([dbhelpers.row(id='a', project='p1'),
                                 dbhelpers.row(id='b', project='p2'),
                                 dbhelpers.row(id='c', project=None)])
        self.assertEqual(['a', 'b', 'c'], sorted(self.ids(
            store.list(all_projects=True))))

    def test_admin_narrows_to_one_project_with_the_project_filter(self):
        store = self.store_with([dbhelpers.row(id='a', project='p1'),
                                 dbhelpers.row(id='b', project='p2')])
        self.assertEqual(['b'], self.ids(store.list(
            {'project': 'p2'}, all_projects=True)))

    def test_a_project_bound_caller_cannot_use_the_project_filter(self):
        store = self.store_with([])
        exc = self.assertRaises(errors.FilterError, store.list,
                                {'project': 'p2'}, project='p1')
        self.assertIn('all_projects=True', str(exc))

    def test_neither_project_nor_all_projects_is_an_error(self):
        store = self.store_with([])
        exc = self.assertRaises(errors.FilterError, store.list)
        self.assertIn('a project or all_projects=True is required',
                      str(exc))

    def test_both_project_and_all_projects_is_an_error(self):
        store = self.store_with([])
        self.assertRaises(errors.FilterError, store.list, project='p1',
                          all_projects=True)

    def test_all_projects_with_an_indexed_filter_accepts_any_other(self):
        store = self.store_with([
            dbhelpers.row(id='a', object_id='o-1', level='error'),
            dbhelpers.row(id='b', object_id='o-1', project='p2'),
            dbhelpers.row(id='c', object_id='o-2', level='error')])
        self.assertEqual(['a'], self.ids(store.list(
            {'object_id': 'o-1', 'level': 'error'}, all_projects=True)))
        self.assertRaises(errors.FilterError, store.list,
                          {'level': 'error'}, all_projects=True)

    def test_level_filter_lists_that_level_and_above(self):
        store = self.store_with([
            dbhelpers.row(id='d', level='debug'),
            dbhelpers.row(id='i', level='info'),
            dbhelpers.row(id='w', level='warn'),
            dbhelpers.row(id='e', level='error'),
            dbhelpers.row(id='c', level='critical')])
        self.assertEqual(['c', 'e', 'w'], self.p1(store, level='warning'))

    def test_event_type_filter_is_exact_without_a_wildcard(self):
        store = self.store_with([
            dbhelpers.row(id='a', event_type='cluster.create.end'),
            dbhelpers.row(id='b', event_type='cluster.create.endx')])
        self.assertEqual(['a'],
                         self.p1(store, event_type='cluster.create.end'))

    def test_event_type_filter_with_a_star_or_dot_is_a_prefix(self):
        store = self.store_with([
            dbhelpers.row(id='a', event_type='cluster.create.end'),
            dbhelpers.row(id='b', event_type='cluster.delete.start'),
            dbhelpers.row(id='c', event_type='node.create.end')])
        for prefix in ('cluster.*', 'cluster.', 'cluster*'):
            self.assertEqual(['a', 'b'], self.p1(store, event_type=prefix),
                             prefix)

    def test_event_type_prefix_treats_underscore_literally(self):
        store = self.store_with([
            dbhelpers.row(id='a', event_type='mdb.create_table'),
            dbhelpers.row(id='b', event_type='mdb.createXtable')])
        self.assertEqual(['a'], self.p1(store, event_type='mdb.create_*'))

    def test_object_filters_match_exactly_and_lists_match_any(self):
        store = self.store_with([
            dbhelpers.row(id='a', object_type='node', object_id='n1',
                          object_name='web-1', parent_id='c1'),
            dbhelpers.row(id='b', object_type='node', object_id='n2',
                          object_name='web-2', parent_id='c2'),
            dbhelpers.row(id='c', object_type='cluster', object_id='c1')])
        self.assertEqual(['a', 'b'], self.p1(store, object_type='node'))
        self.assertEqual(['a'], self.p1(store, object_name='web-1'))
        self.assertEqual(['a'], self.p1(store, cluster_id='c1'))
        self.assertEqual(['a', 'c'], self.p1(store, object_id=['n1', 'c1']))

    def test_action_and_request_id_filters(self):
        store = self.store_with([
            dbhelpers.row(id='a', action='create', request_id='req-1'),
            dbhelpers.row(id='b', action='delete', request_id='req-2')])
        self.assertEqual(['b'], self.p1(store, action='delete'))
        self.assertEqual(['a'], self.p1(store, request_id='req-1'))

    def test_since_and_until_bound_the_time_range(self):
        t0 = dbhelpers.T0
        store = self.store_with([
            dbhelpers.row(id=str(i), timestamp=t0 + datetime.timedelta(
                minutes=i)) for i in range(5)])
        events = store.list({'since': t0 + datetime.timedelta(minutes=1),
                             'until': '2026-01-01T12:03:00'}, project='p1')
        self.assertEqual(['2', '1'], self.ids(events))

    def test_since_accepts_a_duration_ago(self):
        store = self.old_and_new(datetime.timedelta(hours=3),
                                 datetime.timedelta(minutes=5))
        self.assertEqual(['new'], self.p1(store, since='1h'))

    def test_timestamps_keep_microseconds(self):
        moment = dbhelpers.T0.replace(microsecond=123456)
        store = self.store_with([dbhelpers.row(id='a', timestamp=moment)])
        self.assertEqual(moment, store.get('a', project='p1')['timestamp'])

    def test_default_order_is_newest_first(self):
        t0 = dbhelpers.T0
        store = self.store_with([
            dbhelpers.row(id=str(i), timestamp=t0 + datetime.timedelta(
                seconds=i)) for i in range(3)])
        self.assertEqual(['2', '1', '0'], self.ids(store.list(project='p1')))

    def test_marker_pages_are_stable_when_timestamps_tie(self):
        t0 = dbhelpers.T0
        rows = [dbhelpers.row(id='e%02d' % i, timestamp=t0 +
                              datetime.timedelta(seconds=i // 4))
                for i in range(20)]
        store = self.store_with(rows)
        seen, marker = [], None
        while True:
            page = store.list(project='p1', limit=3, marker=marker)
            if not page:
                break
            seen.extend(self.ids(page))
            marker = page[-1]['id']
        self.assertEqual(20, len(seen))
        self.assertEqual(sorted(seen), sorted(set(seen)))
        expected = [r['id'] for r in sorted(
            rows, key=lambda r: (r['timestamp'], r['id']), reverse=True)]
        self.assertEqual(expected, seen)

    def test_sort_by_level_then_time(self):
        store = self.store_with([
            dbhelpers.row(id='a', level='info'),
            dbhelpers.row(id='b', level='error'),
            dbhelpers.row(id='c', level='warn')])
        self.assertEqual(['b', 'c', 'a'], self.ids(store.list(
            project='p1', sort='level:desc,timestamp:desc')))

    def test_a_marker_from_another_project_is_rejected(self):
        store = self.store_with([dbhelpers.row(id='a', project='p1'),
                                 dbhelpers.row(id='b', project='p2')])
        exc = self.assertRaises(errors.FilterError, store.list,
                                project='p1', marker='b')
        self.assertIn('no such event in project p1', str(exc))

    def test_listed_events_carry_the_payload_decoded(self):
        store = self.store_with([dbhelpers.row(
            id='a', payload=json.dumps({'k': [1, 2]}))])
        event = store.list(project='p1')[0]
        self.assertEqual({'k': [1, 2]}, event['payload'])
        self.assertNotIn('level_rank', event)

    def test_get_hides_another_projects_event(self):
        store = self.store_with([dbhelpers.row(id='a', project='p2')])
        self.assertIsNone(store.get('a', project='p1'))
        self.assertEqual('a', store.get('a', all_projects=True)['id'])

    def test_purge_deletes_events_older_than_the_duration(self):
        store = self.old_and_new(datetime.timedelta(days=40),
                                 datetime.timedelta(days=2))
        self.assertEqual(1, store.purge('30d'))
        self.assertEqual(['new'], self.ids(store.list(all_projects=True)))

    def test_purge_of_one_project_keeps_the_others(self):
        old = eventstore.utcnow() - datetime.timedelta(days=40)
        store = self.store_with([
            dbhelpers.row(id='a', project='p1', timestamp=old),
            dbhelpers.row(id='b', project='p2', timestamp=old)])
        self.assertEqual(1, store.purge('30d', project='p1'))
        self.assertEqual(['b'], self.ids(store.list(all_projects=True)))

    def test_purge_deletes_more_than_one_chunk(self):
        old = eventstore.utcnow() - datetime.timedelta(days=40)
        self.patch(eventstore, 'PURGE_CHUNK', 7)
        store = self.store_with([dbhelpers.row(timestamp=old)
                                 for _ in range(30)])
        self.assertEqual(30, store.purge('1d'))
        self.assertEqual(0, store.count(all_projects=True))

    def test_purge_chunks_pause_as_long_as_they_held_the_lock(self):
        old = eventstore.utcnow() - datetime.timedelta(days=40)
        self.patch(eventstore, 'PURGE_FIRST_CHUNK', 5)
        self.patch(eventstore, 'PURGE_CHUNK', 8)
        store = self.store_with([dbhelpers.row(timestamp=old)
                                 for _ in range(30)] +
                                [dbhelpers.row(id='new',
                                               timestamp=eventstore.utcnow())])
        pauses, seen = [], []
        deleted = eventstore.delete_chunked(
            store.engine, store.table,
            [store.table.c.timestamp < eventstore.utcnow()
             - datetime.timedelta(days=1)],
            progress=seen.append, sleep=pauses.append)
        self.assertEqual(30, deleted)
        self.assertEqual(5, seen[0])      # the first chunk, then <= 8
        self.assertEqual(30, seen[-1])
        self.assertTrue(all(0 < b - a <= 8 for a, b in zip(
            seen, seen[1:], strict=False)), seen)
        self.assertEqual(len(seen) - 1, len(pauses))
        self.assertTrue(all(p > 0 for p in pauses), pauses)
        self.assertEqual(['new'], self.ids(store.list(all_projects=True)))

    def test_purge_stops_between_chunks_and_dry_run_deletes_nothing(self):
        old = eventstore.utcnow() - datetime.timedelta(days=40)
        self.patch(eventstore, 'PURGE_FIRST_CHUNK', 4)
        self.patch(eventstore, 'PURGE_PAUSE_RATIO', 0)
        store = self.store_with([dbhelpers.row(timestamp=old)
                                 for _ in range(10)])
        self.assertEqual(10, store.purge('30d', dry_run=True))
        calls = []
        deleted = store.purge('30d', progress=lambda *a: calls.append(a),
                              stop=lambda: len(calls) > 1)
        self.assertEqual(4, deleted)
        self.assertEqual([(0, 10), (4, 10)], calls)
        self.assertEqual(6, store.count(all_projects=True))

    def test_trim_keeps_the_newest_rows_of_each_project(self):
        t0 = dbhelpers.T0
        rows = [dbhelpers.row(id='%s-%d' % (p, i), project=p,
                              timestamp=t0 + datetime.timedelta(seconds=i))
                for p in ('p1', 'p2', None) for i in range(5)]
        store = self.store_with(rows)
        self.assertEqual(9, store.trim(2))
        kept = sorted(e['id'] for e in store.list(all_projects=True))
        self.assertEqual(['None-3', 'None-4', 'p1-3', 'p1-4', 'p2-3',
                          'p2-4'], kept)


class BackendCases:
    """The database backend behind a real Notifier (``partition_by``: as
    :class:`StoreCases`)."""

    partition_by = 'none'

    def backend(self, **options):
        options.setdefault('partition_by', self.partition_by)
        return dbhelpers.make_backend(self, self.url, **options)

    def store_of(self, backend):
        store = eventstore.EventStore(self.url,
                                      table_prefix=backend.table_prefix)
        self.addCleanup(store.close)
        return store

    def test_every_notification_becomes_one_row(self):
        backend = self.backend()
        notifier = dbhelpers.notifier(backend)
        sent = [notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                dbhelpers.cluster()) for _ in range(25)]
        self.assertTrue(notifier.flush(10))
        store = self.store_of(backend)
        self.assertEqual(sorted(n.message_id for n in sent), sorted(
            e['id'] for e in store.list(all_projects=True)))
        self.assertEqual(25, backend.stats()['stored'])

    def test_default_mapping_fills_the_queryable_columns(self):
        backend = self.backend()
        notifier = dbhelpers.notifier(backend)
        payload = dbhelpers.cluster(project='p9', name='db', status='ERROR',
                                    status_reason='quota exceeded')
        note = notifier.notify(dbhelpers.CLUSTER_DELETE_ERROR, payload,
                               context={'request_id': 'req-7'})
        notifier.flush(10)
        event = self.store_of(backend).get(note.message_id, project='p9')
        expected = {
            'level': 'error', 'event_type': 'cluster.delete.error',
            'object_type': 'cluster', 'object_id': payload.id,
            'object_name': 'db', 'action': 'delete', 'phase': 'error',
            'project': 'p9', 'user': 'u1', 'request_id': 'req-7',
            'status': 'ERROR', 'reason': 'quota exceeded',
            'source': 'engine', 'payload_name': 'ClusterPayload',
            'payload_version': '1.0', 'parent_id': None}
        self.assertEqual(expected, {k: event[k] for k in expected})
        self.assertEqual(note.to_wire()['payload'], event['payload'])
        self.assertEqual(note.created.replace(tzinfo=None),
                         event['timestamp'])

    def test_record_maps_nested_fields_and_the_parent(self):
        backend = self.backend()
        notifier = dbhelpers.notifier(backend)
        payload = dbhelpers.node(project='p3', cluster_id='cl-42')
        note = notifier.notify(dbhelpers.NODE_UPDATE_END, payload)
        notifier.flush(10)
        event = self.store_of(backend).list({'cluster_id': 'cl-42'},
                                            project='p3')[0]
        self.assertEqual(
            (note.message_id, 'node', payload.node.id, 'web-1', 'cl-42',
             'update', 'end', 'p3', 'u2', 'ERROR', 'boot failed', 'warn'),
            tuple(event[k] for k in (
                'id', 'object_type', 'object_id', 'object_name',
                'parent_id', 'action', 'phase', 'project', 'user',
                'status', 'reason', 'level')))

    def test_sensitive_fields_are_masked_in_the_stored_payload(self):
        backend = self.backend()
        notifier = dbhelpers.notifier(backend)
        note = notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                               dbhelpers.cluster(password='hunter2'))
        notifier.flush(10)
        event = self.store_of(backend).get(note.message_id, project='p1')
        self.assertNotIn('hunter2', json.dumps(event['payload']))
        self.assertEqual('***', event['payload'][
            'dbtest_object.data']['password'])

    def test_events_of_other_mechanisms_are_not_stored(self):
        backend = self.backend()
        notifier = dbhelpers.notifier(backend)
        self.assertIsNone(notifier.notify(dbhelpers.MESSAGING_ONLY,
                                          dbhelpers.cluster()))

    def test_writes_are_batched(self):
        backend = self.backend(batch_size=50, flush_interval=0.5)
        calls = []
        backend.flush()
        original = backend.deliver

        def deliver(batch):
            calls.append(len(batch))
            original(batch)
        backend.deliver = deliver
        notifier = dbhelpers.notifier(backend)
        for _ in range(200):
            notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                            dbhelpers.cluster())
        notifier.flush(10)
        self.assertEqual(200, sum(calls))
        self.assertLessEqual(len(calls), 6)
        self.assertEqual(200, self.store_of(backend).count(
            all_projects=True))

    def test_a_retried_batch_already_stored_is_not_duplicated(self):
        backend = self.backend()
        notifier = dbhelpers.notifier(backend)
        notes = [notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                 dbhelpers.cluster()) for _ in range(3)]
        notifier.flush(10)
        fresh = dbhelpers.notifier(memory.MemoryBackend()).notify(
            dbhelpers.CLUSTER_CREATE_END, dbhelpers.cluster())
        backend.deliver(notes + [fresh])
        self.assertEqual(4, self.store_of(backend).count(all_projects=True))
        self.assertEqual(3, backend.stats()['duplicates'])

    def _unsent(self, count):
        notifier = dbhelpers.notifier(memory.MemoryBackend(
            max_notifications=count))
        return [notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                dbhelpers.cluster()) for _ in range(count)]

    def _ready(self, backend):
        # The first notification waits for the worker's migrations.
        notifier = dbhelpers.notifier(backend)
        notifier.notify(dbhelpers.CLUSTER_CREATE_END, dbhelpers.cluster())
        self.assertTrue(notifier.flush(10))
        return backend

    def test_a_batch_larger_than_one_statement_is_stored_whole(self):
        # 2000 rows are two SQLite INSERTs (1000 rows each at most).
        backend = self._ready(self.backend())
        backend.deliver(self._unsent(2000))
        self.assertEqual(2001, self.store_of(backend).count(
            all_projects=True))
        self.assertEqual(2001, backend.stats()['stored'])

    def test_a_refused_batch_leaves_none_of_its_rows_behind(self):
        # The last row is refused (a duplicate): the statements before it
        # are rolled back with it, so the row-by-row retry finds exactly
        # one duplicate, not the rows of a committed first statement.
        backend = self._ready(self.backend())
        notes = self._unsent(2000)
        backend.deliver(notes[-1:])
        backend.deliver(notes)
        self.assertEqual((2001, 1), (
            self.store_of(backend).count(all_projects=True),
            backend.stats()['duplicates']))

    def test_awkward_text_round_trips_unchanged(self):
        backend = self.backend()
        notifier = dbhelpers.notifier(backend)
        name = ('tab\there\nnew\\N line\r\\ \u00fcn\u00efc\u00f8d\u00e9 '
                '\u2603 it\'s "q" \x1a %s %% \U0001f600')
        notes = [notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                 dbhelpers.cluster(name=name,
                                                   status_reason='\\N'))
                 for _ in range(3)]
        notifier.flush(10)
        store = self.store_of(backend)
        for note in notes:
            event = store.get(note.message_id, project='p1')
            self.assertEqual((name, '\\N'), (event['object_name'],
                                             event['reason']))
            self.assertEqual(note.to_wire()['payload'], event['payload'])

    def test_long_values_are_cut_to_the_column_length(self):
        backend = self.backend()
        notifier = dbhelpers.notifier(backend)
        note = notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                               dbhelpers.cluster(name='n' * 400,
                                                 status_reason='r' * 5000))
        notifier.flush(10)
        event = self.store_of(backend).get(note.message_id, project='p1')
        self.assertEqual('n' * 255, event['object_name'])
        self.assertEqual('r' * 5000, event['reason'])
        self.assertEqual(0, backend.stats()['failed'])

    def test_max_age_retention_deletes_old_events(self):
        backend = self.backend(max_age='1d', retention_interval=3600)
        backend.flush()
        old = eventstore.utcnow() - datetime.timedelta(days=3)
        self.wait_ready(backend)
        dbhelpers.insert_rows(backend._engine, backend.table_prefix, [
            dbhelpers.row(id='old', timestamp=old), dbhelpers.row(
                id='new', timestamp=eventstore.utcnow())])
        backend.retain()
        self.assertEqual(['new'], [e['id'] for e in self.store_of(
            backend).list(all_projects=True)])
        self.assertEqual(1, backend.stats()['purged'])

    def test_max_rows_per_project_retention_keeps_the_newest(self):
        backend = self.backend(max_rows_per_project=3,
                               retention_interval=3600)
        notifier = dbhelpers.notifier(backend)
        notes = [notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                 dbhelpers.cluster(project='p1'))
                 for _ in range(8)]
        notifier.flush(10)
        backend.retain()
        store = self.store_of(backend)
        self.assertEqual(sorted(n.message_id for n in notes[-3:]),
                         sorted(e['id'] for e in store.list(project='p1')))

    def test_retention_runs_on_its_own_at_the_interval(self):
        old = eventstore.utcnow() - datetime.timedelta(days=3)
        prefix = dbhelpers.unique_prefix()
        seed = dbhelpers.make_backend(self, self.url, prefix=prefix)
        self.wait_ready(seed)
        dbhelpers.insert_rows(seed._engine, prefix, [
            dbhelpers.row(id='old', timestamp=old)])
        backend = dbhelpers.make_backend(self, self.url, prefix=prefix,
                                         max_age='1d', retention_interval=1)
        store = self.store_of(backend)
        deadline = time.monotonic() + 10
        # (the pass counts what it deleted once it is over: the row can be
        # gone a moment before the counter says so)
        while (store.count(all_projects=True)
               or not backend.stats()['purged']) and \
                time.monotonic() < deadline:
            time.sleep(0.05)
        self.assertEqual(0, store.count(all_projects=True))
        self.assertEqual(1, backend.stats()['purged'])

    def wait_ready(self, backend, timeout=10):
        deadline = time.monotonic() + timeout
        while not backend._ready and time.monotonic() < deadline:
            time.sleep(0.01)
        self.assertTrue(backend._ready, backend.last_error)


class PurgeLockCases:
    """PostgreSQL and MariaDB lock rows, not the table: a writer must not
    wait for a purge chunk's open transaction.  (SQLite has one write
    lock for the file: there a chunk's length is the wait, which the
    chunk sizing bounds.)"""

    #: Seconds a writer's statement may wait for a lock before it fails.
    LOCK_TIMEOUT = {'postgresql': "SET lock_timeout = '2s'",
                    'mysql': 'SET innodb_lock_wait_timeout = 2'}

    def test_purge_advice_names_a_buffer_pool_the_table_outgrew(self):
        prefix, engine = dbhelpers.schema(self, self.url, 'head')
        dbhelpers.insert_rows(engine, prefix, [
            dbhelpers.row(id='e-%d' % i) for i in range(10)])
        table = dbschema.get_table(prefix)
        self.assertIsNone(eventstore.purge_advice(engine, table))
        # a pool smaller than the table (the share made tiny): MariaDB
        # says it, with the size to set; PostgreSQL has nothing to say
        self.patch(eventstore, 'BUFFER_POOL_SHARE', 1e-9)
        advice = eventstore.purge_advice(engine, table)
        if engine.dialect.name == 'postgresql':
            self.assertIsNone(advice)
            return
        self.assertIn('the event table %s and its indexes' % table.name,
                      advice)
        self.assertRegex(advice, r'innodb_buffer_pool_size = \d+ MiB\)')
        self.assertRegex(advice, r'set innodb_buffer_pool_size to at '
                                 r'least \d+ MiB')

    def test_a_writer_does_not_wait_for_an_open_purge_chunk(self):
        # The chunk: p-2's five oldest events, deleted by primary key as
        # delete_chunked does.  The writer's rows land in the index gaps
        # next to them: a p-1 event sorts just before p-2's first in the
        # (project, timestamp, id) indexes, an older p-2 event just
        # before them in (timestamp, id).  Under MariaDB's REPEATABLE
        # READ a next-key (gap) lock there would make the writer wait;
        # a delete by primary key takes record locks only.
        prefix, engine = dbhelpers.schema(self, self.url, 'head')
        t0 = dbhelpers.T0
        dbhelpers.insert_rows(engine, prefix, [
            dbhelpers.row(id='%s-%d' % (project, i), project=project,
                          timestamp=t0 + datetime.timedelta(hours=i))
            for project in ('p-1', 'p-2', 'p-3') for i in range(10)])
        table = dbschema.get_table(prefix)
        chunk = ['p-2-%d' % i for i in range(5)]
        with engine.connect() as purge, engine.connect() as writer:
            purge.begin()
            self.assertEqual(5, purge.execute(sa.delete(table).where(
                table.c.id.in_(chunk))).rowcount)
            writer.exec_driver_sql(self.LOCK_TIMEOUT[engine.dialect.name])
            writer.execute(table.insert(), [
                dbhelpers.row(id='new-p-1', project='p-1',
                              timestamp=eventstore.utcnow()),
                dbhelpers.row(id='old-p-2', project='p-2',
                              timestamp=t0 - datetime.timedelta(hours=1))])
            writer.commit()
            purge.commit()
        store = eventstore.EventStore(engine=engine, table_prefix=prefix)
        self.assertEqual(27, store.count(all_projects=True))
        self.assertIsNone(store.get('p-2-0', all_projects=True))
        self.assertIsNotNone(store.get('new-p-1', all_projects=True))

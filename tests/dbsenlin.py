"""The view in the shape of Senlin's ``event`` table (migration 0004),
on the three databases: a family of :func:`tests.dbcases.test_classes`.

The rows are written by the database backend from the bundled Senlin
catalog's own events, then read back through the view with Senlin's
column names; Senlin's listings (a cluster's, an object's, newest first,
a level filter) are checked for their results and, on a filled table,
for their plans: each must seek in the generic index of its filter.
"""

import datetime
import json
import re

import sqlalchemy as sa

from tests import dbhelpers
from tests import eventfill
from tidings import conf as tidings_conf
from tidings.backends import dbschema
from tidings.backends import eventstore
from tidings.catalogs.senlin import events as senlin
from tidings.notifications import notifier as notifier_mod

#: Rows of the table the plans are read on (as tests/dbplans.py).
ROWS = 20000


def newest_first(view, *where, limit=50):
    """A Senlin listing: newest first, ties broken by id (the order of
    Senlin's ``event_get_all`` and of every generic index)."""
    return sa.select(view).where(*where).order_by(
        view.c.timestamp.desc(), view.c.id.desc()).limit(limit)


#: (name, the listing's conditions on the view, the index suffix its
#: plan must use).  ``c-7`` has 10 of the filled rows, ``obj-7`` one,
#: ``p-7`` 20 (of which none at level 40: the filter still runs).
LISTINGS = (
    ('a cluster', lambda v: [v.c.cluster_id == 'c-7'], 'parent_id_ts'),
    ('an object', lambda v: [v.c.oid == 'obj-7'], 'object_id_ts'),
    ('all, newest first', lambda v: [], 'timestamp'),
    ('a project at level 40', lambda v: [v.c.project == 'p-7',
                                         v.c.level == '40'], 'project_ts'),
)


def uses_index(dialect, plan, suffix):
    """Whether ``plan`` (lines) reads the event table through the index
    ``ix_<prefix>events_<suffix>`` and needs no sort of the whole
    table; the reason when not."""
    text = '\n'.join(plan)
    name = r'ix_\S*events_%s\b' % suffix
    if dialect == 'sqlite':
        ok = re.search('USING (COVERING )?INDEX ' + name, text) and \
            'TEMP B-TREE' not in text
    elif dialect == 'postgresql':
        # An index scan in listing order, or a bitmap scan of the few
        # matches then a sort of those.
        ok = 'Seq Scan' not in text and re.search(
            r'(Index Scan Backward|Bitmap Index Scan) (using|on) ' + name,
            text)
    else:
        ok = re.search(r'\bkey=' + name, text) and 'filesort' not in text
    return bool(ok)


class SenlinViewCases:
    """Mixed into a test class that sets ``self.url``."""

    def migrated(self):
        return dbhelpers.schema(self, self.url, 'head')

    def select(self, engine, query):
        with engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]

    def views(self, engine):
        return sa.inspect(engine).get_view_names()

    def test_upgrade_creates_the_view_with_senlins_columns(self):
        prefix, engine = self.migrated()
        name = dbschema.senlin_view_name(prefix)
        self.assertIn(name, self.views(engine))
        self.assertEqual(
            list(dbschema.SENLIN_EVENT_COLUMNS),
            [c['name'] for c in sa.inspect(engine).get_columns(name)])
        if engine.dialect.name in ('mysql', 'mariadb'):
            with engine.connect() as conn:
                ddl = conn.exec_driver_sql(
                    'SHOW CREATE VIEW `%s`' % name).fetchone()[1]
            self.assertIn('ALGORITHM=MERGE', ddl)
            self.assertIn('SQL SECURITY INVOKER', ddl)

    def test_events_the_backend_wrote_read_in_senlins_shape(self):
        backend = dbhelpers.make_backend(self, self.url)
        notifier = notifier_mod.Notifier(
            tidings_conf.new_conf(), senlin.EVENTS, source='engine',
            backends=[backend])
        ended = notifier.notify(senlin.EVENT_TYPE_CLUSTER_CREATE_END,
                                senlin.sample('cluster', 'create', 'end'))
        failed = notifier.notify(senlin.EVENT_TYPE_NODE_CREATE_ERROR,
                                 senlin.sample('node', 'create', 'error'))
        self.assertTrue(notifier.flush(20))
        engine = dbschema.create_engine(self.url)
        self.addCleanup(engine.dispose)
        view = dbschema.senlin_view(backend.table_prefix)
        table = dbschema.get_table(backend.table_prefix)
        rows = {r['id']: r for r in self.select(engine, sa.select(view))}
        stored = {r['id']: r for r in self.select(engine, sa.select(table))}
        self.assertEqual({ended.message_id, failed.message_id}, set(rows))
        common = dict(user=senlin.USER, project=senlin.PROJECT,
                      cluster_id=senlin.CLUSTER_ID)
        self.assertEqual(dict(
            common, oid=senlin.CLUSTER_ID, oname='web-cluster',
            otype='CLUSTER', level='20', action='CLUSTER_CREATE',
            status='SUCCEEDED',
            status_reason='Action completed successfully'),
            self.senlin_columns(rows[ended.message_id]))
        self.assertEqual(dict(
            common, oid=senlin.NODE_ID, oname='node-web-001', otype='NODE',
            level='40', action='NODE_CREATE', status='FAILED',
            status_reason='Action failed'),
            self.senlin_columns(rows[failed.message_id]))
        for message_id, row in rows.items():
            self.assertEqual(stored[message_id]['timestamp'],
                             row['timestamp'])
            self.assertIsInstance(row['timestamp'], datetime.datetime)
            # meta_data: the stored payload, a JSON object.
            self.assertEqual(stored[message_id]['payload'], row['meta_data'])
        meta = json.loads(rows[failed.message_id]['meta_data'])
        self.assertEqual('NodeActionPayload', meta['senlin_object.name'])
        self.assertEqual('ResourceNotFound', meta['senlin_object.data'][
            'exception']['senlin_object.data']['exception'])

    @staticmethod
    def senlin_columns(row):
        return {k: v for k, v in row.items()
                if k not in ('id', 'timestamp', 'meta_data')}

    def test_senlins_listings_return_the_right_rows_newest_first(self):
        prefix, engine = self.migrated()
        t0 = dbhelpers.T0
        rows = [dbhelpers.row(
            id='e%02d' % i, timestamp=t0 + datetime.timedelta(seconds=i),
            object_type='node' if i % 2 else 'cluster',
            object_id='n-%d' % (i % 3), parent_id='c-%d' % (i % 2),
            project='p-%d' % (i % 4), level='error' if i % 5 == 0 else
            'info') for i in range(20)]
        # Two at the same instant: the id breaks the tie.
        rows.append(dbhelpers.row(id='e99', timestamp=rows[19]['timestamp'],
                                  object_id='n-0', parent_id='c-1',
                                  project='p-3'))
        dbhelpers.insert_rows(engine, prefix, rows)
        view = dbschema.senlin_view(prefix)

        def ids(*where, limit=50):
            return [r['id'] for r in self.select(
                engine, newest_first(view, *where, limit=limit))]

        def expected(keep, limit=50):
            chosen = sorted((r for r in rows if keep(r)), key=lambda r: (
                r['timestamp'], r['id']), reverse=True)
            return [r['id'] for r in chosen][:limit]

        self.assertEqual(expected(lambda r: r['parent_id'] == 'c-1'),
                         ids(view.c.cluster_id == 'c-1'))
        self.assertEqual(['e99', 'e19', 'e17'],
                         ids(view.c.cluster_id == 'c-1', limit=3))
        self.assertEqual(expected(lambda r: r['object_id'] == 'n-2'),
                         ids(view.c.oid == 'n-2'))
        self.assertEqual(expected(lambda r: True, 5), ids(limit=5))
        self.assertEqual(['e15', 'e10', 'e05', 'e00'],
                         ids(view.c.level == '40'))
        self.assertEqual(
            expected(lambda r: r['project'] == 'p-0' and
                     r['level'] == 'error'),
            ids(view.c.project == 'p-0', view.c.level == '40'))
        self.assertEqual(
            ['e19', 'e17'],
            ids(view.c.otype == 'NODE', view.c.cluster_id == 'c-1',
                limit=2))

    def test_senlins_listings_seek_in_the_generic_indexes(self):
        prefix, engine = self.migrated()
        eventfill.fill(engine, prefix, ROWS)
        view = dbschema.senlin_view(prefix)
        dialect = engine.dialect.name
        for name, where, suffix in LISTINGS:
            query = newest_first(view, *where(view))
            with engine.connect() as conn:
                plan = eventstore.explain(conn, query)
                found = conn.execute(query).fetchall()
            self.assertTrue(uses_index(dialect, plan, suffix),
                            '%s: not served by ix_*_%s:\n%s' % (
                                name, suffix, '\n'.join(plan)))
            if suffix != 'project_ts':
                self.assertTrue(found, name)

    def test_downgrade_drops_the_view_and_keeps_the_events(self):
        prefix, engine = self.migrated()
        dbhelpers.insert_rows(engine, prefix, [dbhelpers.row()])
        self.assertEqual('0003', dbschema.downgrade(engine, prefix, '0003'))
        self.assertNotIn(dbschema.senlin_view_name(prefix),
                         self.views(engine))
        store = eventstore.EventStore(engine=engine, table_prefix=prefix)
        self.assertEqual(1, store.count(all_projects=True))
        dbschema.upgrade(engine, prefix)
        self.assertEqual(1, len(self.select(
            engine, sa.select(dbschema.senlin_view(prefix)))))

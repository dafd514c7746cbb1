"""What the database backend's queue holds while the database is slow or
down: beyond a batch, rows (GC-untracked tuples) instead of
notifications, stored exactly as the worker would have stored them."""

import gc
import inspect
import logging
import os
import threading
import weakref
from unittest import mock

import fixtures
import sqlalchemy as sa
import testtools

from tests import dbhelpers
from tests.functional import base as functional_base
from tidings.backends import database
from tidings.backends import dbschema
from tidings.backends import record
from tidings.notifications import notifier as notifier_mod

CONTEXT = {'project_id': 'ctx-project', 'user_id': 'ctx-user',
           'request_id': 'req-1'}


def emit_mix(notifier, count):
    """``count`` notifications of several shapes: defaults, a nested
    payload with a RECORD and a fault, an HTTP status variant, a
    context."""
    notes = []
    for i in range(count):
        kind = i % 3
        if kind == 0:
            note = notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                   dbhelpers.cluster(project=None),
                                   context=dict(CONTEXT))
        elif kind == 1:
            fault = dbhelpers.ExceptionPayload(
                module_name='m', function_name='f', exception='E',
                exception_message='boom\x00%d' % i)
            note = notifier.notify(dbhelpers.NODE_UPDATE_END,
                                   dbhelpers.node(fault=fault))
        else:
            note = notifier.notify(dbhelpers.REQUEST_ERROR,
                                   dbhelpers.cluster(name='n' * 300),
                                   status=503)
        notes.append(note)
    return notes


def worker_row(note):
    """The row the worker builds for ``note``."""
    return record.Plan(note.event, type(note.payload)).values(note)


class TestQueuedRows(testtools.TestCase):
    """The worker is stalled (nothing listens on the database's port), so
    the queue keeps exactly what send() put in it."""

    def setUp(self):
        super().setUp()
        self.log = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends', level=logging.WARNING))

    def stalled(self, **options):
        backend = database.DatabaseBackend(
            None, url='postgresql://t@127.0.0.1:%d/x'
            % functional_base.free_port(),
            retry_interval_max=0.05, connect_timeout=1, **options)
        self.addCleanup(backend.close, 0.1)
        return backend

    def queued(self, backend):
        return list(backend._worker.items)

    def test_beyond_a_batch_the_queue_keeps_rows_the_gc_does_not_track(self):
        backend = self.stalled(batch_size=4, queue_size=100)
        notes = emit_mix(dbhelpers.notifier(backend), 30)
        items = self.queued(backend)
        self.assertEqual(notes[:4], items[:4])
        rows = items[4:]
        self.assertEqual(26, len(rows))
        gc.collect()
        for note, row in zip(notes[4:], rows, strict=True):
            self.assertIs(tuple, type(row))
            self.assertEqual(set(), {type(v) for v in row} - {
                str, int, type(None)})
            self.assertFalse(gc.is_tracked(row), row)
            self.assertEqual(tuple(worker_row(note)), row)
        self.assertEqual((30, 0, 0), tuple(backend.stats()[key] for key in (
            'queued', 'dropped', 'failed')))

    def test_a_queued_row_keeps_nothing_of_the_notification_alive(self):
        backend = self.stalled(batch_size=1, queue_size=10)
        notifier = dbhelpers.notifier(backend)
        notifier.notify(dbhelpers.CLUSTER_CREATE_END, dbhelpers.cluster())
        payload = dbhelpers.cluster()
        note = notifier.notify(dbhelpers.CLUSTER_CREATE_END, payload,
                               context=dict(CONTEXT))
        gone = weakref.ref(payload)
        context = note.context
        del payload, note
        gc.collect()
        self.assertIsNone(gone())
        self.assertEqual([], [r for r in gc.get_referrers(context)
                              if not inspect.isframe(r)])
        self.assertIs(tuple, type(self.queued(backend)[1]))

    def test_a_full_queue_drops_without_building_a_row(self):
        backend = self.stalled(batch_size=2, queue_size=10)
        with mock.patch.object(record.Plan, 'row', autospec=True,
                               side_effect=record.Plan.row) as row:
            emit_mix(dbhelpers.notifier(backend), 15)
        self.assertEqual(8, row.call_count)
        stats = backend.stats()
        self.assertEqual((10, 5), (stats['queued'], stats['dropped']))
        self.assertEqual(1, self.log.output.count('queue full (10 waiting)'))

    def test_a_row_that_cannot_be_built_is_counted_and_logged(self):
        events, broken, BadRecordPayload = dbhelpers.bad_record_catalog()
        backend = self.stalled(batch_size=1, queue_size=10)
        notifier = notifier_mod.Notifier(
            None, [dbhelpers.EVENTS, events], backends=[backend])
        notifier.notify(dbhelpers.CLUSTER_CREATE_END, dbhelpers.cluster())
        notifier.notify(broken, BadRecordPayload(name='x'))
        notifier.notify(dbhelpers.CLUSTER_CREATE_END, dbhelpers.cluster())
        stats = backend.stats()
        self.assertEqual((2, 1, 0), (stats['queued'], stats['failed'],
                                     stats['dropped']))
        self.assertEqual({}, dict(notifier.failures))
        self.assertIn('thing.break.end', self.log.output)
        self.assertIn("key 'colour' is not a column", self.log.output)


class TestRowsStored(testtools.TestCase):
    """Rows built on the caller reach the table as the worker's would."""

    def test_rows_queued_by_the_caller_are_stored_like_the_workers(self):
        directory = self.useFixture(fixtures.TempDir()).path
        url = 'sqlite:///' + os.path.join(directory, 'events.sqlite')
        backend = dbhelpers.make_backend(self, url, batch_size=3)
        notifier = dbhelpers.notifier(backend)
        notifier.notify(dbhelpers.CLUSTER_CREATE_END, dbhelpers.cluster())
        self.assertTrue(notifier.flush(10))
        # Hold the worker in its next write while the callers emit.
        writing, release = threading.Event(), threading.Event()
        real_bulk = backend._bulk

        def bulk(conn, rows):
            writing.set()
            release.wait(10)
            real_bulk(conn, rows)
        backend._bulk = bulk
        notes = emit_mix(notifier, 1)
        self.assertTrue(writing.wait(10))
        notes += emit_mix(notifier, 30)
        kinds = [type(item) for item in list(backend._worker.items)]
        release.set()
        self.assertTrue(notifier.flush(10))
        self.assertEqual(27, kinds.count(tuple))
        self.assertEqual(0, backend.stats()['failed'])
        table = dbschema.get_table(backend.table_prefix)
        engine = dbschema.create_engine(url)
        self.addCleanup(engine.dispose)
        with engine.connect() as conn:
            stored = {r.id: r._asdict() for r in conn.execute(
                sa.select(table))}
        for note in notes:
            self.assertEqual(dbschema.as_dict(worker_row(note)),
                             stored[note.message_id])


class TestCopyText(testtools.TestCase):
    def test_tuples_are_written_as_lists_are(self):
        rows = [worker_row(note) for note in emit_mix(
            dbhelpers.notifier(_Collect()), 6)]
        self.assertEqual(dbschema.copy_text(rows),
                         dbschema.copy_text([tuple(r) for r in rows]))


class _Collect(database.base.Backend):
    mechanisms = frozenset(['database'])

    def send(self, notification):
        pass

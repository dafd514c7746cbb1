"""The database backend when things go wrong: bad URL, unreachable
database, outages, a full queue, a schema left behind, a bad RECORD."""

import logging
import os
import tempfile
import time

import fixtures
import sqlalchemy as sa
import testtools

from tests import dbhelpers
from tests.functional import base as functional_base
from tidings import conf as tidings_conf
from tidings import errors
from tidings.backends import database
from tidings.backends import dbschema
from tidings.backends import eventstore
from tidings.notifications import notifier as notifier_mod


def _outage():
    return sa.exc.OperationalError('INSERT', {}, OSError(
        'server closed the connection unexpectedly'))


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


class TestDatabaseFailures(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path
        self.url = 'sqlite:///' + os.path.join(self.dir, 'events.sqlite')
        self.log = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends', level=logging.WARNING))

    def emit_while_down(self, count, **options):
        """A ready backend whose writes then fail, and ``count``
        notifications sent to it."""
        backend = dbhelpers.make_backend(self, self.url,
                                         retry_interval_max=0.05, **options)
        self.assertTrue(wait_until(lambda: backend._ready))
        backend._bulk = lambda conn, rows: (_ for _ in ()).throw(_outage())
        notifier = dbhelpers.notifier(backend)
        for _ in range(count):
            notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                            dbhelpers.cluster())
        return backend

    def test_a_malformed_url_is_a_startup_error_naming_the_option(self):
        exc = self.assertRaises(errors.ConfigError, database.DatabaseBackend,
                                None, url='not a url')
        self.assertEqual(('backend_database', 'connection'),
                         (exc.group, exc.option))
        self.assertIn('not a database URL; expected e.g. sqlite:', str(exc))

    def test_an_unknown_driver_is_a_startup_error_listing_the_supported(self):
        exc = self.assertRaises(errors.ConfigError, database.DatabaseBackend,
                                None, url='oracle+nope://x/y')
        self.assertIn("[backend_database] connection = 'oracle+nope://x/y'",
                      str(exc))
        self.assertIn('supported: sqlite, postgresql', str(exc))

    def test_a_bad_url_in_the_conf_fails_the_notifier_at_startup(self):
        conf = tidings_conf.new_conf()
        conf.set_override('backends', ['database'], 'notifications')
        conf.set_override('connection', 'nope://', 'backend_database')
        exc = self.assertRaises(errors.ConfigError, notifier_mod.Notifier,
                                conf)
        self.assertEqual('connection', exc.option)

    def unreachable(self, user):
        """A backend on a PostgreSQL URL of ``user`` (``name:password``)
        where nothing listens: (backend, port)."""
        port = functional_base.free_port()
        backend = database.DatabaseBackend(
            None, url='postgresql://%s@127.0.0.1:%d/x' % (user, port),
            retry_interval_max=0.05, connect_timeout=1)
        self.addCleanup(backend.close, 0.1)
        return backend, port

    def test_an_unreachable_database_is_reported_once_and_kept_trying(self):
        backend, port = self.unreachable('tidings:s3cret')
        self.assertTrue(wait_until(lambda: backend.stats()['retries'] >= 3))
        stats = backend.stats()
        self.assertTrue(stats['database_down'])
        self.assertIn('OperationalError', stats['last_error'])
        self.assertEqual(1, self.log.output.count(
            '[backend_database] connection = postgresql://'
            'tidings:***@127.0.0.1:%d/x: cannot connect' % port))
        self.assertNotIn('s3cret', self.log.output)

    def test_send_returns_at_once_while_the_database_is_unreachable(self):
        backend, _ = self.unreachable('t')
        notifier = dbhelpers.notifier(backend)
        worst = 0.0
        for _ in range(200):
            start = time.perf_counter()
            notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                            dbhelpers.cluster())
            worst = max(worst, time.perf_counter() - start)
        self.assertLess(worst, 0.05)
        self.assertEqual(200, backend.stats()['queued'])

    def test_what_is_queued_during_an_outage_is_written_afterwards(self):
        backend = dbhelpers.make_backend(self, self.url,
                                         retry_interval_max=0.02)
        notifier = dbhelpers.notifier(backend)
        notifier.flush(5)
        self.assertTrue(wait_until(lambda: backend._ready))
        real_bulk = backend._bulk
        failures = []

        def bulk(conn, rows):
            if len(failures) < 5:
                failures.append(len(rows))
                raise _outage()
            real_bulk(conn, rows)
        backend._bulk = bulk
        notes = [notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                                 dbhelpers.cluster()) for _ in range(50)]
        self.assertTrue(notifier.flush(10))
        store = eventstore.EventStore(self.url,
                                      table_prefix=backend.table_prefix)
        self.addCleanup(store.close)
        self.assertEqual(sorted(n.message_id for n in notes),
                         sorted(e['id'] for e in store.list(
                             all_projects=True, limit=100)))
        stats = backend.stats()
        self.assertEqual((5, 1, 0, False), (
            stats['retries'], stats['outages'], stats['failed'],
            stats['database_down']))
        self.assertIn('is back after', self.log.output)

    def test_a_full_queue_drops_count_and_log_once_per_burst(self):
        backend = self.emit_while_down(100, queue_size=10, batch_size=5)
        dropped = backend.stats()['dropped']
        self.assertGreaterEqual(dropped, 100 - 10 - 5)
        self.assertEqual(1, self.log.output.count('queue full'))

    def test_closing_with_the_database_down_counts_what_is_lost(self):
        # (a long linger: the 20 wait until close() takes them, in one
        # batch, however slow the machine)
        backend = self.emit_while_down(20, flush_interval=5.0)
        started = time.monotonic()
        backend.close(timeout=0.3)
        self.assertLess(time.monotonic() - started, 5)
        stats = backend.stats()
        self.assertEqual(20, stats['lost_on_close'])
        self.assertEqual(0, stats['sent'])
        self.assertEqual(1, self.log.output.count(
            'closed with the database down: 20 notifications not stored'))

    def test_without_auto_migrate_it_waits_for_tidings_db_upgrade(self):
        backend = dbhelpers.make_backend(self, self.url, auto_migrate=False,
                                         retry_interval_max=0.05)
        notifier = dbhelpers.notifier(backend)
        note = notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                               dbhelpers.cluster())
        self.assertFalse(notifier.flush(0.3))
        self.assertIn('tidings db upgrade', backend.stats()['last_error'])
        engine = dbschema.create_engine(self.url)
        self.addCleanup(engine.dispose)
        dbschema.upgrade(engine, backend.table_prefix)
        self.assertTrue(notifier.flush(10))
        store = eventstore.EventStore(engine=engine,
                                      table_prefix=backend.table_prefix)
        self.assertIsNotNone(store.get(note.message_id, project='p1'))

    def test_a_payload_with_a_bad_record_is_counted_the_rest_stored(self):
        events, broken, BrokenRecordPayload = dbhelpers.bad_record_catalog()
        backend = dbhelpers.make_backend(self, self.url)
        notifier = notifier_mod.Notifier(
            None, [dbhelpers.EVENTS, events], backends=[backend])
        notifier.notify(broken, BrokenRecordPayload(name='x'))
        notifier.notify(dbhelpers.CLUSTER_CREATE_END, dbhelpers.cluster())
        notifier.flush(10)
        stats = backend.stats()
        self.assertEqual((1, 1, 1), (stats['stored'], stats['sent'],
                                     stats['failed']))
        self.assertIn("key 'colour' is not a column", self.log.output)


class TestDescribe(testtools.TestCase):
    """The one line an operator reads about a database failure."""

    def test_the_driver_exception_and_its_first_line(self):
        self.assertEqual(
            'OSError: server closed the connection unexpectedly',
            database.describe(_outage()))

    def test_a_driver_that_says_nothing_is_said_plainly(self):
        import pymysql
        for orig in (pymysql.err.InterfaceError(0, ''),
                     pymysql.err.OperationalError()):
            exc = sa.exc.InterfaceError('INSERT', {}, orig)
            self.assertEqual(
                '%s: the connection to the database was lost'
                % type(orig).__name__, database.describe(exc))


class TestDatabaseConf(testtools.TestCase):
    def setUp(self):
        super().setUp()
        self.dir = self.useFixture(fixtures.TempDir()).path

    def conf_with(self, text):
        path = os.path.join(self.dir, 'tidings.conf')
        with open(path, 'w') as handle:
            handle.write(text)
        return tidings_conf.new_conf(['--config-file', path])

    def test_the_backend_loads_by_name_with_the_default_sqlite_file(self):
        conf = self.conf_with('[notifications]\nbackends = database\n'
                              'state_path = %s\n' % self.dir)
        notifier = notifier_mod.Notifier(conf, dbhelpers.EVENTS)
        self.addCleanup(notifier.close)
        backend = notifier.backend('database')
        self.assertIsInstance(backend, database.DatabaseBackend)
        path = os.path.join(self.dir, 'events.sqlite')
        self.assertEqual('sqlite:///' + path, backend.url)
        note = notifier.notify(dbhelpers.CLUSTER_CREATE_END,
                               dbhelpers.cluster())
        self.assertTrue(notifier.flush(10))
        store = eventstore.EventStore('sqlite:///' + path)
        self.addCleanup(store.close)
        self.assertIsNotNone(store.get(note.message_id, project='p1'))

    def test_options_come_from_the_backend_database_group(self):
        conf = self.conf_with(
            '[backend_database]\nconnection = sqlite:///%s/x.sqlite\n'
            'batch_size = 7\nqueue_size = 9\nmax_age = 2h\n'
            'max_rows_per_project = 5\ntable_prefix = abc_\n' % self.dir)
        backend = database.DatabaseBackend(conf)
        self.addCleanup(dbhelpers.drop_tables, backend.url, 'abc_')
        self.addCleanup(backend.close)
        self.assertEqual((7, 9, 7200.0, 5, 'abc_events'), (
            backend.batch_size, backend.queue_size, backend.max_age,
            backend.max_rows_per_project, backend.table.name))

    def test_a_bad_max_age_fails_validation_naming_the_option(self):
        conf = self.conf_with('[notifications]\nbackends = database\n'
                              '[backend_database]\nmax_age = soon\n')
        exc = self.assertRaises(errors.ConfigError, tidings_conf.validate,
                                conf)
        self.assertEqual(('backend_database', 'max_age'),
                         (exc.group, exc.option))

    def test_the_connection_option_is_secret(self):
        from tidings.conf import backend_database
        opt = {o.name: o for o in backend_database.OPTS}['connection']
        self.assertTrue(opt.secret)


class TestParseUrl(testtools.TestCase):
    def test_postgresql_without_a_driver_uses_an_installed_one(self):
        url = dbschema.parse_url('postgresql://u@h/db')
        self.assertIn(url.drivername, ('postgresql+psycopg2',
                                       'postgresql'))

    def test_the_password_never_appears_in_errors(self):
        exc = self.assertRaises(errors.DatabaseError, dbschema.parse_url,
                                'nosuchdb://u:pw@h/db')
        self.assertNotIn('pw@', str(exc))

    def test_sqlite_directory_is_created(self):
        path = os.path.join(tempfile.mkdtemp(), 'a', 'b', 'e.sqlite')
        self.addCleanup(__import__('shutil').rmtree,
                        os.path.dirname(os.path.dirname(
                            os.path.dirname(path))))
        engine = dbschema.create_engine('sqlite:///' + path)
        self.addCleanup(engine.dispose)
        self.assertTrue(os.path.isdir(os.path.dirname(path)))

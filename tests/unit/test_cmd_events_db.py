"""``tidings events query|purge`` and ``tidings db upgrade|current``."""

import argparse
import contextlib
import datetime
import io
import json
import os
import signal
import threading
import time

import fixtures
import sqlalchemy as sa
import testtools

from tests import dbhelpers
from tidings import errors
from tidings.backends import dbschema
from tidings.backends import eventstore
from tidings.cmd import events_db
from tidings.cmd import main
from tidings.cmd import progress


def events_parser():
    """The ``events`` group as events.py builds it, with our commands."""
    parser = argparse.ArgumentParser(prog='tidings')
    sub = parser.add_subparsers(dest='command')
    events = sub.add_parser('events')
    events_db.register_events_subcommands(
        events.add_subparsers(dest='events_command'))
    return parser


class DbCommandTestCase(testtools.TestCase):
    """``self.url``: an SQLite file, not created yet; the commands' logging
    setup is left out."""

    def setUp(self):
        super().setUp()
        self.useFixture(fixtures.MonkeyPatch('logging.basicConfig',
                                             lambda **kwargs: None))
        directory = self.useFixture(fixtures.TempDir()).path
        self.url = 'sqlite:///' + os.path.join(directory, 'e.sqlite')


class TestEventsCommands(DbCommandTestCase):
    def setUp(self):
        super().setUp()
        engine = dbschema.create_engine(self.url)
        self.addCleanup(engine.dispose)
        dbschema.upgrade(engine)
        now = eventstore.utcnow()
        dbhelpers.insert_rows(engine, 'tidings_', [
            dbhelpers.row(id='a', project='p1', level='error',
                          object_name='web', timestamp=now),
            dbhelpers.row(id='b', project='p1', level='info',
                          timestamp=now - datetime.timedelta(minutes=1)),
            dbhelpers.row(id='c', project='p2', level='error',
                          timestamp=now - datetime.timedelta(days=40))])

    def run_cli(self, *argv):
        args = events_parser().parse_args(list(argv))
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(
                err):
            code = args.func(args)
        return code, out.getvalue(), err.getvalue()

    def test_query_json_lists_a_projects_events_at_a_level(self):
        code, out, _ = self.run_cli('events', 'query', '--db', self.url,
                                    '--project', 'p1', '--level', 'warn',
                                    '-f', 'json')
        self.assertEqual(0, code)
        events = json.loads(out)
        self.assertEqual(['a'], [e['id'] for e in events])
        self.assertEqual('web', events[0]['object_name'])

    def test_query_table_has_a_header_and_one_line_per_event(self):
        code, out, _ = self.run_cli('events', 'query', '--db', self.url,
                                    '--all-projects')
        lines = out.splitlines()
        self.assertTrue(lines[0].startswith('TIMESTAMP'))
        self.assertEqual(4, len(lines))

    def test_query_since_a_duration(self):
        _, out, _ = self.run_cli('events', 'query', '--db', self.url,
                                 '--all-projects', '--since', '1d',
                                 '-f', 'json')
        self.assertEqual(['a', 'b'], [e['id'] for e in json.loads(out)])

    def test_query_prints_the_marker_of_the_next_page(self):
        _, _, err = self.run_cli('events', 'query', '--db', self.url,
                                 '--all-projects', '--limit', '2')
        self.assertIn('--marker b', err)

    def test_purge_deletes_older_events_and_says_how_many(self):
        code, out, _ = self.run_cli('events', 'purge', '--db', self.url,
                                    '--older-than', '30d')
        self.assertEqual((0, 'deleted 1 event(s) older than 30d\n'),
                         (code, out))

    def test_query_without_a_scope_is_a_usage_error_naming_both(self):
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            exc = self.assertRaises(SystemExit, events_parser().parse_args,
                                    ['events', 'query', '--db', self.url])
        self.assertEqual(2, exc.code)
        err = err.getvalue()
        self.assertIn('one of the arguments --project --all-projects is '
                      'required', err)

    def test_bad_input_through_main_exits_2_naming_the_problem(self):
        self.useFixture(fixtures.MonkeyPatch(
            'tidings.cmd.main.COMMANDS', ('db',)))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main.main(['db', 'upgrade', '--db', 'nonsense'])
        self.assertEqual(2, code)
        self.assertIn('--db = ', err.getvalue())
        self.assertIn('not a database URL', err.getvalue())


    def test_query_no_index_serves_exits_2_naming_the_fast_filters(self):
        self.useFixture(fixtures.MonkeyPatch(
            'tidings.cmd.main.COMMANDS', ('events',)))
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            code = main.main(['events', 'query', '--db', self.url,
                              '--all-projects', '--level', 'error'])
        self.assertEqual(2, code)
        self.assertIn("level 'error': no index serves this filter",
                      err.getvalue())
        self.assertIn('--in-project', err.getvalue())
        code, out, _ = self.run_cli('events', 'query', '--db', self.url,
                                    '--all-projects', '--in-project', 'p1',
                                    '--level', 'error', '-f', 'json')
        self.assertEqual(['a'], [e['id'] for e in json.loads(out)])

    def test_purge_says_first_what_the_database_advises(self):
        # SQLite has nothing to say; a database that does is shown first
        _, _, err = self.run_cli('events', 'purge', '--db', self.url,
                                 '--older-than', '30d', '--dry-run')
        self.assertNotIn('warning', err)
        self.useFixture(fixtures.MonkeyPatch(
            'tidings.backends.eventstore.EventStore.purge_advice',
            lambda store: 'the pool is small'))
        code, out, err = self.run_cli('events', 'purge', '--db', self.url,
                                      '--older-than', '30d', '--dry-run')
        self.assertEqual((0, 'warning: the pool is small\n'), (code, err))

    def test_purge_dry_run_counts_and_deletes_nothing(self):
        code, out, _ = self.run_cli('events', 'purge', '--db', self.url,
                                    '--older-than', '30d', '--dry-run')
        self.assertEqual((0, 'would delete 1 event(s) older than 30d\n'),
                         (code, out))
        _, out, _ = self.run_cli('events', 'query', '--db', self.url,
                                 '--all-projects', '-f', 'json')
        self.assertEqual(3, len(json.loads(out)))

    def test_purge_progress_is_plain_lines_when_not_a_terminal(self):
        _, _, err = self.run_cli('events', 'purge', '--db', self.url,
                                 '--older-than', '30d')
        self.assertRegex(err, r'^1/1 event\(s\) deleted \(100%\), \d+/s, '
                         r'0s left\n$')

    def test_ctrl_c_stops_between_chunks_exit_130_nothing_half_done(self):
        class InterruptedProgress(events_db.PurgeProgress):
            def __call__(self, done, total):
                if done == 0:
                    os.kill(os.getpid(), signal.SIGINT)
                super().__call__(done, total)

        self.useFixture(fixtures.MonkeyPatch(
            'tidings.cmd.events_db.PurgeProgress', InterruptedProgress))
        code, out, err = self.run_cli('events', 'purge', '--db', self.url,
                                      '--older-than', '30d')
        self.assertEqual(130, code)
        self.assertIn('stopped: deleted 0 event(s) older than 30d', out)
        self.assertIn('stopping after this chunk', err)
        self.assertIs(signal.default_int_handler,
                      signal.getsignal(signal.SIGINT))
        _, out, _ = self.run_cli('events', 'query', '--db', self.url,
                                 '--all-projects', '-f', 'json')
        self.assertEqual(3, len(json.loads(out)))


class TestPurgeProgress(testtools.TestCase):
    def test_a_terminal_gets_one_line_redrawn_with_rate_and_time_left(self):
        stream = io.StringIO()
        stream.isatty = lambda: True
        clock = iter([0.0, 2.0, 4.0])
        progress = events_db.PurgeProgress(stream, clock=lambda: next(clock))
        progress(0, 1000)
        progress(250, 1000)
        progress(500, 1000)
        progress.end()
        lines = stream.getvalue().split('\r')
        self.assertEqual('500/1000 event(s) deleted (50%), 125/s, 4s left'
                         '\033[K\n', lines[-1])

    def test_plain_lines_come_every_few_seconds_and_at_the_end(self):
        stream = io.StringIO()
        clock = iter([0.0, 1.0, 11.0, 12.0, 13.0])
        progress = events_db.PurgeProgress(stream, clock=lambda: next(clock))
        for done in (0, 10, 110, 120, 200):
            progress(done, 200)
        self.assertEqual(['110/200 event(s) deleted (55%), 10/s, 9s left',
                          '200/200 event(s) deleted (100%), 15/s, 0s left'],
                         stream.getvalue().splitlines())


class TestDbCommand(DbCommandTestCase):
    def tidings(self, *argv):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main.main(list(argv))
        return code, out.getvalue()

    def test_upgrade_creates_the_schema_of_an_empty_database(self):
        code, out = self.tidings('db', 'upgrade', '--db', self.url)
        self.assertEqual(0, code)
        self.assertIn('(empty) -> %s' % dbschema.head_revision(), out)

    def test_current_fails_until_upgraded(self):
        self.assertEqual(1, self.tidings('db', 'current', '--db',
                                         self.url)[0])
        self.tidings('db', 'upgrade', '--db', self.url)
        code, out = self.tidings('db', 'current', '--db', self.url)
        self.assertEqual(0, code)
        self.assertIn('at %s' % dbschema.head_revision(), out)

    def test_query_of_a_database_never_upgraded_says_what_to_run(self):
        args = events_parser().parse_args([
            'events', 'query', '--db', self.url, '--all-projects'])
        exc = self.assertRaises(errors.DatabaseError, args.func, args)
        self.assertIn('tidings db upgrade', str(exc))


class TestDbUpgradeProgress(DbCommandTestCase):
    """What ``tidings db upgrade`` says while it works, and Ctrl-C."""

    def upgrade(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main.main(['db', 'upgrade', '--db', self.url] + list(argv))
        return code, out.getvalue(), err.getvalue()

    def at_0001_with_rows(self, n):
        engine = dbschema.create_engine(self.url)
        self.addCleanup(engine.dispose)
        dbschema.upgrade(engine, revision='0001')
        dbhelpers.insert_rows(engine, dbschema.DEFAULT_PREFIX, [
            dbhelpers.row() for _ in range(n)])
        return engine

    def test_plain_lines_say_the_plan_then_each_statement_and_its_time(self):
        self.at_0001_with_rows(3)
        code, out, err = self.upgrade()
        self.assertEqual(0, code)
        self.assertIn('0001 -> 0004\n', out)
        lines = err.splitlines()
        self.assertRegex(lines[0], r': 0001 -> 0004: migration\(s\) 0002, '
                         r'0003, 0004 on tidings_events \(about 3 rows\)$')
        self.assertEqual('0002 (1 of 3): CREATE INDEX IF NOT EXISTS '
                         'ix_tidings_events_project_ts ON tidings_events '
                         '(project, timestamp, id)', lines[1])
        self.assertRegex(lines[2], r'^0002 \(1 of 3\): CREATE INDEX IF NOT '
                         r'EXISTS ix_tidings_events_project_ts .* \.\.\. done '
                         r'in \d+s$')
        self.assertIn('DROP INDEX IF EXISTS ix_tidings_events_event_type',
                      err)

    def test_nothing_to_do_prints_no_plan(self):
        self.upgrade()
        code, out, err = self.upgrade()
        self.assertEqual((0, ''), (code, err))

    def test_ctrl_c_cancels_the_running_statement_and_rolls_back(self):
        engine = self.at_0001_with_rows(50)
        attach = dbschema.StatementCancel.attach

        sent, cancelled = threading.Event(), []

        def hold(cancel):
            # Once Ctrl-C is sent, the statement running does not end
            # before the command cancels it (sleeping lets the thread that
            # handles the signal run), and then it fails as the
            # connection's interrupt() makes it fail: no race with its
            # end.  Later statements (the revision read) run.
            if not sent.is_set():
                return 0
            while not cancel.cancelled:
                time.sleep(0.002)
            sent.clear()
            return 1

        def slow_attach(cancel, connection):
            attach(cancel, connection)
            cancel.dbapi.set_progress_handler(lambda: hold(cancel), 10)
        self.useFixture(fixtures.MonkeyPatch(
            'tidings.backends.dbschema.StatementCancel.attach', slow_attach))

        class CtrlC(progress.StepProgress):
            def __call__(self, step):
                super().__call__(step)
                if step and 'CREATE INDEX' in step and not cancelled:
                    cancelled.append(step)
                    sent.set()
                    os.kill(os.getpid(), signal.SIGINT)
        self.useFixture(fixtures.MonkeyPatch(
            'tidings.cmd.db.StepProgress', CtrlC))
        code, out, err = self.upgrade()
        self.assertEqual(130, code, err)
        self.assertIn('interrupted: sqlite:///', err)
        self.assertIn('stays at 0001 (the statement running was cancelled '
                      'and the upgrade rolled back whole)', err)
        self.assertEqual('0001', dbschema.current_revision(engine))
        self.assertIn('ix_tidings_events_project_timestamp', [
            ix['name'] for ix in sa.inspect(engine).get_indexes(
                'tidings_events')])
        self.assertIs(signal.default_int_handler,
                      signal.getsignal(signal.SIGINT))

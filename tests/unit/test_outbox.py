"""One outbox file shared by several processes (SQLite; the same on
PostgreSQL and MariaDB in tests/functional): each owns its rows."""

import os
import sqlite3
import subprocess
import sys
import time
from unittest import mock

import fixtures
import sqlalchemy as sa
import testtools

from tests import forking
from tidings.backends.messaging import outbox as outbox_mod
from tidings.objects import errors


def _nice():
    """In a helper process: yield the CPUs to the tests running beside
    (their callers' time bounds), six interpreters starting at once
    would take both for a second or two."""
    os.nice(10)


def _reap(process):
    if process.poll() is None:
        process.kill()
    process.wait(10)


def _kill(pid):
    try:
        os.kill(pid, 9)
    except ProcessLookupError:
        pass


def rows(first, count, tag):
    return [outbox_mod.Row(first + i, '%s-%d' % (tag, first + i), 'n.info',
                           2.0, {}, {'n': first + i})
            for i in range(count)]


#: A process opening the outbox at a given moment, printing its slot.
OPENER = r'''
import sys, time
from tidings.backends.messaging import outbox
url, table, at = sys.argv[1], sys.argv[2], float(sys.argv[3])
time.sleep(max(0.0, at - time.time()))
box = outbox.Outbox(url, table)
print(box.owner, flush=True)
sys.stdin.read()    # hold the slot until every opener has claimed one
box.close()
'''


#: A process holding a slot that forks a child (which takes a slot of its
#: own) and then waits to be killed.
FORKER = r'''
import os, sys, time
from tidings.backends.messaging import outbox
box = outbox.Outbox(sys.argv[1], sys.argv[2])
pid = os.fork()
if pid == 0:
    box.after_fork()
    print('child %s %d' % (box.owner, os.getpid()), flush=True)
    time.sleep(60)
    os._exit(0)
print('parent %s' % box.owner, flush=True)
time.sleep(60)
'''


#: A process that opens the outbox, records that it holds 4 notifications
#: in memory, says so and waits to be killed.
HOLDER = r'''
import os, sys, time
from tidings.backends.messaging import outbox
box = outbox.Outbox(sys.argv[1], sys.argv[2])
box.record(4)
print(box.owner, os.getpid(), flush=True)
time.sleep(60)
'''


#: A process that opens the outbox, records 4 in its ledger, then accepts
#: 9 notifications by its tally and resolves 2 (what it would lose now:
#: 7), says so and waits to be killed.
TALLIER = r'''
import os, sys, time
from tidings.backends.messaging import outbox, tally
box = outbox.Outbox(sys.argv[1], sys.argv[2], tally_dir=sys.argv[3])
box.record(4)
box.tally.begin(1)
for seq in range(1, 10):
    box.tally.cells[tally.LAST] = seq
box.tally.done(2)
print(box.owner, os.getpid(), flush=True)
time.sleep(60)
'''


class OutboxOwnersMixin:
    """Cases for any database; ``url()`` gives the shared outbox."""

    def test_a_parent_that_dies_frees_its_slot_while_its_child_lives(self):
        # a preforking server's master took a slot before forking; when
        # it goes, its slot (and rows) must be free for others at once,
        # not only once its last worker goes
        root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        self.open().close()                 # the table exists
        parent = subprocess.Popen(
            [sys.executable, '-c', FORKER, self.url(), self.table],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=root, preexec_fn=_nice)
        self.addCleanup(_reap, parent)
        lines = sorted(parent.stdout.readline().split() for _ in range(2))
        child_pid = int(lines[0][2])
        self.addCleanup(_kill, child_pid)
        self.assertEqual([['child', 'slot-1'], ['parent', 'slot-0']],
                         [line[:2] for line in lines])
        parent.kill()
        parent.wait(10)
        deadline = time.monotonic() + 10
        while True:
            box = self.open()
            if box.owner == 'slot-0' or time.monotonic() > deadline:
                break
            box.close()
            time.sleep(0.1)
        self.assertEqual('slot-0', box.owner)
        os.kill(child_pid, 0)               # the child still runs

    def test_processes_starting_together_all_open_the_new_outbox(self):
        # the workers of a service start at once, and all find the table
        # missing: the ones that lose the race to create it go on
        at = time.time() + 2.0
        root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        openers = [subprocess.Popen(
            [sys.executable, '-c', OPENER, self.url(), self.table, str(at)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, cwd=root, preexec_fn=_nice)
            for _ in range(6)]
        for opener in openers:
            self.addCleanup(_reap, opener)
        # each holds its slot until all have one (however late one of
        # them starts on a loaded machine), then all let go
        owners = [opener.stdout.readline().strip() for opener in openers]
        results = [p.communicate('', timeout=60) for p in openers]
        self.assertEqual([0] * 6, [p.returncode for p in openers],
                         [err[-500:] for _out, err in results])
        self.assertEqual(['slot-%d' % i for i in range(6)], sorted(owners))

    @property
    def tally_dir(self):
        """Where the tallies of an outbox on a server live (a SQLite
        outbox keeps them beside its file)."""
        if getattr(self, '_tally_dir', None) is None:
            self._tally_dir = self.useFixture(fixtures.TempDir()).path
        return self._tally_dir

    def open(self):
        box = outbox_mod.Outbox(self.url(), self.table,
                                tally_dir=self.tally_dir)
        self.addCleanup(box.close)
        return box

    def killed(self, script):
        """(owner, pid) of a process running ``script``, killed with
        SIGKILL once it said them."""
        root = os.path.dirname(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))))
        holder = subprocess.Popen(
            [sys.executable, '-c', script, self.url(), self.table,
             self.tally_dir],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=root, preexec_fn=_nice)
        self.addCleanup(_reap, holder)
        owner, pid = holder.stdout.readline().split()
        holder.kill()
        holder.wait(10)
        return owner, int(pid)

    def test_the_tally_of_a_killed_process_gives_its_exact_loss(self):
        # the ledger's last record said 4; it accepted more since
        owner, pid = self.killed(TALLIER)
        box = self.open()
        loss, = box.take_losses()
        self.assertEqual((owner, pid, 7, True), (
            loss.owner, loss.pid, loss.count, loss.exact))
        # read once: the next holder finds nothing
        box.settled()
        box.close()
        self.assertEqual([], self.open().take_losses())

    def test_the_tally_of_a_killed_process_is_read_by_adopt(self):
        alive = self.open()
        owner, pid = self.killed(TALLIER)
        self.assertEqual(0, alive.adopt(before_seq=1))
        self.assertEqual([(owner, 7, True)], [
            (loss.owner, loss.count, loss.exact)
            for loss in alive.take_losses()])

    def test_a_second_process_gets_a_slot_of_its_own(self):
        first, second = self.open(), self.open()
        self.assertEqual('slot-0', first.owner)
        self.assertEqual('slot-1', second.owner)

    def test_each_sees_counts_and_replays_only_its_own_rows(self):
        first, second = self.open(), self.open()
        first.put(rows(1, 3, 'a'))
        second.put(rows(1, 2, 'b'))
        self.assertEqual((3, 2), (first.count, second.count))
        self.assertEqual(['a-1', 'a-2', 'a-3'],
                         [r.message_id for r in first.head(10)])
        self.assertEqual(['b-1', 'b-2'],
                         [r.message_id for r in second.head(10)])
        # deleting another's rows is impossible, even by id
        self.assertEqual(2, second.delete(first.head(10)))
        self.assertEqual(3, len(first.head(10)))

    def test_head_after_a_row_continues_in_replay_order(self):
        box, other = self.open(), self.open()
        box.put(rows(1, 2, 'a'))
        # two rows of one seq (a notification on two topics), then more
        box.put(rows(3, 1, 'b') + rows(3, 1, 'c') + rows(4, 2, 'd'))
        other.put(rows(1, 9, 'x'))
        first = box.head(3)
        self.assertEqual(['a-1', 'a-2', 'b-3'],
                         [r.message_id for r in first])
        # after a row of seq 3: its twin of seq 3 (a larger id) comes next
        self.assertEqual(['c-3', 'd-4', 'd-5'],
                         [r.message_id for r in box.head(10, first[-1])])
        self.assertEqual(['c-3'], [r.message_id for r in box.head(
            1, first[-1])])
        last = box.head(10)[-1]
        self.assertEqual([], box.head(10, last))

    def test_delete_read_forgets_the_run_and_nothing_written_since(self):
        box, other = self.open(), self.open()
        box.put(rows(1, 2, 'kept'))
        box.put(rows(10, 4, 'run') + rows(20, 2, 'after'))
        other.put(rows(1, 30, 'x'))
        run = box.head(4, box.head(2)[-1])
        self.assertEqual(['run-10', 'run-11', 'run-12', 'run-13'],
                         [r.message_id for r in run])
        # written after the read, with seqs inside the run's range: a
        # notification that was still on its way when the run was read
        box.put(rows(11, 1, 'late') + rows(12, 1, 'late'))
        self.assertEqual(6, box.delete_read(run))
        self.assertEqual(['kept-1', 'kept-2', 'late-11', 'late-12',
                          'after-20', 'after-21'],
                         [r.message_id for r in box.head(10)])
        self.assertEqual(30, other.count)
        self.assertEqual(30, len(other.head(100)))
        self.assertEqual(6, box.delete_read([]))

    def test_delete_read_of_a_part_of_a_seq_keeps_its_twin(self):
        box = self.open()
        # one notification on two topics: two rows of seq 1
        box.put(rows(1, 1, 'a') + rows(1, 1, 'b') + rows(2, 1, 'c'))
        first = box.head(1)
        self.assertEqual(2, box.delete_read(first))
        self.assertEqual(['b-1', 'c-2'],
                         [r.message_id for r in box.head(10)])
        rest = box.head(10)
        self.assertEqual(1, box.delete_read(rest[1:]))
        self.assertEqual(['b-1'], [r.message_id for r in box.head(10)])

    def test_rows_of_a_running_process_are_never_adopted(self):
        first, second = self.open(), self.open()
        first.put(rows(1, 3, 'a'))
        self.assertEqual(0, second.adopt(before_seq=1))
        self.assertEqual(3, first.count)

    def test_rows_of_a_process_that_is_gone_are_adopted_in_order(self):
        gone, alive = self.open(), self.open()
        gone.put(rows(10, 3, 'gone'))
        alive.put(rows(5, 2, 'mine'))
        gone.close()
        self.assertEqual(3, alive.adopt(before_seq=100))
        self.assertEqual(5, alive.count)
        self.assertEqual(['gone-10', 'gone-11', 'gone-12', 'mine-5',
                          'mine-6'],
                         [r.message_id for r in alive.head(10)])

    def test_a_process_that_is_gone_leaves_its_loss_to_the_next_holder(self):
        gone = self.open()
        gone.record(7)
        gone.close()            # as the kernel frees the slot of a kill -9
        again = self.open()
        self.assertEqual('slot-0', again.owner)
        loss, = again.take_losses()
        self.assertEqual(('slot-0', os.getpid(), 7),
                         (loss.owner, loss.pid, loss.count))
        self.assertLess(abs(time.time() - loss.written_at), 60)
        # read once: the ledger is the new holder's now
        self.assertEqual([], again.take_losses())
        again.settled()
        again.close()
        self.assertEqual([], self.open().take_losses())

    def test_a_clean_end_leaves_no_loss(self):
        box = self.open()
        box.record(3)
        box.settled()
        box.close()
        self.assertEqual([], self.open().take_losses())

    def test_an_end_without_settling_is_reported_even_with_nothing_held(
            self):
        # what it accepted after its last record is lost, uncounted
        self.open().close()
        self.assertEqual([('slot-0', 0)], [
            (loss.owner, loss.count) for loss in self.open().take_losses()])

    def test_the_loss_of_a_process_that_is_gone_is_read_by_adopt(self):
        alive, gone = self.open(), self.open()
        gone.record(5)
        gone.close()
        self.assertEqual(0, alive.adopt(before_seq=1))
        self.assertEqual([('slot-1', 5)], [(loss.owner, loss.count)
                                           for loss in alive.take_losses()])
        alive.adopt(before_seq=1)
        self.assertEqual([], alive.take_losses())

    def test_the_ledger_of_a_running_process_is_left_alone(self):
        first, second = self.open(), self.open()
        second.record(5)
        first.adopt(before_seq=1)
        self.assertEqual([], first.take_losses())
        second.put(rows(1, 2, 'a'), in_memory=2)
        second.close()
        first.adopt(before_seq=100)
        self.assertEqual([('slot-1', 2)], [(loss.owner, loss.count)
                                           for loss in first.take_losses()])

    def test_a_put_records_the_ledger_in_its_transaction(self):
        box = self.open()
        box.record(9)
        with mock.patch.object(box, '_insert_sql', 'INSERT INTO nowhere'):
            self.assertRaises(sa.exc.SQLAlchemyError, box.put,
                              rows(1, 1, 'a'), in_memory=1)
        box.close()
        # the failed put left the ledger as it was
        self.assertEqual([9], [loss.count for loss in
                               self.open().take_losses()])

    def test_a_failed_try_counts_once_per_row(self):
        box = self.open()
        box.put(rows(1, 2, 'a'))
        self.assertEqual(2, box.tried(box.head(10)))
        # read back (by this process or the next): tried before
        again = box.head(10)
        self.assertEqual([1, 1], [r.tries for r in again])
        self.assertEqual(0, box.tried(again))
        self.assertEqual([2, 2], [r.tries for r in box.head(10)])
        fresh = rows(3, 1, 'b')
        fresh[0].tries = 1       # failed once on the live path
        box.put(fresh)
        self.assertEqual(0, box.tried(box.head(10)[2:]))
        self.assertEqual(0, box.tried([]))

    def test_the_next_process_in_a_free_slot_replays_its_rows(self):
        gone = self.open()
        gone.put(rows(1, 2, 'a'))
        gone.close()
        again = self.open()
        self.assertEqual(('slot-0', 2), (again.owner, again.count))
        self.assertEqual(2, again.last_seq)


class TestSqliteOutboxOwners(OutboxOwnersMixin, testtools.TestCase):

    table = 'tidings_outbox'

    def setUp(self):
        super().setUp()
        self.path = os.path.join(
            self.useFixture(fixtures.TempDir()).path, 'outbox.sqlite')

    def url(self):
        return 'sqlite:///' + self.path

    def test_an_outbox_from_before_owners_is_upgraded_and_adopted(self):
        db = sqlite3.connect(self.path)
        db.execute('CREATE TABLE tidings_outbox (id INTEGER PRIMARY KEY '
                   'AUTOINCREMENT, seq BIGINT NOT NULL, message_id '
                   'VARCHAR(64) NOT NULL, routing_key VARCHAR(255) NOT '
                   'NULL, version FLOAT NOT NULL, body TEXT NOT NULL)')
        db.execute("INSERT INTO tidings_outbox (seq, message_id, "
                   "routing_key, version, body) VALUES (7, 'old-7', "
                   "'n.info', 2.0, '{\"ctxt\": {}, \"message\": {}}')")
        db.commit()
        db.close()
        box = self.open()
        self.assertEqual(0, box.count)
        self.assertEqual(1, box.adopt(before_seq=1))
        self.assertEqual(['old-7'], [r.message_id for r in box.head(10)])

    def test_a_ledger_from_before_the_tally_gets_its_column(self):
        db = sqlite3.connect(self.path)
        db.execute('CREATE TABLE tidings_outbox_ledger (owner VARCHAR(64) '
                   'NOT NULL PRIMARY KEY, pid INTEGER NOT NULL, host '
                   'VARCHAR(255) NOT NULL, in_memory BIGINT NOT NULL, '
                   'written_at FLOAT NOT NULL)')
        db.execute("INSERT INTO tidings_outbox_ledger VALUES ('slot-0', 1, "
                   "'elsewhere', 3, 0.0)")
        db.commit()
        db.close()
        box = self.open()
        self.assertEqual([(1, 3, False)], [(loss.pid, loss.count, loss.exact)
                                           for loss in box.take_losses()])
        box.put(rows(1, 2, 'a'), in_memory=0, settles=2)
        db = sqlite3.connect(self.path)
        self.assertEqual([(2,)], db.execute(
            'SELECT stored FROM tidings_outbox_ledger').fetchall())
        db.close()

    def test_an_outbox_from_before_tries_counts_its_rows_untried(self):
        db = sqlite3.connect(self.path)
        db.execute("CREATE TABLE tidings_outbox (id INTEGER PRIMARY KEY "
                   "AUTOINCREMENT, seq BIGINT NOT NULL, message_id "
                   "VARCHAR(64) NOT NULL, routing_key VARCHAR(255) NOT "
                   "NULL, version FLOAT NOT NULL, body TEXT NOT NULL, "
                   "owner VARCHAR(64) NOT NULL DEFAULT '')")
        db.execute("INSERT INTO tidings_outbox (seq, message_id, "
                   "routing_key, version, body, owner) VALUES (7, 'old-7', "
                   "'n.info', 2.0, '{\"ctxt\": {}, \"message\": {}}', "
                   "'slot-0')")
        db.commit()
        db.close()
        box = self.open()
        self.assertEqual([('old-7', 0)], [(r.message_id, r.tries)
                                          for r in box.head(10)])
        self.assertEqual(1, box.tried(box.head(10)))

    def test_a_process_killed_with_sigkill_leaves_its_loss(self):
        owner, pid = self.killed(HOLDER)
        box = self.open()
        loss, = box.take_losses()
        # (it never began its tally: the ledger's record is the figure)
        self.assertEqual((owner, pid, 4, False), (
            loss.owner, loss.pid, loss.count, loss.exact))

    def test_a_tally_left_by_another_process_is_not_believed(self):
        owner, pid = self.killed(HOLDER)
        stale = outbox_mod.tally_mod.Tally(
            '%s.%s.tally' % (self.path, owner))
        stale.begin(1)                  # cells of this process, not its
        stale.cells[outbox_mod.tally_mod.LAST] = 50
        box = self.open()
        loss, = box.take_losses()
        self.assertEqual((pid, 4, False), (loss.pid, loss.count, loss.exact))

    def test_losing_the_race_to_create_the_table_is_not_an_error(self):
        real = sa.MetaData.create_all
        calls = []

        def racing(meta, engine, **kwargs):
            calls.append(1)
            if len(calls) == 1:     # another process created it just now
                real(meta, engine, **kwargs)
                raise sa.exc.OperationalError(
                    'CREATE TABLE tidings_outbox', {}, sqlite3.
                    OperationalError('table tidings_outbox already exists'))
            return real(meta, engine, **kwargs)
        with mock.patch.object(sa.MetaData, 'create_all', racing):
            box = self.open()
        self.assertEqual((2, 'slot-0'), (len(calls), box.owner))

    def test_other_schema_errors_still_name_the_outbox(self):
        def broken(meta, engine, **kwargs):
            raise sa.exc.OperationalError('CREATE TABLE', {}, sqlite3.
                                          OperationalError('disk I/O error'))
        with mock.patch.object(sa.MetaData, 'create_all', broken):
            exc = self.assertRaises(errors.ConfigError, self.open)
        self.assertIn('cannot open the outbox: disk I/O error', str(exc))

    def test_a_row_that_cannot_be_read_back_is_logged_and_removed(self):
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.backends.messaging.outbox'))
        box = self.open()
        box.put(rows(1, 2, 'a'))
        db = sqlite3.connect(self.path)
        for seq, body in ((3, '{"ctxt": {}, "message": {"n": 3'),
                          (4, '[1, 2]')):
            db.execute("INSERT INTO tidings_outbox (seq, message_id, "
                       "routing_key, version, body, owner) VALUES (?, ?, "
                       "'n.info', 2.0, ?, 'slot-0')", (seq, 'bad-%d' % seq,
                                                       body))
        db.commit()
        db.close()
        box.count += 2
        box.put(rows(5, 1, 'a'))
        # the damaged rows do not hold up the ones behind them
        self.assertEqual(['a-1', 'a-2', 'a-5'],
                         [r.message_id for r in box.head(10)])
        self.assertEqual((3, 2), (box.count, box.discarded))
        self.assertEqual(['a-1', 'a-2', 'a-5'],
                         [r.message_id for r in box.head(10)])
        self.assertIn('(message bad-3) is not a readable outbox message',
                      logs.output)
        self.assertIn('it held: {"ctxt": {}, "message": {"n": 3',
                      logs.output)
        self.assertIn('(message bad-4)', logs.output)

    def test_bodies_only_the_stdlib_reads_are_kept(self):
        box = self.open()
        db = sqlite3.connect(self.path)
        db.execute("INSERT INTO tidings_outbox (seq, message_id, "
                   "routing_key, version, body, owner) VALUES (1, 'odd', "
                   "'n.info', 2.0, ?, 'slot-0')",
                   ('{"ctxt":{},"message":{"big":%d,"x":NaN}}' % 2 ** 70,))
        db.commit()
        db.close()
        box.count += 1
        row, = box.head(10)
        self.assertEqual((2 ** 70, 0), (row.message['big'], box.discarded))

    def test_rows_named_by_id_are_found_by_the_primary_key(self):
        # On "owner = ?" SQLite's planner took the index on (owner, seq,
        # id) and read every row of the owner to find the ids: delete()
        # and tried() cost in proportion to the outbox.
        box = self.open()
        box.put(rows(1, 50, 'a'))
        statements = []

        def seen(_conn, _cursor, statement, params, _context, _many):
            if statement.startswith(('DELETE', 'UPDATE tidings_outbox ')):
                statements.append((statement, params))
        sa.event.listen(box.engine, 'before_cursor_execute', seen)
        read = box.head(3)
        self.assertEqual(3, box.tried(read))
        self.assertEqual(47, box.delete(read))
        sa.event.remove(box.engine, 'before_cursor_execute', seen)
        self.assertEqual(2, len(statements))
        db = sqlite3.connect(self.path)
        self.addCleanup(db.close)
        for statement, params in statements:
            plan = ' '.join(str(step[-1]) for step in db.execute(
                'EXPLAIN QUERY PLAN ' + statement, params))
            self.assertIn('PRIMARY KEY', plan, statement)
            self.assertNotIn('ix_tidings_outbox_owner', plan, statement)

    def test_slot_locks_live_beside_the_outbox_file(self):
        self.open()
        self.assertTrue(os.path.exists(self.path + '.slot-0.lock'))

    def test_in_memory_outbox_has_one_owner(self):
        box = outbox_mod.Outbox('sqlite://', self.table)
        self.addCleanup(box.close)
        self.assertEqual('slot-0', box.owner)
        box.put(rows(1, 1, 'a'))
        self.assertEqual(1, box.count)

    def test_a_forked_child_takes_its_own_slot_and_leaves_the_parents(self):
        parent = self.open()

        def child():
            parent.after_fork()
            return parent.owner
        child_slot = forking.in_child(child)
        self.assertEqual(('slot-0', 'slot-1'), (parent.owner, child_slot))
        # the child closed its copy of the lock: the parent still holds it
        self.assertEqual('slot-1', self.open().owner)

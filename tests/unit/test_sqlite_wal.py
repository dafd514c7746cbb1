"""New SQLite files (event database, outbox) are switched to WAL even
when several workers open the same new file at once."""

import os
import sqlite3
import threading

import fixtures
import testtools

from tidings.backends import dbschema


class TestWalSwitch(testtools.TestCase):

    def test_connections_opening_a_new_file_together_all_get_wal(self):
        # Switching to WAL takes the file's exclusive lock, and SQLite
        # answers "database is locked" at once, without its busy timeout,
        # to a connection switching it while another does: 7% of such
        # trials failed with a plain PRAGMA (one of two workers opening a
        # new outbox then failed to start).
        root = self.useFixture(fixtures.TempDir()).path
        modes = []
        for trial in range(60):
            path = os.path.join(root, '%d.sqlite' % trial)
            barrier = threading.Barrier(4)

            def run(path=path, barrier=barrier):
                conn = sqlite3.connect(path, timeout=30,
                                       check_same_thread=False)
                try:
                    barrier.wait()
                    dbschema.sqlite_pragmas(conn)
                    modes.append(conn.execute(
                        'PRAGMA journal_mode').fetchone()[0])
                finally:
                    conn.close()
            threads = [threading.Thread(target=run) for _ in range(4)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(30)
        self.assertEqual(['wal'] * 240, modes)

    def test_a_read_only_file_keeps_the_defaults(self):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'ro.sqlite')
        sqlite3.connect(path).close()
        conn = sqlite3.connect('file:%s?mode=ro' % path, uri=True)
        self.addCleanup(conn.close)
        dbschema.sqlite_pragmas(conn)       # no error
        self.assertEqual('delete', conn.execute(
            'PRAGMA journal_mode').fetchone()[0])

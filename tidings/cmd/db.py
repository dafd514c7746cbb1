"""``tidings db``: create, upgrade and inspect the event table schema."""

import sys
import threading

from tidings.backends import dbschema
from tidings.cmd import events_db
from tidings.cmd import main
from tidings.cmd.progress import StepProgress
from tidings.objects import errors
from tidings.objects import urls


def register(subparsers):
    parser = subparsers.add_parser(
        'db', help='event table schema (alembic migrations)',
        description='Create or upgrade the event table of the database '
                    'backend.')
    sub = parser.add_subparsers(dest='db_command', metavar='ACTION')
    sub.required = True
    upgrade = sub.add_parser('upgrade', help='create or upgrade the '
                             'schema to the latest revision')
    events_db.add_db_arguments(upgrade)
    upgrade.add_argument('--revision', default='head',
                         help='target revision: head or a migration id '
                              '(default %(default)s)')
    upgrade.add_argument('--partition-by', choices=('none', 'day'),
                         default=None,
                         help='day: create the event table partitioned by '
                              'day (PostgreSQL, MariaDB/MySQL) and its '
                              'partitions ahead; default: [backend_database] '
                              'partition_by from --config-file, none')
    upgrade.set_defaults(func=run_upgrade)
    current = sub.add_parser('current', help='show the revision of the '
                             'database and the latest one')
    events_db.add_db_arguments(current)
    current.set_defaults(func=run_current)


def known_revisions():
    """The revision ids of the event table's migrations, oldest first."""
    from alembic.script import ScriptDirectory
    script = ScriptDirectory.from_config(dbschema.alembic_config(None))
    return [r.revision for r in reversed(list(script.walk_revisions()))]


def check_revision(revision):
    """Raise a TidingsError unless ``revision`` is head or a known one."""
    known = known_revisions()
    if revision in ('head', 'heads') or revision in known:
        return revision
    raise errors.TidingsError(
        '--revision %r: no such migration of the event table; accepted: '
        'head, %s' % (revision, ', '.join(known)))


def run_upgrade(args):
    check_revision(args.revision)
    partition_by, days_ahead = events_db.partition_options(args)
    store = events_db.open_store(args)
    where = urls.mask_url(store.engine.url)
    try:
        before = store.revision()
        pending = store.pending_migrations(args.revision)
        if pending:
            rows = store.estimate_rows()
            print('%s: %s -> %s: migration(s) %s%s' % (
                where, before or '(empty)', pending[-1], ', '.join(pending),
                '' if rows is None else ' on %s (about %s rows)' % (
                    store.table.name, format(rows, ','))), file=sys.stderr)
        progress = StepProgress()
        cancel = dbschema.StatementCancel()
        try:
            after = interruptible(lambda: store.upgrade(
                args.revision, progress=progress, cancel=cancel,
                partition_by=partition_by, days_ahead=days_ahead), cancel)
        except KeyboardInterrupt:
            progress.end()
            # A fresh connection: SQLite's interrupt() can still be
            # pending on the one the cancelled statement ran on.
            store.engine.dispose()
            now = store.revision()
            print('interrupted: %s stays at %s%s' % (
                where, now or '(empty)', INTERRUPTED_HELP.get(
                    store.engine.dialect.name, ROLLED_BACK)), file=sys.stderr)
            return main.EXIT_INTERRUPTED
        except Exception as exc:
            progress.end()
            if type(exc).__name__ != 'CommandError':
                raise
            raise errors.TidingsError('--revision %r: %s; accepted: head, '
                                      '%s' % (args.revision, exc, ', '.join(
                                          known_revisions()))) from None
    finally:
        store.close()
    print('%s: %s -> %s' % (where, before or '(empty)', after))
    return 0


#: What an interrupted upgrade left, per database, for the operator.
_KEPT = (' (MariaDB commits each statement: the indexes already built '
         'stay, and the next "tidings db upgrade" skips them and goes on)')
INTERRUPTED_HELP = {'mysql': _KEPT, 'mariadb': _KEPT}
ROLLED_BACK = (' (the statement running was cancelled and the upgrade '
               'rolled back whole)')


def interruptible(func, cancel):
    """Run ``func`` in a thread of its own so that Ctrl-C reaches this
    one at once; on Ctrl-C, ``cancel()`` the statement it runs, wait for
    its rollback and raise KeyboardInterrupt (unless ``func`` finished
    before the cancel reached it: then its result)."""
    outcome, done = {}, threading.Event()

    def run():
        try:
            outcome['result'] = func()
        except BaseException as exc:   # noqa: B036 - handed to the caller
            outcome['error'] = exc
        finally:
            done.set()

    # Waits on an Event, not Thread.join: a join that Ctrl-C interrupts
    # can take the thread for ended while it still runs (Python 3.11).
    threading.Thread(target=run, name='tidings-upgrade', daemon=True).start()
    try:
        while not done.wait(0.2):
            pass
    except KeyboardInterrupt:
        cancel()
        while not done.wait(0.2):   # the rollback; Ctrl-C again: at once
            pass
        if 'error' in outcome:
            raise KeyboardInterrupt from outcome['error']
    if 'error' in outcome:
        raise outcome['error']
    return outcome['result']


def run_current(args):
    store = events_db.open_store(args)
    try:
        current = store.revision()
    finally:
        store.close()
    head = dbschema.head_revision()
    print('%s: at %s, latest %s%s' % (
        urls.mask_url(store.engine.url), current or '(empty)', head,
        '' if current == head else ' (run "tidings db upgrade")'))
    return 0 if current == head else 1

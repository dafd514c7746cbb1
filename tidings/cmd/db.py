"""``tidings db``: create, upgrade and inspect the event table schema."""

from tidings.backends import dbschema
from tidings.cmd import events_db
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
    store = events_db.open_store(args)
    try:
        before = store.revision()
        try:
            after = store.upgrade(args.revision)
        except Exception as exc:
            if type(exc).__name__ != 'CommandError':
                raise
            raise errors.TidingsError('--revision %r: %s; accepted: head, '
                                      '%s' % (args.revision, exc, ', '.join(
                                          known_revisions()))) from None
    finally:
        store.close()
    print('%s: %s -> %s' % (urls.mask_url(store.engine.url),
                            before or '(empty)', after))
    return 0


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

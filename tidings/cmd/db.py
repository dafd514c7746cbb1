"""``tidings db``: create, upgrade and inspect the event table schema."""

from tidings.backends import dbschema
from tidings.cmd import events_db


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
                         help='target revision (default %(default)s)')
    upgrade.set_defaults(func=run_upgrade)
    current = sub.add_parser('current', help='show the revision of the '
                             'database and the latest one')
    events_db.add_db_arguments(current)
    current.set_defaults(func=run_current)


def run_upgrade(args):
    store = events_db.open_store(args)
    try:
        before = store.revision()
        after = store.upgrade(args.revision)
    finally:
        store.close()
    print('%s: %s -> %s' % (dbschema.safe_url(store.engine.url),
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
        dbschema.safe_url(store.engine.url), current or '(empty)', head,
        '' if current == head else ' (run "tidings db upgrade")'))
    return 0 if current == head else 1

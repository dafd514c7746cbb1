"""``tidings events query`` and ``tidings events purge``: the event table.

``events.py`` calls :func:`register_events_subcommands` with its
subparsers, so these live next to ``events list`` under one group.
"""

import datetime
import json
import signal
import sys

from oslo_config import cfg

from tidings import conf as tidings_conf
from tidings.backends import database
from tidings.backends import dbschema
from tidings.backends import eventstore
from tidings.cmd.progress import PurgeProgress
from tidings.objects import errors
from tidings.objects import urls
from tidings.objects import strictjson

TABLE_COLUMNS = ('timestamp', 'level', 'event_type', 'object_type',
                 'object_name', 'object_id', 'status', 'project')


def add_db_arguments(parser):
    parser.add_argument(
        '--db', metavar='URL',
        help='SQLAlchemy URL of the event database; default: '
             '[backend_database] connection from --config-file, else '
             'events.sqlite in the state directory')
    parser.add_argument('--config-file', metavar='FILE', action='append',
                        default=[], help='tidings/service config file(s)')
    parser.add_argument('--table-prefix', default=None,
                        help='table prefix (default: [backend_database] '
                             'table_prefix, tidings_)')


def resolve(args):
    """(url, option name, table prefix) from --db / --config-file."""
    conf = load_conf(args.config_file)
    group = conf.backend_database
    prefix = args.table_prefix or group.table_prefix
    if args.db:
        return args.db, '--db', prefix
    if group.connection:
        return group.connection, dbschema.OPTION, prefix
    return database.default_url(conf), 'the default database', prefix


def load_conf(config_files):
    """The tidings options from ``config_files``; a missing, unreadable or
    malformed file is a ConfigFileError naming it."""
    for path in config_files:
        try:
            with open(path, 'rb') as handle:
                handle.read().decode('utf-8')
        except OSError as exc:
            raise errors.ConfigFileError(path, '%s (--config-file)' % (
                strictjson.describe_oserror(exc),)) from None
        except UnicodeDecodeError as exc:
            raise errors.ConfigFileError(
                path, 'is not UTF-8: byte 0x%02x at offset %d cannot be '
                'decoded; accepted: UTF-8 text' % (
                    exc.object[exc.start], exc.start)) from None
    try:
        return tidings_conf.new_conf(
            ['--config-file=%s' % f for f in config_files])
    except cfg.Error as exc:
        raise errors.ConfigFileError(
            ', '.join(config_files), 'cannot be used: %s' % (
                str(exc).strip(),)) from None


def partition_options(args):
    """``(partition_by, partition_days_ahead)``: ``--partition-by`` when
    the command has it and it was given, else ``[backend_database]``'s
    from --config-file."""
    group = load_conf(args.config_file).backend_database
    return (getattr(args, 'partition_by', None) or group.partition_by,
            group.partition_days_ahead)


def open_store(args):
    url, option, prefix = resolve(args)
    try:
        return eventstore.EventStore(url, table_prefix=prefix,
                                     option=option)
    except OSError as exc:
        raise errors.DatabaseError(
            option, urls.mask_url(url) if isinstance(url, str) else url,
            'the folder of the database file cannot be created: %s: %s' % (
                exc.filename or '?', (exc.strerror or str(exc)).lower())
        ) from None


def register_events_subcommands(events_subparsers):
    """Add ``query`` and ``purge`` to the ``tidings events`` group."""
    query = events_subparsers.add_parser(
        'query', help='list stored events (database backend)',
        description='List events from the event table, newest first. '
                    'Give --project P (what a project member may see) or '
                    '--all-projects (admin).')
    add_db_arguments(query)
    query.add_argument('--level', help='this level and above: '
                       + ', '.join(eventstore.fields.LEVELS))
    query.add_argument('--event-type', action='append', metavar='TYPE',
                       help='exact event type, or a prefix ending in "*" '
                            'or "." (repeatable: any of them)')
    for name in ('object_type', 'object_id', 'object_name', 'parent_id',
                 'action', 'request_id', 'status', 'source', 'user'):
        query.add_argument('--' + name.replace('_', '-'), dest=name,
                           action='append', metavar=name.upper(),
                           help='exact %s (repeatable)' % name.replace(
                               '_', ' '))
    query.add_argument('--cluster-id', dest='parent_id', action='append',
                       help='alias of --parent-id (Senlin)')
    query.add_argument('--since', help='ISO 8601 time, or a duration ago '
                       '(2h, 30m, 7d)')
    query.add_argument('--until', help='ISO 8601 time, or a duration ago')
    scope = query.add_mutually_exclusive_group(required=True)
    scope.add_argument('--project', help='only this project\'s events')
    scope.add_argument('--all-projects', action='store_true',
                       help='every project (admin)')
    query.add_argument('--in-project', dest='project_filter',
                       help='with --all-projects: narrow to one project')
    query.add_argument('--sort', default=eventstore.DEFAULT_SORT,
                       help='KEY[:asc|desc],... over timestamp, level, '
                            'event_type, id (default %(default)s)')
    query.add_argument('--limit', type=int, default=50,
                       help='events per page (default %(default)s)')
    query.add_argument('--marker', help='id of the last event of the '
                       'previous page')
    query.add_argument('-f', '--format', choices=('table', 'json'),
                       default='table')
    query.set_defaults(func=run_query)

    purge = events_subparsers.add_parser(
        'purge', help='delete old stored events',
        description='Delete events older than a duration from the event '
                    'table.')
    add_db_arguments(purge)
    purge.add_argument('--older-than', required=True, metavar='DURATION',
                       help=eventstore.DURATION_HELP)
    purge.add_argument('--project', help='only this project\'s events')
    purge.add_argument('--dry-run', action='store_true',
                       help='count the events that would be deleted; '
                            'delete nothing')
    purge.set_defaults(func=run_purge)
    return query, purge


def _filters(args):
    filters = {}
    for name in ('level', 'event_type', 'object_type', 'object_id',
                 'object_name', 'parent_id', 'action', 'request_id',
                 'status', 'source', 'user', 'since', 'until'):
        value = getattr(args, name, None)
        if value:
            filters[name] = value
    if args.project_filter:
        filters['project'] = args.project_filter
    return filters


def _jsonable(event):
    out = dict(event)
    if isinstance(out.get('timestamp'), datetime.datetime):
        out['timestamp'] = out['timestamp'].isoformat(' ', 'microseconds')
    return out


def run_query(args):
    store = open_store(args)
    try:
        events = store.list(_filters(args), sort=args.sort,
                            limit=args.limit, marker=args.marker,
                            project=args.project,
                            all_projects=args.all_projects)
    finally:
        store.close()
    if args.format == 'json':
        json.dump([_jsonable(e) for e in events], sys.stdout, indent=2,
                  sort_keys=True)
        sys.stdout.write('\n')
        return 0
    rows = [[str(_jsonable(e)[c] or '') for c in TABLE_COLUMNS]
            for e in events]
    widths = [max([len(c)] + [len(r[i]) for r in rows])
              for i, c in enumerate(TABLE_COLUMNS)]
    print('  '.join(c.upper().ljust(w) for c, w in zip(
        TABLE_COLUMNS, widths, strict=True)).rstrip())
    for row in rows:
        print('  '.join(v.ljust(w) for v, w in zip(
            row, widths, strict=True)).rstrip())
    if len(events) == args.limit:
        print('(more: --marker %s)' % events[-1]['id'], file=sys.stderr)
    return 0


class StopOnInterrupt:
    """Ctrl-C during a purge: finish the chunk being deleted (its short
    transaction commits or rolls back whole), then stop; a second Ctrl-C
    interrupts at once (the open chunk rolls back)."""

    def __init__(self):
        self.asked = False
        self.previous = None

    def __enter__(self):
        self.previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc):
        signal.signal(signal.SIGINT, self.previous)

    def _handle(self, signum, frame):
        if self.asked:
            raise KeyboardInterrupt
        self.asked = True
        sys.stderr.write('\nstopping after this chunk (Ctrl-C again to '
                         'stop at once)\n')

    def __call__(self):
        return self.asked


def run_purge(args):
    store = open_store(args)
    scope = ' in project %s' % args.project if args.project else ''
    try:
        advice = store.purge_advice()
        if advice:
            print('warning: %s' % advice, file=sys.stderr)
        if args.dry_run:
            count = store.purge(args.older_than, project=args.project,
                                dry_run=True)
            for name, rows in ([] if args.project else
                               store.purge_plan(args.older_than)):
                print('would drop partition %s (%d event(s))' % (
                    name, rows))
            print('would delete %d event(s) older than %s%s' % (
                count, args.older_than, scope))
            return 0
        progress = PurgeProgress()
        with StopOnInterrupt() as stop:
            try:
                deleted = store.purge(args.older_than, project=args.project,
                                      progress=progress, stop=stop,
                                      days_ahead=partition_options(args)[1])
            finally:
                progress.end()
    finally:
        store.close()
    if stop.asked:
        print('stopped: deleted %d event(s) older than %s%s; the rest '
              'stays (run the purge again to go on)' % (
                  deleted, args.older_than, scope))
        return 130
    print('deleted %d event(s) older than %s%s' % (
        deleted, args.older_than, scope))
    return 0

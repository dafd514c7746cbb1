"""``tidings events``: the events of the catalogs.

``tidings events list [--catalog NAME|PKG.MOD:ATTR ...] [-f
table|json|yaml]`` lists every event definition of the selected catalogs
(by default the project's [tool.tidings] catalogs, else every installed
one); ``-f json`` and ``-f yaml`` give a list of objects with
name, event_type, level, mechanisms, metrics, payload, payload_version,
catalog (and namespace, source, deprecated, removed, description).

Each subcommand is an ``add_<name>(subparsers)`` function listed in
:data:`SUBCOMMANDS`, setting ``func(args) -> exit code``; a new one (e.g.
``events query``) is a new function there.
"""

import json

from tidings import catalogs
from tidings.cmd import events_db
from tidings.cmd import selection

FORMATS = ('table', 'json', 'yaml')
TABLE_COLUMNS = (
    ('NAME', lambda d: d['name']),
    ('EVENT TYPE', lambda d: d['event_type']),
    ('LEVEL', lambda d: d['level']),
    ('MECHANISMS', lambda d: ('removed' if d['removed'] else
                              ','.join(d['mechanisms']))),
    ('METRICS', lambda d: ','.join(d['metrics']) or '-'),
    ('PAYLOAD', lambda d: '%s %s' % (d['payload'], d['payload_version'])),
    ('CATALOG', lambda d: d['catalog']),
)


def register(subparsers):
    parser = subparsers.add_parser(
        'events', help='the events of the catalogs',
        description='The event definitions of the catalogs: the project\'s '
                    '([tool.tidings] in pyproject.toml), else the installed '
                    'ones (entry point group tidings.catalogs).')
    sub = parser.add_subparsers(dest='events_command', metavar='SUBCOMMAND')
    sub.required = True
    for add in SUBCOMMANDS:
        add(sub)
    events_db.register_events_subcommands(sub)
    return parser


def add_list(subparsers):
    parser = subparsers.add_parser(
        'list', help='list event definitions',
        description='List the event definitions of the selected '
                    'catalogs.')
    selection.add_catalog_option(parser)
    parser.add_argument('-f', '--format', choices=FORMATS, default='table',
                        help='output format (default: table)')
    parser.set_defaults(func=list_command)
    return parser


def definitions(catalog=None):
    """``as_dict()`` of every event of the selected catalogs (``catalog``:
    a spec, a list of specs, or None: see :func:`tidings.catalogs.select`),
    sorted by catalog and event type."""
    specs = [catalog] if isinstance(catalog, str) else catalog
    rows = [definition.as_dict()
            for one in catalogs.select(specs or None)
            for definition in one.registry]
    return sorted(rows, key=lambda d: (d['catalog'] or '', d['event_type']))


def list_command(args):
    rows = definitions(args.catalogs)
    print(render(rows, args.format))
    return 0


def render(rows, fmt):
    if fmt == 'json':
        return json.dumps(rows, indent=2, sort_keys=True)
    if fmt == 'yaml':
        import yaml
        return yaml.safe_dump(rows, sort_keys=True,
                              default_flow_style=False).rstrip()
    return table(rows)


def table(rows):
    cells = [[title for title, _ in TABLE_COLUMNS]]
    cells += [[str(get(row)) for _, get in TABLE_COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells)
              for i in range(len(TABLE_COLUMNS))]
    return '\n'.join('  '.join(cell.ljust(width) for cell, width in
                               zip(line, widths, strict=True)).rstrip()
                     for line in cells)


#: ``add_<name>(subparsers)`` functions, one per ``events`` subcommand.
SUBCOMMANDS = [add_list]

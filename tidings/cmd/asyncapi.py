"""``tidings asyncapi``: the AsyncAPI 3.0 document of each catalog.

One document per selected catalog (``--catalog NAME|PKG.MOD:ATTR``; by
default the project's [tool.tidings] catalogs, else every installed one):
its channels (``<topic>.<priority>`` routing keys, versioned and
unversioned topics), one message per event type with the payload's schema
for every locked version, the generated samples as examples, and the AMQP
bindings.  One catalog prints to stdout or ``-o FILE``; ``-o DIR`` (an
existing folder, or a path ending in ``/``) receives
``<catalog>.asyncapi.json`` (or ``.yaml``) per catalog.  The format is
``--format``, else the extension of ``-o FILE``, else JSON.
"""

import os
import sys

from tidings.cmd import selection
from tidings.exports import asyncapi
from tidings.objects import errors


def register(subparsers):
    parser = subparsers.add_parser(
        'asyncapi', help='write the AsyncAPI 3.0 document of each catalog',
        description=__doc__.split('\n\n')[1].replace('``', ''))
    selection.add_catalog_option(parser)
    selection.add_lock_option(parser, what='lock file holding released '
                              'versions')
    parser.add_argument(
        '-o', '--output', metavar='FILE|DIR', default=None,
        help='write here instead of stdout: a file (one catalog), or a '
             'folder (an existing one, or a path ending in /) that gets '
             '<catalog>.asyncapi.<format> per catalog')
    parser.add_argument(
        '-f', '--format', choices=asyncapi.FORMATS, default=None,
        help='json or yaml (default: from the -o FILE extension, else json)')
    parser.add_argument(
        '--exchange', default=None,
        help='the exchange (default: %s, oslo.messaging\'s control_exchange)'
             % asyncapi.DEFAULT_EXCHANGE)
    parser.add_argument(
        '--topic', action='append', default=None, dest='topics',
        metavar='TOPIC',
        help='a versioned topic (repeatable; default: [backend_messaging] '
             'topics\' default; "" for none)')
    parser.add_argument(
        '--unversioned-topic', action='append', default=None,
        dest='unversioned_topics', metavar='TOPIC',
        help='an unversioned topic (repeatable; default: '
             '[backend_messaging] unversioned_topics\' default; "" for '
             'none)')
    parser.add_argument(
        '--durable', action='store_true',
        help='the exchange is durable ([oslo_messaging_rabbit] '
             'amqp_durable_queues = true)')
    parser.set_defaults(func=run)


def _is_folder(path):
    return path.endswith(('/', os.sep)) or os.path.isdir(path)


def _format(args):
    if args.format:
        return args.format
    out = args.output
    if out and not _is_folder(out) and \
            out.lower().endswith(('.yaml', '.yml')):
        return 'yaml'
    return 'json'


def check_output(path, folder, what='one document per catalog'):
    """Refuse an -o that cannot be written to, before the (slower)
    generation: a file where a folder (for ``what``) is wanted, a folder
    where a file is, a path under a file or an unwritable folder."""
    bare = path.rstrip('/' + os.sep) or path
    if folder and os.path.exists(bare) and not os.path.isdir(bare):
        raise errors.TidingsError(
            '-o %s: is a file, not a folder; accepted: a folder for %s'
            % (path, what))
    if not folder and os.path.isdir(path):
        raise errors.TidingsError(
            '-o %s: is a folder; accepted: a file path' % path)
    parent = os.path.abspath(bare if folder else os.path.dirname(
        os.path.abspath(path)))
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK):
        raise errors.TidingsError(
            '-o %s: %s is not a writable folder; accepted: a file or '
            'folder path you can write to' % (path, parent))


def run(args):
    fmt = _format(args)
    topics, unversioned = (
        None if given is None else [t for t in given if t != '']
        for given in (args.topics, args.unversioned_topics))
    routing = asyncapi.Routing(args.exchange, topics, unversioned,
                               durable=args.durable)
    folder = bool(args.output) and _is_folder(args.output)
    if args.output:
        check_output(args.output, folder)
    selected = selection.contracts(args)
    if len(selected) > 1 and not folder:
        raise errors.TidingsError(
            '%d catalogs selected (%s) for %s; accepted: --catalog NAME for '
            'one document, or -o DIR for one file per catalog' % (
                len(selected), ', '.join(c.name for c in selected),
                '-o ' + args.output if args.output else 'stdout'))
    written = []
    for one in selected:
        text = asyncapi.render(
            asyncapi.document(one, routing, lock=args.lock), fmt)
        if not args.output:
            sys.stdout.write(text)
            continue
        path = (os.path.join(args.output, asyncapi.filename(one.name, fmt))
                if folder else args.output)
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
        with open(path, 'w', encoding='utf-8') as handle:
            handle.write(text)
        written.append(path)
    for path in written:
        print('wrote %s' % selection.display(path), file=sys.stderr)
    return 0

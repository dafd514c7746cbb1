"""``tidings listen``: a live tail of the notifications on the bus.

One line per message: its time, event type, publisher, payload version
and whether it matches the schema of its version in the lock file (or the
first problem, or why it cannot be read: an unknown event type, another
major version).  ``-f json`` writes one JSON object per line instead.

The listener joins its own pool (``--pool``; default
``tidings-listen-<host>-<pid>``, new for every run): oslo.messaging gives
a pool its own queue bound to the topics, so the tail gets a copy of every
message and takes none from the service's real consumers.  On RabbitMQ
that queue is declared as oslo.messaging's driver declares every
notification queue (durable only with ``amqp_durable_queues``; never
auto-deleted), so ``tidings listen`` deletes its own queue when it stops;
a queue named with ``--pool`` is left in place (it may be shared).

Stops on Ctrl-C (exit 130), after ``--count`` messages, or after
``--timeout`` seconds; the listener is stopped and waited for either way.
Exit 0 when every message shown was valid, 1 when one was not (or fewer
than ``--count`` came), 2 on bad options (a transport URL, a catalog, an
event pattern).
"""

import argparse
import json
import os
import queue
import re
import socket
import sys
import time

from tidings.cmd import events_db
from tidings.cmd import selection
from tidings.consumer import decoder as decoder_mod
from tidings.consumer import endpoint as endpoint_mod
from tidings.objects import errors
from tidings.objects import urls

FORMATS = ('table', 'json')
_PATTERN = re.compile(r'^[a-z0-9_.*?-]+$')
COLUMNS = ('TIME', 'EVENT TYPE', 'PUBLISHER', 'VERSION', 'SCHEMA')
_ROW = '%-26s  %-40s  %-28s  %-7s  %s'


def _positive_int(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(
            '%r is not a whole number >= 1' % (text,))
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0 or value == float('inf'):
        raise argparse.ArgumentTypeError(
            '%r is not a number of seconds > 0' % (text,))
    return value


def register(subparsers):
    parser = subparsers.add_parser(
        'listen', help='tail the notifications on the message bus',
        description=__doc__.split('\n\n')[1].replace('``', ''))
    parser.add_argument(
        '--transport-url', metavar='URL',
        help='the broker, e.g. rabbit://user:pass@host:5672/ (default: '
             '[backend_messaging] transport_url of --config-file, else '
             'oslo.messaging\'s own)')
    parser.add_argument('--config-file', metavar='FILE', action='append',
                        default=[], help='tidings/service config file(s): '
                        'transport URL, topics, exchange, rabbit options')
    parser.add_argument(
        '--topic', action='append', default=None,
        help='topic to listen on (repeatable; default: [backend_messaging] '
             'topics, versioned_notifications)')
    parser.add_argument(
        '--exchange', default=None,
        help='exchange (default: [backend_messaging] exchange, else '
             'control_exchange, openstack)')
    parser.add_argument(
        '--event', metavar='PATTERN', action='append', default=None,
        help='show only event types matching PATTERN, shell-style (* and '
             '?, e.g. "demo.backup.*"); repeatable')
    selection.add_catalog_option(parser)
    selection.add_lock_option(parser, repeatable=True,
                              what='lock file with the released schemas')
    parser.add_argument('-f', '--format', choices=FORMATS, default='table',
                        help='output: a table, or one JSON object per line '
                             '(default: table)')
    parser.add_argument('--count', type=_positive_int, default=None,
                        help='stop after N messages')
    parser.add_argument('--timeout', type=_positive_float, default=None,
                        metavar='SECONDS', help='stop after SECONDS')
    parser.add_argument(
        '--pool', default=None,
        help='listener pool (default: tidings-listen-<host>-<pid>, its own '
             'queue, deleted on exit)')
    parser.set_defaults(func=run)


def event_filter(patterns):
    """The regular expression (for oslo.messaging's NotificationFilter) of
    shell-style event type ``patterns``, or None for none."""
    if not patterns:
        return None
    parts = []
    for pattern in patterns:
        if not _PATTERN.match(pattern):
            raise errors.ArgumentError(
                '--event', pattern, 'an event type pattern: lowercase '
                'letters, digits, "_", "-", "." and the wildcards * (any '
                'characters) and ? (one), e.g. demo.backup.*')
        parts.append(''.join(
            '.*' if c == '*' else '.' if c == '?' else re.escape(c)
            for c in pattern))
    return '^(?:%s)$' % '|'.join(parts)


def _transport_url(args, conf):
    from tidings.backends.messaging import plan
    group = conf.backend_messaging
    if args.transport_url is not None:
        url, option = args.transport_url, '--transport-url'
    else:
        url = plan.transport_url(conf, group)
        option = '[backend_messaging] transport_url'
    parsed, problems = plan.url_errors(conf, url)
    if problems:
        raise errors.TidingsError('%s %s: %s' % (
            option, urls.mask_url(url) if url else "''",
            str(problems[0]).split(': ', 1)[-1]))
    if parsed.transport in ('rabbit', 'kombu'):
        for host in parsed.hosts:
            where = (host.hostname or '127.0.0.1', host.port or 5672)
            try:
                socket.create_connection(where, timeout=5).close()
            except OSError as exc:
                raise errors.TidingsError(
                    '%s %s: cannot connect to %s:%d (%s); accepted: the URL '
                    'of a running broker' % (option, urls.mask_url(url),
                                             where[0], where[1],
                                             exc.strerror or exc)) from None
    return url, parsed


class ListenEndpoint(endpoint_mod.NotificationEndpoint):
    """Every message (filtered by ``--event``) as a row on a queue."""

    def __init__(self, rows, **kwargs):
        super().__init__(**kwargs)
        self.rows = rows

    def on_event(self, payload, meta):
        self.rows.put(row(meta, meta.schema_valid, meta.schema_error))

    def on_undecodable(self, exc, meta):
        self.rows.put(row(meta, False, str(exc)))


def row(meta, valid, problem):
    return {'time': meta.timestamp, 'event_type': meta.event_type,
            'publisher_id': meta.publisher_id, 'priority': meta.priority,
            'message_id': meta.message_id,
            'version': meta.payload_version, 'valid': valid,
            'error': problem, 'dropped': list(meta.dropped)}


def render(one, fmt):
    if fmt == 'json':
        return json.dumps(one, sort_keys=True, ensure_ascii=False)
    if one['valid'] is True:
        status = 'valid'
    elif one['valid'] is False:
        status = 'INVALID: %s' % one['error']
    else:
        status = 'unchecked: %s' % (one['error'] or 'not validated')
    if one['dropped']:
        status += ' (dropped: %s)' % ', '.join(one['dropped'])
    return _ROW % (one['time'] or '-', one['event_type'] or '-',
                   one['publisher_id'] or '-', one['version'] or '-',
                   status)


def _printable(text):
    return text.encode('utf-8', 'backslashreplace').decode('utf-8')


def default_pool():
    return 'tidings-listen-%s-%d' % (socket.gethostname(), os.getpid())


def run(args, out=None, err=None):
    out = out or sys.stdout
    err = err or sys.stderr
    conf = events_db.load_conf(args.config_file)
    pattern = event_filter(args.event)
    registries = selection.registries(args)
    url, parsed = _transport_url(args, conf)
    decoder = decoder_mod.Decoder(registries, validate=True,
                                  lock=args.lock or None)
    import oslo_messaging
    rows = queue.Queue()
    endpoint = ListenEndpoint(
        rows, decoder=decoder,
        filter_rule=oslo_messaging.NotificationFilter(event_type=pattern)
        if pattern else None)
    topics = args.topic or list(conf.backend_messaging.topics)
    exchange = args.exchange or conf.backend_messaging.exchange
    own_pool = args.pool is None
    pool = args.pool or default_pool()
    transport = oslo_messaging.get_notification_transport(conf, url=url)
    server = oslo_messaging.get_notification_listener(
        transport, [oslo_messaging.Target(topic=t, exchange=exchange)
                    for t in topics],
        [endpoint], executor='threading', pool=pool)
    seen = bad = 0
    deadline = None if args.timeout is None else \
        time.monotonic() + args.timeout
    server.start()
    try:
        if args.format == 'table':
            print(_ROW % COLUMNS, file=out, flush=True)
        while args.count is None or seen < args.count:
            wait = 0.2
            if deadline is not None:
                wait = min(wait, deadline - time.monotonic())
                if wait <= 0:
                    break
            try:
                one = rows.get(timeout=wait)
            except queue.Empty:
                continue
            seen += 1
            if one['valid'] is False:
                bad += 1
            print(_printable(render(one, args.format)), file=out,
                  flush=True)
    finally:
        server.stop()
        server.wait()
        if own_pool and parsed.transport in ('rabbit', 'kombu'):
            delete_queue(parsed, pool)
        transport.cleanup()
        endpoint.summary()
        # on Ctrl-C too: what the tail saw
        short = ''
        if args.count is not None and seen < args.count:
            short = '; %d expected (--count)%s' % (
                args.count, '' if args.timeout is None else
                ' in %gs' % args.timeout)
        print('%d message(s): %d valid or unchecked, %d invalid%s' % (
            seen, seen - bad, bad, short), file=err)
    return 1 if bad or (args.count is not None and seen < args.count) \
        else 0


def delete_queue(parsed, name):
    """Delete this run's own pool queue on the broker (the rabbit driver
    declares it not auto-deleted, so it would stay and fill up)."""
    import amqp
    host = parsed.hosts[0] if parsed.hosts else None
    try:
        conn = amqp.Connection(
            '%s:%d' % ((host and host.hostname) or '127.0.0.1',
                       (host and host.port) or 5672),
            userid=(host and host.username) or 'guest',
            password=(host and host.password) or 'guest',
            virtual_host=parsed.virtual_host or '/', connect_timeout=5)
        conn.connect()
        try:
            conn.channel().queue_delete(name)
        finally:
            conn.close()
    except Exception as exc:
        print('tidings listen: warning: queue %s could not be deleted (%s); '
              'delete it with rabbitmqctl delete_queue %s' % (
                  name, exc, name), file=sys.stderr)

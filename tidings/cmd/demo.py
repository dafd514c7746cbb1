"""``tidings demo``: the main job, on embedded defaults, no services needed.

Drives the five bundled catalogs (demo, watcher, senlin, trove, magnetodb)
through the backends of the bundled demo configuration -- log, JSON file,
memory, the database backend on a SQLite file and StatsD to a local UDP
port the demo listens on; with ``--transport-url`` also the messaging
backend -- and ends with a report of what went where:

- demo: a backup that succeeds, one that fails with a fault, and a debug
  event the level filter drops before its payload is built;
- watcher: audit.create, an audit strategy start/end, a planner error;
- senlin: a cluster create start/end, a node recover that fails;
- trove: an instance create started by the "API" and ended by the "task
  manager" from the request context (the cross-process pattern), and the
  periodic ``trove.instance.exists``;
- magnetodb: two HTTP requests through the request-metrics WSGI middleware
  (one 404), a table-create task, and the periodic table usage.
"""

import collections
import json
import logging
import os
import shutil
import socket
import sys
import tempfile
import threading
import time
import wsgiref.util

from tidings import catalogs
from tidings.cmd import events_db
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import periodic

DEMO_CONF = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'etc',
                         'demo.conf')
CATALOGS = ('demo', 'watcher', 'senlin', 'trove', 'magnetodb')


def register(subparsers):
    parser = subparsers.add_parser(
        'demo', help='emit a realistic sequence of notifications from every '
                     'bundled catalog and show where they went (no services '
                     'needed)')
    parser.add_argument('--config-file', default=DEMO_CONF,
                        help='configuration to run with (default: the '
                             'bundled demo.conf)')
    parser.add_argument('--state-dir', default=None,
                        help='where file backends write, kept afterwards '
                             '(default: a temporary folder, removed at the '
                             'end)')
    parser.add_argument('--transport-url', default=None,
                        help='also send through the messaging backend to '
                             'this oslo.messaging URL, e.g. '
                             'rabbit://guest:guest@127.0.0.1:5672/')
    parser.add_argument('--quiet', action='store_true',
                        help='do not print the log backend lines')
    parser.set_defaults(func=run)


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


class _StatsdListener:
    """A UDP socket on a free local port that counts the metrics it gets."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(('127.0.0.1', 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.metrics = collections.Counter()
        self.packets = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                data = self.sock.recv(65535)
            except OSError:
                continue
            self.packets += 1
            for line in data.decode('utf-8', 'replace').splitlines():
                name, _, rest = line.partition(':')
                kind = rest.split('|')[1] if '|' in rest else '?'
                self.metrics['%s|%s' % (name, kind)] += 1

    def wait_for(self, lines, timeout):
        """Wait until ``lines`` metric lines arrived (UDP: or timeout)."""
        deadline = time.monotonic() + timeout
        while sum(self.metrics.values()) < lines and \
                time.monotonic() < deadline:
            time.sleep(0.01)

    def close(self):
        self._stop.set()
        self._thread.join(1)
        self.sock.close()


def _statsd_sent(notifier):
    return sum(b.stats().get('sent', 0) for b in notifier.backends
               if b.name == 'statsd')


def _configure(args, state, statsd_port):
    # a missing, unreadable or malformed file is a ConfigFileError
    conf = events_db.load_conf([args.config_file])
    conf.set_override('state_path', state, 'notifications')
    conf.set_override('publisher_host', 'demo-host', 'notifications')
    conf.set_override('port', statsd_port, 'backend_statsd')
    if args.transport_url:
        conf.set_override('backends', list(conf.notifications.backends)
                          + ['messaging'], 'notifications')
        conf.set_override('transport_url', args.transport_url,
                          'backend_messaging')
    return conf


def _scenario_demo(notifier, demo):
    built = []

    def cleanup_payload():
        built.append('cleanup')
        return demo.CleanupPayload(removed=3)

    with notifier.lifecycle(demo.EVENT_TYPE_BACKUP_CREATE_START,
                            demo.sample_backup):
        pass
    try:
        with notifier.lifecycle(demo.EVENT_TYPE_BACKUP_CREATE_START,
                                demo.sample_backup):
            raise IOError('disk full while copying volume')
    except IOError:
        pass
    skipped = notifier.notify(demo.EVENT_TYPE_CLEANUP, cleanup_payload)
    return skipped is None and not built


def _sample(registry, name):
    return registry[name].sample()


def _scenario_watcher(notifier, watcher):
    notifier.notify('EVENT_TYPE_AUDIT_CREATE',
                    _sample(watcher, 'EVENT_TYPE_AUDIT_CREATE'))
    with notifier.lifecycle('EVENT_TYPE_AUDIT_STRATEGY_START',
                            _sample(watcher,
                                    'EVENT_TYPE_AUDIT_STRATEGY_START')):
        pass
    try:
        with notifier.lifecycle('EVENT_TYPE_AUDIT_PLANNER_START',
                                _sample(watcher,
                                        'EVENT_TYPE_AUDIT_PLANNER_START')):
            raise RuntimeError('no action plan fits the goal')
    except RuntimeError:
        pass


def _scenario_senlin(notifier, senlin):
    with notifier.lifecycle('cluster.create.start',
                            senlin['cluster.create.start'].sample()):
        pass
    try:
        with notifier.lifecycle('node.recover.start',
                                senlin['node.recover.start'].sample()):
            raise TimeoutError('node did not come back in 300 s')
    except TimeoutError:
        pass


def _scenario_trove(notifier, trove):
    from tidings.catalogs.trove import actions
    from tidings.catalogs.trove import context as trove_context

    base = actions.base_traits(
        tenant_id='3c6c8e7a0b9f4f0f9d7a1e2b3c4d5e6f',
        request_id='req-5e3c1f0a-8b7d-4c2e-9f1a-6d5b4c3a2e1f',
        client_ip='198.51.100.7', server_ip='192.0.2.1:8779')
    api_action = actions.action(notifier, 'instance_create', base,
                                name='orders-db', flavor='7',
                                datastore='mysql', volume_size=10)
    api_action.start()
    # The API hands the pending notification to the task manager inside
    # the request context; here the context crosses a JSON round trip, as
    # it would over RPC.
    request_context = json.loads(json.dumps(
        trove_context.attach({'request_id': base['request_id']},
                             api_action)))
    task_action = trove_context.resume(notifier, request_context,
                                       server_type='task',
                                       server_ip='192.0.2.2')
    task_action.end(instance_id='a1b2c3d4-0000-4000-8000-00000000beef')
    exists = trove['trove.instance.exists']
    periodic.PeriodicTask(notifier, exists, -1,
                          lambda start, end: [exists.sample()]).run_once()


def _scenario_magnetodb(notifier, magnetodb):
    from tidings.catalogs.magnetodb import routes
    from tidings.middleware import request_metrics

    def app(environ, start_response):
        if environ['PATH_INFO'].endswith('/missing'):
            start_response('404 Not Found', [('Content-Type', 'text/plain')])
            return [b'no such table']
        start_response('200 OK', [('Content-Type', 'application/json')])
        return [b'{"table_description": {"table_status": "CREATING"}}']

    wrapped = request_metrics.for_routes(app, notifier, routes)
    for method, path in (('POST', '/v1/data/demo-project/tables'),
                         ('DELETE', '/v1/data/demo-project/tables/missing')):
        environ = {'REQUEST_METHOD': method, 'PATH_INFO': path}
        wsgiref.util.setup_testing_defaults(environ)
        result = wrapped(environ, lambda status, headers, exc=None: None)
        b''.join(result)
        if hasattr(result, 'close'):
            result.close()
    with notifier.lifecycle('EVENT_TYPE_TASK_TABLE_CREATE_START',
                            _sample(magnetodb,
                                    'EVENT_TYPE_TASK_TABLE_CREATE_START')):
        pass
    usage = magnetodb['magnetodb.table.usage']
    periodic.PeriodicTask(notifier, usage, -1,
                          lambda start, end: [usage.sample()]).run_once()


def run(args, out=None):
    out = out or sys.stdout
    registries = {name: catalogs.load(name) for name in CATALOGS}
    from tidings.catalogs.demo import events as demo

    temporary = args.state_dir is None
    state = args.state_dir or tempfile.mkdtemp(prefix='tidings-demo-')
    try:
        return _run(args, out, registries, demo, state, temporary)
    finally:
        if temporary:
            shutil.rmtree(state, ignore_errors=True)


def _run(args, out, registries, demo, state, temporary):
    listener = _StatsdListener()
    conf = _configure(args, state, listener.port)

    log_lines = _Lines()
    logger = logging.getLogger(conf.backend_log.logger_name)
    logger.addHandler(log_lines)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    notifier = notifier_mod.Notifier(conf, list(registries.values()))
    print('tidings demo: backends %s; level >= %s; state in %s' % (
        ', '.join(b.name for b in notifier.backends),
        conf.notifications.level, state), file=out)

    filtered_ok = _scenario_demo(notifier, demo)
    _scenario_watcher(notifier, registries['watcher'])
    _scenario_senlin(notifier, registries['senlin'])
    _scenario_trove(notifier, registries['trove'])
    _scenario_magnetodb(notifier, registries['magnetodb'])
    notifier.flush(10)
    listener.wait_for(_statsd_sent(notifier), timeout=2.0)

    _report(out, notifier, registries, listener, filtered_ok, conf)
    if not args.quiet:
        print('\nlog backend (first lines of %d):' % len(log_lines.lines),
              file=out)
        for line in log_lines.lines[:8]:
            print('  ' + (line if len(line) < 150 else line[:147] + '...'),
                  file=out)
    notifier.close()
    listener.close()
    logger.removeHandler(log_lines)
    if temporary:
        print('\n(%s is removed now; pass --state-dir DIR to keep the '
              'files)' % state, file=out)
    return 0


def _report(out, notifier, registries, listener, filtered_ok, conf):
    memory = notifier.backend('memory')
    by_catalog = collections.defaultdict(list)
    for note in memory.notifications:
        by_catalog[note.event.catalog].append(note)
    print('\ndelivered, per catalog (as on the wire):', file=out)
    for name in CATALOGS:
        print('  %s' % name, file=out)
        for note in by_catalog.get(name, ()):
            extra = ''
            if note.duration_ms is not None:
                extra = '  (%.1f ms)' % note.duration_ms
            print('    %-8s %-38s %s%s' % (note.priority, note.event_type,
                                           note.publisher_id, extra),
                  file=out)
    print('\nper backend:', file=out)
    for backend in notifier.backends:
        print('  %-9s %s' % (backend.name, json.dumps(
            backend.stats(), sort_keys=True, default=str)), file=out)

    database = [b for b in notifier.backends if b.name == 'database']
    if database:
        from tidings.backends import eventstore
        store = eventstore.EventStore(database[0].url,
                                      table_prefix=database[0].table_prefix)
        rows = store.list(all_projects=True, limit=1000)
        counts = collections.Counter(r['event_type'].split('.')[0]
                                     for r in rows)
        print('\ndatabase %s: %d events stored (%s)' % (
            database[0].url, len(rows), ', '.join(
                '%s: %d' % kv for kv in sorted(counts.items()))), file=out)
    if listener.metrics:
        print('\nStatsD (udp 127.0.0.1:%d): %d packets, %d metric lines' % (
            listener.port, listener.packets, sum(listener.metrics.values())),
            file=out)
        for name, count in sorted(listener.metrics.items()):
            print('  %-48s x%d' % (name, count), file=out)
    jsonfile = [b for b in notifier.backends if b.name == 'jsonfile']
    if jsonfile:
        with open(jsonfile[0].path) as handle:
            count = sum(1 for _ in handle)
        print('\njsonfile: %d lines in %s' % (count, jsonfile[0].path),
              file=out)
    secrets = [m for m in memory.messages if 's3cr3t' in json.dumps(m)]
    print('sensitive fields masked everywhere: %s' % (
        'yes' if not secrets else 'NO'), file=out)
    print('debug event filtered out before its payload was built: %s' % (
        'yes' if filtered_ok else 'NO'), file=out)

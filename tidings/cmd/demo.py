"""``tidings demo``: the main job, on embedded defaults, no services needed.

Loads the demo catalog, emits a realistic sequence through the backends of
the bundled demo configuration (a backup that succeeds, one that fails with
a fault, a debug event the level filter drops before its payload is built)
and prints what was delivered where.
"""

import json
import logging
import os
import sys
import tempfile

from tidings import conf as tidings_conf
from tidings.notifications import notifier as notifier_mod

DEMO_CONF = os.path.join(os.path.dirname(os.path.dirname(__file__)), 'etc',
                         'demo.conf')


def register(subparsers):
    parser = subparsers.add_parser(
        'demo', help='emit a realistic sequence of notifications and show '
                     'where they went (no services needed)')
    parser.add_argument('--config-file', default=DEMO_CONF,
                        help='configuration to run with (default: the '
                             'bundled demo.conf)')
    parser.add_argument('--state-dir', default=None,
                        help='where file backends write (default: a new '
                             'temporary folder)')
    parser.add_argument('--quiet', action='store_true',
                        help='do not print the log backend lines')
    parser.set_defaults(func=run)


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def run(args, out=None):
    out = out or sys.stdout
    from tidings.catalogs.demo import events as demo

    state = args.state_dir or tempfile.mkdtemp(prefix='tidings-demo-')
    conf = tidings_conf.new_conf(['--config-file', args.config_file])
    conf.set_override('state_path', state, 'notifications')
    conf.set_override('publisher_host', 'demo-host', 'notifications')

    log_lines = _Lines()
    logger = logging.getLogger(conf.backend_log.logger_name)
    logger.addHandler(log_lines)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False

    notifier = notifier_mod.Notifier(conf, [demo.EVENTS])
    print('tidings demo: backends %s, level >= %s, state in %s' % (
        ', '.join(b.name for b in notifier.backends),
        conf.notifications.level, state), file=out)

    built = []

    def cleanup_payload():
        built.append('cleanup')
        return demo.CleanupPayload(removed=3)

    # 1. a backup that succeeds: .start then .end with its duration
    with notifier.lifecycle(demo.EVENT_TYPE_BACKUP_CREATE_START,
                            demo.sample_backup):
        pass
    # 2. a backup that fails: .start then .error with the fault
    try:
        with notifier.lifecycle(demo.EVENT_TYPE_BACKUP_CREATE_START,
                                demo.sample_backup):
            raise IOError('disk full while copying volume')
    except IOError:
        pass
    # 3. a debug event: filtered out before its payload is built
    skipped = notifier.notify(demo.EVENT_TYPE_CLEANUP, cleanup_payload)
    notifier.flush(5)

    print('', file=out)
    for backend in notifier.backends:
        print('%-9s %s' % (backend.name, json.dumps(backend.stats(),
                                                     sort_keys=True)),
              file=out)
    memory = notifier.backend('memory') if any(
        b.name == 'memory' for b in notifier.backends) else None
    if memory is not None:
        print('\ndelivered (as on the wire):', file=out)
        for message in memory.messages:
            data = next(iter(v for k, v in message['payload'].items()
                             if k.endswith('.data')), {})
            extra = ''
            if 'fault' in data:
                fault = data['fault']['demo_object.data']
                extra = '  fault=%s(%r)' % (fault['exception'],
                                            fault['exception_message'])
            print('  %-8s %-26s %s%s' % (
                message['priority'], message['event_type'],
                message['publisher_id'], extra), file=out)
        secrets = [m for m in memory.messages
                   if 's3cr3t' in json.dumps(m)]
        print('\nsensitive field masked everywhere: %s' % (
            'yes' if not secrets else 'NO'), file=out)
    print('debug event filtered out: %s; its payload factory was %s' % (
        'yes' if skipped is None else 'no',
        'never called' if not built else 'called'), file=out)
    jsonfile = [b for b in notifier.backends if b.name == 'jsonfile']
    if jsonfile:
        with open(jsonfile[0].path) as handle:
            count = sum(1 for _ in handle)
        print('jsonfile: %d lines in %s' % (count, jsonfile[0].path),
              file=out)
    if not args.quiet:
        print('\nlog backend lines:', file=out)
        for line in log_lines.lines:
            print('  ' + (line if len(line) < 160 else line[:157] + '...'),
                  file=out)
    notifier.close()
    logger.removeHandler(log_lines)
    return 0

"""Nova 34 as a benchmark peer: its own virtualenv, scripts run inside it.

Nova cannot share our interpreter (its pins differ), so it gets
``benchmarks/.venv-nova`` (ignored by git), created on first use with
``pip install nova==34.*``; a symlink to an existing virtualenv with Nova
works too.  :func:`run` runs a script there and returns the JSON object
the script prints on its last line of output.

Two scripts: ``emit.py`` times Nova's ``ServiceStatusNotification.emit``
on oslo.messaging's ``test`` driver; :data:`BUS_SCRIPT` times the same emit
through the real broker (messagingv2 driver, rabbit transport, which
waits for each publisher confirm), for ``messaging.py --with-nova``.
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
NOVA_VENV = os.path.join(HERE, '.venv-nova')
NOVA_REQ = 'nova==34.*'

#: What both scripts share: Nova's config, a Service object and one emit.
#: ``setup(url, overrides)`` returns ``emit()``.
PRELUDE = r'''
import datetime, json, statistics, sys, time, warnings
warnings.filterwarnings('ignore')
import nova.conf
from nova import context, objects, rpc
from nova.notifications.objects import base as nbase
from nova.notifications.objects import service as nservice
from nova.objects import fields
import oslo_messaging
CONF = nova.conf.CONF


def setup(url, overrides):
    CONF([], project='nova', default_config_files=[])
    oslo_messaging.get_notification_transport(CONF, url=url)
    for name, value, group in overrides:
        CONF.set_override(name, value, group=group)
    CONF.set_override('notification_format', 'versioned',
                      group='notifications')
    CONF.set_override('transport_url', url)
    objects.register_all()
    rpc.init(CONF)
    ctxt = context.get_admin_context()
    svc = objects.Service(
        ctxt, host='compute-1', binary='nova-compute', topic='compute',
        report_count=12, disabled=False, disabled_reason=None,
        availability_zone='nova', forced_down=False,
        uuid='fa69c544-906b-4a6a-a9c6-c1f7a8078c73',
        last_seen_up=datetime.datetime(2026, 11, 1, 12, 0, 0,
                                       tzinfo=datetime.timezone.utc))
    svc.obj_reset_changes()

    def emit():
        payload = nservice.ServiceStatusPayload(svc)
        nservice.ServiceStatusNotification(
            publisher=nbase.NotificationPublisher.from_service_obj(svc),
            event_type=nbase.EventType(
                object='service', action=fields.NotificationAction.UPDATE),
            priority=fields.NotificationPriority.INFO,
            payload=payload).emit(ctxt)
    return emit
'''

#: ``BUS_SCRIPT URL TOPIC EXCHANGE N``: Nova's emit through the broker,
#: ``N`` times after a warm-up of ``WARM``; prints ``nova_per_s`` and how
#: many messages it sent in all (``emitted``) for the caller to count.
BUS_SCRIPT = PRELUDE + r'''
WARM = 50
url, topic, exchange, n = sys.argv[1], sys.argv[2], sys.argv[3], \
    int(sys.argv[4])
emit = setup(url, [
    ('driver', ['messagingv2'], 'oslo_messaging_notifications'),
    ('versioned_notifications_topics', [topic], 'notifications'),
    ('control_exchange', exchange, None)])
for _ in range(WARM):
    emit()
start = time.perf_counter()
for _ in range(n):
    emit()
elapsed = time.perf_counter() - start
rpc.cleanup()
print(json.dumps({'nova_per_s': n / elapsed, 'emitted': WARM + n}))
'''


def python():
    """The virtualenv's interpreter, creating the virtualenv if needed."""
    path = os.path.join(NOVA_VENV, 'bin', 'python')
    if not os.path.exists(path):
        print('installing %s into %s (once)...' % (NOVA_REQ, NOVA_VENV),
              file=sys.stderr)
        subprocess.check_call([sys.executable, '-m', 'venv', NOVA_VENV])
        subprocess.check_call([path, '-m', 'pip', 'install', '-q',
                               NOVA_REQ])
    return path


def run(script, *args, timeout=600):
    """Run ``script`` with Nova; its last output line as JSON, or None
    (with the error on stderr) when it failed."""
    proc = subprocess.run([python(), '-c', script] + [str(a) for a in args],
                          capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        print('nova run failed:\n' + proc.stderr[-3000:], file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])

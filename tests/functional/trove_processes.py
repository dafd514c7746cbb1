"""The Trove processes of the cross-process functional test.

``python -m tests.functional.trove_processes ROLE URL ...``:

- ``api URL TASK_TOPIC GUEST_TOPIC NOTIFY_TOPIC``: starts three dbaas
  actions, attaches each to the request context and casts it over RPC --
  instance_create to the task manager, database_create and user_create to
  the guest -- then exits;
- ``task URL TASK_TOPIC NOTIFY_TOPIC``: RPC server; resumes the action from
  the context it receives and emits ``.end`` itself;
- ``guest URL GUEST_TOPIC CONDUCTOR_TOPIC``: RPC server with no notifier at
  all (it cannot reach the notification bus): hands the result to the
  conductor over RPC (``notify_end`` / ``notify_exc_info``);
- ``conductor URL CONDUCTOR_TOPIC NOTIFY_TOPIC``: RPC server running the
  catalog's :class:`~tidings.catalogs.trove.context.Conductor`, which emits.

Servers print ``ready`` once consuming and stop cleanly on SIGTERM.
Notifications go to RabbitMQ through the tidings messaging backend
(``[backend_messaging] transport_url``, ``topics`` and ``exchange`` from
the command line and ``TIDINGS_TEST_EXCHANGE``), its outbox in a
temporary state directory removed on exit.
"""

import os
import shutil
import signal
import sys
import tempfile
import threading
import warnings

warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')

import oslo_messaging  # noqa: E402
from oslo_config import cfg  # noqa: E402

from tidings import conf as tidings_conf  # noqa: E402
from tidings.catalogs import trove  # noqa: E402
from tidings.catalogs.trove import actions  # noqa: E402
from tidings.catalogs.trove import context  # noqa: E402
from tidings.notifications import notifier as notifier_mod  # noqa: E402

# Each test run gets its own exchange: the shared broker may hold an
# 'openstack' exchange declared with other arguments by another client.
EXCHANGE = os.environ.get('TIDINGS_TEST_EXCHANGE', 'openstack')
oslo_messaging.set_transport_defaults(EXCHANGE)

STATE = None   # the process's state directory (the outbox), see main()
API_IP = '192.0.2.1:8779'
CLIENT_IP = '198.51.100.7:40112'


def _notifier(url, topic, source):
    """A Notifier with the messaging backend on ``url``, ``topic`` and
    the test's exchange; its outbox under the process's state directory.
    """
    conf = tidings_conf.new_conf()
    conf.set_override('state_path', STATE, 'notifications')
    conf.set_override('backends', ['messaging'], 'notifications')
    for key, value in (('transport_url', url), ('topics', [topic]),
                       ('exchange', EXCHANGE)):
        conf.set_override(key, value, 'backend_messaging')
    return notifier_mod.Notifier(
        conf, registries=[trove.EVENTS], source=source, host='functional')


def _serve(url, topic, server, endpoints):
    transport = oslo_messaging.get_rpc_transport(cfg.CONF, url=url)
    rpc = oslo_messaging.get_rpc_server(
        transport, oslo_messaging.Target(topic=topic, server=server),
        endpoints, executor='threading')
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *args: stop.set())
    rpc.start()
    print('ready', flush=True)
    stop.wait()
    rpc.stop()
    rpc.wait()
    transport.cleanup()


class TaskManager:
    def __init__(self, notifier):
        self.notifier = notifier

    def create_instance(self, ctxt, instance_id):
        action = context.resume(self.notifier, ctxt, 'task',
                                '192.0.2.2:0')
        action.end(instance_id=instance_id)
        self.notifier.flush()


class Guest:
    def __init__(self, conductor):
        self.conductor = conductor

    def create_database(self, ctxt, dbname):
        self.conductor.notify_end(ctxt)

    def create_user(self, ctxt, username):
        try:
            raise RuntimeError('user %s already exists' % username)
        except RuntimeError:
            self.conductor.notify_exc_info(ctxt, sys.exc_info())


def api(url, task_topic, guest_topic, notify_topic):
    transport = oslo_messaging.get_rpc_transport(cfg.CONF, url=url)
    task = oslo_messaging.get_rpc_client(
        transport, oslo_messaging.Target(topic=task_topic))
    guest = oslo_messaging.get_rpc_client(
        transport, oslo_messaging.Target(topic=guest_topic))
    with _notifier(url, notify_topic, 'trove-api') as notifier:
        def started(name, request_id, /, **traits):
            base = actions.base_traits('tenant-1', request_id, CLIENT_IP,
                                       API_IP)
            action = actions.action(notifier, name, base, **traits)
            action.start()
            return context.attach({'request_id': request_id}, action)

        ctxt = started('instance_create', 'req-task', name='orders',
                       flavor='7', datastore='mysql')
        task.cast(ctxt, 'create_instance', instance_id='inst-1')
        ctxt = started('database_create', 'req-guest-end',
                       instance_id='inst-1', dbname='orders')
        guest.cast(ctxt, 'create_database', dbname='orders')
        ctxt = started('user_create', 'req-guest-error',
                       instance_id='inst-1', username='app')
        guest.cast(ctxt, 'create_user', username='app')
    transport.cleanup()


def main(argv):
    global STATE
    STATE = tempfile.mkdtemp(prefix='tidings-trove-')
    try:
        return run(argv)
    finally:
        shutil.rmtree(STATE, ignore_errors=True)


def run(argv):
    role, url = argv[0], argv[1]
    if role == 'api':
        api(url, *argv[2:])
    elif role == 'task':
        topic, notify_topic = argv[2:]
        notifier = _notifier(url, notify_topic, 'trove-taskmanager')
        _serve(url, topic, 'task-1', [TaskManager(notifier)])
        notifier.close()
    elif role == 'guest':
        topic, conductor_topic = argv[2:]
        transport = oslo_messaging.get_rpc_transport(cfg.CONF,
                                                     url=url)
        client = context.ConductorClient(transport, conductor_topic)
        _serve(url, topic, 'guest-1', [Guest(client)])
        transport.cleanup()
    elif role == 'conductor':
        topic, notify_topic = argv[2:]
        notifier = _notifier(url, notify_topic, 'trove-conductor')
        _serve(url, topic, 'conductor-1',
               [context.Conductor(notifier, '192.0.2.3:0')])
        notifier.close()
    else:
        raise SystemExit('unknown role %r' % role)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))

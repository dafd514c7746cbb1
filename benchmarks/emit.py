"""Cost of emitting one notification, tidings beside the floor and the peer.

One payload like Nova's ``ServiceStatusPayload`` (11 fields, built from a
source object through SCHEMA). Every path does equal work: it ends with the
wire message (the dict that would go on the bus, payload serialised), kept
in memory as oslo.messaging's ``test`` driver keeps it.

Paths, each the median of several rounds, in µs per notification:

- ``tidings_enabled_us``: tidings Notifier, memory backend;
- ``tidings_filtered_us``: the same event below the level threshold;
- ``tidings_context_us`` / ``floor_test_context_us``: the enabled path and
  the ``test`` floor with an oslo.context ``RequestContext`` carrying a
  token, which both redact (``redacted_copy()``) before the backend;
- ``floor_noop_us`` / ``floor_test_us``: oslo.messaging ``Notifier`` with an
  equivalent dict payload on the ``noop`` and ``test`` drivers (fake://);
- ``nova_us``: Nova's real ServiceStatusNotification through oslo.messaging's
  ``test`` driver on fake:// (``--with-nova``: installs nova into
  benchmarks/.venv-nova on first use), else null.

Also: ``filtered_memory_growth_kib`` over 1,000,000 filtered-out events;
and the route cache past its size: ``status_hit_us`` (one HTTP-status
event, one status) against ``status_spread_us`` (22 status events cycling
through all 500 statuses: 11,000 (event, status) keys), enabled and
filtered (``status_filtered_*``), with their ratios.

    python benchmarks/emit.py [--json] [--rounds 7] [--with-nova]
"""

import argparse
import datetime
import gc
import os
import statistics
import sys
import time
import tracemalloc
import warnings

warnings.filterwarnings('ignore')

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402
import nova_peer  # noqa: E402


class Service:
    """The service object the payload is built from (as Nova's Service)."""

    host = 'compute-1'
    binary = 'nova-compute'
    topic = 'compute'
    report_count = 12
    disabled = False
    disabled_reason = None
    availability_zone = 'nova'
    last_seen_up = datetime.datetime(2026, 11, 1, 12, 0, 0,
                                     tzinfo=datetime.timezone.utc)
    forced_down = False
    version = 66
    uuid = 'fa69c544-906b-4a6a-a9c6-c1f7a8078c73'


FIELDS = ('host', 'binary', 'topic', 'report_count', 'disabled',
          'disabled_reason', 'availability_zone', 'last_seen_up',
          'forced_down', 'version', 'uuid')


def time_per_call(func, n, rounds):
    """Median µs per call of ``func(n)`` (which runs n emits)."""
    func(min(n, 1000))  # warm up
    results = []
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        func(n)
        results.append((time.perf_counter() - start) / n * 1e6)
    return statistics.median(results)


def tidings_paths(n, rounds):
    from tidings.backends import memory
    from tidings import conf as tidings_conf
    from tidings.notifications import Notifier
    from tidings.notifications import payload as payload_mod
    from tidings.notifications import registry
    from tidings.objects import base
    from tidings.objects import fields as ofields

    objects = base.ObjectRegistry('bench')

    @objects.register
    class ServiceStatusPayload(payload_mod.Payload):
        VERSION = '1.1'
        SCHEMA = {name: ('service', name) for name in FIELDS}
        fields = {
            'host': ofields.StringField(nullable=True),
            'binary': ofields.StringField(nullable=True),
            'topic': ofields.StringField(nullable=True),
            'report_count': ofields.IntegerField(),
            'disabled': ofields.BooleanField(),
            'disabled_reason': ofields.StringField(nullable=True),
            'availability_zone': ofields.StringField(nullable=True),
            'last_seen_up': ofields.DateTimeField(nullable=True),
            'forced_down': ofields.BooleanField(),
            'version': ofields.IntegerField(),
            'uuid': ofields.UUIDField(),
        }

    events = registry.EventRegistry('bench', objects=objects)
    update = events.define('EVENT_TYPE_SERVICE_UPDATE', 'service.update',
                           'info', ServiceStatusPayload)
    debug = events.define('EVENT_TYPE_SERVICE_DEBUG', 'service.debug',
                          'debug', ServiceStatusPayload)
    conf = tidings_conf.new_conf()
    sink = memory.MemoryBackend(max_notifications=1000)
    notifier = Notifier(conf, events, source='nova-compute', host='bench',
                        backends=[sink])
    service = Service()

    def enabled(k):
        notify = notifier.notify
        for _ in range(k):
            notify(update, ServiceStatusPayload.from_sources(service=service))

    def filtered(k):
        notify = notifier.notify
        for _ in range(k):
            notify(debug, lambda: ServiceStatusPayload.from_sources(
                service=service))

    ctxt = request_context()

    def with_context(k):
        notify = notifier.notify
        for _ in range(k):
            notify(update, ServiceStatusPayload.from_sources(service=service),
                   context=ctxt)

    out = {
        'tidings_enabled_us': time_per_call(enabled, n, rounds),
        'tidings_filtered_us': time_per_call(filtered, n * 20, rounds),
        'tidings_context_us': time_per_call(with_context, n, rounds),
    }
    assert sink.notifications[-1].context['auth_token'] is None
    assert len(sink.messages) == 1000
    assert sink.messages[-1]['payload']['bench_object.data']['host'] == \
        'compute-1'
    # memory over 1,000,000 filtered-out events
    filtered(1000)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    filtered(1_000_000)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    out['filtered_memory_growth_kib'] = round((after - before) / 1024, 1)
    return out


def status_paths(n, rounds):
    """The route cache with more (event, status) keys than its size."""
    from tidings.backends import memory
    from tidings import conf as tidings_conf
    from tidings.notifications import Notifier
    from tidings.objects import fields as ofields

    events, RequestPayload = common.catalog('benchstatus',
                                            path=ofields.StringField())
    enabled = [events.define('EVENT_TYPE_REQ_OP%d_ERROR' % i,
                             'bench.req.op%d.error' % i, 'error',
                             RequestPayload, status_variants=True)
               for i in range(22)]
    quiet = [events.define('EVENT_TYPE_DBG_OP%d_ERROR' % i,
                           'bench.dbg.op%d.error' % i, 'debug',
                           RequestPayload, status_variants=True)
             for i in range(22)]
    notifier = Notifier(tidings_conf.new_conf(), events, source='api',
                        host='bench', backends=[
                            memory.MemoryBackend(max_notifications=1000)])
    payload = RequestPayload(path='/v1/tables')
    statuses = range(100, 600)

    def runner(definitions, spread):
        keys = ([(d, s) for s in statuses for d in definitions] if spread
                else [(definitions[0], 404)])

        def run(k):
            notify = notifier.notify
            count = len(keys)
            for i in range(k):
                event, status = keys[i % count]
                notify(event, payload, status=status)
        return run

    out = {}
    for name, definitions, scale in (('status', enabled, 1),
                                     ('status_filtered', quiet, 20)):
        hit = time_per_call(runner(definitions, False), n * scale, rounds)
        spread = time_per_call(runner(definitions, True), n * scale, rounds)
        out['%s_hit_us' % name] = hit
        out['%s_spread_us' % name] = spread
        out['%s_spread_over_hit' % name] = round(spread / hit, 2)
    return out


def request_context():
    from oslo_context import context
    return context.RequestContext(
        auth_token='gAAAAABn-bench-token', user_id='u-1',
        project_id='p-1', request_id='req-1', roles=['member', 'reader'])


def floor_paths(n, rounds):
    import oslo_messaging
    from oslo_config import cfg
    from oslo_messaging.notify import _impl_test

    conf = cfg.ConfigOpts()
    conf([], project='bench')
    transport = oslo_messaging.get_notification_transport(
        conf, url='fake://')
    service = Service()

    def payload():
        data = {}
        for name in FIELDS:
            value = getattr(service, name)
            if isinstance(value, datetime.datetime):
                value = value.isoformat()
            data[name] = value
        return data

    out = {}
    for driver in ('noop', 'test'):
        notifier = oslo_messaging.Notifier(
            transport, publisher_id='nova-compute:bench', driver=driver,
            topics=['versioned_notifications'])

        def run(k, notifier=notifier):
            info = notifier.info
            for _ in range(k):
                info({}, 'service.update', payload())
            del _impl_test.NOTIFICATIONS[:]

        out['floor_%s_us' % driver] = time_per_call(run, n, rounds)
    ctxt = request_context()

    def run_context(k, notifier=notifier):
        info = notifier.info
        for _ in range(k):
            info(ctxt, 'service.update', payload())
        assert _impl_test.NOTIFICATIONS[-1][0].auth_token is None
        del _impl_test.NOTIFICATIONS[:]

    out['floor_test_context_us'] = time_per_call(run_context, n, rounds)
    return out


NOVA_SCRIPT = nova_peer.PRELUDE + r'''
from oslo_messaging.notify import _impl_test
n, rounds = int(sys.argv[1]), int(sys.argv[2])
emit_one = setup('fake://', [
    ('driver', ['test'], 'oslo_messaging_notifications')])


def emit(k):
    for _ in range(k):
        emit_one()
    assert _impl_test.NOTIFICATIONS, 'nova emitted nothing'
    del _impl_test.NOTIFICATIONS[:]


emit(200)
res = []
for _ in range(rounds):
    t = time.perf_counter()
    emit(n)
    res.append((time.perf_counter() - t) / n * 1e6)
print(json.dumps({'nova_us': statistics.median(res)}))
'''


def nova_path(n, rounds):
    return nova_peer.run(NOVA_SCRIPT, n, rounds) or {'nova_us': None}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--json', action='store_true')
    parser.add_argument('-n', type=int, default=5000,
                        help='notifications per round')
    parser.add_argument('--rounds', type=int, default=7)
    parser.add_argument('--with-nova', action='store_true',
                        help='also measure Nova 34 (separate virtualenv)')
    args = parser.parse_args(argv)
    result = {}
    result.update(tidings_paths(args.n, args.rounds))
    result.update(status_paths(args.n, args.rounds))
    result.update(floor_paths(args.n, args.rounds))
    if args.with_nova:
        result.update(nova_path(min(args.n, 2000), args.rounds))
    else:
        result['nova_us'] = None
        print('nova: not measured (pass --with-nova)', file=sys.stderr)
    if result['nova_us']:
        result['nova_over_tidings'] = round(
            result['nova_us'] / result['tidings_enabled_us'], 1)
    result['tidings_over_floor_test'] = round(
        result['tidings_enabled_us'] / result['floor_test_us'], 2)
    for key, value in result.items():
        if isinstance(value, float):
            result[key] = round(value, 3)
    common.print_results(result, args.json, width=30)
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Caller cost and loss of StatsD metrics at 100,000 metrics/s.

Starts the real StatsD daemon (npm ``statsd``, installed by
``tools/install-statsd.sh``) on free ports and sends counters to it at a
steady rate (``--rate``, default 100,000/s, in bursts of 100 every
millisecond) for ``--seconds``, through each path:

- ``tidings``: ``StatsdClient.incr`` (what the statsd backend and the
  request-metrics middleware use): format, enqueue; a sender thread
  batches lines into 1432-byte packets;
- ``naive``: the ``statsd`` package's ``StatsClient.incr``, one UDP packet
  per metric sent on the caller's thread (what services do today);
- ``pipeline``: the ``statsd`` package's ``pipeline()``, 100 metrics per
  pipeline, batched but still sent on the caller's thread;
- ``statsd_queue``: the ``statsd`` package's formatting
  (``StatsClientBase``) feeding tidings' queue: the caller cost we would
  pay by building on the package instead of our own formatting;
- ``tidings_notify``: a whole notification through a Notifier with the
  statsd backend (event with one metric), µs per event, at
  ``--notify-rate`` (default 10,000 events/s).

Caller µs per metric is the time spent inside the calls divided by the
metrics sent; loss is what the daemon did not count (it aggregates every
counter; the benchmark sums its console backend's flushes).  Each path
runs ``--rounds`` times; the median is reported.

    python benchmarks/statsd.py [--json] [--rate 100000] [--seconds 2]
"""

import argparse
import json
import os
import statistics
import sys
import time
import uuid
import warnings

warnings.filterwarnings('ignore')

HERE = os.path.dirname(os.path.abspath(__file__))
# This file is named statsd.py: keep its folder off the path so that
# "import statsd" finds the package, and put the repository on it.
sys.path[:] = [p for p in sys.path
               if os.path.abspath(p or os.curdir) != HERE]
sys.path.insert(0, os.path.dirname(HERE))
from benchmarks import common  # noqa: E402

BURST = 100


def paced(emit, rate, seconds):
    """Call ``emit(BURST)`` ``rate`` times a second; µs inside emit."""
    total = int(rate * seconds)
    bursts = total // BURST
    interval = BURST / rate
    busy = 0.0
    clock = time.perf_counter
    start = clock()
    for i in range(bursts):
        before = clock()
        emit(BURST)
        busy += clock() - before
        wait = start + (i + 1) * interval - clock()
        if wait > 0.0002:
            time.sleep(wait)
    return busy * 1e6 / (bursts * BURST), bursts * BURST


def received(daemon, name, expected, timeout=10.0):
    """The daemon's total for ``name`` once it stops growing."""
    deadline = time.monotonic() + timeout
    last = -1
    while time.monotonic() < deadline:
        value = daemon.counters().get(name, 0)
        if value >= expected:
            return value
        if value == last and value > 0:
            break
        last = value
        daemon.settle(2.0)
    return daemon.counters().get(name, 0)


def run_path(daemon, path, rate, seconds):
    import statsd as statsd_pkg

    from tidings.backends import statsd as tstatsd

    name = 'bench.%s.%s' % (path, uuid.uuid4().hex[:8])
    finish = None
    if path == 'tidings':
        client = tstatsd.StatsdClient(port=daemon.port)
        incr = client.incr

        def emit(n):
            for _ in range(n):
                incr(name)
        finish = client
    elif path == 'naive':
        client = statsd_pkg.StatsClient('127.0.0.1', daemon.port)
        incr = client.incr

        def emit(n):
            for _ in range(n):
                incr(name)
    elif path == 'pipeline':
        client = statsd_pkg.StatsClient('127.0.0.1', daemon.port,
                                        maxudpsize=1432)

        def emit(n):
            with client.pipeline() as pipe:
                for _ in range(n):
                    pipe.incr(name)
    elif path == 'statsd_queue':
        ours = tstatsd.StatsdClient(port=daemon.port)

        class QueueClient(statsd_pkg.client.base.StatsClientBase):
            _prefix = None

            def _send(self, data):
                ours.put(data)
        incr = QueueClient().incr

        def emit(n):
            for _ in range(n):
                incr(name)
        finish = ours
    elif path == 'tidings_notify':
        notifier, event, payload = notify_setup(daemon.port)
        name = 'bench.notify'
        notify = notifier.notify

        def emit(n):
            for _ in range(n):
                notify(event, payload)
        finish = notifier
    else:
        raise ValueError(path)
    before = daemon.counters().get(name, 0)
    us, sent = paced(emit, rate, seconds)
    if finish is not None:
        finish.flush(10)
    got = received(daemon, name, before + sent) - before
    if finish is not None:
        finish.close()
    loss = max(0.0, (sent - got) * 100.0 / sent)
    return us, loss


def notify_setup(port):
    from tidings import conf as tidings_conf
    from tidings.notifications import notifier as notifier_mod
    from tidings.objects import fields as ofields

    events, BenchPayload = common.catalog('statsdbench',
                                          name=ofields.StringField())
    event = events.define('EVENT_TYPE_BENCH', 'statsdbench.thing.create',
                          'info', BenchPayload, mechanisms=['statsd'],
                          metrics=['bench.notify'])
    conf = tidings_conf.new_conf()
    conf.set_override('backends', ['statsd'], 'notifications')
    conf.set_override('port', port, 'backend_statsd')
    notifier = notifier_mod.Notifier(conf, events, source='bench')
    return notifier, event, BenchPayload(name='x')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--json', action='store_true')
    parser.add_argument('--rate', type=int, default=100000)
    parser.add_argument('--seconds', type=float, default=2.0)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--notify-rate', type=int, default=10000)
    parser.add_argument('--paths', default='tidings,naive,pipeline,'
                        'statsd_queue,tidings_notify')
    args = parser.parse_args()

    from tests.functional import statsd_daemon
    try:
        statsd_daemon.find_daemon()
    except statsd_daemon.StatsdUnavailable as exc:
        sys.exit('benchmarks/statsd.py: %s' % exc)
    daemon = statsd_daemon.StatsdDaemon(flush_interval_ms=200)
    daemon.setUp()
    results = {}
    try:
        for path in args.paths.split(','):
            rate = args.notify_rate if path == 'tidings_notify' \
                else args.rate
            rounds = [run_path(daemon, path, rate, args.seconds)
                      for _ in range(args.rounds)]
            results[path] = (statistics.median(r[0] for r in rounds),
                             statistics.median(r[1] for r in rounds))
    finally:
        daemon.cleanUp()

    out = {'rate_per_s': args.rate, 'notify_rate_per_s': args.notify_rate,
           'seconds': args.seconds, 'rounds': args.rounds}
    for path, (us, loss) in results.items():
        unit = 'event' if path == 'tidings_notify' else 'metric'
        out['%s_us_per_%s' % (path, unit)] = round(us, 3)
        out['%s_loss_pct' % path] = round(loss, 3)
    if args.json:
        print(json.dumps(out, indent=2, sort_keys=True))
        return
    print('StatsD at %d metrics/s for %.1fs, median of %d rounds'
          % (args.rate, args.seconds, args.rounds))
    print('%-16s %14s %10s' % ('path', 'caller µs', 'loss %'))
    for path, (us, loss) in results.items():
        print('%-16s %14.3f %10.3f' % (path, us, loss))


if __name__ == '__main__':
    main()

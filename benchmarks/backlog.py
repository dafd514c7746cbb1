"""What a full database backend queue holds and costs the collector.

    python benchmarks/backlog.py [--json] [--count N] [--rounds R]
        [--base TREE]

The database is unreachable (a refused port on 127.0.0.1), as in an
outage: the worker keeps retrying its connection and takes nothing, so
every notification stays queued.  Each one is the demo catalog's
``demo.backup.create.end`` with a payload built for it (a service builds
one per event; a payload shared by every call would hide what a queued
notification keeps alive).  Figures:

- ``bytes_per_item``: memory the queue grew by (tracemalloc) over
  ``count`` queued notifications, per notification; ``tracked_per_item``:
  objects the garbage collector tracks, per queued notification (after a
  collection);
- while the queue fills (``count`` notifications): ``caller_p50_us`` /
  ``caller_p99_us`` of notify(); the collector passes run on the caller's
  thread (``gc.callbacks``): ``fill_gc_max_ms``, ``fill_gc_p99_ms``,
  ``fill_gen2_passes`` and the longest pass in the first and the last
  tenth of the fill (``fill_gc_first_max_ms``, ``fill_gc_last_max_ms``:
  does a pass grow with the queue's depth?);
- with the queue full (``count // 5`` more notifications, dropped):
  ``full_gc_max_ms`` and ``full_gen2_passes``, and ``full_collect_ms``,
  one explicit ``gc.collect()`` (a full pass, what the collector's next
  oldest-generation pass costs).

- with the database keeping up (a SQLite file), notify() at a paced
  2,000 notifications/s: ``steady_p50_us`` and ``steady_p99_us``.

The heap built at import is frozen first (``gc.freeze()``, as a service
may do after startup) so that the passes measure the queue, not the
libraries.  Timings are medians over ``--rounds`` runs, each in its own
process.  ``--base TREE`` runs the same figures with another checkout's
``tidings`` (e.g. a worktree of ``main``) alternating with this one's, and
prints both with the ratios head / base.
"""

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TREE = os.environ.get('TIDINGS_BENCH_TREE') or os.path.dirname(HERE)

#: A port nothing listens on: the connection is refused at once.
URL = 'postgresql+psycopg2://tidings@127.0.0.1:9/none'


def _setup(count, url=URL):
    """A notifier whose only backend is a database backend on ``url``
    (by default one it cannot reach); ``(notifier, backend, notify)``."""
    sys.path.insert(0, TREE)
    from tidings.backends import database
    from tidings.catalogs.demo import events as demo
    from tidings.notifications import notifier as notifier_mod

    backend = database.DatabaseBackend(
        None, url=url, table_prefix='benchqueue_', queue_size=count,
        retry_interval_max=1.0, connect_timeout=1)
    notifier = notifier_mod.Notifier(None, demo.EVENTS, source='bench',
                                     backends=[backend])
    event = demo.EVENT_TYPE_BACKUP_CREATE_END
    build = demo.sample_backup
    context = {'project_id': 'p-1', 'user_id': 'u-1',
               'request_id': 'req-6c1f0e0e-6b5e-4f3a-9d0e-0c3a1d2b4e5f'}

    def notify():
        notifier.notify(event, build(), context=dict(context))
    return notifier, backend, notify


def _quiet():
    import logging
    logging.disable(logging.CRITICAL)


def measure_memory(count):
    import tracemalloc
    _quiet()
    notifier, backend, notify = _setup(count + 200)
    for _ in range(200):                    # warm up: plans, caches
        notify()
    gc.collect()
    tracked = len(gc.get_objects())
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(count):
        notify()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    tracked = len(gc.get_objects()) - tracked
    queued = backend.pending()
    return {'bytes_per_item': round((after - before) / count),
            'tracked_per_item': round(tracked / count, 2),
            'queued': queued}


class Passes:
    """The collector passes run on one thread (gc.callbacks): generation,
    wall seconds and the thread's CPU seconds (the wall time also counts
    waits for the interpreter lock and for a CPU on a busy machine)."""

    def __init__(self):
        self.ident = threading.get_ident()
        self.passes = []        # (generation, seconds, cpu seconds)
        self._start = None

    def __call__(self, phase, info):
        if threading.get_ident() != self.ident:
            return
        if phase == 'start':
            self._start = (time.perf_counter(), time.thread_time())
        elif self._start is not None:
            wall, cpu = self._start
            self.passes.append((info['generation'],
                                time.perf_counter() - wall,
                                time.thread_time() - cpu))
            self._start = None

    def take(self):
        out, self.passes = self.passes, []
        return out


def _ms(passes, cpu=False):
    return sorted(p[2 if cpu else 1] * 1e3 for p in passes) or [0.0]


def measure_gc(count):
    _quiet()
    notifier, backend, notify = _setup(count + 200)
    for _ in range(200):
        notify()
    gc.collect()
    gc.freeze()
    passes = Passes()
    gc.callbacks.append(passes)
    perf = time.perf_counter
    latencies = []
    tenth = count // 10
    first = None
    last_from = count
    for i in range(count):
        if i == tenth:
            first = passes.passes[:]
        elif i == count - tenth:
            last_from = len(passes.passes)
        t0 = perf()
        notify()
        latencies.append(perf() - t0)
    fill = passes.take()
    last = fill[last_from:]
    for _ in range(count // 5):             # the queue is full: dropped
        notify()
    full = passes.take()
    t0 = perf()
    gc.collect()
    collect = perf() - t0
    gc.callbacks.remove(passes)
    latencies.sort()
    fill_ms = _ms(fill)
    return {
        'caller_p50_us': latencies[len(latencies) // 2] * 1e6,
        'caller_p99_us': latencies[int(len(latencies) * 0.99)] * 1e6,
        'fill_gc_max_ms': fill_ms[-1],
        'fill_gc_p99_ms': fill_ms[int(len(fill_ms) * 0.99)],
        'fill_gc_cpu_max_ms': _ms(fill, cpu=True)[-1],
        'fill_gen2_passes': sum(1 for p in fill if p[0] == 2),
        'fill_gc_first_max_ms': _ms(first)[-1],
        'fill_gc_last_max_ms': _ms(last)[-1],
        'full_gc_max_ms': _ms(full)[-1],
        'full_gen2_passes': sum(1 for p in full if p[0] == 2),
        'full_collect_ms': collect * 1e3,
        'queued': backend.pending(),
        'dropped': backend.stats()['dropped'],
    }


def measure_steady(count, rate=2000):
    import tempfile
    _quiet()
    directory = tempfile.mkdtemp(prefix='tidings-backlog-')
    notifier, backend, notify = _setup(
        count, 'sqlite:///' + os.path.join(directory, 'events.sqlite'))
    for _ in range(500):
        notify()
    notifier.flush(60)
    gc.collect()
    gc.freeze()
    perf = time.perf_counter
    latencies = []
    start = perf()
    for i in range(count):
        due = start + i / rate
        while perf() < due:
            pass
        t0 = perf()
        notify()
        latencies.append(perf() - t0)
    notifier.flush(60)
    stored = backend.stats()['stored'] - 500
    notifier.close()
    import shutil
    shutil.rmtree(directory, ignore_errors=True)
    latencies.sort()
    return {'steady_p50_us': latencies[len(latencies) // 2] * 1e6,
            'steady_p99_us': latencies[int(len(latencies) * 0.99)] * 1e6,
            'steady_stored': stored}


def child(mode, count):
    if mode == 'memory':
        out = measure_memory(count)
    elif mode == 'steady':
        out = measure_steady(count // 10)
    else:
        out = measure_gc(count)
    print(json.dumps(out))
    sys.stdout.flush()
    os._exit(0)     # the worker retries forever: do not wait for it


def run_child(tree, mode, count):
    env = dict(os.environ, TIDINGS_BENCH_TREE=tree, PYTHONPATH=tree)
    out = subprocess.run(
        [sys.executable, os.path.abspath(__file__), '--child', mode,
         '--count', str(count)],
        env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def figures(trees, count, rounds):
    """{label: figures} for each (label, tree), rounds alternated."""
    results = {label: run_child(tree, 'memory', count)
               for label, tree in trees}
    runs = {label: [] for label, _ in trees}
    for _ in range(rounds):
        for label, tree in trees:
            run = run_child(tree, 'gc', count)
            run.update(run_child(tree, 'steady', count))
            runs[label].append(run)
    for label, _ in trees:
        for key in runs[label][0]:
            values = [r[key] for r in runs[label]]
            value = statistics.median(values)
            results[label][key] = round(value, 2) if isinstance(
                value, float) else value
        results[label]['fill_gc_max_ms_rounds'] = [
            round(r['fill_gc_max_ms'], 1) for r in runs[label]]
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--json', action='store_true')
    parser.add_argument('--count', type=int, default=100000)
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--base', help='another checkout to compare with')
    parser.add_argument('--child', choices=('memory', 'gc', 'steady'),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.count)
    trees = [('head', TREE)]
    if args.base:
        trees.insert(0, ('base', os.path.abspath(args.base)))
    measured = figures(trees, args.count, args.rounds)
    results = {'count': args.count, 'rounds': args.rounds}
    for label, values in measured.items():
        for key, value in values.items():
            results['%s_%s' % (label, key)] = value
    if args.base:
        for key, value in measured['head'].items():
            base = measured['base'].get(key)
            if isinstance(value, (int, float)) and not isinstance(
                    value, bool) and base:
                results['ratio_%s' % key] = round(value / base, 3)
    results['load_average'] = round(os.getloadavg()[0], 2)
    sys.path.insert(0, HERE)
    import common
    common.print_results(results, args.json, width=34, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())

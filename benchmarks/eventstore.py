"""The event store at size: listings, purge under a writer, write rate.

    python benchmarks/eventstore.py [--sizes 100000,1000000]
        [--databases sqlite,postgresql,mariadb] [--json] [--code DIR]
        [--only purge] [--compare DIR [--rounds N]]

For each database and size, a table is filled inside the database with
the history of :mod:`tests.eventfill` (1,000 projects, ``p-hot`` holding
10%, 50 event types, 30 days; one ``INSERT ... SELECT``, no rows sent
from Python), analysed, and measured:

- ``list_*_p50_ms`` / ``_p99_ms``: :meth:`EventStore.list`, limit 50,
  over ``--queries`` runs: ``newest`` (the hot project's first page),
  ``page10`` / ``page100`` / ``page1000`` (the hot project's page N, its
  marker found once by OFFSET), ``type`` (hot project + one event type),
  ``type_all`` (all projects + one type), ``range`` (all projects, one
  day in the middle), ``all`` (all projects' first page), ``all_page100``;
- ``write_per_s`` and ``write_vs_empty``: rows/s of 1,000-row batches
  with fresh ids and request ids into the filled table, and the ratio to
  the same into an empty one;
- ``writer_lag_*_ms``: events arrive at ``--write-rate`` a second and a
  writer commits what arrived every 10 ms (as the backend does): how long
  the oldest event of each batch waited for its commit (p50, p99, max),
  alone (``nopurge``) and while ``purge`` deletes the oldest
  ``--purge-days`` days; ``purge_s`` and ``purged``; ``purge_chunks``,
  ``purge_chunk_rows_*`` and ``purge_delete_*_ms``: its DELETE
  statements, their rows and how long each ran (before its commit).
  ``--compare DIR`` alternates with the purge of DIR's event store
  (``main``) on the same table, each purging the next ``--purge-days``
  days ``--rounds`` times: ``writer_lag_purge_base_*`` and so on;
  ``writer_commit_*_ms``: how long each of its batches took to commit;
- ``caller_*_p50_us`` / ``_p99_us`` / ``_max_ms``: beside the writer, a
  service's callers notify() at ``--caller-rate`` a second through a real
  database backend writing into the same table (today's events, which no
  purge touches): what each call cost the caller, in the same phases;
  ``caller_*_slow_calls`` (over 1 ms), and where the slowest went
  (Linux schedstat): ``_max_runqueue_ms`` waiting for a CPU (the
  machine's cores, shared with the database server) and
  ``_max_blocked_ms`` neither running nor runnable (the GIL, a lock: the
  process); ``_runqueue_longest_ms`` / ``_blocked_longest_ms``: the
  longest of each in any call.

``--partition-by none,day`` measures each database and size with the
table unpartitioned and partitioned by day (a partition for each day of
the fill), one after the other in the same run: keys ``..._day``.
``--purge-days`` may be fractional (1.5: on the partitioned table a
whole day is dropped and half a day deleted in chunks).

``--pin``: this process on the first CPU and the local database servers
(MariaDB, PostgreSQL) on the others, as on hosts of their own; on a
two-CPU machine the server's delete otherwise takes the callers' CPU
(``pinned`` in the output).

``--code DIR`` imports tidings from DIR (another worktree: run the same
benchmark against ``main``).  Tables get a unique prefix and are dropped.
"""

import argparse
import datetime
import json
import os
import sys
import tempfile
import threading
import time
import uuid

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common  # noqa: E402


def _setup_path(code):
    sys.path.insert(0, HERE)
    import tests    # noqa: F401 - this tree's helpers, whatever --code says
    if code:
        sys.path.insert(0, os.path.abspath(code))


URLS = {'sqlite': None,
        'postgresql': 'postgresql+psycopg2://postgres@127.0.0.1/test',
        'mariadb': 'mysql+pymysql://root@127.0.0.1/test'}


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values \
        else None


def timed(func, runs):
    out = []
    for _ in range(runs):
        started = time.perf_counter()
        func()
        out.append((time.perf_counter() - started) * 1000)
    return out


def new_rows(n, when):
    """``n`` rows in COLUMNS order (what the backend's BulkInsert
    writes), each with a fresh id and request id, as real calls have."""
    from tidings.backends import dbschema
    stamp = when.isoformat(' ', 'microseconds')
    values = {'timestamp': stamp, 'level': 'info', 'level_rank': 20,
              'event_type': 'svc.t1.end', 'publisher_id': 'api.host-1',
              'source': 'api', 'object_type': 'cluster',
              'action': 'update', 'phase': 'end', 'status': 'ACTIVE',
              'payload_name': 'ClusterPayload', 'payload_version': '1.0',
              'payload': '{"size": 3}'}
    rows = []
    for _ in range(n):
        key = uuid.uuid4()
        values.update(id=str(key), request_id='req-' + key.hex[::-1],
                      project='p-%d' % (key.int % 999),
                      object_id='obj-%d' % (key.int % 20000))
        rows.append([values.get(c) for c in dbschema.COLUMNS])
    return rows


def insert(engine, table, rows):
    from tidings.backends import dbschema
    bulk = dbschema.BulkInsert(table, engine.dialect)
    with engine.begin() as conn:
        bulk(conn, rows)


def write_rate(engine, table, rows_total=20000, batch=1000):
    from tidings.backends import eventstore
    now = eventstore.utcnow()
    batches = [new_rows(batch, now) for _ in range(rows_total // batch)]
    started = time.perf_counter()
    for rows in batches:
        insert(engine, table, rows)
    return rows_total / (time.perf_counter() - started)


class Writer(threading.Thread):
    """Events arrive at ``rate`` a second; every 10 ms the writer commits
    all that arrived since its last commit in one batch, as the backend
    does (a batch grows when the writer is late).  ``lags``: for each
    batch, how long its oldest event waited from arrival to commit;
    ``commits``: how long each batch took to commit."""

    def __init__(self, engine, table, rate):
        super().__init__(daemon=True)
        self.engine, self.table, self.rate = engine, table, rate
        self.lags, self.commits, self.stop = [], [], threading.Event()

    def run(self):
        from tidings.backends import eventstore
        written = 0
        begun = time.perf_counter()
        while not self.stop.is_set():
            now = time.perf_counter()
            due = int((now - begun) * self.rate)
            if due > written:
                oldest = begun + written / self.rate
                rows = new_rows(due - written, eventstore.utcnow())
                insert(self.engine, self.table, rows)
                done = time.perf_counter()
                self.commits.append((done - now) * 1000)
                self.lags.append((done - oldest) * 1000)
                written = due
            time.sleep(0.01)


class Caller(threading.Thread):
    """A service's callers: notify() at ``rate`` a second through a real
    :class:`~tidings.backends.database.DatabaseBackend` on the table of
    ``prefix``; ``latencies``: each call's time in seconds (an append to
    the backend's queue, and whatever the interpreter makes the caller
    wait for meanwhile)."""

    def __init__(self, url, prefix, rate):
        from tests import dbhelpers
        from tidings.backends import database
        super().__init__(daemon=True)
        self.rate = rate
        self.backend = database.DatabaseBackend(
            None, url=url, table_prefix=prefix, flush_interval=0.01,
            auto_migrate=False)
        self.notifier = dbhelpers.notifier(self.backend)
        self.event, self.payload = dbhelpers.CLUSTER_CREATE_END, \
            dbhelpers.cluster
        self.latencies, self.stop = [], threading.Event()
        #: each call's (seconds, on a CPU, waiting for one), see
        #: common.SchedStat
        self.split = []

    def run(self):
        notify, event, payload = self.notifier.notify, self.event, \
            self.payload
        sched = common.SchedStat()
        begun = time.perf_counter()
        calls = 0
        while not self.stop.is_set():
            wait = begun + calls / self.rate - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            before = sched.read()
            started = time.perf_counter()
            notify(event, payload())
            took = time.perf_counter() - started
            self.latencies.append(took)
            if before is not None:
                after = sched.read()
                self.split.append((took, after[0] - before[0],
                                   after[1] - before[1]))
            calls += 1
        sched.close()

    def end(self):
        self.stop.set()
        self.join()
        self.notifier.close()


class DeleteTimes:
    """The purge's DELETE statements on ``engine``, timed (how long each
    chunk held the rows' locks, before its commit) with their rows."""

    def __init__(self, engine):
        self.engine, self.chunks = engine, []

    def _before(self, conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith('DELETE'):
            conn.info['bench_delete'] = time.perf_counter()

    def _after(self, conn, cursor, statement, *args):
        started = conn.info.pop('bench_delete', None)
        if started is not None:
            self.chunks.append(((time.perf_counter() - started) * 1000,
                                cursor.rowcount))

    def __enter__(self):
        import sqlalchemy as sa
        sa.event.listen(self.engine, 'before_cursor_execute', self._before)
        sa.event.listen(self.engine, 'after_cursor_execute', self._after)
        return self

    def __exit__(self, *exc):
        import sqlalchemy as sa
        sa.event.remove(self.engine, 'before_cursor_execute', self._before)
        sa.event.remove(self.engine, 'after_cursor_execute', self._after)

    @staticmethod
    def summarize(chunks, phase):
        times = [t for t, _ in chunks]
        rows = [n for _, n in chunks]
        if not times:
            return {phase + '_chunks': 0}
        return {phase + '_chunks': len(times),
                phase + '_chunk_rows_p50': pct(rows, 0.5),
                phase + '_chunk_rows_max': max(rows),
                phase + '_delete_p50_ms': round(pct(times, 0.5), 2),
                phase + '_delete_p99_ms': round(pct(times, 0.99), 2),
                phase + '_delete_max_ms': round(max(times), 2)}


def caller_split(phase, split):
    """Where the callers' slow calls (over 1 ms) went: waiting for a CPU
    (the machine: the database server and every thread share its
    cores) or blocked (the GIL, a lock: the process); the slowest's
    parts, and the longest either took in any call."""
    if not split:
        return {}
    worst = max(split)
    out = {'caller_%s_slow_calls' % phase: sum(
               1 for took, _, _ in split if took > 0.001),
           'caller_%s_max_runqueue_ms' % phase: round(worst[2] * 1000, 2),
           'caller_%s_max_blocked_ms' % phase: round(
               max(0.0, worst[0] - worst[1] - worst[2]) * 1000, 2)}
    out['caller_%s_runqueue_longest_ms' % phase] = round(
        max(queued for _, _, queued in split) * 1000, 2)
    out['caller_%s_blocked_longest_ms' % phase] = round(
        max(max(0.0, took - cpu - queued) for took, cpu, queued in split)
        * 1000, 2)
    return out


def load_store(tree, engine, prefix):
    """An EventStore of the event store module of another tree (its
    ``tidings/backends/eventstore.py``, on this tree's dbschema): the
    purge of ``main`` in the same run, on the same table."""
    import importlib.util
    path = os.path.join(os.path.abspath(tree), 'tidings', 'backends',
                        'eventstore.py')
    spec = importlib.util.spec_from_file_location('eventstore_compare',
                                                  path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EventStore(engine=engine, table_prefix=prefix)


def measure(name, url, size, args, partition_by='none'):
    from tests import dbhelpers
    from tests import eventfill
    from tidings.backends import dbschema
    from tidings.backends import eventstore
    import sqlalchemy as sa
    out = {}
    prefix = dbhelpers.unique_prefix()
    empty_prefix = dbhelpers.unique_prefix()
    engine = dbschema.create_engine(url)
    try:
        for each in (prefix, empty_prefix):
            if partition_by == 'day':
                # a partition for each day of the fill, and today's
                dbhelpers.partitioned_schema(engine, each, [
                    eventfill.START.date() + datetime.timedelta(days=i)
                    for i in range(eventfill.DAYS + 1)] + [
                    eventstore.utcnow().date()])
            else:
                dbschema.upgrade(engine, each)
        started = time.perf_counter()
        eventfill.fill(engine, prefix, size)
        out['fill_s'] = round(time.perf_counter() - started, 1)
        store = eventstore.EventStore(engine=engine, table_prefix=prefix)
        table = store.table
        c = table.c

        def marker_at(n, **where):
            query = sa.select(c.id)
            if 'project' in where:
                query = query.where(c.project == where['project'])
            with engine.connect() as conn:
                return conn.execute(query.order_by(
                    c.timestamp.desc(), c.id.desc()).offset(
                    n * 50 - 1).limit(1)).scalar()

        mid = eventfill.START + datetime.timedelta(days=15)
        shapes = {
            'newest': dict(project=eventfill.HOT),
            'type': dict(project=eventfill.HOT,
                         filters={'event_type': 'svc.t10.end'}),
            'type_all': dict(all_projects=True,
                             filters={'event_type': 'svc.t10.end'}),
            'range': dict(all_projects=True, filters={
                'since': mid, 'until': mid + datetime.timedelta(days=1)}),
            'all': dict(all_projects=True),
        }
        if args.only == 'purge':
            shapes = {}
        for page in (10, 100, 1000) if shapes else ():
            marker = marker_at(page, project=eventfill.HOT)
            if marker:
                shapes['page%d' % page] = dict(project=eventfill.HOT,
                                               marker=marker)
        if shapes:
            shapes['all_page100'] = dict(all_projects=True,
                                         marker=marker_at(100))
        for shape, kwargs in shapes.items():
            store.list(limit=50, **kwargs)   # warm
            times = timed(lambda kw=kwargs: store.list(limit=50, **kw),
                          args.queries)
            out['list_%s_p50_ms' % shape] = round(pct(times, 0.5), 2)
            out['list_%s_p99_ms' % shape] = round(pct(times, 0.99), 2)
        if shapes:
            empty = dbschema.get_table(empty_prefix)
            rate_empty = write_rate(engine, empty)
            rate_full = write_rate(engine, table)
            out['write_per_s'] = round(rate_full)
            out['write_vs_empty'] = round(rate_full / rate_empty, 2)
        stores = {'': store}
        if args.compare:
            stores['_base'] = load_store(args.compare, engine, prefix)
        phases = ['nopurge']
        for round_ in range(args.rounds):   # base first every other round
            order = list(stores.items())[::-1 if round_ % 2 else 1]
            phases.extend(('purge' + label, purger)
                          for label, purger in order)
        lags, commits, purged, deletes, calls = {}, {}, {}, {}, {}
        splits = {}
        for number, phase in enumerate(phases):
            writer = Writer(engine, table, args.write_rate)
            writer.start()
            caller = Caller(url, prefix, args.caller_rate)
            caller.start()
            if phase == 'nopurge':
                time.sleep(args.nopurge_s)
            else:
                phase, purger = phase
                cutoff = eventfill.START + datetime.timedelta(
                    days=args.purge_days * number)
                with DeleteTimes(engine) as timing:
                    started = time.perf_counter()
                    purged[phase] = purged.get(phase, 0) + purger.purge(
                        eventstore.utcnow() - cutoff)
                    out[phase + '_s'] = round(out.get(phase + '_s', 0) +
                                              time.perf_counter() - started,
                                              1)
                deletes.setdefault(phase, []).extend(timing.chunks)
            writer.stop.set()
            writer.join()
            caller.end()
            calls.setdefault(phase, []).extend(caller.latencies)
            splits.setdefault(phase, []).extend(caller.split)
            lags.setdefault(phase, []).extend(writer.lags)
            commits.setdefault(phase, []).extend(writer.commits)
        for phase in lags:
            if phase in purged:
                out['purged' + phase[5:]] = purged[phase]
                out.update(DeleteTimes.summarize(deletes[phase], phase))
            out['writer_lag_%s_p50_ms' % phase] = round(
                pct(lags[phase], 0.5), 2)
            out['writer_lag_%s_p99_ms' % phase] = round(
                pct(lags[phase], 0.99), 2)
            out['writer_lag_%s_max_ms' % phase] = round(max(lags[phase]), 2)
            out['writer_commit_%s_p99_ms' % phase] = round(
                pct(commits[phase], 0.99), 2)
            out['writer_commit_%s_max_ms' % phase] = round(
                max(commits[phase]), 2)
            out['caller_%s_p50_us' % phase] = round(
                pct(calls[phase], 0.5) * 1e6, 1)
            out['caller_%s_p99_us' % phase] = round(
                pct(calls[phase], 0.99) * 1e6, 1)
            out['caller_%s_max_ms' % phase] = round(
                max(calls[phase]) * 1000, 2)
            out.update(caller_split(phase, splits[phase]))
        store.close()
    finally:
        dbhelpers.drop_tables(url, prefix)
        dbhelpers.drop_tables(url, empty_prefix)
        engine.dispose()
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--sizes', default='100000,1000000')
    parser.add_argument('--databases', default='sqlite,postgresql,mariadb')
    parser.add_argument('--queries', type=int, default=50)
    parser.add_argument('--write-rate', type=int, default=1000)
    parser.add_argument('--caller-rate', type=int, default=500,
                        help='notify() calls a second through a real '
                        'database backend beside the writer (caller_*)')
    parser.add_argument('--purge-days', type=float, default=5)
    parser.add_argument('--partition-by', default='none',
                        help='none, day or none,day (both, in turn)')
    parser.add_argument('--nopurge-s', type=float, default=5.0)
    parser.add_argument('--only', choices=('purge',),
                        help='measure only the writer lag without and '
                             'with a purge (no listings, no write rate)')
    parser.add_argument('--compare', metavar='DIR',
                        help='also purge with the event store of this tree '
                             '(main), alternating with this one on the '
                             'same table: *_purge_base_* figures')
    parser.add_argument('--rounds', type=int, default=1,
                        help='purges of --purge-days days by each code')
    parser.add_argument('--code', help='import tidings from this tree')
    parser.add_argument('--pin', action='store_true',
                        help='run on the first CPU with the local database '
                             'servers pinned to the others (as on hosts of '
                             'their own; reported as pinned)')
    parser.add_argument('--json', action='store_true')
    args = parser.parse_args(argv)
    _setup_path(args.code)
    with common.pinned(args.pin, ['mariadbd', 'mysqld', 'postgres'],
                       'the database servers') as where:
        results = run(args)
    if where:
        results['pinned'] = where
    if args.json:
        print(json.dumps(results, indent=2, sort_keys=True))
    elif where:
        print('pinned', where)
    return 0


def run(args):
    """Each size, database and partitioning in turn: {key: figures}."""
    results = {}
    for size in (int(s) for s in args.sizes.split(',')):
        for name in args.databases.split(','):
            url = URLS[name]
            if url is None:
                directory = tempfile.mkdtemp(prefix='tidings-bench-')
                url = 'sqlite:///' + os.path.join(directory, 'e.sqlite')
            for mode in args.partition_by.split(','):
                key = '%s_%d%s' % (name, size,
                                   '' if mode == 'none' else '_' + mode)
                results[key] = measure(name, url, size, args, mode)
                if not args.json:
                    print(key, json.dumps(results[key]), flush=True)
    return results


if __name__ == '__main__':
    sys.exit(main())

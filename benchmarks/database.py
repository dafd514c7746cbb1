"""Events/s stored by the database backend vs one ORM commit per event.

    python benchmarks/database.py [--json] [--count N] [--naive-count N]
        [--postgres-url URL] [--mariadb-url URL]

For SQLite (a temporary file), PostgreSQL (``--postgres-url``, default
the test database on 127.0.0.1:5432) and MariaDB (``--mariadb-url``,
default the test database on 127.0.0.1:3306), side by side in one run
(keys ``*_sqlite_*``, ``*_postgres_*``, ``*_mariadb_*``):

- ``tidings_*_per_s``: N notifications emitted through a Notifier whose
  only backend is the database backend, until ``flush()`` returns and the
  rows are counted (caller and writer share the process, as in a
  service);
- ``tidings_*_writer_per_s``: the writer alone (``deliver`` of
  pre-built notifications, batch_size rows per INSERT);
- ``naive_*_per_s``: the same rows through the SQLAlchemy ORM, one
  ``session.add()`` + ``commit()`` per event (what a service does when it
  writes its event table inline);
- ``caller_*_p99_us`` / ``caller_*_max_us``: notify() latency during the
  tidings run;
- ``tidings_*_cpu_us_per_event``: process CPU (caller + writer, this
  process only) per event in that run: the figure that does not depend
  on what else the machine is doing (``load_average`` says how busy it
  was).

Tables get a unique prefix and are dropped at the end.  A database that
cannot be reached gives null figures and a reason.
"""

import argparse
import gc
import os
import sys
import tempfile
import time
import uuid

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(
    __file__))))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import orm  # noqa: E402

from tidings.backends import database  # noqa: E402
from tidings.backends import dbschema  # noqa: E402
from tidings.backends import memory  # noqa: E402
from tidings.backends import record  # noqa: E402
from tidings.catalogs.demo import events as demo  # noqa: E402
from tidings.notifications import notifier as notifier_mod  # noqa: E402

from benchmarks import common  # noqa: E402
# The test databases of the functional tests (TIDINGS_TEST_*_URL).
from tests.functional import base as test_base  # noqa: E402
EVENT = demo.EVENT_TYPE_BACKUP_CREATE_END


def payload():
    return demo.sample_backup()


def prefix():
    return 'bench%s_' % uuid.uuid4().hex[:8]


def count_rows(engine, table):
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(
            table)).scalar_one()


def bench_tidings(url, count):
    tp = prefix()
    backend = database.DatabaseBackend(None, url=url, table_prefix=tp,
                                       queue_size=count + 1000)
    notifier = notifier_mod.Notifier(None, demo.EVENTS, source='bench',
                                     backends=[backend])
    engine = dbschema.create_engine(url)
    try:
        body = payload()
        for _ in range(500):                      # warm-up, schema ready
            notifier.notify(EVENT, body)
        notifier.flush(60)
        # Freeze the heap built at import (as a service does after
        # startup): a full collection of it is a ~100 ms pause of the
        # interpreter that has nothing to do with the backend.
        gc.collect()
        gc.freeze()
        latencies = []
        perf = time.perf_counter
        cpu = time.process_time()
        start = perf()
        for _ in range(count):
            t0 = perf()
            notifier.notify(EVENT, body)
            latencies.append(perf() - t0)
        emitted = perf()
        notifier.flush(300)
        elapsed = perf() - start
        cpu = time.process_time() - cpu
        gc.unfreeze()
        stored = count_rows(engine, backend.table) - 500
        latencies.sort()
        out = {
            'per_s': stored / elapsed,
            'emit_per_s': count / (emitted - start),
            'stored': stored,
            'lost': count - stored,
            'p99_us': latencies[int(len(latencies) * 0.99)] * 1e6,
            'max_us': latencies[-1] * 1e6,
            'cpu_us': cpu / count * 1e6,
        }
    finally:
        notifier.close()
        dbschema.drop_all(engine, tp)
        engine.dispose()
    return out


def prebuilt(count):
    mem = memory.MemoryBackend(max_notifications=count)
    notifier = notifier_mod.Notifier(None, demo.EVENTS, source='bench',
                                     backends=[mem])
    body = payload()
    for _ in range(count):
        notifier.notify(EVENT, body)
    return list(mem.notifications)


def bench_writer(url, notes, batch_size=1000):
    tp = prefix()
    backend = database.DatabaseBackend(None, url=url, table_prefix=tp)
    engine = dbschema.create_engine(url)
    try:
        backend.flush()
        deadline = time.monotonic() + 30
        while not backend._ready and time.monotonic() < deadline:
            time.sleep(0.01)
        gc.collect()
        start = time.perf_counter()
        for i in range(0, len(notes), batch_size):
            backend.deliver(notes[i:i + batch_size])
        elapsed = time.perf_counter() - start
        stored = count_rows(engine, backend.table)
        return stored / elapsed
    finally:
        backend.close()
        dbschema.drop_all(engine, tp)
        engine.dispose()


def bench_naive(url, notes):
    """One ORM object added and committed per event."""
    tp = prefix()
    engine = dbschema.create_engine(url)
    dbschema.upgrade(engine, tp)
    table = dbschema.get_table(tp)

    class Event:
        pass

    registry = orm.registry()
    registry.map_imperatively(Event, table)
    plans = {}
    try:
        gc.collect()
        start = time.perf_counter()
        with orm.Session(engine) as session:
            for note in notes:
                plan = plans.get(note.event)
                if plan is None:
                    plan = plans[note.event] = record.Plan(
                        note.event, type(note.payload))
                event = Event()
                for key, value in record.build_row(note, plan).items():
                    setattr(event, key, value)
                session.add(event)
                session.commit()
        elapsed = time.perf_counter() - start
        stored = count_rows(engine, table)
        return stored / elapsed
    finally:
        registry.dispose()
        dbschema.drop_all(engine, tp)
        engine.dispose()


def reachable(url):
    engine = dbschema.create_engine(url, connect_timeout=3)
    try:
        with engine.connect():
            return None
    except Exception as exc:
        return '%s: %s' % (type(exc).__name__, str(exc).splitlines()[0])
    finally:
        engine.dispose()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--json', action='store_true')
    parser.add_argument('--count', type=int, default=20000)
    parser.add_argument('--naive-count', type=int, default=2000)
    parser.add_argument('--postgres-url', default=test_base.POSTGRES_URL)
    parser.add_argument('--mariadb-url', default=test_base.MARIADB_URL)
    args = parser.parse_args(argv)
    directory = tempfile.mkdtemp(prefix='tidings-bench-')
    targets = {
        'sqlite': 'sqlite:///' + os.path.join(directory, 'events.sqlite'),
        'postgres': args.postgres_url,
        'mariadb': args.mariadb_url,
    }
    results = {'count': args.count, 'naive_count': args.naive_count}
    notes = prebuilt(args.count)
    for name, url in targets.items():
        problem = reachable(url)
        if problem:
            results['%s_unavailable' % name] = problem
            for key in ('tidings_%s_per_s', 'tidings_%s_writer_per_s',
                        'naive_%s_per_s', 'caller_%s_p99_us',
                        'caller_%s_max_us'):
                results[key % name] = None
            continue
        run = bench_tidings(url, args.count)
        results['tidings_%s_per_s' % name] = round(run['per_s'])
        results['tidings_%s_emit_per_s' % name] = round(run['emit_per_s'])
        results['tidings_%s_lost' % name] = run['lost']
        results['caller_%s_p99_us' % name] = round(run['p99_us'], 1)
        results['caller_%s_max_us' % name] = round(run['max_us'], 1)
        results['tidings_%s_cpu_us_per_event' % name] = round(
            run['cpu_us'], 1)
        results['tidings_%s_writer_per_s' % name] = round(
            bench_writer(url, notes))
        results['naive_%s_per_s' % name] = round(
            bench_naive(url, notes[:args.naive_count]))
    results['load_average'] = round(os.getloadavg()[0], 2)
    import shutil
    shutil.rmtree(directory, ignore_errors=True)
    common.print_results(results, args.json, width=32, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())

"""Fill an event table with many rows inside the database, fast.

Used by the query-plan tests and ``benchmarks/eventstore.py``: one
``INSERT ... SELECT`` over a number source of the database
(``generate_series`` on PostgreSQL, the Sequence engine's
``seq_1_to_N`` on MariaDB, a recursive CTE on SQLite), not rows sent one
by one from Python.  The rows look like a cloud's history: 1,000
projects of which ``p-hot`` holds 10%, 50 event types, 30 days, 1 in 100
events a warning, 1 in 1,000 an error, 1 in 10,000 critical, a fresh
request id per event.
"""

import datetime

from tidings.backends import dbschema

START = datetime.datetime(2026, 1, 1)
DAYS = 30
HOT = 'p-hot'
TYPES = 50


def _exprs(dialect, n):
    """Column -> SQL expression of the row number ``i`` (1..n)."""
    span = DAYS * 86400 * 1000000   # microseconds
    # microseconds between rows: exact for the sizes used (they divide
    # the span), and no i * span product to overflow a 64-bit integer at
    # 5M rows
    step = span // n
    if dialect == 'postgresql':
        cat = lambda *p: ' || '.join(p)  # noqa: E731
        text = lambda e: '(%s)::text' % e  # noqa: E731
        hexid = "md5(i::text)"
        ts = ("timestamp '2026-01-01' + (i::bigint * %d) * "
              "interval '1 microsecond'" % step)
    elif dialect == 'sqlite':
        cat = lambda *p: ' || '.join(p)  # noqa: E731
        text = lambda e: 'CAST(%s AS TEXT)' % e  # noqa: E731
        hexid = "printf('%08x%08x', (i * 2654435761) % 4294967296, i)"
        ts = ("strftime('%%Y-%%m-%%d %%H:%%M:%%S', '2026-01-01', "
              "'+' || (i * %d / 1000000) || ' seconds') || '.' || "
              "printf('%%06d', (i * %d) %% 1000000)" % (step, step))
    else:
        cat = lambda *p: 'CONCAT(%s)' % ', '.join(p)  # noqa: E731
        text = lambda e: 'CAST(%s AS CHAR)' % e  # noqa: E731
        hexid = 'md5(i)'
        ts = "TIMESTAMPADD(MICROSECOND, i * %d, '2026-01-01')" % step
    level = ("CASE WHEN i % 10000 = 7 THEN 'critical' WHEN i % 1000 = 3 "
             "THEN 'error' WHEN i % 100 = 1 THEN 'warn' ELSE 'info' END")
    rank = ("CASE WHEN i % 10000 = 7 THEN 50 WHEN i % 1000 = 3 "
            "THEN 40 WHEN i % 100 = 1 THEN 30 ELSE 20 END")
    project = ("CASE WHEN i %% 10 = 0 THEN '%s' ELSE %s END" % (
        HOT, cat("'p-'", text('i % 999'))))
    return {
        'id': hexid,
        'timestamp': ts,
        'level': level,
        'level_rank': rank,
        'event_type': cat("'svc.t'", text('((i * 37) %% 1009) %% %d' % TYPES),
                          "'.end'"),
        'publisher_id': "'api.host-1'",
        'source': "'api'",
        'object_type': "'cluster'",
        'object_id': cat("'obj-'", text('i % 20000')),
        'object_name': cat("'name-'", text('i % 20000')),
        'parent_id': cat("'c-'", text('i % 2000')),
        'action': "'update'",
        'phase': "'end'",
        'project': project,
        'user': cat("'u-'", text('i % 5000')),
        'request_id': cat("'req-'", hexid),
        'status': "CASE WHEN i % 1000 = 3 THEN 'ERROR' ELSE 'ACTIVE' END",
        'payload_name': "'ClusterPayload'",
        'payload_version': "'1.0'",
        'reason': 'NULL',
        'payload': "'{\"size\": 3}'",
    }


def fill_sql(dialect, table, n, first=1):
    """The INSERT ... SELECT adding rows ``first``..``first + n - 1`` of
    an ``n``-row history (use ``n`` rows at once; ids are unique per i)."""
    exprs = _exprs(dialect, n)
    columns = ', '.join('"%s"' % c if dialect != 'mysql' and
                        dialect != 'mariadb' else '`%s`' % c
                        for c in dbschema.COLUMNS)
    select = ', '.join(exprs[c] for c in dbschema.COLUMNS)
    last = first + n - 1
    if dialect == 'postgresql':
        return 'INSERT INTO %s (%s) SELECT %s FROM generate_series(%d, %d)' \
            ' AS g(i)' % (table, columns, select, first, last)
    if dialect == 'sqlite':
        return ('INSERT INTO %s (%s) WITH RECURSIVE g(i) AS (SELECT %d '
                'UNION ALL SELECT i + 1 FROM g WHERE i < %d) SELECT %s '
                'FROM g' % (table, columns, first, last, select))
    return 'INSERT INTO %s (%s) SELECT %s FROM (SELECT seq AS i FROM ' \
        'seq_%d_to_%d) AS g' % (table, columns, select, first, last)


def fill(engine, prefix, n):
    """Add ``n`` rows to ``prefix``'s event table; then ANALYZE it."""
    table = dbschema.table_name(prefix)
    dialect = engine.dialect.name
    with engine.begin() as conn:
        conn.exec_driver_sql(fill_sql(dialect, table, n).replace('%', '%%')
                             if dialect != 'sqlite' else
                             fill_sql(dialect, table, n))
    with engine.begin() as conn:
        conn.exec_driver_sql('ANALYZE' + (' TABLE ' if dialect in (
            'mysql', 'mariadb') else ' ') + table)

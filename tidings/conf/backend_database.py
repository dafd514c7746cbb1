"""Options of the ``[backend_database]`` group."""

from oslo_config import cfg

from tidings import conf as tidings_conf

GROUP = cfg.OptGroup(
    'backend_database', title='Database backend',
    help='Stores notifications in an event table (SQLAlchemy): the '
         'embedded SQLite file by default, or PostgreSQL / MariaDB.')

DURATION_REGEX = r'^\s*(\d+\s*[smhdw]?)?\s*$'

OPTS = [
    cfg.StrOpt(
        'connection', default=None, secret=True,
        sample_default='sqlite:///$state_path/events.sqlite',
        help='SQLAlchemy URL of the event database, e.g. '
             'postgresql+psycopg2://user:pass@host/db or '
             'mysql+pymysql://user:pass@host/db. Defaults to the SQLite '
             'file events.sqlite in [notifications] state_path. SQLite '
             'files are written in WAL mode with synchronous=NORMAL: what '
             'was written survives a crash of the service, but the last '
             'batches before a power loss or an OS crash may be lost (the '
             'file stays consistent), the usual trade-off for an event '
             'log.'),
    cfg.StrOpt(
        'table_prefix', default='tidings_', regex=r'^[a-z][a-z0-9_]{0,30}$',
        help='Prefix of the table names: <prefix>events and '
             '<prefix>alembic_version (the migration version table).'),
    cfg.BoolOpt(
        'auto_migrate', default=True,
        help='Create or upgrade the event table when the backend starts. '
             'When false, run "tidings db upgrade" yourself.'),
    cfg.IntOpt(
        'batch_size', default=1000, min=1, max=10000,
        help='Notifications written in one batch at most: one COPY on '
             'PostgreSQL, one multi-row INSERT on SQLite (up to 1000 rows '
             'per statement) and MariaDB, one transaction. Larger batches '
             'cost the database less per event.'),
    cfg.FloatOpt(
        'flush_interval', default=0.1, min=0.0,
        help='Seconds the writer waits to fill a batch before writing it.'),
    cfg.IntOpt(
        'queue_size', default=100000, min=1,
        help='Notifications waiting for the writer at most (also while the '
             'database is down); beyond it they are dropped, counted and '
             'logged once per burst.  Beyond one batch waiting, each takes '
             'about 400 bytes plus its payload\'s JSON (operator guide, '
             '"Memory and queue_size").'),
    cfg.StrOpt(
        'max_age', default='', regex=DURATION_REGEX,
        help='Automatic retention: delete events older than this, as a '
             'duration (30d, 12h, 90m, 3600s, 2w). Empty keeps them.'),
    cfg.IntOpt(
        'max_rows_per_project', default=0, min=0,
        help='Automatic retention: keep at most this many events per '
             'project (the newest). 0 keeps them all.'),
    cfg.IntOpt(
        'retention_interval', default=600, min=1,
        help='Seconds between automatic retention passes (when max_age or '
             'max_rows_per_project is set).'),
    cfg.StrOpt(
        'partition_by', default='none', choices=('none', 'day'),
        help='none: one event table. day: the event table is partitioned '
             'by day (PostgreSQL or MariaDB/MySQL only; refused on '
             'SQLite), so retention drops whole days (a partition each) '
             'instead of deleting their rows, and only the boundary day is '
             'deleted in chunks. The table is created so by "tidings db '
             'upgrade" (or auto_migrate); an existing table that holds '
             'events is not converted in place (operator guide, "Day '
             'partitions"). Partitions for the next partition_days_ahead '
             'days are made at upgrade and by every retention pass.'),
    cfg.IntOpt(
        'partition_days_ahead', default=7, min=1, max=366,
        help='With partition_by = day: days after today that have their '
             'partition ahead of time (a row of a day without one is kept '
             'in the default / MAXVALUE partition).'),
    cfg.FloatOpt(
        'retry_interval_max', default=10.0, min=0.01,
        help='While the database is unreachable, writes are retried with '
             'a backoff growing up to this many seconds; what is queued is '
             'kept.'),
    cfg.IntOpt(
        'connect_timeout', default=10, min=1,
        help='Seconds to wait for a database connection (PostgreSQL, '
             'MariaDB).'),
]


register_opts, list_opts = tidings_conf.group_functions(GROUP, OPTS)

"""The view ``<prefix>senlin_event``: the event table in the shape of
Senlin's ``event`` table.

Senlin's spec (senlin-generic-event) keeps its ``event`` table: ``id,
timestamp, oid, oname, otype, cluster_id, level, user, project, action,
status, status_reason, meta_data``.  The view gives a Senlin-style
reader those names over the generic table: nothing is stored twice and
no write does any more work (no column, trigger or index is added).  A
filter or an order on a view column that is a plain column of the table
(``cluster_id``, ``oid``, ``project``, ``timestamp``, ``id``...) is
served by the table's indexes.  The mapping and the reasons are in the
operator guide (Senlin's event table).

Self-contained (it reads no model of tidings), so that it can be
renumbered after another migration.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

#: Senlin's column <- column of the event table (in Senlin's order).
#: ``otype`` and ``level`` are worked out by :func:`select`.
COLUMNS = (
    ('id', 'id'),
    ('timestamp', 'timestamp'),
    ('oid', 'object_id'),
    ('oname', 'object_name'),
    ('otype', 'object_type'),
    ('cluster_id', 'parent_id'),
    ('level', 'level_rank'),
    ('user', 'user'),
    ('project', 'project'),
    ('action', 'action'),
    ('status', 'status'),
    ('status_reason', 'reason'),
    ('meta_data', 'payload'),
)


def prefix():
    return op.get_context().config.attributes.get('table_prefix', 'tidings_')


def select(table_name):
    """The view's SELECT: Senlin's ``otype`` is upper case (``CLUSTER``,
    ``NODE``) and its ``level`` the logging level as text (``'20'``,
    ``'40'``): the table's ``level_rank`` is that number."""
    table = sa.table(table_name, *(sa.column(c) for _, c in COLUMNS))
    exprs = []
    for name, column in COLUMNS:
        expr = table.c[column]
        if name == 'otype':
            expr = sa.func.upper(expr)
        elif name == 'level':
            expr = sa.cast(expr, sa.String(63))
        exprs.append(expr.label(name))
    return sa.select(*exprs)


def upgrade():
    dialect = op.get_context().dialect
    quote = dialect.identifier_preparer.quote
    query = select(prefix() + 'events').compile(dialect=dialect)
    # MariaDB/MySQL: merged into each query (so the table's indexes serve
    # it), and read with the reader's rights, not those of the account
    # that ran the migration (which may be dropped, or missing after a
    # dump is restored elsewhere).
    options = ('ALGORITHM=MERGE SQL SECURITY INVOKER '
               if dialect.name in ('mysql', 'mariadb') else '')
    op.execute('CREATE %sVIEW %s AS %s' % (
        options, quote(prefix() + 'senlin_event'), query))


def downgrade():
    quote = op.get_context().dialect.identifier_preparer.quote
    op.execute('DROP VIEW IF EXISTS %s' % quote(prefix() + 'senlin_event'))

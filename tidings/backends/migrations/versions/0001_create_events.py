"""Create the event table.

With ``partition_by = day`` (``config.attributes``) on PostgreSQL or
MariaDB/MySQL the table is partitioned by range of ``timestamp`` and its
primary key is ``(id, timestamp)`` (a partitioned table's unique keys
hold the partition column); the day partitions are made by
:mod:`tidings.backends.partitions`.  Otherwise it is as it always was.

Revision ID: 0001
Revises:
Create Date: 2026-01-15
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

DATETIME = sa.DateTime().with_variant(mysql.DATETIME(fsp=6), 'mysql',
                                      'mariadb')
LONGTEXT = sa.Text().with_variant(mysql.LONGTEXT(), 'mysql', 'mariadb')


def table():
    return op.get_context().config.attributes.get(
        'table_prefix', 'tidings_') + 'events'


def upgrade():
    name = table()
    partitioned = op.get_context().config.attributes.get(
        'partition_by') == 'day'
    kwargs, after = {}, []
    if partitioned:
        from tidings.backends import partitions
        kwargs, after = partitions.partition_clause(
            op.get_context().dialect.name, name)
    op.create_table(
        name,
        sa.Column('id', sa.String(64), primary_key=True, nullable=False),
        sa.Column('timestamp', DATETIME, primary_key=partitioned,
                  nullable=False),
        sa.Column('level', sa.String(16), nullable=False),
        sa.Column('level_rank', sa.SmallInteger, nullable=False),
        sa.Column('event_type', sa.String(255), nullable=False),
        sa.Column('publisher_id', sa.String(255)),
        sa.Column('source', sa.String(255)),
        sa.Column('object_type', sa.String(255)),
        sa.Column('object_id', sa.String(255)),
        sa.Column('object_name', sa.String(255)),
        sa.Column('parent_id', sa.String(255)),
        sa.Column('action', sa.String(255)),
        sa.Column('phase', sa.String(16)),
        sa.Column('project', sa.String(255)),
        sa.Column('user', sa.String(255)),
        sa.Column('request_id', sa.String(255)),
        sa.Column('status', sa.String(255)),
        sa.Column('payload_name', sa.String(255)),
        sa.Column('payload_version', sa.String(16)),
        sa.Column('reason', sa.Text),
        sa.Column('payload', LONGTEXT),
        **kwargs,
    )
    for statement in after:
        op.execute(statement)
    for suffix, columns in (
            ('timestamp', ['timestamp', 'id']),
            ('project_timestamp', ['project', 'timestamp']),
            ('event_type', ['event_type']),
            ('object_id', ['object_id']),
            ('parent_id', ['parent_id']),
            ('request_id', ['request_id'])):
        op.create_index('ix_%s_%s' % (name, suffix), name, columns)


def downgrade():
    op.drop_table(table())

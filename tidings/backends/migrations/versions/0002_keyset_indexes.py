"""Composite indexes that end in (timestamp, id), for keyset pages.

Every listing is ordered newest first by ``(timestamp, id)`` and pages
by a marker, so each index a listing starts from must end in those two
columns: the database then seeks to the marker and reads the next page
in index order, whatever the page number (before: ``project,
timestamp`` without ``id`` and ``event_type`` alone, so a page past the
first read every row before it, and a type filter sorted all the type's
rows).  The design and its reasons are in the operator guide (event
store).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

#: index suffix -> columns; dropped by the upgrade, made by 0001.
OLD = (
    ('project_timestamp', ['project', 'timestamp']),
    ('event_type', ['event_type']),
    ('object_id', ['object_id']),
    ('parent_id', ['parent_id']),
    ('request_id', ['request_id']),
)
#: index suffix -> columns; created by the upgrade.
NEW = (
    ('project_ts', ['project', 'timestamp', 'id']),
    ('project_type_ts', ['project', 'event_type', 'timestamp', 'id']),
    ('type_ts', ['event_type', 'timestamp', 'id']),
    ('object_id_ts', ['object_id', 'timestamp', 'id']),
    ('parent_id_ts', ['parent_id', 'timestamp', 'id']),
    ('request_id_ts', ['request_id', 'timestamp', 'id']),
)


def table():
    return op.get_context().config.attributes.get(
        'table_prefix', 'tidings_') + 'events'


def _swap(create, drop):
    # Create first: a listing running during the upgrade keeps an index.
    # IF (NOT) EXISTS: MariaDB commits each statement, so an upgrade
    # stopped midway (Ctrl-C) leaves the indexes built so far, and the
    # next run skips them instead of failing on "Duplicate key name".
    name = table()
    for suffix, columns in create:
        op.create_index('ix_%s_%s' % (name, suffix), name, columns,
                        if_not_exists=True)
    for suffix, _ in drop:
        op.drop_index('ix_%s_%s' % (name, suffix), table_name=name,
                      if_exists=True)


def upgrade():
    _swap(NEW, OLD)


def downgrade():
    _swap(OLD, NEW)

"""Cheaper writes: partial id indexes, a narrow request index.

Migration 0002 made every listing a keyset seek, and writes paid for
it: each index ending in ``(timestamp, id)`` is wider, and the indexes
of ``object_id``, ``parent_id`` and ``request_id`` held a row for every
event, most with NULL there (the benchmark's writer lost 13-24% on an
empty table).  This revision keeps the seeks and takes back part of the
cost:

- on PostgreSQL and SQLite the ``object_id`` and ``parent_id`` indexes
  hold only the events that have one (a partial index, ``WHERE ... IS
  NOT NULL``): a listing filters them by equality, which the planners
  know implies it;
- the request index is ``request_id`` alone: a request has a handful of
  events, found by the seek and sorted, and real request ids are random,
  so a wide key there was the most expensive insert of all.

MariaDB has no partial indexes: it gets the narrow request index only.
Design and figures: the operator guide (event store).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from alembic import op

from tidings.backends import dbschema

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

#: (suffix, columns, partial) as migration 0002 left them.
BEFORE = (
    ('object_id_ts', ['object_id', 'timestamp', 'id'], False),
    ('parent_id_ts', ['parent_id', 'timestamp', 'id'], False),
    ('request_id_ts', ['request_id', 'timestamp', 'id'], False),
)
#: (suffix, columns, partial) after this revision.
AFTER = (
    ('object_id_ts', ['object_id', 'timestamp', 'id'], True),
    ('parent_id_ts', ['parent_id', 'timestamp', 'id'], True),
    ('request_id', ['request_id'], True),
)


def _name(suffix):
    prefix = op.get_context().config.attributes.get('table_prefix',
                                                     'tidings_')
    return prefix + 'events', 'ix_%sevents_%s' % (prefix, suffix)


def _swap(drop, create):
    # An index of the same name is dropped before it is made again; the
    # other indexes stay, so a listing running meanwhile keeps the time
    # index to read from.  IF (NOT) EXISTS: MariaDB commits each
    # statement, so a stopped upgrade is run again to the end (as 0002).
    for suffix, _, _ in drop:
        table, name = _name(suffix)
        op.drop_index(name, table_name=table, if_exists=True)
    for suffix, columns, partial in create:
        table, name = _name(suffix)
        op.create_index(name, table, columns, if_not_exists=True, **(
            dbschema.partial_where(columns[0]) if partial else {}))


def upgrade():
    _swap(BEFORE, AFTER)


def downgrade():
    _swap(AFTER, BEFORE)

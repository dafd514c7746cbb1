"""alembic environment of the tidings event table.

Run programmatically (:func:`tidings.backends.dbschema.upgrade`, the
database backend at start, ``tidings db upgrade``): the connection and the
table prefix come from ``config.attributes`` (and ``on_version_apply``,
called after each migration: ``tidings db upgrade``'s progress); the
version table is ``<prefix>alembic_version``.
"""

import sqlalchemy as sa
from alembic import context

config = context.config
prefix = config.attributes.get('table_prefix', 'tidings_')
connectable = config.attributes.get('connectable')


def run_migrations_offline():
    context.configure(url=config.get_main_option('sqlalchemy.url'),
                      literal_binds=True,
                      version_table=prefix + 'alembic_version')
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    def run(connection):
        context.configure(connection=connection,
                          version_table=prefix + 'alembic_version',
                          transaction_per_migration=True,
                          on_version_apply=config.attributes.get(
                              'on_version_apply'))
        with context.begin_transaction():
            context.run_migrations()

    if isinstance(connectable, sa.engine.Engine):
        with connectable.begin() as connection:
            run(connection)
    else:
        run(connectable)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

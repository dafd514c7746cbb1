"""Day partitions of the event table: the option's checks and the SQL
that makes, splits and drops partitions (run on PostgreSQL and MariaDB in
tests/functional/test_database_*.py, ``TestPartitions*``)."""

import datetime
import os
import tempfile

import testtools

from tidings import conf as tidings_conf
from tidings import errors
from tidings.backends import database
from tidings.backends import dbschema
from tidings.backends import partitions

D = datetime.date(2026, 12, 4)
DAY = datetime.timedelta(days=1)


class TestOption(testtools.TestCase):

    def sqlite_url(self):
        directory = tempfile.mkdtemp(prefix='tidings-parts-')
        self.addCleanup(os.rmdir, directory)
        return 'sqlite:///' + os.path.join(directory, 'e.sqlite')

    def test_none_and_day_are_accepted_where_partitions_exist(self):
        for dialect in ('postgresql', 'mysql', 'mariadb'):
            self.assertEqual([], partitions.mode_errors('day', dialect))
        self.assertEqual([], partitions.mode_errors('none', 'sqlite'))

    def test_an_unknown_mode_names_the_accepted_ones(self):
        problem, = partitions.mode_errors('week', 'postgresql')
        self.assertEqual(('backend_database', 'partition_by', 'week'),
                         (problem.group, problem.option, problem.value))
        self.assertIn('none, day', str(problem))

    def test_sqlite_is_refused_naming_the_databases_that_have_them(self):
        problem, = partitions.mode_errors('day', 'sqlite')
        self.assertIn('partition_by', str(problem))
        self.assertIn('PostgreSQL or MariaDB/MySQL', str(problem))
        self.assertIn('sqlite', str(problem))

    def test_the_backend_refuses_day_partitions_on_sqlite_at_start(self):
        exc = self.assertRaises(errors.ConfigError,
                                database.DatabaseBackend, None,
                                url=self.sqlite_url(), partition_by='day')
        self.assertIn('[backend_database] partition_by', str(exc))
        self.assertIn('PostgreSQL', str(exc))

    def test_the_startup_check_reports_it_from_the_configuration(self):
        conf = tidings_conf.new_conf([])
        url = self.sqlite_url()
        conf.set_override('connection', url, 'backend_database')
        conf.set_override('partition_by', 'day', 'backend_database')
        problems = database.DatabaseBackend.check_conf(conf)
        self.assertEqual(['partition_by'], [p.option for p in problems])

    def test_the_option_takes_none_or_day_only(self):
        conf = tidings_conf.new_conf([])
        self.assertEqual('none', conf.backend_database.partition_by)
        self.assertRaises(ValueError, conf.set_override, 'partition_by',
                          'month', 'backend_database')

    def test_upgrade_on_sqlite_refuses_day_and_creates_nothing(self):
        engine = dbschema.create_engine(self.sqlite_url())
        self.addCleanup(lambda: os.remove(engine.url.database))
        self.addCleanup(engine.dispose)
        self.assertRaises(errors.ConfigError, dbschema.upgrade, engine,
                          partition_by='day')
        self.assertIsNone(dbschema.current_revision(engine))


class TestStatements(testtools.TestCase):

    def test_postgresql_table_has_a_default_partition(self):
        kwargs, after = partitions.partition_clause('postgresql', 't_events')
        self.assertEqual({'postgresql_partition_by': 'RANGE ("timestamp")'},
                         kwargs)
        self.assertEqual(['CREATE TABLE "t_events_pdefault" PARTITION OF '
                          '"t_events" DEFAULT'], after)

    def test_mariadb_table_has_a_maxvalue_partition(self):
        kwargs, after = partitions.partition_clause('mariadb', 't_events')
        self.assertEqual({}, kwargs)
        self.assertEqual(['ALTER TABLE `t_events` PARTITION BY RANGE '
                          'COLUMNS(`timestamp`) (PARTITION pmax VALUES '
                          'LESS THAN (MAXVALUE))'], after)

    def test_postgresql_day_moves_its_rows_out_of_the_default_first(self):
        sql = partitions.create_statements('postgresql', 't_events', [D])
        self.assertEqual(5, len(sql))
        self.assertIn('DELETE FROM "t_events_pdefault" WHERE "timestamp" >= '
                      "'2026-12-04' AND \"timestamp\" < '2026-12-05'", sql[1])
        self.assertEqual('CREATE TABLE "t_events_p20261204" PARTITION OF '
                         '"t_events" FOR VALUES FROM (\'2026-12-04\') TO '
                         '(\'2026-12-05\')', sql[2])
        self.assertEqual('INSERT INTO "t_events" SELECT * FROM '
                         'tidings_moving', sql[3])

    def test_existing_days_are_not_made_again(self):
        self.assertEqual([], partitions.create_statements(
            'postgresql', 't', [D], existing=[D]))
        self.assertEqual([], partitions.create_statements(
            'mariadb', 't', [D], existing=[D]))

    def test_mariadb_splits_new_days_off_pmax_in_one_statement(self):
        sql, = partitions.create_statements('mariadb', 't_events',
                                            [D + DAY, D, D + 2 * DAY],
                                            existing=[D])
        self.assertEqual(
            "ALTER TABLE `t_events` REORGANIZE PARTITION pmax INTO ("
            "PARTITION p20261205 VALUES LESS THAN ('2026-12-06'), "
            "PARTITION p20261206 VALUES LESS THAN ('2026-12-07'), "
            "PARTITION pmax VALUES LESS THAN (MAXVALUE))", sql)

    def test_mariadb_cannot_add_a_day_before_its_last_one(self):
        self.assertEqual([], partitions.create_statements(
            'mariadb', 't', [D - DAY], existing=[D]))

    def test_drop_statements(self):
        self.assertEqual('DROP TABLE "t_events_p20261204"',
                         partitions.drop_statement('postgresql', 't_events',
                                                   't_events_p20261204'))
        self.assertEqual('ALTER TABLE `t_events` DROP PARTITION p20261204',
                         partitions.drop_statement('mariadb', 't_events',
                                                   'p20261204'))

    def test_partition_names(self):
        self.assertEqual('t_events_p20261204', partitions.partition_name(
            'postgresql', 't_events', D))
        self.assertEqual('p20261204', partitions.partition_name(
            'mariadb', 't_events', D))

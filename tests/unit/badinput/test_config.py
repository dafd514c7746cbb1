"""Bad configurations: ``tidings config validate`` and the Notifier's
startup check.

Every case runs ``tidings config validate FILE`` and asserts exit status 1
("checked, and invalid"), one line per problem on stderr naming the group
and option, the value and what is accepted, and no traceback.  The
Notifier runs the same check (:func:`tidings.conf.check`), so the last
cases compare the two.  Nothing here connects to a database or a broker:
the URL checks are offline.
"""

import os
import sys

import fixtures
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.unit import badinput
from tidings import conf as tidings_conf
from tidings.backends import database as database_mod
from tidings.backends import jsonfile as jsonfile_mod
from tidings.catalogs import demo
from tidings.notifications import notifier as notifier_mod
from tidings.objects import errors

PREFIX = 'tidings config validate: '


class ConfigCase(badinput.BadInputCase):
    """``invalid(text, *fragments)``: the file is refused, every fragment
    is on stderr."""

    def setUp(self):
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        # Where a file cannot be created, even as root: under a file.
        self.regular = os.path.join(self.tmp, 'a-regular-file')
        with open(self.regular, 'w') as handle:
            handle.write('x')
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', os.path.join(self.tmp, 'state')))

    def without_modules(self, *names):
        """Make ``import name`` fail, as when the driver is not installed
        (None in sys.modules stops an import)."""
        # Only these entries are touched (patch.dict would also drop the
        # modules imported meanwhile, SQLAlchemy's dialects among them,
        # which then register their functions twice).
        missing = object()
        saved = {n: sys.modules.get(n, missing) for n in names}

        def restore():
            for name, module in saved.items():
                if module is missing:
                    sys.modules.pop(name, None)
                else:
                    sys.modules[name] = module

        self.addCleanup(restore)
        for name in names:
            sys.modules[name] = None

    def write(self, content, name='tidings.conf'):
        path = os.path.join(self.tmp, name)
        mode = 'wb' if isinstance(content, bytes) else 'w'
        with open(path, mode) as handle:
            handle.write(content)
        return path

    def validate(self, *paths):
        return self.run_tidings('config', 'validate', *paths)

    def assertInvalid(self, paths, fragments, count=None):
        code, out, err = self.validate(*paths)
        self.assertEqual(1, code, 'stdout: %s\nstderr: %s' % (out, err))
        self.assertEqual('', out)
        self.assertNotIn('Traceback', err)
        lines = err.splitlines()
        for line in lines:
            self.assertTrue(line.startswith(PREFIX), line)
        for fragment in fragments:
            self.assertIn(fragment, err)
        if count is not None:
            self.assertEqual(count, len(lines), err)
        return err

    def invalid(self, text, *fragments, count=None):
        return self.assertInvalid([self.write(text)], fragments, count)


class TestNotificationsGroup(ConfigCase):

    def test_unknown_level_lists_the_levels(self):
        self.invalid('[notifications]\nlevel = loud\n',
                     "[notifications] level = 'loud'",
                     'not one of debug, info, audit, warn, error, critical')

    def test_unknown_format_lists_the_choices(self):
        self.invalid('[notifications]\nnotification_format = xml\n',
                     "[notifications] notification_format = 'xml'",
                     'expected one of versioned, unversioned, both')

    def test_non_boolean_says_true_or_false(self):
        self.invalid('[notifications]\ninclude_traceback = maybe\n',
                     "[notifications] include_traceback = 'maybe'",
                     'expected true or false')

    def test_unknown_backend_lists_the_installed_ones(self):
        self.invalid('[notifications]\nbackends = kafka\n',
                     "[notifications] backends = 'kafka'",
                     'not an installed backend; installed: database')

    def test_misspelt_backend_gets_did_you_mean(self):
        self.invalid('[notifications]\nbackends = lgo\n',
                     "[notifications] backends = 'lgo'",
                     "did you mean 'log'?", 'installed: ')

    def test_duplicate_backend_is_named(self):
        self.invalid('[notifications]\nbackends = log,log\n',
                     "[notifications] backends = 'log, log'",
                     "backend 'log' is listed twice; list each backend once",
                     count=1)

    def test_empty_backend_entry_is_refused(self):
        self.invalid('[notifications]\nbackends = log,,noop\n',
                     "[notifications] backends = 'log, , noop'",
                     'an entry is empty (a stray comma?)',
                     'list of installed backends: ')

    def test_no_backend_at_all_is_refused(self):
        self.invalid('[notifications]\nbackends =\n',
                     "[notifications] backends = ''",
                     'at least one backend is needed; installed: ')

    def test_malformed_pin_shows_the_accepted_form(self):
        self.invalid('[notifications]\npin_versions = Audit@1.0\n',
                     "[notifications] pin_versions = 'Audit@1.0'",
                     'expected PayloadName:MAJOR.MINOR')

    def test_pin_of_an_unknown_payload_lists_the_payloads(self):
        self.invalid('[notifications]\npin_versions = Nope:1.0\n',
                     "[notifications] pin_versions = 'Nope:1.0'",
                     'no such payload; payloads: ', 'demo.BackupPayload')

    def test_pin_to_an_unproducible_version_says_what_is(self):
        self.invalid('[notifications]\npin_versions = BackupPayload:1.5\n',
                     "[notifications] pin_versions = 'BackupPayload:1.5'",
                     'BackupPayload cannot be pinned to 1.5')

    def test_empty_source_name_is_refused(self):
        self.invalid('[notifications]\nexclude_sources = api, ,x\n',
                     "[notifications] exclude_sources = ''",
                     'empty source names are not allowed')

    def test_empty_redact_context_key_is_refused(self):
        self.invalid('[notifications]\nredact_context_keys = token,,x\n',
                     "[notifications] redact_context_keys = ''",
                     'empty entries are not allowed',
                     'key names or shell patterns')

    def test_unknown_publisher_placeholder_lists_the_accepted_ones(self):
        self.invalid('[notifications]\npublisher_id_format = {who}\n',
                     "[notifications] publisher_id_format = '{who}'",
                     'placeholders accepted: {source}, {host}')

    def test_publisher_host_that_is_no_host_name(self):
        self.invalid('[notifications]\npublisher_host = bad host!\n',
                     "[notifications] publisher_host = 'bad host!'",
                     'expected an IP address or a host name')


class TestStatePath(ConfigCase):

    def test_state_path_that_is_a_file(self):
        self.invalid('[notifications]\nstate_path = %s\n' % self.regular,
                     "[notifications] state_path = '%s'" % self.regular,
                     'is not a directory',
                     'expected a directory this user can create files in')

    def test_state_path_that_cannot_be_created(self):
        path = os.path.join(self.regular, 'state')
        self.invalid('[notifications]\nstate_path = %s\n' % path,
                     "[notifications] state_path = '%s'" % path,
                     'cannot be created: %s is not a directory'
                     % self.regular)

    def test_state_path_under_proc(self):
        self.invalid('[notifications]\nstate_path = /proc/tidings\n',
                     "[notifications] state_path = '/proc/tidings'",
                     'is under /proc, a virtual file system')

    def test_unusable_default_state_path_names_the_default(self):
        self.useFixture(fixtures.EnvironmentVariable(
            'XDG_STATE_HOME', os.path.join(self.regular, 'state')))
        self.invalid('[notifications]\nbackends = jsonfile\n',
                     "[notifications] state_path = '%s'" % os.path.join(
                         self.regular, 'state', 'tidings'),
                     'the default: $XDG_STATE_HOME/tidings', count=1)

    def test_validate_creates_nothing(self):
        state = os.path.join(self.tmp, 'new', 'state')
        code, _, err = self.validate(self.write(
            '[notifications]\nbackends = jsonfile,database,log\n'
            'state_path = %s\n' % state))
        self.assertEqual(0, code, err)
        self.assertFalse(os.path.exists(os.path.join(self.tmp, 'new')))


class TestJsonFileGroup(ConfigCase):

    def test_max_bytes_that_is_not_a_number(self):
        self.invalid('[backend_jsonfile]\nmax_bytes = big\n',
                     "[backend_jsonfile] max_bytes = 'big'",
                     'expected an integer >= 0')

    def test_negative_backup_count(self):
        self.invalid('[backend_jsonfile]\nbackup_count = -1\n',
                     "[backend_jsonfile] backup_count = '-1'",
                     'expected an integer >= 0')

    def test_zero_queue_size(self):
        self.invalid('[backend_jsonfile]\nqueue_size = 0\n',
                     "[backend_jsonfile] queue_size = '0'",
                     'expected an integer >= 1')

    def jsonfile(self, path):
        return ('[notifications]\nbackends = jsonfile\n'
                '[backend_jsonfile]\npath = %s\n' % path)

    def test_path_that_is_a_directory(self):
        self.invalid(self.jsonfile(self.tmp),
                     "[backend_jsonfile] path = '%s'" % self.tmp,
                     'is a directory; expected a file path')

    def test_path_whose_directory_cannot_be_created(self):
        path = os.path.join(self.regular, 'sub', 'n.jsonl')
        self.invalid(self.jsonfile(path),
                     "[backend_jsonfile] path = '%s'" % path,
                     'cannot be created: %s is not a directory'
                     % self.regular)

    def test_path_under_proc(self):
        self.invalid(self.jsonfile('/proc/tidings.jsonl'),
                     "[backend_jsonfile] path = '/proc/tidings.jsonl'",
                     'is under /proc')

    def test_empty_path(self):
        self.invalid('[notifications]\nbackends = jsonfile\n'
                     '[backend_jsonfile]\npath =\n',
                     "[backend_jsonfile] path = ''",
                     'is empty; expected a file path')


class TestLogAndMemoryGroups(ConfigCase):

    def test_unknown_line_format_lists_the_choices(self):
        self.invalid('[backend_log]\nline_format = xml\n',
                     "[backend_log] line_format = 'xml'",
                     'expected one of text, json')

    def test_zero_max_notifications(self):
        self.invalid('[backend_memory]\nmax_notifications = 0\n',
                     "[backend_memory] max_notifications = '0'",
                     'expected an integer >= 1')


class TestDatabaseGroup(ConfigCase):

    def database(self, url):
        return ('[notifications]\nbackends = database\n'
                '[backend_database]\nconnection = %s\n' % url)

    def test_port_out_of_range_masks_the_password(self):
        err = self.invalid(
            self.database('postgresql://svc:s3cret@db:99999/events'),
            "[backend_database] connection = "
            "'postgresql://svc:***@db:99999/events'",
            'port 99999 is out of range; expected a port from 1 to 65535')
        self.assertNotIn('s3cret', err)

    def test_port_zero(self):
        self.invalid(self.database('mysql+pymysql://root@127.0.0.1:0/test'),
                     "connection = 'mysql+pymysql://root@127.0.0.1:0/test'",
                     'port 0 is out of range; expected a port from 1 to '
                     '65535')

    def test_port_that_is_not_a_number(self):
        err = self.invalid(self.database('postgresql://u:pw@db:abc/x'),
                           "connection = 'postgresql://u:***@db:abc/x'",
                           "port 'abc' is not a number; expected a port "
                           "from 1 to 65535")
        self.assertNotIn(':pw@', err)

    def test_unknown_database_lists_the_supported_ones(self):
        self.invalid(self.database('oracle+nope://x/y'),
                     "[backend_database] connection = 'oracle+nope://x/y'",
                     "unsupported database or driver 'oracle+nope'",
                     'supported: sqlite, postgresql (pip install '
                     'tidings[postgresql])')

    def test_missing_postgresql_driver_names_the_extra(self):
        self.without_modules('psycopg2', 'psycopg')
        self.invalid(self.database('postgresql://svc:pw@127.0.0.1/test'),
                     "[backend_database] connection = "
                     "'postgresql://svc:***@127.0.0.1/test'",
                     'no postgresql driver is installed',
                     'install one with: pip install tidings[postgresql] '
                     '(psycopg2)')

    def test_missing_psycopg2_names_the_extra(self):
        self.without_modules('psycopg2')
        self.invalid(self.database('postgresql+psycopg2://u:pw@db/test'),
                     "connection = 'postgresql+psycopg2://u:***@db/test'",
                     'the postgresql driver psycopg2 is not installed',
                     'install it with: pip install tidings[postgresql]')

    def test_missing_mysql_driver_names_the_extra(self):
        self.without_modules('pymysql')
        self.invalid(self.database('mysql+pymysql://root@127.0.0.1/test'),
                     "connection = 'mysql+pymysql://root@127.0.0.1/test'",
                     'the mysql driver pymysql is not installed',
                     'pip install tidings[mysql]')

    def test_other_missing_driver_names_the_supported_one(self):
        self.invalid(self.database('mysql+mysqldb://root@127.0.0.1/test'),
                     "connection = 'mysql+mysqldb://root@127.0.0.1/test'",
                     'driver mysqldb is not installed',
                     'or use mysql+pymysql:// and pip install tidings[mysql]')

    def test_sqlite_file_that_cannot_be_created(self):
        path = os.path.join(self.regular, 'events.sqlite')
        self.invalid(self.database('sqlite:///' + path),
                     "connection = 'sqlite:///%s'" % path,
                     'the SQLite file %s its directory %s is not a directory'
                     % (path, self.regular))

    def test_batch_size_out_of_range(self):
        self.invalid('[backend_database]\nbatch_size = 20000\n',
                     "[backend_database] batch_size = '20000'",
                     'expected an integer from 1 to 10000')

    def test_table_prefix_that_breaks_the_pattern(self):
        self.invalid('[backend_database]\ntable_prefix = Bad-Prefix\n',
                     "[backend_database] table_prefix = 'Bad-Prefix'",
                     'expected a lowercase letter then up to 30')

    def test_max_age_that_is_no_duration(self):
        self.invalid('[backend_database]\nmax_age = forever\n',
                     "[backend_database] max_age = 'forever'",
                     'expected a duration: a whole number with an')

    def test_negative_flush_interval(self):
        self.invalid('[backend_database]\nflush_interval = -1\n',
                     "[backend_database] flush_interval = '-1'",
                     'expected a number >= 0.0')

    def test_auto_migrate_that_is_not_a_boolean(self):
        self.invalid('[backend_database]\nauto_migrate = perhaps\n',
                     "[backend_database] auto_migrate = 'perhaps'",
                     'expected true or false')


class TestMessagingGroup(ConfigCase):

    def messaging(self, **options):
        return ('[notifications]\nbackends = messaging\n'
                '[backend_messaging]\n' + ''.join(
                    '%s = %s\n' % item for item in options.items()))

    def test_transport_port_out_of_range_masks_the_password(self):
        err = self.invalid(
            self.messaging(transport_url='rabbit://g:s3cret@mq:99999/'),
            "[backend_messaging] transport_url = 'rabbit://g:***@mq:99999/'",
            'port 99999 is out of range; expected a port from 1 to 65535')
        self.assertNotIn('s3cret', err)

    def assertMessagingInvalid(self, cases):
        """Each ``([backend_messaging] options, message fragments)`` of
        ``cases`` is invalid, with the fragments in the message."""
        for options, fragments in cases:
            try:
                self.invalid(self.messaging(**options), *fragments)
            except AssertionError as exc:
                raise AssertionError('%r: %s' % (options, exc))

    def test_bad_transport_urls_are_named(self):
        self.assertMessagingInvalid([
            ({'transport_url': 'rabbit://g:p@mq:abc/'},
             ("transport_url = 'rabbit://g:***@mq:abc/'",
              "port 'abc' is not a number")),
            # the second host is checked too
            ({'transport_url': 'rabbit://g:p@mq1:5672,g:p@mq2:0/'},
             ("transport_url = 'rabbit://g:***@mq1:5672,g:***@mq2:0/'",
              'port 0 is out of range')),
            ({'transport_url': 'nope://x/'},
             ("[backend_messaging] transport_url = 'nope://x/'",
              "unknown transport 'nope'; installed oslo.messaging "
              "transports: ")),
        ])

    def test_bad_topics_driver_and_numbers_say_what_is_accepted(self):
        self.assertMessagingInvalid([
            ({'transport_url': 'rabbit://mq/', 'topics': 'a b'},
             ("[backend_messaging] topics = 'a b'",
              'a topic is a non-empty name without spaces')),
            ({'driver': 'amqp'},
             ("[backend_messaging] driver = 'amqp'",
              'expected one of messagingv2, messaging')),
            ({'confirm_window': '70000'},
             ("[backend_messaging] confirm_window = '70000'",
              'expected an integer from 1 to 65535')),
            ({'sender_linger': '2'},
             ("[backend_messaging] sender_linger = '2'",
              'expected a number from 0.0001 to 1.0')),
        ])

    def test_retry_interval_max_below_retry_interval(self):
        self.invalid(self.messaging(
            transport_url='rabbit://mq/', retry_interval='2',
            retry_interval_max='0.5'),
            "[backend_messaging] retry_interval_max = 0.5",
            'expected at least retry_interval (2.0)')

    def test_outbox_port_out_of_range(self):
        self.invalid(self.messaging(
            transport_url='rabbit://mq/',
            outbox_url='postgresql://u:pw@db:0/outbox'),
            "[backend_messaging] outbox_url = 'postgresql://u:***@db:0/"
            "outbox'", 'port 0 is out of range')

    def test_outbox_file_that_cannot_be_created(self):
        path = os.path.join(self.regular, 'outbox.sqlite')
        self.invalid(self.messaging(transport_url='rabbit://mq/',
                                    outbox_url='sqlite:///' + path),
                     "[backend_messaging] outbox_url = 'sqlite:///%s'" % path,
                     'is not a directory')


class TestStatsdGroup(ConfigCase):

    def statsd(self, **options):
        return ('[notifications]\nbackends = statsd\n[backend_statsd]\n'
                + ''.join('%s = %s\n' % item for item in options.items()))

    def test_port_zero(self):
        self.invalid(self.statsd(port='0'),
                     "[backend_statsd] port = '0'",
                     'expected an integer from 1 to 65535')

    def test_port_out_of_range(self):
        self.invalid(self.statsd(port='99999'),
                     "[backend_statsd] port = '99999'",
                     'expected an integer from 1 to 65535')

    def test_host_that_is_no_host_name(self):
        self.invalid(self.statsd(host='not a host!'),
                     "[backend_statsd] host = 'not a host!'",
                     'expected an IP address or a host name')

    def test_unknown_protocol_lists_the_choices(self):
        self.invalid(self.statsd(protocol='sctp'),
                     "[backend_statsd] protocol = 'sctp'",
                     'expected one of udp, tcp, unix')

    def test_unix_protocol_without_socket_path(self):
        self.invalid(self.statsd(protocol='unix'),
                     '[backend_statsd] socket_path = None',
                     'a socket path is needed with protocol = unix')

    def test_sample_rate_zero_would_send_nothing(self):
        self.invalid(self.statsd(sample_rate='0'),
                     '[backend_statsd] sample_rate = 0.0',
                     'not in (0, 1]')

    def test_sample_rate_above_one(self):
        self.invalid(self.statsd(sample_rate='2'),
                     "[backend_statsd] sample_rate = '2'",
                     'expected a number from 0.0 to 1.0')

    def test_tiny_packet_size(self):
        self.invalid(self.statsd(max_packet_size='10'),
                     "[backend_statsd] max_packet_size = '10'",
                     'expected an integer from 64 to 65507')


class TestCatalogGroups(ConfigCase):

    def test_magnetodb_zero_interval(self):
        self.invalid('[magnetodb]\nusage_notification_interval = 0\n',
                     "[magnetodb] usage_notification_interval = '0'",
                     'a number of seconds > 0, or < 0 to disable')

    def test_magnetodb_interval_that_is_not_a_number(self):
        self.invalid('[magnetodb]\nusage_notification_interval = soon\n',
                     "[magnetodb] usage_notification_interval = 'soon'",
                     'expected an integer')

    def test_trove_zero_interval(self):
        self.invalid('[trove]\nexists_notification_interval = 0\n',
                     '[trove] exists_notification_interval = 0',
                     'a number of seconds > 0, or < 0 to disable')

    def test_trove_interval_that_is_not_a_number(self):
        self.invalid('[trove]\nquota_notification_interval = x\n',
                     "[trove] quota_notification_interval = 'x'",
                     'expected an integer')


class TestTypos(ConfigCase):

    def test_misspelt_option_gets_did_you_mean_and_the_options(self):
        self.invalid('[notifications]\nlevle = debug\n',
                     "[notifications] levle = 'debug'",
                     'no such option in [notifications]',
                     'did you mean level?',
                     'options: backends, disabled_events')

    def test_misspelt_backend_option_gets_did_you_mean(self):
        self.invalid('[backend_jsonfile]\nmax_byte = 3\n',
                     "[backend_jsonfile] max_byte = '3'",
                     'did you mean max_bytes?',
                     'options: backup_count, max_bytes, path, queue_size')

    def test_unknown_option_without_a_near_one_lists_the_options(self):
        err = self.invalid('[backend_log]\ncolour = red\n',
                           "[backend_log] colour = 'red'",
                           'options: all_events, line_format, logger_name')
        self.assertNotIn('did you mean', err)

    def test_misspelt_group_gets_did_you_mean(self):
        self.invalid('[notifcations]\nlevel = info\n',
                     '[notifcations]', 'no such group',
                     'did you mean [notifications]?')


class TestDuplicates(ConfigCase):

    def test_section_written_twice(self):
        self.invalid('[notifications]\nlevel = info\n[backend_log]\n'
                     '[notifications]\nbackends = log\n',
                     'section [notifications] appears 2 times (lines 1, 4)',
                     'write each section once')

    def test_option_set_twice(self):
        self.invalid('[notifications]\nlevel = info\nlevel = debug\n',
                     '[notifications] level is set 2 times (lines 2, 3)',
                     'only the last counts')


class TestFiles(ConfigCase):

    def test_latin1_file_names_the_byte_and_its_offset(self):
        path = self.write('[notifications]\n# caf\xe9\n'.encode('latin-1'))
        self.assertInvalid([path], ['config file %s' % path,
                                    'not UTF-8 text: byte 0xe9 at offset 21 '
                                    '(line 2)', 'must be saved as UTF-8'])

    def test_binary_file_is_refused(self):
        path = self.write(b'\x89PNG\r\n\x1a\n\x00\x00')
        self.assertInvalid([path], ['config file %s' % path,
                                    'not UTF-8 text: byte 0x89 at offset 0'])

    def test_nul_character_is_refused(self):
        path = self.write(b'[notifications]\nlevel = in\x00fo\n')
        self.assertInvalid([path], ['config file %s' % path,
                                    'holds a NUL character at offset 26'])

    def test_directory_given_as_file(self):
        self.assertInvalid([self.tmp], ['config file %s' % self.tmp,
                                        'is a directory; expected a config '
                                        'file'])

    def test_missing_file(self):
        path = os.path.join(self.tmp, 'nope.conf')
        self.assertInvalid([path], ['config file %s: no such file' % path])

    def test_unreadable_file(self):
        path = self.write('[notifications]\n')
        with badinput.unreadable(path):
            self.assertInvalid([path], ['config file %s' % path,
                                        'cannot be read: Permission denied'])

    def test_unclosed_section_header(self):
        self.invalid('[notifications\nlevel = info\n',
                     'line 1: Invalid section (must end with ])',
                     "'[notifications'",
                     'expected [section] headers and "option = value" lines')

    def test_line_without_equals_sign(self):
        self.invalid('[notifications]\njust some words\n',
                     "line 2: No ':' or '=' found in assignment")

    def test_option_before_any_section(self):
        self.invalid('level = info\n',
                     'line 1: Section must be started before assignment')

    def test_every_broken_file_is_named(self):
        one = self.write(b'\xff', 'one.conf')
        two = self.write('[x\n', 'two.conf')
        self.assertInvalid([one, two], ['config file %s: not UTF-8' % one,
                                        'config file %s: line 1' % two],
                           count=2)

    def test_show_on_a_latin1_file_is_a_clear_error(self):
        path = self.write('[notifications]\nlevel = d\xe9bug\n'.encode(
            'latin-1'))
        self.assertCliRefuses(['config', 'show', path],
                              ['config file %s' % path,
                               'not UTF-8 text: byte 0xe9 at offset 25'])


class TestEveryErrorInOneRun(ConfigCase):

    FIVE = ('[notifications]\n'
            'level = loud\n'
            'backends = log,log\n'
            'levle = debug\n'
            '[backend_jsonfile]\n'
            'max_bytes = big\n'
            '[backend_statsd]\n'
            'port = 0\n')

    def test_five_mistakes_give_five_errors(self):
        self.invalid(self.FIVE,
                     "[notifications] level = 'loud'",
                     "backend 'log' is listed twice",
                     "[notifications] levle = 'debug'",
                     "[backend_jsonfile] max_bytes = 'big'",
                     "[backend_statsd] port = '0'",
                     count=5)

    def test_notifier_raises_the_list_config_validate_prints(self):
        path = self.write(self.FIVE)
        _, _, err = self.validate(path)
        printed = [line.split(': invalid: ', 1)[1]
                   for line in err.splitlines()]
        conf = tidings_conf.new_conf(config_files=[path])
        exc = self.assertRaisesClear(
            ['5 configuration problems:'], notifier_mod.Notifier, conf,
            demo.EVENTS)
        self.assertIsInstance(exc, errors.ConfigErrors)
        self.assertEqual(printed, [str(e) for e in exc.errors])
        for line in printed:
            self.assertIn('\n- ' + line, str(exc))

    def test_notifier_refuses_a_jsonfile_path_config_validate_refuses(self):
        path = self.write('[notifications]\nbackends = jsonfile\n'
                          '[backend_jsonfile]\npath = %s\n' % self.tmp)
        err = self.assertInvalid([path], [])
        exc = self.assertRaisesClear(
            ["[backend_jsonfile] path = '%s'" % self.tmp, 'is a directory'],
            notifier_mod.Notifier, tidings_conf.new_conf(
                config_files=[path]), demo.EVENTS)
        self.assertIn(str(exc), err)

    def test_backend_constructor_runs_the_same_path_check(self):
        conf = tidings_conf.new_conf()
        path = os.path.join(self.regular, 'x', 'n.jsonl')
        exc = self.assertRaisesClear(
            ["[backend_jsonfile] path = '%s'" % path, 'cannot be created'],
            jsonfile_mod.JsonFileBackend, conf, path=path)
        self.assertFalse(os.path.exists(os.path.join(self.regular, 'x')))
        self.assertIsInstance(exc, errors.ConfigError)

    def test_database_backend_refuses_a_missing_driver_at_startup(self):
        self.without_modules('psycopg2', 'psycopg')
        self.assertRaisesClear(
            ["[backend_database] connection = "
             "'postgresql://u:***@127.0.0.1/test'",
             'pip install tidings[postgresql]'],
            database_mod.DatabaseBackend, tidings_conf.new_conf(),
            url='postgresql://u:pw@127.0.0.1/test')


class TestRandomFiles(ConfigCase):
    """Whatever a file holds, config validate answers with one line per
    problem and an exit status, never a traceback.  (Random input is
    sometimes a valid configuration, e.g. an empty file: exit 0, OK.)"""

    def check(self, content):
        path = self.write(content, 'random.conf')
        code, out, err = self.validate(path)
        self.assertIn(code, (0, 1, 2), err)
        self.assertNotIn('Traceback', out + err)
        if code == 0:
            self.assertEqual('OK\n', out)
        else:
            self.assertTrue(err.strip(), 'no message for exit %s' % code)
            for line in err.splitlines():
                self.assertTrue(line.startswith(PREFIX) or line.startswith(
                    'tidings config: error: '), line)

    @settings(max_examples=50, deadline=None)
    @given(st.binary(max_size=200))
    def test_random_bytes(self, content):
        self.check(content)

    @settings(max_examples=50, deadline=None)
    @given(st.lists(st.one_of(
        st.sampled_from(['[notifications]', '[backend_jsonfile]',
                         '[backend_database]', '[notifcations]', '[x',
                         'level = loud', 'backends = log,log', 'port = 0',
                         'max_bytes = -3', 'connection = sqlite:///x',
                         '  continued', '= value', 'key']),
        st.text(max_size=30)), max_size=12))
    def test_random_text(self, lines):
        self.check('\n'.join(lines))

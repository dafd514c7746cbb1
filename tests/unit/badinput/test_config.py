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

    def assertEachInvalid(self, cases):
        """Each ``(config text, *message fragments)`` of ``cases`` is
        refused with every fragment in the message; the failures of all
        the cases are reported together, each with its text."""
        failures = []
        for text, *fragments in cases:
            try:
                self.invalid(text, *fragments)
            except AssertionError as exc:
                failures.append('%r: %s' % (text, exc))
        if failures:
            self.fail('%d of %d cases failed:\n%s' % (
                len(failures), len(cases), '\n\n'.join(failures)))


class TestNotificationsGroup(ConfigCase):

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # unknown level lists the levels
            ('[notifications]\nlevel = loud\n',
             "[notifications] level = 'loud'",
             'not one of debug, info, audit, warn, error, critical'),
            # unknown format lists the choices
            ('[notifications]\nnotification_format = xml\n',
             "[notifications] notification_format = 'xml'",
             'expected one of versioned, unversioned, both'),
            # non boolean says true or false
            ('[notifications]\ninclude_traceback = maybe\n',
             "[notifications] include_traceback = 'maybe'",
             'expected true or false'),
            # unknown backend lists the installed ones
            ('[notifications]\nbackends = kafka\n',
             "[notifications] backends = 'kafka'",
             'not an installed backend; installed: database'),
            # misspelt backend gets did you mean
            ('[notifications]\nbackends = lgo\n',
             "[notifications] backends = 'lgo'",
             "did you mean 'log'?",
             'installed: '),
            # empty backend entry is refused
            ('[notifications]\nbackends = log,,noop\n',
             "[notifications] backends = 'log, , noop'",
             'an entry is empty (a stray comma?)',
             'list of installed backends: '),
            # no backend at all is refused
            ('[notifications]\nbackends =\n',
             "[notifications] backends = ''",
             'at least one backend is needed; installed: '),
            # malformed pin shows the accepted form
            ('[notifications]\npin_versions = Audit@1.0\n',
             "[notifications] pin_versions = 'Audit@1.0'",
             'expected PayloadName:MAJOR.MINOR'),
            # pin of an unknown payload lists the payloads
            ('[notifications]\npin_versions = Nope:1.0\n',
             "[notifications] pin_versions = 'Nope:1.0'",
             'no such payload; payloads: ',
             'demo.BackupPayload'),
            # pin to an unproducible version says what is
            ('[notifications]\npin_versions = BackupPayload:1.5\n',
             "[notifications] pin_versions = 'BackupPayload:1.5'",
             'BackupPayload cannot be pinned to 1.5'),
            # empty source name is refused
            ('[notifications]\nexclude_sources = api, ,x\n',
             "[notifications] exclude_sources = ''",
             'empty source names are not allowed'),
            # empty redact context key is refused
            ('[notifications]\nredact_context_keys = token,,x\n',
             "[notifications] redact_context_keys = ''",
             'empty entries are not allowed',
             'key names or shell patterns'),
            # unknown publisher placeholder lists the accepted ones
            ('[notifications]\npublisher_id_format = {who}\n',
             "[notifications] publisher_id_format = '{who}'",
             'placeholders accepted: {source}, {host}'),
            # publisher host that is no host name
            ('[notifications]\npublisher_host = bad host!\n',
             "[notifications] publisher_host = 'bad host!'",
             'expected an IP address or a host name'),
        ])

    def test_a_table_fails_on_each_case_that_is_not_refused_as_said(self):
        self.assertRaisesNaming(AssertionError, [
            '2 of 3 cases failed', "level = info", 'no such fragment'],
            self.assertEachInvalid, [
                ('[notifications]\nlevel = info\n', 'level'),
                ('[notifications]\nlevel = loud\n', "level = 'loud'"),
                ('[notifications]\nlevel = lod\n', 'no such fragment')])

    def test_duplicate_backend_is_named(self):
        self.invalid('[notifications]\nbackends = log,log\n',
                     "[notifications] backends = 'log, log'",
                     "backend 'log' is listed twice; list each backend once",
                     count=1)


class TestStatePath(ConfigCase):

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # state path that is a file
            ('[notifications]\nstate_path = %s\n' % self.regular,
             "[notifications] state_path = '%s'" % self.regular,
             'is not a directory',
             'expected a directory this user can create files in'),
            # state path under proc
            ('[notifications]\nstate_path = /proc/tidings\n',
             "[notifications] state_path = '/proc/tidings'",
             'is under /proc, a virtual file system'),
        ])

    def test_state_path_that_cannot_be_created(self):
        path = os.path.join(self.regular, 'state')
        self.invalid('[notifications]\nstate_path = %s\n' % path,
                     "[notifications] state_path = '%s'" % path,
                     'cannot be created: %s is not a directory'
                     % self.regular)

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

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # max bytes that is not a number
            ('[backend_jsonfile]\nmax_bytes = big\n',
             "[backend_jsonfile] max_bytes = 'big'",
             'expected an integer >= 0'),
            # negative backup count
            ('[backend_jsonfile]\nbackup_count = -1\n',
             "[backend_jsonfile] backup_count = '-1'",
             'expected an integer >= 0'),
            # zero queue size
            ('[backend_jsonfile]\nqueue_size = 0\n',
             "[backend_jsonfile] queue_size = '0'",
             'expected an integer >= 1'),
            # path that is a directory
            (self.jsonfile(self.tmp),
             "[backend_jsonfile] path = '%s'" % self.tmp,
             'is a directory; expected a file path'),
            # path under proc
            (self.jsonfile('/proc/tidings.jsonl'),
             "[backend_jsonfile] path = '/proc/tidings.jsonl'",
             'is under /proc'),
            # empty path
            ('[notifications]\nbackends = jsonfile\n'
             '[backend_jsonfile]\npath =\n',
             "[backend_jsonfile] path = ''",
             'is empty; expected a file path'),
        ])

    def jsonfile(self, path):
        return ('[notifications]\nbackends = jsonfile\n'
                '[backend_jsonfile]\npath = %s\n' % path)

    def test_path_whose_directory_cannot_be_created(self):
        path = os.path.join(self.regular, 'sub', 'n.jsonl')
        self.invalid(self.jsonfile(path),
                     "[backend_jsonfile] path = '%s'" % path,
                     'cannot be created: %s is not a directory'
                     % self.regular)


class TestLogAndMemoryGroups(ConfigCase):

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # unknown line format lists the choices
            ('[backend_log]\nline_format = xml\n',
             "[backend_log] line_format = 'xml'",
             'expected one of text, json'),
            # zero max notifications
            ('[backend_memory]\nmax_notifications = 0\n',
             "[backend_memory] max_notifications = '0'",
             'expected an integer >= 1'),
        ])


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

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # port zero
            (self.database('mysql+pymysql://root@127.0.0.1:0/test'),
             "connection = 'mysql+pymysql://root@127.0.0.1:0/test'",
             'port 0 is out of range; expected a port from 1 to '
             '65535'),
            # unknown database lists the supported ones
            (self.database('oracle+nope://x/y'),
             "[backend_database] connection = 'oracle+nope://x/y'",
             "unsupported database or driver 'oracle+nope'",
             'supported: sqlite, postgresql (pip install '
             'tidings[postgresql])'),
            # other missing driver names the supported one
            (self.database('mysql+mysqldb://root@127.0.0.1/test'),
             "connection = 'mysql+mysqldb://root@127.0.0.1/test'",
             'driver mysqldb is not installed',
             'or use mysql+pymysql:// and pip install tidings[mysql]'),
            # batch size out of range
            ('[backend_database]\nbatch_size = 20000\n',
             "[backend_database] batch_size = '20000'",
             'expected an integer from 1 to 10000'),
            # table prefix that breaks the pattern
            ('[backend_database]\ntable_prefix = Bad-Prefix\n',
             "[backend_database] table_prefix = 'Bad-Prefix'",
             'expected a lowercase letter then up to 30'),
            # max age that is no duration
            ('[backend_database]\nmax_age = forever\n',
             "[backend_database] max_age = 'forever'",
             'expected a duration: a whole number with an'),
            # negative flush interval
            ('[backend_database]\nflush_interval = -1\n',
             "[backend_database] flush_interval = '-1'",
             'expected a number >= 0.0'),
            # auto migrate that is not a boolean
            ('[backend_database]\nauto_migrate = perhaps\n',
             "[backend_database] auto_migrate = 'perhaps'",
             'expected true or false'),
        ])

    def test_port_that_is_not_a_number(self):
        err = self.invalid(self.database('postgresql://u:pw@db:abc/x'),
                           "connection = 'postgresql://u:***@db:abc/x'",
                           "port 'abc' is not a number; expected a port "
                           "from 1 to 65535")
        self.assertNotIn(':pw@', err)

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

    def test_sqlite_file_that_cannot_be_created(self):
        path = os.path.join(self.regular, 'events.sqlite')
        self.invalid(self.database('sqlite:///' + path),
                     "connection = 'sqlite:///%s'" % path,
                     'the SQLite file %s its directory %s is not a directory'
                     % (path, self.regular))


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
        self.assertEachInvalid([(self.messaging(**options),) + fragments
                                for options, fragments in cases])

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

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # port zero
            (self.statsd(port='0'),
             "[backend_statsd] port = '0'",
             'expected an integer from 1 to 65535'),
            # port out of range
            (self.statsd(port='99999'),
             "[backend_statsd] port = '99999'",
             'expected an integer from 1 to 65535'),
            # host that is no host name
            (self.statsd(host='not a host!'),
             "[backend_statsd] host = 'not a host!'",
             'expected an IP address or a host name'),
            # unknown protocol lists the choices
            (self.statsd(protocol='sctp'),
             "[backend_statsd] protocol = 'sctp'",
             'expected one of udp, tcp, unix'),
            # unix protocol without socket path
            (self.statsd(protocol='unix'),
             '[backend_statsd] socket_path = None',
             'a socket path is needed with protocol = unix'),
            # sample rate zero would send nothing
            (self.statsd(sample_rate='0'),
             '[backend_statsd] sample_rate = 0.0',
             'not in (0, 1]'),
            # sample rate above one
            (self.statsd(sample_rate='2'),
             "[backend_statsd] sample_rate = '2'",
             'expected a number from 0.0 to 1.0'),
            # tiny packet size
            (self.statsd(max_packet_size='10'),
             "[backend_statsd] max_packet_size = '10'",
             'expected an integer from 64 to 65507'),
        ])


class TestCatalogGroups(ConfigCase):

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # magnetodb zero interval
            ('[magnetodb]\nusage_notification_interval = 0\n',
             "[magnetodb] usage_notification_interval = '0'",
             'a number of seconds > 0, or < 0 to disable'),
            # magnetodb interval that is not a number
            ('[magnetodb]\nusage_notification_interval = soon\n',
             "[magnetodb] usage_notification_interval = 'soon'",
             'expected an integer'),
            # trove zero interval
            ('[trove]\nexists_notification_interval = 0\n',
             '[trove] exists_notification_interval = 0',
             'a number of seconds > 0, or < 0 to disable'),
            # trove interval that is not a number
            ('[trove]\nquota_notification_interval = x\n',
             "[trove] quota_notification_interval = 'x'",
             'expected an integer'),
        ])


class TestTypos(ConfigCase):

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # misspelt option gets did you mean and the options
            ('[notifications]\nlevle = debug\n',
             "[notifications] levle = 'debug'",
             'no such option in [notifications]',
             'did you mean level?',
             'options: backends, disabled_events'),
            # misspelt backend option gets did you mean
            ('[backend_jsonfile]\nmax_byte = 3\n',
             "[backend_jsonfile] max_byte = '3'",
             'did you mean max_bytes?',
             'options: backup_count, max_bytes, path, queue_size'),
            # misspelt group gets did you mean
            ('[notifcations]\nlevel = info\n',
             '[notifcations]',
             'no such group',
             'did you mean [notifications]?'),
        ])

    def test_unknown_option_without_a_near_one_lists_the_options(self):
        err = self.invalid('[backend_log]\ncolour = red\n',
                           "[backend_log] colour = 'red'",
                           'options: all_events, line_format, logger_name')
        self.assertNotIn('did you mean', err)


class TestDuplicates(ConfigCase):

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # section written twice
            ('[notifications]\nlevel = info\n[backend_log]\n'
             '[notifications]\nbackends = log\n',
             'section [notifications] appears 2 times (lines 1, 4)',
             'write each section once'),
            # option set twice
            ('[notifications]\nlevel = info\nlevel = debug\n',
             '[notifications] level is set 2 times (lines 2, 3)',
             'only the last counts'),
        ])


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

    def test_each_bad_setting_is_named_with_what_is_accepted(self):
        self.assertEachInvalid([
            # unclosed section header
            ('[notifications\nlevel = info\n',
             'line 1: Invalid section (must end with ])',
             "'[notifications'",
             'expected [section] headers and "option = value" lines'),
            # line without equals sign
            ('[notifications]\njust some words\n',
             "line 2: No ':' or '=' found in assignment"),
            # option before any section
            ('level = info\n',
             'line 1: Section must be started before assignment'),
        ])

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

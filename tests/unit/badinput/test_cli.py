"""Bad input for every ``tidings`` command (``validate`` has its own
module; ``config`` is covered with the configuration corpus).

Each case: the exit code (2 for bad usage or input, 1 for findings, 3 for
an internal error), one line on stderr naming the thing, the value and
what is accepted, and no traceback.
"""

import os

import fixtures
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from tests.unit import badinput
from tidings import catalogs
from tidings.backends import dbschema
from tidings.cmd import main as main_mod

ACME = 'tests.unit.badinput.acme_payloads'
FPTEST = 'tests.unit.fptest_payloads'


class CliCase(badinput.BadInputCase):

    def setUp(self):
        super().setUp()
        self.tmp = self.tmp_dir()

    def assertOneLine(self, err):
        self.assertEqual(1, len(err.strip().splitlines()), err)


class TestBoundary(CliCase):
    """The error boundary in ``tidings.cmd.main``."""

    def fail_with(self, exc):
        def run(args):
            raise exc
        self.useFixture(fixtures.MonkeyPatch(
            'tidings.cmd.events.list_command', run))
        return self.run_tidings('events', 'list')

    def test_help_documents_the_exit_codes(self):
        code, out, _ = self.run_tidings('--help')
        self.assertEqual(0, code)
        for line in ('exit status:', '0    success', '1    findings',
                     '2    bad usage or bad input', '3    internal error',
                     '130  interrupted', '--debug'):
            self.assertIn(line, out)

    def test_unknown_command_exits_2(self):
        code, _, err = self.run_tidings('frobnicate')
        self.assertEqual(2, code)
        self.assertIn("invalid choice: 'frobnicate'", err)

    def test_unknown_option_exits_2(self):
        code, _, err = self.run_tidings('events', 'list', '--colour')
        self.assertEqual(2, code)
        self.assertIn('unrecognized arguments: --colour', err)

    def test_an_internal_error_is_one_line_exit_3_without_traceback(self):
        code, out, err = self.fail_with(ZeroDivisionError('boom'))
        self.assertEqual(main_mod.EXIT_INTERNAL, code)
        self.assertNotIn('Traceback', err)
        self.assertOneLine(err)
        self.assertIn('tidings events: internal error: ZeroDivisionError: '
                      'boom', err)
        self.assertIn('run with --debug for the traceback', err)

    def test_debug_prints_the_traceback_of_an_internal_error(self):
        def run(args):
            raise KeyError('boom')
        self.useFixture(fixtures.MonkeyPatch(
            'tidings.cmd.events.list_command', run))
        code, _, err = self.run_tidings('--debug', 'events', 'list')
        self.assertEqual(3, code)
        self.assertIn('Traceback', err)
        self.assertIn("internal error: KeyError: 'boom'", err)

    def test_keyboard_interrupt_exits_130_without_traceback(self):
        code, _, err = self.fail_with(KeyboardInterrupt())
        self.assertEqual(130, code)
        self.assertEqual('tidings events: interrupted\n', err)

    def test_oserror_on_a_path_is_a_user_error_naming_it(self):
        code, _, err = self.fail_with(PermissionError(
            13, 'Permission denied', '/etc/shadow'))
        self.assertEqual(2, code)
        self.assertIn('error: /etc/shadow: permission denied', err)

    def test_unicode_decode_error_is_a_user_error(self):
        code, _, err = self.fail_with(UnicodeDecodeError(
            'utf-8', b'ab\xff', 2, 3, 'invalid start byte'))
        self.assertEqual(2, code)
        self.assertIn('is not UTF-8: byte 0xff at offset 2', err)

    def test_recursion_error_is_a_user_error_naming_the_depth(self):
        code, _, err = self.fail_with(RecursionError('too deep'))
        self.assertEqual(2, code)
        self.assertIn('nested too deep', err)
        self.assertIn('at most 100 levels', err)

    def test_multi_line_message_is_printed_on_one_line(self):
        from tidings.objects import errors
        code, _, err = self.fail_with(errors.TidingsError('one\ntwo'))
        self.assertEqual(2, code)
        self.assertOneLine(err)
        self.assertIn('one; two', err)


class TestEvents(CliCase):

    def db(self):
        return 'sqlite:///' + os.path.join(self.tmp, 'events.sqlite')

    def test_list_of_an_unknown_catalog_lists_the_installed(self):
        self.assertCliRefuses(['events', 'list', '--catalog', 'nope'], [
            "unknown catalog 'nope'", 'installed catalogs: demo, magnetodb'])

    def test_list_in_an_unknown_format_names_the_choices(self):
        self.assertCliRefuses(['events', 'list', '-f', 'xml'], [
            "invalid choice: 'xml'", "'table', 'json', 'yaml'"])

    def test_query_without_an_event_table_says_how_to_create_it(self):
        self.assertCliRefuses(
            ['events', 'query', '--all-projects', '--db', self.db()],
            ['no event table tidings_events', 'tidings db upgrade'])

    def test_query_of_a_binary_file_as_database_names_it(self):
        path = self.write('bin.dat', bytes(range(256)) * 8)
        self.assertCliRefuses(
            ['events', 'query', '--all-projects', '--db',
             'sqlite:///' + path], [path, 'file is not a database'])

    def assertQueryRefuses(self, option, value, expected):
        """``tidings events query`` of an upgraded database refuses
        ``option value``, saying each of ``expected``."""
        self.run_tidings('db', 'upgrade', '--db', self.db())
        self.assertCliRefuses(
            ['events', 'query', '--all-projects', '--db', self.db(),
             option, value], expected)

    def test_query_with_an_unknown_level_lists_the_levels(self):
        self.assertQueryRefuses('--level', 'loud', [
            "level 'loud'", 'debug, info, audit, warn, error'])

    def test_query_with_a_bad_since_gives_the_formats(self):
        self.assertQueryRefuses('--since', 'yesterday', [
            "since 'yesterday'", 'ISO 8601', '30d'])

    def test_query_with_a_limit_out_of_range_gives_the_range(self):
        self.assertQueryRefuses('--limit', '0', ['limit 0', 'from 1 to 10000'])

    def test_query_with_an_unknown_sort_key_lists_the_keys(self):
        self.assertQueryRefuses('--sort', 'colour', [
            "sort 'colour'", 'timestamp, level, event_type, id'])

    def test_query_with_a_missing_config_file_names_it(self):
        path = os.path.join(self.tmp, 'nope.conf')
        self.assertCliRefuses(
            ['events', 'query', '--all-projects', '--config-file', path],
            ['config file %s' % path, 'does not exist'])

    def test_query_with_a_binary_config_file_names_it(self):
        path = self.write('bin.conf', b'[DEFAULT]\nx = \xff\n')
        self.assertCliRefuses(
            ['events', 'query', '--all-projects', '--config-file', path],
            ['config file %s' % path, 'is not UTF-8', 'byte 0xff'])

    def test_query_with_a_config_file_of_no_ini_syntax_names_it(self):
        path = self.write('x.conf', '{"not": "ini"}\n')
        self.assertCliRefuses(
            ['events', 'query', '--all-projects', '--config-file', path],
            ['config file %s' % path, 'cannot be used'])

    def test_purge_with_a_bad_duration_gives_the_units(self):
        self.run_tidings('db', 'upgrade', '--db', self.db())
        self.assertCliRefuses(
            ['events', 'purge', '--db', self.db(), '--older-than',
             'forever'],
            ["older_than 'forever'", 'a number with a unit s, m, h, d '
             'or w'])


class TestDb(CliCase):

    def db(self):
        return 'sqlite:///' + os.path.join(self.tmp, 'events.sqlite')

    def test_upgrade_to_an_unknown_revision_lists_the_known(self):
        self.assertCliRefuses(
            ['db', 'upgrade', '--db', self.db(), '--revision', 'nope'],
            ["--revision 'nope'", 'no such migration', 'accepted: head, '
             '0001'])

    def test_upgrade_of_an_unsupported_database_lists_the_supported(self):
        self.assertCliRefuses(['db', 'upgrade', '--db', 'nope://x'], [
            '--db = nope://x', "unsupported database or driver 'nope'",
            'supported: sqlite'])

    def test_upgrade_into_a_folder_that_cannot_be_created_names_it(self):
        self.assertCliRefuses(
            ['db', 'upgrade', '--db', 'sqlite:////proc/nope/x.sqlite'],
            ['--db = sqlite:////proc/nope/x.sqlite', 'the folder of the '
             'database file cannot be created', '/proc/nope'])

    def test_current_of_a_directory_as_database_names_it(self):
        self.assertCliRefuses(
            ['db', 'current', '--db', 'sqlite:///' + self.tmp],
            ['--db = sqlite:///%s' % self.tmp, 'unable to open database'])

    def test_current_of_an_empty_database_is_a_finding(self):
        code, out, err = self.run_tidings('db', 'current', '--db', self.db())
        self.assertEqual(1, code, out + err)
        self.assertIn('at (empty), latest %s' % dbschema.head_revision(),
                      out)
        self.assertIn('tidings db upgrade', out)


class TestFingerprints(CliCase):

    def test_check_with_a_bad_lock_names_it_and_what_is_wrong(self):
        missing = os.path.join(self.tmp, 'nope.json')
        for path, fragments in (
                (missing, ['does not exist',
                           'tidings fingerprints update --lock %s'
                           % missing]),
                (self.write('bin.json', bytes(range(256))),
                 ['is not UTF-8', 'accepted: UTF-8']),
                (self.write('deep.json', '{"a":' * 500 + '1' + '}' * 500),
                 ['nested more than 100 levels']),
                (self.tmp, ['is a directory'])):
            self.assertCliRefuses(['fingerprints', 'check', '--lock', path],
                                  ['lock file %s' % path] + fragments)

    def test_check_of_a_module_that_cannot_be_imported_names_it(self):
        self.assertCliRefuses(
            ['fingerprints', 'check', '--module', 'no.such.module'],
            ["module 'no.such.module' cannot be imported"])

    def test_check_of_a_module_without_payloads_is_refused(self):
        self.assertCliRefuses(['fingerprints', 'check', '--module', 'os'], [
            "--module 'os' registers no payload", 'accepted: a module '
            'holding an ObjectRegistry'])

    def test_check_with_two_locks_is_refused_not_the_last_kept(self):
        self.assertCliRefuses(['fingerprints', 'check', '--lock', 'a.json',
                               '--lock', 'b.json'], [
            'argument --lock: given twice (a.json, then b.json)',
            'accepted: --lock once'])

    def test_update_with_two_locks_is_refused(self):
        self.assertCliRefuses(['fingerprints', 'update', '--lock', 'a.json',
                               '--lock', 'b.json'], [
            'given twice (a.json, then b.json)'])

    def test_check_of_nothing_is_refused(self):
        self.assertCliRefuses(['fingerprints', 'check', '--no-catalogs'], [
            '--no-catalogs without --module', 'no payload to check'])

    def test_check_of_an_unknown_catalog_lists_the_installed(self):
        self.assertCliRefuses(['fingerprints', 'check', '--catalog', 'x'], [
            "unknown catalog 'x'", 'installed catalogs:'])

    def test_namesake_in_another_namespace_is_just_a_new_payload(self):
        code, out, err = self.run_tidings(
            'fingerprints', 'check', '-q', '--module', ACME)
        self.assertEqual(1, code, out + err)
        self.assertIn('acme.BackupPayload 1.0: FAIL — new payload, not in '
                      'the lock file', out)
        self.assertNotIn('namespace change', out)
        self.assertNotIn('demo.BackupPayload', out)

    def test_namesake_whose_locked_payload_is_gone_gets_the_move_hint(self):
        code, out, err = self.run_tidings(
            'fingerprints', 'check', '-q', '--no-catalogs', '--module', ACME)
        self.assertEqual(1, code, out + err)
        self.assertIn('or moved? BackupPayload is locked as '
                      'demo.BackupPayload, which is no longer checked', out)

    def test_update_into_a_folder_that_cannot_be_created_names_the_lock(self):
        path = '/proc/nope/payloads.lock.json'
        self.assertCliRefuses(
            ['fingerprints', 'update', '--lock', path, '--no-catalogs',
             '--module', FPTEST],
            ['lock file %s' % path, 'cannot be written', '/proc/nope'])

    def test_update_of_a_binary_lock_is_refused_not_overwritten(self):
        data = bytes(range(256))
        path = self.write('bin.json', data)
        self.assertCliRefuses(
            ['fingerprints', 'update', '--lock', path, '--no-catalogs',
             '--module', FPTEST], ['lock file %s' % path, 'is not UTF-8'])
        with open(path, 'rb') as f:
            self.assertEqual(data, f.read())


class TestSchema(CliCase):

    def test_unknown_payload_suggests_the_closest(self):
        self.assertCliRefuses(['schema', 'BackupPaylod'], [
            "unknown payload 'BackupPaylod'",
            'did you mean demo.BackupPayload', 'known payloads:'])

    def test_unknown_payload_of_a_namespace_lists_that_namespace(self):
        err = self.assertCliRefuses(['schema', 'demo.Nope'], [
            "unknown payload 'demo.Nope'", 'known payloads: '
            'demo.BackupPayload'])
        self.assertNotIn('watcher.', err)

    def test_malformed_version_names_the_reference(self):
        self.assertCliRefuses(['schema', 'BackupPayload@1.x'], [
            "schema 'BackupPayload@1.x'", "version '1.x' is malformed",
            'NAME@MAJOR.MINOR', 'BackupPayload@1.0'])

    def test_empty_version_is_refused(self):
        self.assertCliRefuses(['schema', 'BackupPayload@'], [
            "schema 'BackupPayload@'", 'no version after "@"'])

    def test_empty_name_is_refused(self):
        self.assertCliRefuses(['schema', '@1.0'], [
            "schema '@1.0'", 'no name', 'accepted: NAME or NAME@MAJOR.MINOR'])

    def test_unknown_version_lists_the_known_versions(self):
        self.assertCliRefuses(['schema', 'BackupPayload@9.0'], [
            "unknown payload 'demo.BackupPayload@9.0'",
            'known payloads: demo.BackupPayload@1.0'])

    def test_ambiguous_name_asks_for_the_namespace(self):
        self.assertCliRefuses(['schema', 'ExceptionPayload'], [
            'ambiguous: name the namespace', 'demo.ExceptionPayload',
            'watcher.ExceptionPayload'])

    def test_binary_lock_is_named(self):
        path = self.write('bin.json', b'\x00\xff' * 50)
        self.assertCliRefuses(['schema', 'BackupPayload', '--lock', path],
                              ['lock file %s' % path, 'is not UTF-8'])

    def test_two_locks_are_refused(self):
        self.assertCliRefuses(['schema', 'BackupPayload', '--lock', 'a',
                               '--lock', 'b'], [
            'argument --lock: given twice (a, then b)'])

    def test_module_without_payloads_is_refused(self):
        self.assertCliRefuses(['schema', 'BackupPayload', '--module', 'json'],
                              ["--module 'json' registers no payload"])

    def test_no_name_and_no_all_says_both_forms(self):
        self.assertCliRefuses(['schema'], [
            'no payload named', 'NAME[@VERSION]', '--all -o DIR'])

    def test_all_without_output_asks_for_the_folder(self):
        self.assertCliRefuses(['schema', '--all'], ['--all needs -o DIR'])

    def test_all_with_a_name_is_refused(self):
        self.assertCliRefuses(
            ['schema', 'BackupPayload', '--all', '-o', self.tmp], [
                'NAME BackupPayload cannot be combined with it',
                'accepted: --all -o DIR'])

    def test_all_into_a_file_is_refused(self):
        path = self.write('file.json', '{}')
        self.assertCliRefuses(['schema', '--all', '-o', path], [
            '-o %s: is a file, not a folder' % path,
            'accepted: a folder for the bundle'])

    def test_all_into_an_unwritable_folder_names_it(self):
        path = self.write('file.json', '{}')
        self.assertCliRefuses(
            ['schema', '--all', '--catalog', 'demo', '-o',
             os.path.join(path, 'bundle')], [
                '-o %s' % os.path.join(path, 'bundle'),
                '%s is not a writable folder' % path])

    def test_all_with_a_bad_base_uri_says_what_is_accepted(self):
        self.assertCliRefuses(
            ['schema', '--all', '-o', self.tmp, '--base-uri', 'urn:x:'], [
                "base URI 'urn:x:'", 'an absolute URI ending in "/"'])

    def test_all_of_an_unknown_catalog_lists_the_installed(self):
        self.assertCliRefuses(
            ['schema', '--all', '-o', self.tmp, '--catalog', 'nope'], [
                "unknown catalog 'nope'", 'demo, magnetodb'])


class TestAsyncapi(CliCase):

    def test_unknown_catalog_lists_the_installed(self):
        self.assertCliRefuses(['asyncapi', '--catalog', 'nope'], [
            "unknown catalog 'nope'", 'installed catalogs: demo, magnetodb'])

    def test_several_catalogs_to_stdout_ask_for_a_folder(self):
        self.assertCliRefuses(
            ['asyncapi', '--catalog', 'demo', '--catalog', 'watcher'], [
                '2 catalogs selected (demo, watcher) for stdout',
                '--catalog NAME for one document', '-o DIR'])

    def test_several_catalogs_to_one_file_ask_for_a_folder(self):
        path = os.path.join(self.tmp, 'out.json')
        self.assertCliRefuses(
            ['asyncapi', '--catalog', 'demo', '--catalog', 'watcher', '-o',
             path], ['for -o %s' % path, '-o DIR'])
        self.assertFalse(os.path.exists(path))

    def test_output_under_a_file_is_refused(self):
        path = self.write('file.json', '{}')
        self.assertCliRefuses(
            ['asyncapi', '--catalog', 'demo', '-o',
             os.path.join(path, 'demo.json')],
            ['-o %s' % os.path.join(path, 'demo.json'),
             '%s is not a writable folder' % path])

    def test_folder_output_that_is_a_file_is_refused(self):
        path = self.write('file.json', '{}')
        self.assertCliRefuses(
            ['asyncapi', '--catalog', 'demo', '-o', path + '/'],
            ['is a file, not a folder'])

    def test_unknown_format_lists_the_choices(self):
        self.assertCliRefuses(['asyncapi', '-f', 'xml'], [
            "invalid choice: 'xml'", "'json', 'yaml'"])

    def test_a_topic_with_spaces_is_refused(self):
        self.assertCliRefuses(
            ['asyncapi', '--catalog', 'demo', '--topic', 'a b'],
            ["topic 'a b'", 'a non-empty name without spaces'])

    def test_no_topic_at_all_is_refused(self):
        self.assertCliRefuses(
            ['asyncapi', '--catalog', 'demo', '--topic', '',
             '--unversioned-topic', ''], ['no topic', 'at least one'])


class TestSamples(CliCase):

    def test_generate_into_an_uncreatable_folder_names_the_option(self):
        self.assertCliRefuses(['samples', 'generate', '-c', 'demo', '-o',
                               '/proc/nope'], [
            '--output /proc/nope', 'cannot write the samples',
            'accepted: a folder that exists or can be created'])

    def test_generate_into_a_file_names_it(self):
        path = self.write('file.txt', 'x')
        self.assertCliRefuses(['samples', 'generate', '-c', 'demo', '-o',
                               path], [
            '--output %s' % path, 'not a directory'])

    def test_a_catalog_or_module_that_is_no_registry_says_why(self):
        for argv, fragments in (
                (['generate', '-c', 'nope', '-o'],
                 ["unknown catalog 'nope'", 'installed catalogs:']),
                # a module without an attribute: the form
                (['generate', '-m', 'demo', '-o'],
                 ["--module 'demo'", 'expected PKG.MOD:ATTR',
                  'use --catalog demo']),
                (['check', '-m', 'os:path', '-s'],
                 ["registry 'os:path'", 'is a module, not an EventRegistry']),
                (['check', '-m', 'os:nope', '-s'],
                 ["registry 'os:nope'", 'has no attribute nope',
                  'EventRegistry attributes there: none'])):
            self.assertCliRefuses(['samples'] + argv + [self.tmp],
                                  fragments)

    def test_check_of_a_missing_folder_is_refused_not_231_findings(self):
        path = os.path.join(self.tmp, 'nope')
        self.assertCliRefuses(['samples', 'check', '-s', path], [
            '--samples %s' % path, 'does not exist',
            'tidings samples generate --samples %s' % path])

    def test_check_of_a_binary_sample_is_a_drift_finding(self):
        folder = os.path.join(self.tmp, 'demo')
        code, out, err = self.run_tidings('samples', 'generate', '-c', 'demo',
                                          '-o', self.tmp)
        self.assertEqual(0, code, out + err)
        target = os.path.join(folder, 'demo.backup.create.end.json')
        with open(target, 'wb') as f:
            f.write(bytes(range(256)))
        code, out, err = self.run_tidings('samples', 'check', '-c', 'demo',
                                          '-s', self.tmp)
        self.assertEqual(1, code, out + err)
        self.assertNotIn('Traceback', out + err)
        self.assertIn(target, out)

    def test_check_of_a_directory_as_sample_file_names_it(self):
        target = os.path.join(self.tmp, 'demo', 'demo.backup.create.end.json')
        os.makedirs(target)
        self.assertCliRefuses(['samples', 'check', '-c', 'demo', '-s',
                               self.tmp], [
            'sample file %s' % target, 'is a directory'])


class TestCeilometer(CliCase):

    def test_output_in_a_missing_folder_names_the_option(self):
        path = os.path.join(self.tmp, 'no', 'defs.yaml')
        self.assertCliRefuses(['ceilometer-definitions', '-o', path], [
            '--output %s' % path, 'its folder does not exist',
            'accepted: a writable file path'])

    def test_output_that_is_a_directory_names_it(self):
        self.assertCliRefuses(['ceilometer-definitions', '-o', self.tmp], [
            '--output %s' % self.tmp, 'is a directory'])

    def test_unknown_catalog_lists_the_installed(self):
        self.assertCliRefuses(['ceilometer-definitions', '--catalog', 'x'],
                              ["unknown catalog 'x'", 'installed catalogs:'])

    def test_unknown_format_names_the_choices(self):
        self.assertCliRefuses(['ceilometer-definitions', '--format', 'xml'],
                              ["invalid choice: 'xml'", "'versioned'"])


class TestDemo(CliCase):

    def test_missing_config_file_names_it(self):
        path = os.path.join(self.tmp, 'nope.conf')
        self.assertCliRefuses(['demo', '--config-file', path], [
            'config file %s' % path, 'does not exist'])

    def test_binary_config_file_names_it(self):
        path = self.write('bin.conf', bytes(range(256)))
        self.assertCliRefuses(['demo', '--config-file', path], [
            'config file %s' % path, 'is not UTF-8', 'byte 0x80'])

    def test_directory_as_config_file_names_it(self):
        self.assertCliRefuses(['demo', '--config-file', self.tmp], [
            'config file %s' % self.tmp, 'is a directory'])

    def test_unknown_transport_lists_the_installed(self):
        self.assertCliRefuses(['demo', '--quiet', '--transport-url',
                               'nope://x', '--state-dir', self.tmp], [
            "transport_url = 'nope://x", "unknown transport 'nope'",
            'installed oslo.messaging transports'])


class TestListen(CliCase):
    """``tidings listen``: refused before it connects or listens."""

    def listen(self, *argv):
        return ['listen', '--timeout', '1'] + list(argv)

    def test_not_a_transport_url(self):
        self.assertCliRefuses(self.listen('--transport-url', 'not a url'), [
            '--transport-url not a url', 'not a transport URL',
            'expected e.g. rabbit://'])

    def test_unknown_transport_lists_the_installed(self):
        self.assertCliRefuses(self.listen('--transport-url', 'nope://h/'), [
            "unknown transport 'nope'", 'installed oslo.messaging '
            'transports: fake'])

    def test_port_out_of_range(self):
        self.assertCliRefuses(self.listen('--transport-url',
                                          'rabbit://h:99999/'), [
            'rabbit://h:99999/', 'port 99999 is out of range'])

    def test_broker_not_running_masks_the_password(self):
        code, _, err = self.run_tidings(*self.listen(
            '--transport-url', 'rabbit://u:secret@127.0.0.1:1/'))
        self.assertEqual(2, code)
        self.assertOneLine(err)
        self.assertIn('cannot connect to 127.0.0.1:1', err)
        self.assertIn('accepted: the URL of a running broker', err)
        self.assertNotIn('secret', err)

    def test_unknown_catalog_lists_the_installed(self):
        self.assertCliRefuses(self.listen('--transport-url', 'fake://',
                                          '--catalog', 'nope'),
                              ["unknown catalog 'nope'",
                               'installed catalogs:'])

    def test_bad_event_pattern_says_what_is_accepted(self):
        for pattern in ('Demo.*', 'demo backup', '', 'a[b]'):
            self.assertCliRefuses(self.listen('--transport-url', 'fake://',
                                              '--event', pattern), [
                '--event: %r is not an event type pattern' % pattern,
                'wildcards * (any characters) and ? (one)'])

    def test_count_and_timeout_must_be_positive(self):
        for option, value, text in (
                ('--count', '0', "'0' is not a whole number >= 1"),
                ('--count', 'x', "'x' is not a whole number >= 1"),
                ('--timeout', '-1', "'-1' is not a number of seconds > 0"),
                ('--timeout', 'inf', "'inf' is not a number of seconds")):
            self.assertCliRefuses(['listen', option, value], [
                'argument %s' % option, text])


# hypothesis: every command reading a user file, fed any bytes

_DEEP = st.integers(101, 2000).map(lambda n: ('[' * n + ']' * n).encode())
_LOCK_TEXT = open(catalogs.LOCK_FILE, encoding='utf-8').read()
_BYTES = st.one_of(
    st.binary(max_size=1000),
    _DEEP,
    st.integers(0, 20000).map(lambda n: _LOCK_TEXT[:n].encode()),
    st.text(max_size=200).map(lambda t: t.encode('utf-16')),
    st.text(max_size=200).map(lambda t: t.encode('latin-1', 'replace')),
    st.sampled_from([b'NaN', b'{"lock_format": Infinity}', b'1e999',
                     b'{"lock_format": 1, "payloads": []}',
                     b'{"lock_format": 1, "payloads": {"a.B": {}}}']),
)


class TestFileReadingCommandsNeverCrash(CliCase):

    def refusesCleanly(self, argv, path):
        code, out, err = self.run_tidings(*argv)
        self.assertIn(code, (1, 2), out + err)
        self.assertNotIn('Traceback', out + err)
        if code == 2:
            self.assertOneLine(err)
            self.assertIn(path, err)

    @settings(max_examples=50, deadline=None)
    @given(_BYTES)
    def test_fingerprints_check_lock_of_any_bytes(self, data):
        path = self.write('fuzz.json', data)
        self.refusesCleanly(['fingerprints', 'check', '--lock', path,
                             '--no-catalogs', '--module', FPTEST], path)

    @settings(max_examples=50, deadline=None)
    @given(_BYTES)
    def test_schema_lock_of_any_bytes(self, data):
        path = self.write('fuzz.json', data)
        self.refusesCleanly(['schema', 'WidgetPayload', '--module', FPTEST,
                             '--lock', path], path)

    @settings(max_examples=30, deadline=None)
    @given(_BYTES)
    def test_config_file_of_any_bytes_for_the_database_commands(self, data):
        path = self.write('fuzz.conf', data)
        code, out, err = self.run_tidings(
            'db', 'current', '--config-file', path, '--db',
            'sqlite:///' + os.path.join(self.tmp, 'e.sqlite'))
        self.assertIn(code, (1, 2), out + err)
        self.assertNotIn('Traceback', out + err)

    @settings(max_examples=30, deadline=None)
    @given(st.text(max_size=30))
    def test_schema_of_any_name(self, name):
        # after "--", so a name starting with "-" is a name, not an option
        code, out, err = self.run_tidings('schema', '--', name)
        self.assertIn(code, (0, 2), out + err)
        self.assertNotIn('Traceback', out + err)
        if code == 2:
            self.assertOneLine(err)

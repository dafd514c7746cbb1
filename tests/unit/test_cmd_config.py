"""``tidings config validate`` and ``tidings config show``."""

import os

from tests.unit import cmdbase
from tidings import conf as tidings_conf

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))


class TestConfigValidate(cmdbase.CommandTestCase):

    def validate(self, text, *more):
        paths = [self.write_conf(text)]
        for index, extra in enumerate(more):
            paths.append(self.write_conf(extra, 'extra%d.conf' % index))
        return self.run_tidings('config', 'validate', *paths)

    def test_valid_files_print_ok_and_nothing_else(self):
        for text in (
                '[notifications]\nbackends = log, jsonfile\n'
                'level = warning\n[backend_jsonfile]\nmax_bytes = 1000\n',
                # a tap serves every event: no event is delivered nowhere
                '[notifications]\nbackends = log\n'
                '[backend_log]\nall_events = true\n'):
            self.assertEqual((0, 'OK\n', ''), self.validate(text), text)

    def test_empty_file_is_valid(self):
        self.assertEqual(0, self.validate('')[0])

    def test_events_no_configured_backend_serves_are_a_warning(self):
        code, out, err = self.validate('[notifications]\nbackends = log\n')
        self.assertEqual((0, 'OK\n'), (code, out))
        self.assertIn('delivered nowhere', err)
        self.assertIn('magnetodb.task.create_table.start', err)  # messaging
        self.assertIn('configured backends: log', err)

    def test_invalid_file_exits_1_with_the_error(self):
        code, out, err = self.validate('[notifications]\nlevel = loud\n')
        self.assertEqual((1, ''), (code, out))
        self.assertIn("invalid: [notifications] level = 'loud': not one of "
                      "debug, info", err)

    def test_later_files_override_earlier_ones(self):
        code, _, err = self.validate('[notifications]\nlevel = loud\n',
                                     '[notifications]\nlevel = debug\n')
        self.assertEqual(0, code, err)

    def test_unknown_backend_lists_installed_backends(self):
        _, _, err = self.validate('[notifications]\nbackends = kafka\n')
        self.assertIn("backends = 'kafka': not an installed backend; "
                      "installed: ", err)
        self.assertIn(', '.join(tidings_conf.installed_backends()), err)

    def test_pin_is_checked_against_installed_catalogs(self):
        code, _, err = self.validate(
            '[notifications]\npin_versions = demo.BackupPayload:1.0\n')
        self.assertEqual(0, code, err)

    def test_unknown_pinned_payload_lists_payloads(self):
        _, _, err = self.validate(
            '[notifications]\npin_versions = Nope:1.0\n')
        self.assertIn("'Nope:1.0': no such payload; payloads: ", err)
        self.assertIn('demo.BackupPayload', err)

    def test_other_sections_are_left_alone(self):
        code, _, err = self.validate('[DEFAULT]\ndebug = true\n'
                                     '[database]\nconnection = x\n')
        self.assertEqual(0, code, err)

    def test_missing_file_is_invalid(self):
        self.assertSays(
            self.run_tidings('config', 'validate',
                             '/nonexistent/tidings.conf'), 1,
            'config file /nonexistent/tidings.conf: no such file',
            stream='err')

    def test_generated_sample_config_is_valid(self):
        code, out, err = self.run_tidings(
            'config', 'validate',
            os.path.join(ROOT, 'etc', 'tidings', 'tidings.conf.sample'))
        self.assertEqual((0, 'OK\n'), (code, out), err)

    def test_demo_config_is_valid(self):
        code, _, err = self.run_tidings(
            'config', 'validate',
            os.path.join(ROOT, 'tidings', 'etc', 'demo.conf'))
        self.assertEqual(0, code, err)

    def test_no_file_is_a_usage_error(self):
        self.assertEqual(2, self.run_tidings('config', 'validate')[0])

    def test_bad_values_name_the_option_value_and_what_is_accepted(self):
        for text, fragment in (
                # bad integer names option value and range
                ('[backend_jsonfile]\nmax_bytes = big\n',
                 "[backend_jsonfile] max_bytes = 'big': "
                 'expected an integer >= 0'),
                # bad choice lists the choices
                ('[notifications]\nnotification_format = xml\n',
                 "notification_format = 'xml': expected one of "
                 'versioned, unversioned, both'),
                # malformed pin shows the accepted form
                ('[notifications]\npin_versions = BackupPayload\n',
                 'expected PayloadName:MAJOR.MINOR'),
                # unproducible pin is invalid
                ('[notifications]\npin_versions = BackupPayload:1.5\n',
                 'BackupPayload cannot be pinned to 1.5'),
                # bad publisher format is invalid
                ('[notifications]\npublisher_id_format = {who}\n',
                 'placeholders accepted: {source}, {host}'),
                # misspelt option is invalid
                ('[notifications]\nlevle = debug\n',
                 "[notifications] levle = 'debug': no such "
                 'option in [notifications]'),
                # unparsable file is invalid
                ('[notifications\nlevel = info\n',
                 'Invalid section'),
        ):
            self.assertIn(fragment, self.validate(text)[2], text)


class TestConfigShow(cmdbase.CommandTestCase):

    def test_shows_effective_notifications_settings(self):
        path = self.write_conf('[notifications]\nbackends = log, noop\n')
        code, out, _ = self.run_tidings('config', 'show', path)
        self.assertEqual(0, code)
        self.assertIn('[notifications]\n', out)
        self.assertIn('backends = log, noop\n', out)
        self.assertIn('level = info  # default\n', out)
        self.assertNotIn('[backend_jsonfile]', out)

    def test_all_shows_every_group(self):
        path = self.write_conf('[backend_jsonfile]\nbackup_count = 2\n')
        _, out, _ = self.run_tidings('config', 'show', '--all', path)
        self.assertIn('[backend_jsonfile]\n', out)
        self.assertIn('backup_count = 2\n', out)

    def test_invalid_file_is_an_error(self):
        path = self.write_conf('[notifications]\nlevel = loud\n')
        code, _, err = self.run_tidings('config', 'show', path)
        self.assertEqual(2, code)
        self.assertIn("level = 'loud'", err)


class TestConfigValidateTypos(cmdbase.CommandTestCase):

    def validate(self, text):
        return self.run_tidings('config', 'validate', self.write_conf(text))

    def test_a_misspelt_tidings_group_is_an_error_with_a_suggestion(self):
        self.assertSays(self.validate('[notifcations]\nlevel = info\n'), 1,
                        '[notifcations]', 'did you mean [notifications]?',
                        stream='err')

    def test_groups_of_other_services_are_left_alone(self):
        self.assertSays(self.validate('[keystone_authtoken]\nx = 1\n'), 0,
                        'OK')

    def test_disabled_events_matching_nothing_is_a_warning(self):
        code, out, err = self.validate(
            '[notifications]\ndisabled_events = EVENT_TYPE_NOPE, audit.*\n')
        self.assertEqual(0, code, err)
        self.assertIn("warning: [notifications] disabled_events: "
                      "'EVENT_TYPE_NOPE' matches no event", err)
        self.assertNotIn("'audit.*'", err)


class TestConfigValidateBackendUrls(cmdbase.CommandTestCase):
    """Backend URLs are checked offline, without connecting."""

    def validate(self, text):
        return self.run_tidings('config', 'validate', self.write_conf(text))

    def test_a_malformed_database_url_is_invalid(self):
        self.assertSays(self.validate(
            '[notifications]\nbackends = database\n'
            '[backend_database]\nconnection = oracle+nope://x/y\n'), 1,
            "[backend_database] connection = 'oracle+nope://x/y'",
            stream='err')

    def test_an_unknown_transport_is_invalid(self):
        self.assertSays(self.validate(
            '[notifications]\nbackends = messaging\n'
            '[backend_messaging]\ntransport_url = nope://x/\n'), 1,
            '[backend_messaging] transport_url', "unknown transport 'nope'",
            stream='err')

    def test_an_unreachable_broker_is_not_a_config_error(self):
        self.assertSays(self.validate(
            '[notifications]\nbackends = messaging\n'
            '[backend_messaging]\n'
            'transport_url = rabbit://guest:guest@127.0.0.1:1/\n'), 0, 'OK')

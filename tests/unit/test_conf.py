"""tidings.conf: option groups and the startup checks."""

import os

import fixtures
import testtools

from tidings import conf as tidings_conf
from tidings.objects import errors


class ConfTestCase(testtools.TestCase):

    def conf_from(self, text):
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'tidings.conf')
        with open(path, 'w') as handle:
            handle.write(text)
        self.path = path
        return tidings_conf.new_conf(config_files=[path])

    def invalid(self, text):
        return self.assertRaises(errors.ConfigError, tidings_conf.validate,
                                 self.conf_from(text))

    def overridden(self, **overrides):
        conf = tidings_conf.new_conf()
        for key, value in overrides.items():
            conf.set_override(key, value, 'notifications')
        return conf


class TestValidate(ConfTestCase):

    def test_defaults_are_valid(self):
        conf = tidings_conf.new_conf()
        self.assertIs(conf, tidings_conf.validate(conf))

    def test_unknown_backend_lists_installed_ones(self):
        exc = self.invalid('[notifications]\nbackends = log, kafka\n')
        self.assertEqual(('notifications', 'backends', 'kafka'),
                         (exc.group, exc.option, exc.value))
        installed = tidings_conf.installed_backends()
        self.assertIn('installed: ' + ', '.join(installed), str(exc))
        for name in ('database', 'jsonfile', 'log', 'memory', 'messaging',
                     'noop', 'statsd'):
            self.assertIn(name, installed)

    def test_no_backend_is_an_error(self):
        exc = self.assertRaises(errors.ConfigError, tidings_conf.validate,
                                self.overridden(backends=[]))
        self.assertIn('at least one backend is needed', str(exc))

    def test_unknown_level_lists_the_levels(self):
        exc = self.invalid('[notifications]\nlevel = loud\n')
        self.assertIn("[notifications] level = 'loud': not one of debug, "
                      "info, audit, warn, error, critical, sample", str(exc))

    def test_warning_is_accepted_for_warn(self):
        tidings_conf.validate(self.conf_from(
            '[notifications]\nlevel = WARNING\n'))

    def test_malformed_pin_shows_the_accepted_form(self):
        exc = self.invalid('[notifications]\npin_versions = Audit@1.0\n')
        self.assertIn("pin_versions = 'Audit@1.0': expected "
                      "PayloadName:MAJOR.MINOR or "
                      "namespace.PayloadName:MAJOR.MINOR", str(exc))

    def test_bad_integer_names_group_option_value_and_range(self):
        exc = self.invalid('[backend_jsonfile]\nbackup_count = five\n')
        self.assertEqual(('backend_jsonfile', 'backup_count', 'five'),
                         (exc.group, exc.option, exc.value))
        self.assertIn("[backend_jsonfile] backup_count = 'five': expected "
                      "an integer >= 0", str(exc))
        self.assertIn('in %s' % self.path, str(exc))

    def test_integer_below_minimum_names_the_range(self):
        exc = self.invalid('[backend_memory]\nmax_notifications = 0\n')
        self.assertIn("max_notifications = '0': expected an integer >= 1",
                      str(exc))

    def test_bad_choice_lists_the_choices(self):
        exc = self.invalid('[backend_log]\nline_format = xml\n')
        self.assertIn("line_format = 'xml': expected one of text, json",
                      str(exc))

    def test_bad_boolean_says_true_or_false(self):
        exc = self.invalid('[notifications]\ninclude_traceback = maybe\n')
        self.assertIn("include_traceback = 'maybe': expected true or false",
                      str(exc))

    def test_empty_source_name_is_an_error(self):
        exc = self.assertRaises(
            errors.ConfigError, tidings_conf.validate,
            self.overridden(exclude_sources=['api', ' ']))
        self.assertIn('empty source names are not allowed', str(exc))


class TestConfObjects(ConfTestCase):

    def test_overrides_do_not_leak_between_confs(self):
        self.overridden(level='debug')
        self.assertEqual('info', tidings_conf.new_conf().notifications.level)

    def test_register_opts_is_idempotent(self):
        conf = tidings_conf.new_conf()
        tidings_conf.register_opts(conf)
        self.assertEqual('info', conf.notifications.level)

    def test_every_group_is_listed_for_the_generator(self):
        names = {group.name for group, _ in tidings_conf.list_opts()}
        self.assertLessEqual({'notifications', 'backend_log',
                              'backend_memory', 'backend_jsonfile'}, names)

    def test_state_path_defaults_to_xdg_state_home(self):
        self.useFixture(fixtures.EnvironmentVariable('XDG_STATE_HOME',
                                                     '/srv/state'))
        self.assertEqual('/srv/state/tidings',
                         tidings_conf.state_path(tidings_conf.new_conf()))

    def test_state_path_option_wins(self):
        conf = self.overridden(state_path='/var/lib/x')
        self.assertEqual('/var/lib/x', tidings_conf.state_path(conf))


class TestParsePin(testtools.TestCase):

    def test_with_namespace(self):
        self.assertEqual(('watcher', 'AuditPayload', '1.0'),
                         tidings_conf.parse_pin('watcher.AuditPayload:1.0'))

    def test_without_namespace(self):
        self.assertEqual((None, 'AuditPayload', '1.2'),
                         tidings_conf.parse_pin(' AuditPayload:1.2 '))

    def test_malformed(self):
        self.assertRaises(errors.ConfigError, tidings_conf.parse_pin,
                          'AuditPayload:1')

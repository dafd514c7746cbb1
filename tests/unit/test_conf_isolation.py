"""Each ConfigOpts has its own tidings options."""

import testtools

from tidings import conf as tidings_conf


class ConfIsolationTest(testtools.TestCase):

    def test_override_on_one_conf_does_not_leak_into_another(self):
        first = tidings_conf.new_conf()
        first.set_override('include_sources', ['policy'],
                           group='notifications')
        second = tidings_conf.new_conf()
        self.assertEqual([], second.notifications.include_sources)
        self.assertEqual(['policy'], first.notifications.include_sources)

    def test_registering_twice_keeps_the_override(self):
        conf = tidings_conf.new_conf()
        conf.set_override('level', 'error', group='notifications')
        tidings_conf.register_opts(conf)
        self.assertEqual('error', conf.notifications.level)

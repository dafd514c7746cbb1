"""``[notifications] wire_priorities``: a level sent with another priority
(how an operator makes Ceilometer store audit events)."""

import testtools

from tests.unit import test_conf
from tidings.backends import memory
from tidings.catalogs import magnetodb
from tidings.notifications import notifier as notifier_mod
from tidings.objects import errors

#: An audit event of the magnetodb catalog and a debug one.
AUDIT = magnetodb.EVENTS['EVENT_TYPE_TASK_TABLE_CREATE_START']
DEBUG = magnetodb.EVENTS['EVENT_TYPE_REQUEST_TABLE_LIST']


def notifier(conf):
    backend = memory.MemoryBackend(conf, name='memory')
    return notifier_mod.Notifier(conf, [magnetodb.EVENTS],
                                 backends=[backend]), backend


def send(notes, backend, event):
    """Notify ``event``'s sample: the Notification and the priority it
    went out with."""
    note = notes.notify(event, event.sample)
    return note, backend.messages[-1]['priority']


class TestOption(test_conf.ConfTestCase):

    def test_default_sends_every_level_as_its_own_priority(self):
        notes, backend = notifier(self.overridden(level='debug'))
        self.assertEqual({}, notes.wire_priorities)
        self.assertEqual('AUDIT', send(notes, backend, AUDIT)[1])

    def test_mapped_levels_go_out_as_the_priority(self):
        notes, backend = notifier(self.conf_from(
            '[notifications]\nlevel = debug\n'
            'wire_priorities = audit:info, Debug:INFO\n'))
        self.assertEqual({'audit': 'INFO', 'debug': 'INFO'},
                         notes.wire_priorities)
        note, priority = send(notes, backend, AUDIT)
        self.assertEqual(('audit', 'INFO'), (note.level, note.priority))
        self.assertEqual('INFO', priority)
        self.assertEqual('INFO', send(notes, backend, DEBUG)[1])

    def test_the_level_threshold_still_reads_the_events_level(self):
        conf = self.conf_from('[notifications]\nlevel = info\n'
                              'wire_priorities = debug:info\n')
        notes, backend = notifier(conf)
        self.assertIsNone(notes.notify(DEBUG, DEBUG.sample))
        self.assertEqual([], list(backend.messages))

    def test_an_unknown_level_names_the_entry_and_the_levels(self):
        exc = self.invalid('[notifications]\n'
                           'wire_priorities = audit:loud\n')
        self.assertIn("[notifications] wire_priorities = 'audit:loud': the "
                      "priority 'loud' is not one of debug, info, audit, "
                      "warn, error, critical, sample", str(exc))
        self.assertIn('e.g. audit:info,debug:info', str(exc))

    def test_every_bad_entry_is_reported(self):
        exc = self.invalid('[notifications]\n'
                           'wire_priorities = loud:info,audit:soft\n')
        self.assertIsInstance(exc, errors.ConfigErrors)
        self.assertEqual(2, len(exc.errors))

    def test_a_bad_entry_stops_the_notifier(self):
        conf = self.conf_from('[notifications]\n'
                              'wire_priorities = audit:loud\n')
        self.assertRaises(errors.ConfigError, notifier, conf)


class TestParse(testtools.TestCase):

    def test_warning_is_accepted_for_warn(self):
        from tidings import conf as tidings_conf
        self.assertEqual({'warn': 'INFO'},
                         tidings_conf.wire_priorities({'warning': 'info'}))

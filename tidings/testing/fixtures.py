"""Test fixtures: capture the notifications a service emits, and compare a
notification with its JSON sample.

In a testtools/fixtures test case::

    fix = self.useFixture(NotificationFixture(EVENTS, level='debug'))
    service.create_table(...)            # uses fix.notifier
    [msg] = fix.wait_for('magnetodb.table.create.end')
    assert_matches_sample(msg, 'samples/magnetodb/table.create.end.json')
"""

import difflib
import json

import fixtures

from tidings import conf as tidings_conf
from tidings.backends import memory
from tidings.notifications import notification as notification_mod
from tidings.notifications import notifier as notifier_mod

#: Keys left out of both sides by :func:`assert_matches_sample`.
DEFAULT_IGNORE = ('timestamp', 'message_id')


class NotificationFixture(fixtures.Fixture):
    """A Notifier for the given catalogs that delivers to a memory backend.

    :param registries: an EventRegistry or a list of them.
    :param source: the publisher source of the notifier.
    :param backends: extra backend instances, after the memory backend.
    :param conf_overrides: ``{'option': value}`` for ``[notifications]``
        options, ``{'group.option': value}`` for other groups; keyword
        arguments are ``[notifications]`` overrides too (``level='debug'``).

    The conf is validated at setUp, as a service's would be.
    """

    def __init__(self, registries=(), source='tests', backends=(),
                 conf_overrides=None, **overrides):
        super().__init__()
        self.registries = registries
        self.source = source
        self.extra_backends = list(backends)
        self.overrides = dict(conf_overrides or {})
        self.overrides.update(overrides)
        self.conf = None
        self.notifier = None
        self.backend = None

    def _setUp(self):
        conf = tidings_conf.new_conf()
        overrides = {'notifications.backends': ['memory']}
        for key, value in self.overrides.items():
            key = key if '.' in key else 'notifications.' + key
            overrides[key] = value
        for key, value in overrides.items():
            group, _, option = key.rpartition('.')
            conf.set_override(option, value, group)
        self.conf = conf
        self.backend = memory.MemoryBackend(conf, name='memory')
        self.notifier = notifier_mod.Notifier(
            conf, self.registries, source=self.source,
            backends=[self.backend] + self.extra_backends)
        self.addCleanup(self.notifier.close)

    @property
    def notifications(self):
        """The captured Notification objects, oldest first."""
        return list(self.backend.notifications)

    @property
    def messages(self):
        """The captured wire messages (dicts), oldest first."""
        return list(self.backend.messages)

    def event_types(self):
        return [m['event_type'] for m in self.backend.messages]

    def wait_for(self, event_type, count=1, timeout=5):
        """The wire messages of ``event_type`` once ``count`` arrived.

        Raises AssertionError after ``timeout`` seconds, listing what did
        arrive.
        """
        found = self.backend.wait_for(str(event_type), count, timeout)
        if len(found) < count:
            raise AssertionError(
                'expected %d notification(s) of %s within %ss, got %d; '
                'captured: %s' % (count, event_type, timeout, len(found),
                                  ', '.join(self.event_types()) or 'none'))
        return found

    def clear(self):
        self.backend.clear()


def _strip(value, ignore):
    if isinstance(value, dict):
        return {k: _strip(v, ignore) for k, v in value.items()
                if k not in ignore}
    if isinstance(value, list):
        return [_strip(v, ignore) for v in value]
    return value


def _pretty(value):
    return json.dumps(value, indent=4, sort_keys=True,
                      ensure_ascii=False).splitlines(keepends=True)


def assert_matches_sample(notification, sample_path,
                          ignore=DEFAULT_IGNORE):
    """Raise AssertionError with a unified diff unless ``notification``
    (a Notification or a wire dict) equals the JSON sample at
    ``sample_path``.

    Keys named in ``ignore`` are left out at every depth on both sides
    (by default the per-message ``timestamp`` and ``message_id``).
    """
    if isinstance(notification, notification_mod.Notification):
        notification = notification.to_wire()
    # Through JSON, so tuples, datetimes... compare as they would travel.
    actual = json.loads(json.dumps(notification, default=str))
    with open(sample_path, encoding='utf-8') as handle:
        try:
            expected = json.load(handle)
        except ValueError as exc:
            raise AssertionError('sample %s is not valid JSON: %s'
                                 % (sample_path, exc)) from None
    ignore = frozenset(ignore or ())
    actual = _strip(actual, ignore)
    expected = _strip(expected, ignore)
    if actual == expected:
        return
    diff = ''.join(difflib.unified_diff(
        _pretty(expected), _pretty(actual), fromfile=str(sample_path),
        tofile='notification'))
    raise AssertionError('notification does not match sample %s '
                         '(ignoring %s):\n%s' % (
                             sample_path, ', '.join(sorted(ignore)) or
                             'nothing', diff))

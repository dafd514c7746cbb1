"""Capture the notifications a service emits, and compare them with the
JSON samples of their events.

:class:`NotificationFixture` is a Notifier on the memory backend.  It is a
``fixtures.Fixture`` when the ``fixtures`` package is installed (it comes
with ``pip install tidings[testing]``) and a plain context manager with
``setUp``/``cleanUp`` otherwise, so every test style can use it::

    fix = self.useFixture(NotificationFixture(EVENTS))   # testtools
    fix = self.enterContext(NotificationFixture(EVENTS))  # unittest
    with NotificationFixture(EVENTS) as fix:              # pytest, scripts
        ...

Then::

    service.create_backup(backup, notifier=fix.notifier)
    fix.assert_matches_sample('demo.backup.create.end')

A notification emitted in a test differs from its committed sample where
the sample had to fix what varies by host or by run (see
:mod:`tidings.samples`); :func:`normalize_envelope` takes those envelope
fields from the sample before comparing, and only them.
"""

import datetime
import difflib
import json
import os
import uuid

try:  # optional: NotificationFixture is a fixtures.Fixture when present
    import fixtures as _fixtures
except ImportError:  # pragma: no cover - exercised in a subprocess test
    _fixtures = None

from tidings import catalogs
from tidings import conf as tidings_conf
from tidings import samples as samples_mod
from tidings.backends import memory
from tidings.notifications import notification as notification_mod
from tidings.notifications import notifier as notifier_mod
from tidings.notifications import registry as registry_mod
from tidings.testing import _contract

#: The envelope fields :func:`normalize_envelope` takes from the sample:
#: the ``message_id`` (random per message), the ``timestamp`` (the clock
#: of the run) and the host part of ``publisher_id`` (the machine).
NORMALIZED = ('message_id', 'timestamp', 'publisher_id host')


class _PlainFixture:
    """What NotificationFixture needs of ``fixtures.Fixture``, for test
    suites without the ``fixtures`` package: ``setUp``/``cleanUp``,
    ``addCleanup``, a context manager, and ``getDetails`` so testtools'
    ``useFixture`` accepts it too."""

    def setUp(self):
        self._cleanups = []
        try:
            self._setUp()
        except BaseException:
            self.cleanUp()
            raise

    def _setUp(self):
        """Override: the set-up; register undo steps with addCleanup."""

    def addCleanup(self, function, *args, **kwargs):
        self._cleanups.append((function, args, kwargs))

    def cleanUp(self):
        cleanups, self._cleanups = getattr(self, '_cleanups', []), []
        first = None
        for function, args, kwargs in reversed(cleanups):
            try:
                function(*args, **kwargs)
            except Exception as exc:
                first = first or exc
        if first is not None:
            raise first

    def getDetails(self):
        return {}

    def __enter__(self):
        self.setUp()
        return self

    def __exit__(self, *exc_info):
        self.cleanUp()
        return False


#: The base class of NotificationFixture.
FixtureBase = _fixtures.Fixture if _fixtures is not None else _PlainFixture


class NotificationFixture(FixtureBase):
    """A Notifier for the given catalogs that delivers to a memory backend.

    :param registries: an EventRegistry or a list of them.
    :param source: the publisher source of the notifier.  By default, with
        one catalog, the catalog's name: what its samples are published
        as, so a captured notification matches its sample; with several,
        tidings' default (``tidings``).  An event definition's own
        ``source`` wins over either, in tests as in production.
    :param backends: extra backend instances, after the memory backend.
    :param conf_overrides: ``{'option': value}`` for ``[notifications]``
        options, ``{'group.option': value}`` for other groups; keyword
        arguments are ``[notifications]`` overrides too (``level='debug'``).
    :param samples_dir: the samples folder that :meth:`assert_matches_sample`
        reads (default: each catalog's own, see
        :func:`tidings.catalogs.contract`).

    The conf is validated at setUp, as a service's would be.
    """

    def __init__(self, registries=(), source=None, backends=(),
                 conf_overrides=None, samples_dir=None, **overrides):
        super().__init__()
        self.registries = _registry_list(registries)
        if source is None and len(self.registries) == 1:
            source = self.registries[0].name
        self.source = source
        self.extra_backends = list(backends)
        self.samples_dir = samples_dir
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

    def sample_path(self, event_type):
        """The sample file of ``event_type`` (see :func:`sample_path`)."""
        return sample_path(self.registries or catalogs.load_all(),
                           event_type, self.samples_dir)

    def assert_matches_sample(self, event_type, ignore=(), timeout=5):
        """The latest captured notification of ``event_type`` (waiting up
        to ``timeout`` seconds for one) equals the sample of its event,
        normalised as :func:`assert_matches_sample` says.  Returns the
        wire message."""
        message = self.wait_for(event_type, timeout=timeout)[-1]
        assert_matches_sample(message, self.sample_path(event_type),
                              ignore=ignore)
        return message


def _registry_list(registries):
    if isinstance(registries, registry_mod.EventRegistry):
        return [registries]
    return list(registries or ())


def sample_path(registries, event_type, samples_dir=None):
    """The committed sample of ``event_type``:
    ``<samples folder>/<catalog>/<event_type>.json``.

    ``registries``: an EventRegistry or a list; the first that knows the
    event type (or the constant name, or an EventDefinition) is its
    catalog.  ``samples_dir`` overrides the catalog's samples folder, which
    is otherwise the ``samples`` of :func:`tidings.catalogs.contract`.

    Raises AssertionError, saying why, for an unknown event, a removed
    event, a catalog without a samples folder and a missing sample file.
    """
    registries = _registry_list(registries)
    for registry in registries:
        definition = registry.find(event_type)
        if definition is not None:
            break
    else:
        raise AssertionError(
            'no event %s in catalog(s) %s, so no sample to compare with' % (
                event_type, ', '.join(r.name for r in registries) or
                '(none given)'))
    sampled = samples_mod.sampled_definition(definition)
    if sampled is None:
        raise AssertionError('%s event %s is removed: it has no sample' % (
            registry.name, definition.event_type_str))
    folder = _contract.contract_path(registry, samples_dir, 'samples',
                                     'samples folder', 'samples_dir')
    path = os.path.join(folder, registry.name, samples_mod.filename(sampled))
    if not os.path.exists(path):
        hint = ''
        template = definition.template
        if template is not None and \
                definition.status != samples_mod.sample_status(template):
            hint = ' (status variants are sampled at status %s only)' % (
                samples_mod.sample_status(template))
        raise AssertionError(
            'no sample %s for event %s of catalog %s%s; write it with '
            '`tidings samples generate`' % (
                path, sampled.event_type_str, registry.name, hint))
    return path


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _is_timestamp(value):
    try:
        datetime.datetime.strptime(str(value),
                                   notification_mod.TIMESTAMP_FORMAT)
    except ValueError:
        return False
    return True


def normalize_envelope(message, sample):
    """A copy of wire message ``message`` whose run- and host-dependent
    envelope fields are taken from ``sample``:

    - ``message_id``: random per message (samples: a uuid5 of the catalog
      and event type), taken when the message's is a UUID;
    - ``timestamp``: the clock of the run (samples: a fixed date), taken
      when the message's is in the wire format
      ``YYYY-MM-DD HH:MM:SS.ffffff``;
    - the host part of ``publisher_id`` (``<source>:<host>``; samples:
      ``localhost``): the source is kept and compared.

    A field that is missing or malformed is left as it is, so the
    comparison still shows it.  Nothing in the payload is touched.
    """
    out = dict(message)
    if _is_uuid(out.get('message_id')) and 'message_id' in sample:
        out['message_id'] = sample['message_id']
    if _is_timestamp(out.get('timestamp')) and 'timestamp' in sample:
        out['timestamp'] = sample['timestamp']
    mine, theirs = out.get('publisher_id'), sample.get('publisher_id')
    if isinstance(mine, str) and isinstance(theirs, str) and \
            ':' in mine and ':' in theirs:
        out['publisher_id'] = '%s:%s' % (mine.partition(':')[0],
                                         theirs.partition(':')[2])
    return out


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


def _load_sample(sample_path):
    with open(sample_path, encoding='utf-8') as handle:
        try:
            return json.load(handle)
        except ValueError as exc:
            raise AssertionError('sample %s is not valid JSON: %s'
                                 % (sample_path, exc)) from None


def assert_matches_sample(notification, sample=None, registries=None,
                          ignore=(), normalize=True, samples_dir=None):
    """Raise AssertionError with a unified diff unless ``notification``
    (a Notification or a wire dict) equals its JSON sample.

    :param sample: the sample file's path; None finds it by the
        notification's event type in ``registries`` (see
        :func:`sample_path`; default: every installed catalog).
    :param ignore: keys left out at every depth on both sides, for payload
        fields a test cannot fix (e.g. ``traceback`` of a real exception).
    :param normalize: take the envelope fields that differ by host or by
        run from the sample first (:func:`normalize_envelope`:
        ``message_id``, ``timestamp`` and the host of ``publisher_id``);
        everything else is compared, the publisher source included.
    """
    if isinstance(notification, notification_mod.Notification):
        notification = notification.to_wire()
    # Through JSON, so tuples, datetimes... compare as they would travel.
    actual = json.loads(json.dumps(notification, default=str))
    if sample is None:
        sample = sample_path(
            catalogs.load_all() if registries is None else registries,
            actual.get('event_type'), samples_dir)
    expected = _load_sample(sample)
    if normalize and isinstance(actual, dict) and isinstance(expected, dict):
        actual = normalize_envelope(actual, expected)
    ignore = frozenset(ignore or ())
    actual = _strip(actual, ignore)
    expected = _strip(expected, ignore)
    if actual == expected:
        return
    diff = ''.join(difflib.unified_diff(
        _pretty(expected), _pretty(actual), fromfile=str(sample),
        tofile='notification'))
    said = []
    if normalize:
        said.append('envelope normalised: %s' % ', '.join(NORMALIZED))
    if ignore:
        said.append('ignoring %s' % ', '.join(sorted(ignore)))
    raise AssertionError('notification does not match sample %s (%s):\n%s'
                         % (sample, '; '.join(said) or 'compared as is',
                            diff))

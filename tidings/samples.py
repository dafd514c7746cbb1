"""Generated JSON samples: exactly what each event puts on the wire.

A sample is produced by emitting the event through a real
:class:`~tidings.notifications.notifier.Notifier` into the memory backend,
with the payload returned by the event definition's ``sample=`` callable.
Only what would vary between two runs is fixed:

- the clock: every sample is stamped :data:`SAMPLE_TIME`;
- the ``message_id``: a uuid5 of the catalog name and event type
  (:func:`message_id_for`), stable across runs and unique per event;
- the publisher: ``<source>:`` :data:`SAMPLE_HOST`, where the source is the
  event definition's ``source`` or else the catalog name.

Sensitive fields are masked by the payload's wire primitive, so samples show
``***`` as every backend does.

Which events get a sample:

- an event with ``status_variants=True`` gets one sample, for its
  representative HTTP status: the definition's ``sample_status`` attribute
  when it has one, else :data:`DEFAULT_SAMPLE_STATUS` (404); the file is
  named for the variant's event type (``....error.404.json``);
- an event marked ``removed`` gets none: it is never emitted;
- every other event gets one; an event without a ``sample=`` callable is
  reported (:class:`Problem` ``no-input``) rather than guessed.

Samples live in ``<samples dir>/<catalog>/<event_type>.json``, pretty
printed with sorted keys and a trailing newline (:func:`render`).  The
``tidings samples`` command writes and checks them; any service can point it
at its own registry and folder.
"""

import datetime
import difflib
import json
import os
import uuid

from tidings import catalogs
from tidings import conf as tidings_conf
from tidings.backends import memory
from tidings.notifications import notifier as notifier_mod
from tidings.objects import errors

#: The clock of every sample (naive UTC, as on the wire).
SAMPLE_TIME = datetime.datetime(2026, 1, 1, 0, 0, 0)
#: The host part of every sample's publisher_id.
SAMPLE_HOST = 'localhost'
#: The HTTP status sampled for ``status_variants`` events, unless the
#: definition says otherwise with a ``sample_status`` attribute.
DEFAULT_SAMPLE_STATUS = 404
#: Namespace of the sample message ids (uuid5).
MESSAGE_ID_NAMESPACE = uuid.UUID('5f0c4e38-6a8e-4b1e-9d0c-7469646e6773')
#: Keys that differ between a sample and a live emission of the same event.
VOLATILE_KEYS = ('timestamp', 'message_id')
#: Where ``tidings samples`` reads and writes by default.
DEFAULT_DIR = 'samples'
SUFFIX = '.json'


def message_id_for(definition):
    """The fixed message_id of ``definition``'s sample."""
    return str(uuid.uuid5(MESSAGE_ID_NAMESPACE, '%s:%s' % (
        definition.catalog, definition.event_type_str)))


def sample_status(definition):
    """The HTTP status sampled for a ``status_variants`` event."""
    return int(getattr(definition, 'sample_status', None)
               or DEFAULT_SAMPLE_STATUS)


def sampled_definition(definition):
    """The definition whose sample is written, or None for a removed event.

    A ``status_variants`` event is sampled through its representative
    ``.error.<status>`` variant.
    """
    if definition.removed:
        return None
    if definition.status_variants and definition.status is None:
        return definition.variant(sample_status(definition))
    return definition


def sampled_definitions(registry):
    """``[(definition, sampled), ...]`` for every event that has a sample."""
    out = []
    for definition in registry:
        sampled = sampled_definition(definition)
        if sampled is not None:
            out.append((definition, sampled))
    return out


def filename(sampled):
    return sampled.event_type_str + SUFFIX


def sample_notifier(registry, fixed=True, fmt='versioned'):
    """A Notifier delivering every event of ``registry`` to memory.

    The level threshold is lowered to debug and no filter applies, so each
    event reaches the backend.  ``fixed`` pins the clock and message ids
    (generation); without it they are live (the regression tests).
    ``fmt``: the notification format, ``versioned`` (the samples) or
    ``unversioned`` (the AsyncAPI examples of the unversioned topics).
    """
    conf = tidings_conf.new_conf()
    conf.set_override('level', 'debug', group='notifications')
    conf.set_override('notification_format', fmt, group='notifications')
    backend = memory.MemoryBackend(conf, name='memory')
    kwargs = {}
    if fixed:
        kwargs = {'clock': lambda: SAMPLE_TIME, 'id_factory': message_id_for}
    return notifier_mod.Notifier(
        conf, [registry], source=registry.name, host=SAMPLE_HOST,
        backends=[backend], **kwargs)


def emit(notifier, sampled):
    """Emit ``sampled`` with its sample input; return the wire message."""
    if sampled.sample is None:
        raise errors.TidingsError(
            '%s event %s (%s) declares no sample input: pass sample=<a '
            'callable returning a %s with fixed values> to define()' % (
                sampled.catalog, sampled.name, sampled.event_type_str,
                sampled.payload_name))
    backend = notifier.backends[0]
    backend.clear()
    note = notifier.notify(sampled, sampled.sample)
    if note is None:
        raise errors.TidingsError(
            '%s event %s (%s) was filtered out while sampling' % (
                sampled.catalog, sampled.name, sampled.event_type_str))
    return json.loads(json.dumps(backend.messages[-1]))


def render(message):
    """The sample file text of a wire message."""
    return json.dumps(message, indent=4, sort_keys=True,
                      ensure_ascii=False) + '\n'


def generate(registry, strict=True):
    """``{filename: text}`` of every sample of ``registry``.

    An event without sample input raises TidingsError naming every such
    event; with ``strict=False`` they are left out and listed in
    :func:`missing_inputs` instead.
    """
    notifier = sample_notifier(registry)
    out = {}
    for _definition, sampled in sampled_definitions(registry):
        if sampled.sample is not None:
            out[filename(sampled)] = render(emit(notifier, sampled))
    missing = missing_inputs(registry)
    if strict and missing:
        raise errors.TidingsError(
            '%s: events without sample input (pass sample= to define()): '
            '%s' % (registry.name, ', '.join(
                '%s (%s)' % (d.name, d.event_type_str) for d in missing)))
    return out


def missing_inputs(registry):
    """Sampled definitions that declare no ``sample=`` callable."""
    return [sampled for _d, sampled in sampled_definitions(registry)
            if sampled.sample is None]


def sample_text(registry, event_type, samples_dir=None):
    """The sample of one event: the committed file when there is one in
    ``samples_dir``, else generated now (identical when up to date)."""
    definition = registry.get(event_type)
    sampled = sampled_definition(definition)
    if sampled is None:
        raise errors.TidingsError(
            '%s event %s is removed: it has no sample' % (
                registry.name, definition.name))
    if samples_dir:
        path = os.path.join(samples_dir, registry.name, filename(sampled))
        if os.path.exists(path):
            with open(path, encoding='utf-8') as f:
                return f.read()
    return render(emit(sample_notifier(registry), sampled))


class Problem:
    """One disagreement between a registry and its samples folder.

    ``kind`` is ``drifted`` (the file differs; ``diff`` says how),
    ``missing`` (an event without a sample file), ``orphan`` (a sample
    file without an event) or ``no-input`` (an event whose definition
    declares no ``sample=`` callable, so no sample can be generated).
    """

    def __init__(self, kind, path, detail='', diff=''):
        self.kind = kind
        self.path = path
        self.detail = detail
        self.diff = diff

    def __str__(self):
        text = '%s: %s' % (self.kind, self.path)
        if self.detail:
            text += ' (%s)' % self.detail
        if self.diff:
            text += '\n' + self.diff
        return text

    def __repr__(self):
        return '<Problem %s %s>' % (self.kind, self.path)


def unified_diff(expected, actual, path):
    """A unified diff from the committed ``actual`` to ``expected``."""
    return ''.join(difflib.unified_diff(
        actual.splitlines(True), expected.splitlines(True),
        fromfile='%s (committed)' % path, tofile='%s (generated)' % path))


def write(registry, samples_dir, prune=True, strict=True):
    """Write the samples of ``registry`` under ``samples_dir/<catalog>``.

    Returns ``(written, removed)``: paths whose content changed, and sample
    files without an event that ``prune`` deleted.  ``strict`` is as for
    :func:`generate`.
    """
    wanted = generate(registry, strict)
    folder = os.path.join(samples_dir, registry.name)
    os.makedirs(folder, exist_ok=True)
    written = []
    for name, text in sorted(wanted.items()):
        path = os.path.join(folder, name)
        if _read(path) != text:
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
            written.append(path)
    removed = []
    known = set(wanted) | {filename(d) for d in missing_inputs(registry)}
    if prune:
        for name in sorted(os.listdir(folder)):
            if name.endswith(SUFFIX) and name not in known:
                path = os.path.join(folder, name)
                os.unlink(path)
                removed.append(path)
    return written, removed


def check(registry, samples_dir):
    """The :class:`Problem` list of ``registry`` against ``samples_dir``."""
    wanted = generate(registry, strict=False)
    folder = os.path.join(samples_dir, registry.name)
    problems = [Problem('no-input', os.path.join(folder, filename(d)),
                        'event %s declares no sample= input' % d.name)
                for d in missing_inputs(registry)]
    for name, text in sorted(wanted.items()):
        path = os.path.join(folder, name)
        current = _read(path)
        if current is None:
            problems.append(Problem('missing', path, 'no sample for event '
                                    + name[:-len(SUFFIX)]))
        elif current != text:
            problems.append(Problem('drifted', path, '',
                                    unified_diff(text, current, path)))
    known = set(wanted) | {filename(d) for d in missing_inputs(registry)}
    if os.path.isdir(folder):
        for name in sorted(os.listdir(folder)):
            if name.endswith(SUFFIX) and name not in known:
                problems.append(Problem(
                    'orphan', os.path.join(folder, name),
                    'no event %s in catalog %s' % (name[:-len(SUFFIX)],
                                                   registry.name)))
    return problems


def orphan_catalogs(samples_dir, known):
    """Folders of ``samples_dir`` named for no catalog in ``known``."""
    if not os.path.isdir(samples_dir):
        return []
    return [Problem('orphan', os.path.join(samples_dir, name),
                    'no installed catalog %s' % name)
            for name in sorted(os.listdir(samples_dir))
            if os.path.isdir(os.path.join(samples_dir, name))
            and name not in known]


def strip_volatile(message):
    """``message`` without the keys that differ run to run."""
    return {k: v for k, v in message.items() if k not in VOLATILE_KEYS}


def load_registry(spec):
    """An EventRegistry from a catalog name or ``package.module:ATTR``
    (see :func:`tidings.catalogs.load_spec`)."""
    return catalogs.load_spec(spec)


def _read(path):
    """The text of sample file ``path``, None when there is none.  Bytes
    that are not UTF-8 are replaced (the sample then shows as drifted);
    a path that cannot be read is an InputFileError naming it."""
    try:
        with open(path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')
    except FileNotFoundError:
        return None
    except OSError as exc:
        from tidings.objects import strictjson
        raise errors.InputFileError(path, strictjson.describe_oserror(exc),
                                    what='sample file') from None

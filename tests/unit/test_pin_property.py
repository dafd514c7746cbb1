"""The property pinning promises, over every catalog and every locked
version: a notification pinned to version X validates against X's JSON
Schema as the lock file holds it.

Payloads come from each event's sample factory, with field values varied
by hypothesis (strings, integers, booleans, enum values, None where the
field is nullable, optional fields unset); pins are resolved the way the
notifier resolves them at startup (:func:`tidings.conf.resolve_pins`).
"""

import functools

import hypothesis
from hypothesis import strategies as st
import jsonschema
import testtools

from tests.unit import catalog
from tidings import catalogs
from tidings import conf as tidings_conf
from tidings.notifications import payload as payload_mod
from tidings.objects import base
from tidings.objects import fingerprint
from tidings.objects import lockfile
from tidings.objects import pinning

_TEXT = st.text(st.characters(blacklist_categories=('Cs',)), max_size=12)
_INT = st.integers(min_value=-(2 ** 31), max_value=2 ** 31 - 1)


def _registries():
    return catalogs.load_all() + [catalog.EVENTS]


def _factories(registry):
    """``{payload class: [sample factory, ...]}`` of a catalog."""
    out = {}
    for definition in registry:
        if definition.sample is not None:
            out.setdefault(definition.payload, []).append(
                functools.partial(payload_mod.call_factory,
                                  definition.sample, definition))
    if registry is catalog.EVENTS:
        out.setdefault(catalog.TablePayload, []).append(catalog.table_payload)
        out.setdefault(catalog.PingPayload, []).append(
            lambda: catalog.PingPayload(n=1))
    return out


@functools.lru_cache(maxsize=None)
def _validator(lock_path, key, version):
    lock = lockfile.LockFile.load(lock_path)
    return jsonschema.Draft202012Validator(lock.schema(key, version))


def _cases():
    """``(registry, lock path, payload class, factories, version,
    PinnedVersion)`` for every payload with a sample and every version
    of its major version in the lock."""
    cases = []
    for registry in _registries():
        path = catalogs.contract(registry).lock
        lock = lockfile.LockFile.load(path)
        for cls, factories in sorted(_factories(registry).items(),
                                     key=lambda i: i[0].obj_name()):
            key = fingerprint.key(cls)
            for version in pinning.older_versions(cls, lock) + [
                    cls.VERSION]:
                pinned, problems = tidings_conf.resolve_pins(
                    ['%s:%s' % (key, version)], registry)
                assert not problems, problems
                cases.append((registry, path, cls, factories, version,
                              pinned[cls]))
    return cases


_CASES = _cases()
#: The cases pinned to an older version than the class's: drawn as often
#: as all the others together.
_HISTORY = [c for c in _CASES if c[4] != c[2].VERSION]


def _value_strategy(field):
    ftype = field._type
    valid = getattr(ftype, '_valid_values', None)
    if valid:
        values = st.sampled_from(list(valid))
    elif type(ftype).__name__ in ('String', 'SensitiveString'):
        values = _TEXT
    elif type(ftype).__name__ == 'Integer':
        values = _INT
    elif type(ftype).__name__ == 'Boolean':
        values = st.booleans()
    elif type(ftype).__name__ == 'List' and type(
            ftype._element_type._type).__name__ == 'String':
        values = st.lists(_TEXT, max_size=3)
    else:
        return None
    if field.nullable:
        values = st.one_of(st.none(), values)
    return values


def _vary(data, payload):
    """Change the payload's simple fields and unset optional ones, as
    hypothesis draws."""
    for name in sorted(payload.fields):
        field = payload.fields[name]
        choice = data.draw(st.sampled_from(['keep', 'set', 'unset']),
                           label=name)
        if choice == 'unset':
            if name not in payload._REQUIRED:
                delattr(payload, name)
        elif choice == 'set':
            values = _value_strategy(field)
            if values is not None:
                setattr(payload, name, data.draw(values, label=name))
    return payload


class TestPinnedNotificationsValidate(testtools.TestCase):

    def test_every_catalog_payload_has_a_case(self):
        covered = {c[2] for c in _CASES}
        for registry in catalogs.load_all():
            for definition in registry:
                if definition.sample is not None:
                    self.assertIn(definition.payload, covered)

    def test_history_is_exercised(self):
        # unitcat's TablePayload is locked at 1.0, 1.1 and 1.2
        self.assertEqual(['1.0', '1.1', '1.2'], sorted(
            c[4] for c in _CASES if c[2] is catalog.TablePayload))

    def test_every_sample_validates_at_every_locked_version(self):
        for _registry, path, cls, factories, version, pinned in _CASES:
            for factory in factories:
                primitive = factory().obj_to_primitive(pinned)
                self.assertEqual(version, primitive[
                    cls.OBJ_SERIAL_NAMESPACE + '.version'])
                _validator(path, fingerprint.key(cls), version).validate(
                    primitive)

    @hypothesis.settings(max_examples=150, deadline=None)
    @hypothesis.given(st.data())
    def test_varied_payloads_validate_at_every_locked_version(self, data):
        case = data.draw(st.one_of(st.sampled_from(_HISTORY),
                                   st.sampled_from(_CASES)), label='case')
        _registry, path, cls, factories, version, pinned = case
        factory = data.draw(st.sampled_from(factories), label='factory')
        payload = _vary(data, factory())
        primitive = payload.obj_to_primitive(pinned)
        _validator(path, fingerprint.key(cls), version).validate(primitive)

    def test_pinned_version_is_the_version_string(self):
        pinned = [c[5] for c in _CASES if c[2] is catalog.TablePayload
                  and c[4] == '1.0'][0]
        self.assertEqual('1.0', pinned)
        self.assertEqual((1, 0), base.version_tuple(pinned))
        self.assertEqual('drops `comment`, `tags`', pinned.describe())

"""The request context is redacted once, before any backend sees it.

oslo.messaging's notifier hands its drivers ``ctxt.redacted_copy()``;
tidings does the same for context objects and applies
``[notifications] redact_context_keys`` to every dict, at every depth,
for every backend: the bus, the outbox, the database, files, logs, and a
lifecycle crossing processes.
"""

import copy
import datetime
import json
import logging
import os
import sqlite3
import uuid

import fixtures
import hypothesis
from hypothesis import strategies as st
from oslo_context import context as oslo_context
import testtools

from tidings import conf as tidings_conf
from tidings.backends import jsonfile
from tidings.backends import log as log_backend
from tidings.backends import memory
from tidings.catalogs.demo import events
from tidings.notifications import context as context_mod
from tidings.notifications import lifecycle
from tidings.notifications import Notifier
from tidings.objects import errors

SECRET = 'gAAAAABn-SECRET-TOKEN-5f2a'


def notifier_with(backends=None, **options):
    conf = tidings_conf.new_conf()
    for key, value in options.items():
        conf.set_override(key, value, 'notifications')
    return Notifier(conf, [events.EVENTS], source='test',
                    backends=backends or [memory.MemoryBackend()])


def emit(notifier, context):
    return notifier.notify(events.EVENT_TYPE_BACKUP_CREATE_START,
                           events.sample_backup(), context=context)


class TestRedactor(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.redact = context_mod.Redactor()

    def test_no_context_stays_none(self):
        self.assertIsNone(self.redact(None))

    def test_auth_token_of_a_dict_is_cleared_as_oslo_clears_it(self):
        out = self.redact({'auth_token': SECRET, 'request_id': 'req-1'})
        self.assertEqual({'auth_token': None, 'request_id': 'req-1'}, out)

    def test_a_request_context_is_redacted_by_its_redacted_copy(self):
        ctx = oslo_context.RequestContext(auth_token=SECRET,
                                          request_id='req-1',
                                          project_id='p-1')
        out = self.redact(ctx)
        self.assertEqual(ctx.redacted_copy().to_dict(), out)
        self.assertIsNone(out['auth_token'])
        self.assertEqual(('req-1', 'p-1'), (out['request_id'],
                                             out['project_id']))

    def test_a_request_context_keeps_what_redacted_copy_drops(self):
        # oslo's redacted_copy() does not carry read_only, show_deleted,
        # resource_uuid and is_admin_project over (they are no secrets);
        # tidings keeps the caller's values, and clears the same secrets
        ctx = oslo_context.RequestContext(
            auth_token=SECRET, service_token=SECRET, read_only=True,
            show_deleted=True,
            resource_uuid='r-1', is_admin_project=False)
        out = self.redact(ctx)
        self.assertNotIn(SECRET, json.dumps(out))
        kept = ('read_only', 'show_deleted', 'resource_uuid',
                'is_admin_project')
        self.assertEqual((True, True, 'r-1', False),
                         tuple(out[k] for k in kept))
        oslo = ctx.redacted_copy().to_dict()
        self.assertEqual({k: v for k, v in oslo.items() if k not in kept},
                         {k: v for k, v in out.items() if k not in kept})

    def test_the_callers_context_is_never_changed(self):
        ctx = {'auth_token': SECRET, 'nested': {'password': 'pw'}}
        before = copy.deepcopy(ctx)
        self.redact(ctx)
        self.assertEqual(before, ctx)

    def test_default_patterns_cover_the_usual_credentials(self):
        keys = ['auth_token', 'auth_token_info', 'service_token', 'token',
                'keystone_token', 'password', 'db_password', 'secret',
                'client_secret', 'passphrase', 'private_key',
                'ssh_private_key', 'credentials', 'X-Auth-Token',
                'AUTH_TOKEN']
        out = self.redact({key: SECRET for key in keys})
        self.assertEqual({key: None for key in keys}, out)

    def test_ordinary_keys_are_kept(self):
        ctx = {'request_id': 'req-1', 'user_id': 'u', 'project_id': 'p',
               'roles': ['admin'], 'is_admin': True, 'tokens_used': 3,
               'read_only': False, 'global_request_id': None}
        self.assertEqual(ctx, self.redact(ctx))

    def test_secrets_in_nested_dicts_and_lists_are_cleared(self):
        out = self.redact({'auth': {'token': SECRET, 'user': 'u'},
                           'hops': [{'service_token': SECRET}]})
        self.assertEqual({'auth': {'token': None, 'user': 'u'},
                          'hops': [{'service_token': None}]}, out)

    def test_a_secret_key_holding_a_dict_is_cleared_whole(self):
        out = self.redact({'auth_token_info': {'token': {'id': SECRET}}})
        self.assertEqual({'auth_token_info': None}, out)

    def test_an_object_with_to_dict_is_read_and_redacted(self):
        class Ctx:
            def to_dict(self):
                return {'auth_token': SECRET, 'request_id': 'r'}
        self.assertEqual({'auth_token': None, 'request_id': 'r'},
                         self.redact(Ctx()))

    def test_a_broken_redacted_copy_still_gets_the_deny_list(self):
        class Ctx:
            def redacted_copy(self):
                raise TypeError('__init__() got an unexpected keyword')

            def to_dict(self):
                return {'auth_token': SECRET, 'request_id': 'r'}
        self.assertEqual({'auth_token': None, 'request_id': 'r'},
                         self.redact(Ctx()))

    def test_values_become_json_data(self):
        moment = datetime.datetime(2026, 1, 2, 3, 4, 5)
        ident = uuid.UUID('5f0e8b5e-2b8c-4d4e-9d8a-3a1f2b3c4d5e')
        out = self.redact({'when': moment, 'id': ident, 'pair': (1, 2),
                           'set': {'b', 'a'}})
        self.assertEqual({'when': '2026-01-02T03:04:05',
                          'id': str(ident), 'pair': [1, 2],
                          'set': ['a', 'b']}, out)
        json.dumps(out, allow_nan=False)

    def test_option_patterns_add_to_the_always_redacted_keys(self):
        redact = context_mod.Redactor(['x_*'])
        out = redact({'x_api_key': SECRET, 'auth_token': SECRET,
                      'password': 'kept when the operator drops it'})
        self.assertEqual({'x_api_key': None, 'auth_token': None,
                          'password': 'kept when the operator drops it'},
                         out)

    def test_an_empty_list_still_redacts_what_oslo_context_clears(self):
        out = context_mod.Redactor([])({'auth_token': SECRET,
                                         'auth_token_info': {'a': 1},
                                         'service_token': SECRET})
        self.assertEqual({'auth_token': None, 'auth_token_info': None,
                          'service_token': None}, out)


class TestContextRefused(testtools.TestCase):
    """What JSON cannot carry is refused at notify(), naming where."""

    def refused(self, context, *fragments):
        notifier = notifier_with()
        exc = self.assertRaises(context_mod.ContextError, emit, notifier,
                                context)
        self.assertIsInstance(exc, errors.TidingsError)
        for fragment in fragments:
            self.assertIn(fragment, str(exc))
        self.assertEqual([], list(notifier.backend('memory').notifications))
        return exc

    def test_nan_is_refused_naming_the_key(self):
        self.refused({'quota': {'ratio': float('nan')}},
                     "context['quota']['ratio']", 'nan',
                     'JSON has no NaN')

    def test_a_lone_surrogate_is_refused_naming_the_key(self):
        self.refused({'user_name': 'bad\ud800'}, "context['user_name']",
                     'lone surrogate')

    def test_a_non_string_key_is_refused(self):
        self.refused({1: 'one'}, 'context key', 'is not a string')

    def test_an_object_without_to_dict_is_refused(self):
        self.refused(object(), 'is not a dict and has no to_dict()')

    def test_an_opaque_value_is_refused_naming_its_type(self):
        self.refused({'lock': fixtures}, "context['lock']",
                     'is a module, not JSON data', 'accepted: a dict')

    def test_a_to_dict_that_raises_is_refused(self):
        class Ctx:
            def to_dict(self):
                raise RuntimeError('boom')
        self.refused(Ctx(), 'to_dict() raised RuntimeError: boom')

    def test_a_context_deeper_than_the_limit_is_refused(self):
        deep = leaf = {}
        for _ in range(context_mod.MAX_DEPTH + 2):
            leaf['next'] = {}
            leaf = leaf['next']
        self.refused(deep, 'nested deeper than')


class TestEveryBackendGetsTheRedactedForm(testtools.TestCase):

    def setUp(self):
        super().setUp()
        self.state = self.useFixture(fixtures.TempDir()).path
        self.ctx = oslo_context.RequestContext(
            auth_token=SECRET, request_id='req-abc', project_id='proj-1')

    def test_the_notification_carries_a_redacted_dict(self):
        note = emit(notifier_with(), self.ctx)
        self.assertIsInstance(note.context, dict)
        self.assertIsNone(note.context['auth_token'])
        self.assertEqual('req-abc', note.context['request_id'])

    def test_the_operators_patterns_apply(self):
        notifier = notifier_with(redact_context_keys=['tenant_*'])
        note = emit(notifier, {'tenant_secret_id': 's', 'auth_token': 't',
                               'request_id': 'r'})
        self.assertEqual({'tenant_secret_id': None, 'auth_token': None,
                          'request_id': 'r'}, note.context)

    def test_jsonfile_and_log_lines_hold_no_secret(self):
        path = os.path.join(self.state, 'events.jsonl')
        logs = self.useFixture(fixtures.FakeLogger(
            name='tidings.notifications', level=logging.DEBUG))
        backends = [jsonfile.JsonFileBackend(path=path),
                    log_backend.LogBackend(line_format='json'),
                    log_backend.LogBackend(name='log2')]
        notifier = notifier_with(backends)
        for _ in range(3):
            emit(notifier, self.ctx)
        notifier.close()
        with open(path, 'rb') as handle:
            data = handle.read()
        self.assertEqual(3, data.count(b'\n'))
        self.assertNotIn(SECRET.encode(), data)
        self.assertIn('demo.backup.create.start', logs.output)
        self.assertNotIn(SECRET, logs.output)

    def test_database_rows_hold_no_secret(self):
        conf = tidings_conf.new_conf()
        conf.set_override('backends', ['database'], 'notifications')
        conf.set_override('state_path', self.state, 'notifications')
        notifier = Notifier(conf, [events.EVENTS], source='test')
        for _ in range(3):
            emit(notifier, self.ctx)
        self.assertTrue(notifier.flush(10))
        notifier.close()
        files = [os.path.join(self.state, name)
                 for name in os.listdir(self.state)]
        self.assertTrue(any(f.endswith('.sqlite') for f in files), files)
        for path in files:
            with open(path, 'rb') as handle:
                self.assertNotIn(SECRET.encode(), handle.read(), path)
        db = [f for f in files if f.endswith('.sqlite')][0]
        rows = sqlite3.connect(db).execute(
            'SELECT request_id FROM tidings_events').fetchall()
        self.assertEqual([('req-abc',)] * 3, rows)

    def test_a_lifecycle_crossing_processes_carries_no_secret(self):
        notifier = notifier_with()
        action = lifecycle.Lifecycle(
            notifier, events.EVENT_TYPE_BACKUP_CREATE_START,
            events.sample_backup(), context=self.ctx)
        action.start()
        data = action.to_dict()
        text = json.dumps(data)
        self.assertNotIn(SECRET, text)
        self.assertEqual('req-abc', data['context']['request_id'])
        resumed = lifecycle.Lifecycle.from_dict(notifier,
                                                json.loads(text))
        note = resumed.end()
        self.assertIsNone(note.context['auth_token'])


# -- properties -----------------------------------------------------------

_SECRET_KEYS = st.sampled_from(['auth_token', 'password', 'token',
                                'service_token', 'db_password', 'Secret',
                                'X-Auth-Token', 'api_token'])
_PLAIN_KEYS = st.text(st.characters(codec='utf-8'), max_size=12).filter(
    lambda k: not context_mod.Redactor().secret(k))
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**63, 2**63),
                     st.floats(allow_nan=False, allow_infinity=False),
                     st.text(st.characters(codec='utf-8'), max_size=20))


def _contexts():
    """Dicts of JSON data with secrets at random depths."""
    secret = st.just(SECRET)

    def extend(children):
        return st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.one_of(_PLAIN_KEYS, _SECRET_KEYS), children,
                            max_size=5),
            st.dictionaries(_SECRET_KEYS, secret, min_size=1, max_size=2))
    values = st.recursive(st.one_of(_SCALARS, secret), extend,
                          max_leaves=20)
    return st.dictionaries(st.one_of(_PLAIN_KEYS, _SECRET_KEYS), values,
                           max_size=8)


class _ToDict:
    def __init__(self, data):
        self.data = data

    def to_dict(self):
        return self.data


def _secret_paths_only(value, redact, under_secret=False):
    """True when every SECRET string sits under a key ``redact`` clears."""
    if isinstance(value, dict):
        return all(_secret_paths_only(v, redact,
                                      under_secret or redact.secret(k))
                   for k, v in value.items())
    if isinstance(value, list):
        return all(_secret_paths_only(v, redact, under_secret)
                   for v in value)
    return value != SECRET or under_secret


class TestRedactionProperties(testtools.TestCase):

    @hypothesis.settings(max_examples=150, deadline=None)
    @hypothesis.given(_contexts(), st.sampled_from(['dict', 'object',
                                                    'request_context']))
    def test_no_secret_under_a_denied_key_survives(self, ctx, shape):
        redact = context_mod.Redactor()
        if shape == 'object':
            given = _ToDict(ctx)
        elif shape == 'request_context':
            given = oslo_context.RequestContext(auth_token=SECRET)
            ctx = dict(given.to_dict(), extra=ctx)
            given = _ToDictContext(ctx)
        else:
            given = ctx
        before = copy.deepcopy(ctx)
        out = redact(given)
        self.assertEqual(before, ctx, 'the caller context changed')
        # what a consumer reads is strict JSON, encodable as UTF-8
        text = json.dumps(out, allow_nan=False)
        text.encode('utf-8')
        # a secret placed under a denied key is gone wherever it was
        if _secret_paths_only(ctx, redact):
            self.assertNotIn(SECRET, text)

    @hypothesis.settings(max_examples=60, deadline=None)
    @hypothesis.given(_contexts())
    def test_notify_hands_every_backend_the_same_redacted_dict(self, ctx):
        notifier = notifier_with()
        note = emit(notifier, ctx)
        self.assertEqual(notifier.redact_context(ctx), note.context)
        if _secret_paths_only(ctx, notifier.redact_context):
            self.assertNotIn(SECRET, json.dumps(note.context))


class _ToDictContext(oslo_context.RequestContext):
    """A RequestContext subclass whose to_dict() carries extra keys, as
    Nova's does."""

    def __init__(self, data=None, **kwargs):
        super().__init__(**kwargs)
        self._data = data

    def redacted_copy(self, **kwargs):
        return _ToDictContext(self._data and dict(self._data,
                                                  auth_token=None))

    def to_dict(self):
        return dict(self._data or {})

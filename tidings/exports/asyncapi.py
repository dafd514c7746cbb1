"""One AsyncAPI 3.0 document per catalog: what it puts on the bus.

:func:`document` describes a catalog as the messaging backend publishes
it, so any AsyncAPI tool (code generators, Studio, the parser) reads its
events without tidings:

- **channels**: one per topic and priority, address
  ``<topic>.<priority lowercase>`` (the AMQP routing key the backend
  publishes with), for the versioned topics (``[backend_messaging]
  topics``) and the unversioned ones (``unversioned_topics``, sent when
  ``[notifications] notification_format`` is ``unversioned`` or
  ``both``), each with its AMQP binding (the topic exchange, durable or
  not as ``[oslo_messaging_rabbit] amqp_durable_queues``);
- **operations**: the service *sends* on each channel; the AMQP binding
  says the messages are persistent (delivery mode 2);
- **messages**: one per event type and format, its payload the whole
  notification (the envelope: priority, event_type, timestamp,
  publisher_id, message_id, payload) whose ``payload`` is one of the
  payload's versions -- every version in the lock file and the code's
  current one -- and the example generated as the samples are
  (:mod:`tidings.samples`);
- **components/schemas**: every payload version (and the payloads they
  nest), keyed ``<namespace>.<Name>-<version>`` (``-unversioned`` for the
  flat format).

Only events that go on the bus are described: those delivered by the
``messaging`` mechanism and not removed.  What AsyncAPI does not model is
said in the descriptions: with the ``messagingv2`` driver the AMQP body
is oslo.messaging's envelope ``{"oslo.version": "2.0", "oslo.message":
"<the notification as a JSON string>"}``, and the notification carries
oslo.messaging's ``_unique_id`` and ``_context_*`` keys besides the
envelope's.

The document is deterministic: ``info.version`` is a digest of the
catalog's event types and payload fingerprints, so it changes exactly when
what consumers receive changes.
"""

import copy
import hashlib
import json
import re

import yaml

from tidings import samples
from tidings.conf import backend_messaging
from tidings.exports import schemas as bundle_mod
from tidings.objects import errors
from tidings.objects import fields
from tidings.objects import fingerprint
from tidings.objects import schema as schema_mod

ASYNCAPI_VERSION = '3.0.0'
#: The version of the AsyncAPI AMQP bindings used.
AMQP_BINDING_VERSION = '0.3.0'
#: The exchange oslo.messaging publishes to unless told otherwise
#: (``[DEFAULT] control_exchange``).
DEFAULT_EXCHANGE = 'openstack'
FORMATS = ('json', 'yaml')
_ID = re.compile(r'[^A-Za-z0-9_.-]')


def _default(option):
    return next(o.default for o in backend_messaging.OPTS
                if o.dest == option)


class Routing:
    """Where the messaging backend publishes: the exchange, the topics of
    each format and the exchange's durability.  The defaults are the
    options' defaults (``[backend_messaging] topics`` and
    ``unversioned_topics``, oslo.messaging's ``control_exchange`` and
    ``amqp_durable_queues``)."""

    def __init__(self, exchange=None, topics=None, unversioned_topics=None,
                 durable=False, auto_delete=False, vhost='/'):
        self.exchange = exchange or DEFAULT_EXCHANGE
        self.topics = {
            schema_mod.VERSIONED: tuple(
                topics if topics is not None else _default('topics')),
            schema_mod.UNVERSIONED: tuple(
                unversioned_topics if unversioned_topics is not None
                else _default('unversioned_topics'))}
        for option, values in (('topic', self.topics[schema_mod.VERSIONED]),
                               ('unversioned topic',
                                self.topics[schema_mod.UNVERSIONED])):
            for topic in values:
                if not topic or any(c.isspace() for c in topic):
                    raise errors.TidingsError(
                        '%s %r: accepted: a non-empty name without spaces, '
                        'e.g. versioned_notifications' % (option, topic))
        if not any(self.topics.values()):
            raise errors.TidingsError(
                'no topic: accepted: at least one versioned or unversioned '
                'topic')
        self.durable = bool(durable)
        self.auto_delete = bool(auto_delete)
        self.vhost = vhost


def component_key(def_key, fmt):
    """The ``components/schemas`` key of a payload version (a ``$defs``
    key ``<namespace>.<Name>@<version>``): AsyncAPI keys allow no ``@``."""
    key = def_key.replace('@', '-')
    return key + '-unversioned' if fmt == schema_mod.UNVERSIONED else key


def _hoist(doc, fmt, store):
    """``doc`` without ``$schema`` and ``$defs``: its nested payloads go
    to ``store`` (``components/schemas``) and its ``#/$defs/`` references
    point there."""
    def rewrite(node):
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == '$ref' and isinstance(value, str) and \
                        value.startswith('#/$defs/'):
                    value = '#/components/schemas/' + component_key(
                        value[len('#/$defs/'):], fmt)
                out[key] = rewrite(value)
            return out
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    doc = copy.deepcopy(doc)
    doc.pop('$schema', None)
    for key, nested in (doc.pop('$defs', None) or {}).items():
        store.setdefault(component_key(key, fmt), rewrite(nested))
    return rewrite(doc)


def _payload_refs(cls, lock, fmt, store):
    """``{version: $ref object}`` of every version of ``cls`` in ``fmt``,
    oldest first, its schemas added to ``store``."""
    refs = {}
    for version, doc in bundle_mod.versions(cls, lock, fmt):
        name = component_key(schema_mod.def_key(
            cls.OBJ_PROJECT_NAMESPACE, cls.obj_name(), version), fmt)
        store.setdefault(name, _hoist(doc, fmt, store))
        refs[version] = {'$ref': '#/components/schemas/' + name}
    return refs


def published(definition):
    """Whether ``definition`` goes on the bus: not removed, and asking for
    a mechanism the messaging backend serves (as the backend declares it,
    so the document follows the backend, not a list of its own)."""
    from tidings.backends import messaging   # its broker client: on use
    return not definition.removed and not \
        messaging.MessagingBackend.mechanisms.isdisjoint(
            definition.mechanisms)


def _channel_id(topic, level):
    return _ID.sub('_', '%s.%s' % (topic, level))


def _first_line(text):
    text = ' '.join((text or '').split())
    return text.split('. ')[0].rstrip('.') if text else ''


def _examples(registry, definitions, fmt):
    """``{event type: wire message}`` generated as the samples are (events
    without sample input have none)."""
    notifier = samples.sample_notifier(registry, fmt=fmt)
    out = {}
    for definition in definitions:
        sampled = samples.sampled_definition(definition)
        if sampled is not None and sampled.sample is not None:
            out[definition.event_type_str] = samples.emit(notifier, sampled)
    return out


def _message(definition, fmt, versions, example):
    refs = list(versions.values())
    variants = bool(definition.status_variants and
                    definition.status is None)
    envelope = schema_mod.envelope_schema(
        refs[0] if len(refs) == 1 else (
            {'oneOf': refs} if fmt == schema_mod.VERSIONED
            else {'anyOf': refs}),
        priority=definition.level, event_type=definition.event_type_str,
        status_variants=variants, title='%s (%s)' % (
            definition.event_type_str, definition.name))
    envelope.pop('$schema', None)
    event_type = definition.event_type_str + (
        '.<status>' if variants else '')
    lines = [definition.description or 'Event %s.' % definition.name]
    if definition.deprecated:
        lines.append('Deprecated: %s.' % definition.deprecated)
    if variants:
        lines.append('The event type ends in the HTTP status of the '
                     'error, e.g. %s.%d.' % (definition.event_type_str,
                                             samples.sample_status(
                                                 definition)))
    lines.append(
        'Payload: %s.%s, versions %s (the version sent is in %s).' % (
            definition.namespace, definition.payload_name,
            ', '.join(versions),
            '%s_object.version' % definition.namespace
            if fmt == schema_mod.VERSIONED else
            'no key of the flat format: it is the newest version the '
            'publisher knows, or the one pinned'))
    message = {
        'name': event_type,
        'title': definition.name,
        'summary': _first_line(definition.description) or event_type,
        'description': ' '.join(lines),
        'contentType': 'application/json',
        'payload': envelope,
        'bindings': {'amqp': {'contentEncoding': 'utf-8',
                              'messageType': event_type,
                              'bindingVersion': AMQP_BINDING_VERSION}},
        'x-tidings': {
            'event': definition.name,
            'catalog': definition.catalog,
            'format': fmt,
            'level': definition.level,
            'payload': '%s.%s' % (definition.namespace,
                                  definition.payload_name),
            'payload_version': definition.payload_version,
            'deprecated': definition.deprecated,
        },
    }
    if example is not None:
        message['examples'] = [{
            'name': 'sample',
            'summary': 'The generated sample (fixed clock, message_id and '
                       'host), payload version %s.'
                       % definition.payload_version,
            'payload': example}]
    return message


def _digest(registry, lock):
    parts = []
    for definition in registry:
        if published(definition):
            key = fingerprint.key(definition.payload)
            parts.append('%s %s %s %s' % (
                definition.event_type_str, definition.level, key,
                ' '.join('%s=%s' % (v, (lock.entry(key, v) or {}).get(
                    'fingerprint', '')) for v in lock.versions(key))))
    return hashlib.sha256('\n'.join(parts).encode('utf-8')).hexdigest()[:12]


def document(contract, routing=None, lock=None):
    """The AsyncAPI 3.0 document (a dict) of ``contract``'s catalog.

    ``routing``: a :class:`Routing` (default: the options' defaults);
    ``lock``: a lock file path overriding the contract's.
    """
    routing = routing or Routing()
    registry = contract.registry
    released = bundle_mod.lock_of([contract], lock)
    events = [d for d in registry if published(d)]
    store = {}
    messages = {}
    by_level = {}
    for fmt in (schema_mod.VERSIONED, schema_mod.UNVERSIONED):
        if not routing.topics[fmt]:
            continue
        examples = _examples(registry, events, fmt)
        for definition in events:
            refs = _payload_refs(definition.payload, released, fmt, store)
            key = definition.event_type_str + (
                '.unversioned' if fmt == schema_mod.UNVERSIONED else '')
            messages[key] = _message(definition, fmt, refs,
                                     examples.get(definition.event_type_str))
            by_level.setdefault((fmt, definition.level), []).append(key)
    channels, operations = {}, {}
    levels = sorted({level for _fmt, level in by_level},
                    key=fields.LEVELS.index)
    for fmt in (schema_mod.VERSIONED, schema_mod.UNVERSIONED):
        for topic in routing.topics[fmt]:
            for level in levels:
                keys = by_level.get((fmt, level))
                if not keys:
                    continue
                cid = _channel_id(topic, level)
                address = '%s.%s' % (topic, level)
                channels[cid] = {
                    'address': address,
                    'title': address,
                    'description': (
                        '%s notifications of priority %s, routing key %s on '
                        'the topic exchange %s, sent when [notifications] '
                        'notification_format is %s or both. oslo.messaging '
                        'declares a queue of the same name bound to it; a '
                        'consumer that must not take messages from others '
                        'binds a queue of its own.' % (
                            fmt.capitalize(), level.upper(), address,
                            routing.exchange, fmt)),
                    'messages': {k: {'$ref': '#/components/messages/' + k}
                                 for k in keys},
                    'bindings': {'amqp': {
                        'is': 'routingKey',
                        'exchange': {'name': routing.exchange,
                                     'type': 'topic',
                                     'durable': routing.durable,
                                     'autoDelete': routing.auto_delete,
                                     'vhost': routing.vhost},
                        'bindingVersion': AMQP_BINDING_VERSION}},
                }
                operations['send.' + cid] = {
                    'action': 'send',
                    'title': 'publish on %s' % address,
                    'channel': {'$ref': '#/channels/' + cid},
                    'messages': [{'$ref': '#/channels/%s/messages/%s' % (
                        cid, k)} for k in keys],
                    'bindings': {'amqp': {
                        'deliveryMode': 2,
                        'bindingVersion': AMQP_BINDING_VERSION}},
                }
    description = (
        (registry.description.strip() + '\n\n' if registry.description
         else '') +
        'The notifications of catalog %s as the tidings messaging backend '
        'publishes them (oslo.messaging notifications): a topic exchange, '
        'routing key <topic>.<priority>. Each message below is the '
        'notification itself; with the messagingv2 driver (the default) '
        'the AMQP body wraps it as {"oslo.version": "2.0", "oslo.message": '
        '"<the notification as a JSON string>"}, and the notification also '
        'carries oslo.messaging\'s _unique_id and _context_* keys. A '
        'message_id is kept when a message is replayed after a broker '
        'outage: deduplicate on it. Generated by `tidings asyncapi`.'
        % registry.name)
    return {
        'asyncapi': ASYNCAPI_VERSION,
        'id': 'urn:tidings:catalog:%s' % registry.name,
        'info': {
            'title': '%s notifications' % registry.name,
            'version': _digest(registry, released),
            'description': description,
            'tags': [{'name': 'tidings'}, {'name': registry.name}],
        },
        'defaultContentType': 'application/json',
        'servers': {
            'broker': {
                'host': '{host}',
                'protocol': 'amqp',
                'protocolVersion': '0.9.1',
                'description': 'The broker of [backend_messaging] '
                               'transport_url.',
                'variables': {'host': {
                    'default': 'localhost:5672',
                    'description': 'host:port of the broker'}},
            },
        },
        'channels': channels,
        'operations': operations,
        'components': {
            'messages': messages,
            'schemas': {k: store[k] for k in sorted(store)},
        },
    }


class _Dumper(yaml.SafeDumper):
    """YAML without anchors and aliases (a schema used twice is written
    twice, as JSON would), block style."""

    def ignore_aliases(self, data):
        return True


def render(doc, fmt='json'):
    """The text of document ``doc`` in ``fmt`` (``json`` or ``yaml``)."""
    if fmt == 'json':
        return json.dumps(doc, indent=2, ensure_ascii=False) + '\n'
    if fmt == 'yaml':
        return yaml.dump(doc, Dumper=_Dumper, sort_keys=False,
                         allow_unicode=True, default_flow_style=False,
                         width=79)
    raise errors.TidingsError('document format %r: accepted: %s' % (
        fmt, ', '.join(FORMATS)))


def filename(registry_name, fmt='json'):
    """The file name of a catalog's document in a folder."""
    return '%s.asyncapi.%s' % (registry_name, fmt)

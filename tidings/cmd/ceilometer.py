"""``tidings ceilometer-definitions``: Ceilometer event (and meter)
definitions generated from the payload classes of the selected catalogs
(``--catalog NAME|PKG.MOD:ATTR``; by default the project's, else every
installed one).

Writes the ``event_definitions.yaml`` Ceilometer's notification agent
reads: one entry per event, ``{event_type: ..., traits: {name: {fields:
<JSONPath or list of them>, type: text|int|float|datetime}}}``; with
``--meters``, the meter definitions file its ``meters.d`` folder holds
instead (``{metric: [{name, event_type, type, unit, volume, resource_id,
project_id, user_id}, ...]}``).  The paths depend on the notification
format the service sends:

- ``versioned``: ``$.payload['trove_object.data'].tenant_id`` (the key
  holds a dot, so it is quoted);
- ``unversioned``: ``$.payload.tenant_id``.

Traits:

- one per scalar payload field, named after it, or as the payload class's
  ``CEILOMETER_TRAITS`` renames it; a nested payload's fields become
  ``<field>_<nested field>`` traits; sensitive fields are left out (they
  only ever carry the mask);
- JSON containers (a ``JsonDict``/``JsonList`` field, an oslo list, dict
  or set) are left out too: Ceilometer stores a text trait as ``str()``
  of the value, a Python repr, and no stock trait plugin writes JSON.
  ``[event] store_raw = info`` keeps the whole notification instead;
- ``project_id``, ``user_id`` and ``resource_id`` (:data:`ROLES`): the
  traits Ceilometer gives every event and keys its storage by.  Its
  defaults read ``payload.tenant_id``, which the versioned format nests
  under ``<ns>_object.data``, so they are mapped here to every payload
  field that holds them (a list of paths, the first non-null wins), then
  to the request context as Ceilometer does.

An event with HTTP status variants (``magnetodb.req.create_table.error``)
is sent as ``....error.<status>``: its definition matches
``....error.[1-5][0-9][0-9]`` (a shell pattern, as Ceilometer's
``event_type`` takes), every status the registry accepts and nothing else.

Meters (:func:`meter_definitions`): one per StatsD metric name of an
event (a ``delta`` of 1 ``event`` per notification, plus
``<metric>.duration`` in ``ms`` when the payload has ``duration_ms``),
and those a payload class declares in ``CEILOMETER_METERS`` (usage, such
as ``trove.instance.exists``).  Each names its resource, project and user
from the same payload fields as the traits; a payload whose resource
cannot be found that way names it in ``CEILOMETER_IDS``.

Ceilometer's event endpoint reads only the ``info`` and ``error``
priorities and its meter endpoint only ``info`` and ``sample``
(:data:`EVENT_PRIORITIES`, :data:`METER_PRIORITIES`); the generated file's
header lists the events sent at a priority it drops, and the option that
sends them as ``info`` (``[notifications] wire_priorities``).
"""

import re
import sys

import yaml

from tidings import catalogs
from tidings.cmd import selection
from tidings.notifications import lint
from tidings.notifications import notification
from tidings.objects import errors
from tidings.objects import fields
from tidings.objects import introspect
from tidings.objects import schema
from tidings.objects import strictjson

FORMATS = schema.FORMATS

#: The priorities Ceilometer 27's event endpoint reads
#: (``ceilometer.pipeline.event.EventEndpoint``); any other is consumed
#: and dropped.  The functional test checks this against Ceilometer.
EVENT_PRIORITIES = tuple(level for level in fields.LEVELS
                         if level not in lint.CEILOMETER_DROPPED)
#: The priorities its meter endpoint reads
#: (``ceilometer.meter.notifications.ProcessMeterNotifications``).
METER_PRIORITIES = ('info', 'sample')

#: ``role: (payload field names, in preference order; the request context
#: path Ceilometer falls back on)``.  The roles are the identity traits
#: of every Ceilometer event and the identity of every meter sample.
ROLES = {
    'project_id': (('project_id', 'tenant_id', 'project', 'tenant'),
                   'ctxt.project_id'),
    'user_id': (('user_id', 'user'), 'ctxt.user_id'),
    'resource_id': (('resource_id', 'id', 'uuid'), None),
}

#: Ceilometer's sample types (``ceilometer.sample.TYPES``).
METER_TYPES = ('gauge', 'delta', 'cumulative')
#: The keys a ``CEILOMETER_METERS`` entry may have; ``name``, ``type``,
#: ``unit`` and ``volume`` are required.
METER_KEYS = ('name', 'type', 'unit', 'volume', 'resource_id')
#: The numeric trait types a meter volume may read.
_NUMERIC = ('int', 'float')
#: An HTTP status, as the registry accepts for a status variant.
#: Both a shell pattern (event definitions) and a regex (meters).
STATUS_PATTERN = '[1-5][0-9][0-9]'


def trait_type(field):
    """The Ceilometer trait type of a payload field: its field type's
    ``TRAIT_TYPE`` (see :func:`tidings.objects.fields.trait_type`)."""
    return fields.trait_type(introspect.field_type(field))


def is_container(field):
    """Whether a field holds a JSON container (list or dict): an oslo
    List/Dict/Set field, or a field type whose JSON Schema is an object or
    array.  Such a field gets no trait: Ceilometer would store its repr."""
    if introspect.element_field(field) is not None:
        return True
    ftype = introspect.field_type(field)
    kind = (getattr(ftype, 'JSON_SCHEMA', None) or {}).get('type')
    return kind in ('object', 'array')


def _data_path(path, cls, fmt):
    if fmt == notification.VERSIONED:
        return "%s['%s.data']" % (path, cls.OBJ_SERIAL_NAMESPACE)
    return path


class Leaf:
    """One scalar payload field as Ceilometer reads it: ``trait`` (its
    trait name), ``name`` (the dotted field path through nested payloads,
    e.g. ``cluster.project``), ``path`` (the JSONPath), ``field`` and
    ``depth`` (0 for the top-level payload)."""

    __slots__ = ('trait', 'name', 'path', 'field', 'depth', 'renamed')

    def __init__(self, trait, name, path, field, depth, renamed):
        self.trait = trait
        self.name = name
        self.path = path
        self.field = field
        self.depth = depth
        self.renamed = renamed

    @property
    def type(self):
        return trait_type(self.field)


def leaves(cls, fmt=notification.VERSIONED, path='$.payload', prefix='',
           name_prefix='', depth=0):
    """The :class:`Leaf` of every scalar, non-sensitive field of payload
    class ``cls`` and of the payloads it nests, depth first in field
    order."""
    out = []
    data = _data_path(path, cls, fmt)
    renames = getattr(cls, 'CEILOMETER_TRAITS', {})
    for name, field in cls.fields.items():
        if fields.is_sensitive(field) or is_container(field):
            continue
        trait = prefix + renames.get(name, name)
        nested = introspect.object_field_name(field)
        if nested is not None:
            registry = cls.OBJ_REGISTRY
            if registry is not None and nested in registry:
                out.extend(leaves(registry.get(nested), fmt,
                                  '%s.%s' % (data, name), trait + '_',
                                  name_prefix + name + '.', depth + 1))
            continue
        out.append(Leaf(trait, name_prefix + name, '%s.%s' % (data, name),
                        field, depth, name in renames))
    return out


def _ids_of(cls, role):
    """The field paths ``cls.CEILOMETER_IDS`` names for ``role``."""
    declared = getattr(cls, 'CEILOMETER_IDS', None) or {}
    if not isinstance(declared, dict) or any(
            key not in ROLES for key in declared):
        raise errors.EventDefinitionError(
            '%s.CEILOMETER_IDS is %r; accepted: a dict whose keys are %s '
            'and whose values are field names (or lists of them)' % (
                cls.obj_name(), declared, ', '.join(ROLES)))
    names = declared.get(role, ())
    return [names] if isinstance(names, str) else list(names)


def role_paths(cls, role, fmt=notification.VERSIONED, found=None):
    """The JSONPaths that fill the ``role`` trait (see :data:`ROLES`) of
    payload class ``cls``, in the order Ceilometer should try them: the
    fields ``CEILOMETER_IDS`` names, a field ``CEILOMETER_TRAITS`` renames
    to the role, then fields named as the role, shallowest first.  The
    request-context fallback is not included."""
    found = leaves(cls, fmt) if found is None else found
    by_name = {leaf.name: leaf for leaf in found}
    out = []
    for name in _ids_of(cls, role):
        leaf = by_name.get(name)
        if leaf is None:
            raise errors.EventDefinitionError(
                '%s.CEILOMETER_IDS[%r] names field %r; accepted: a scalar '
                'field of the payload or of a payload it nests (dotted, '
                'e.g. cluster.id): %s' % (
                    cls.obj_name(), role, name,
                    ', '.join(sorted(by_name))))
        out.append(leaf.path)
    out.extend(leaf.path for leaf in found
               if leaf.renamed and leaf.trait == role)
    names, _fallback = ROLES[role]
    for depth in sorted({leaf.depth for leaf in found}):
        for wanted in names:
            out.extend(leaf.path for leaf in found
                       if leaf.depth == depth and not leaf.renamed
                       and leaf.name.rsplit('.', 1)[-1] == wanted
                       and leaf.type == 'text')
    return list(dict.fromkeys(out))


def _paths(paths):
    """A trait's ``fields``: one path as a string, several as a list."""
    return paths[0] if len(paths) == 1 else paths


def traits(cls, fmt=notification.VERSIONED):
    """``{trait: {'fields': path(s), 'type': type}}`` for payload class
    ``cls``: its scalar fields in field order, then the :data:`ROLES`
    traits it can fill."""
    found = leaves(cls, fmt)
    out = {leaf.trait: {'fields': leaf.path, 'type': leaf.type}
           for leaf in found}
    for role, (_names, fallback) in ROLES.items():
        paths = role_paths(cls, role, fmt, found)
        if not paths:
            continue
        if fallback:
            paths.append(fallback)
        out[role] = {'fields': _paths(paths), 'type': 'text'}
    return out


def event_type_pattern(definition):
    """The ``event_type`` of a definition's entry: its event type, or for
    an event sent with HTTP status variants, the shell pattern matching
    every variant."""
    if definition.status_variants and definition.status is None:
        return '%s.%s' % (definition.event_type_str, STATUS_PATTERN)
    return definition.event_type_str


def _live(registries):
    for registry in registries:
        for definition in registry:
            if not definition.removed:
                yield definition


def event_definitions(registries, fmt=notification.VERSIONED):
    """The Ceilometer definitions of every event the registries emit
    (removed events are left out)."""
    return [{'event_type': event_type_pattern(definition),
             'traits': traits(definition.payload, fmt)}
            for definition in _live(registries)]


def dropped(registries, accepted=EVENT_PRIORITIES, metered=False):
    """``{level: [event type pattern, ...]}`` of the events sent at a
    priority outside ``accepted`` (with ``metered``, only those that have
    meters), in level order."""
    out = {}
    for definition in _live(registries):
        if definition.level in accepted or (
                metered and not meters_of(definition)):
            continue
        out.setdefault(definition.level, []).append(
            event_type_pattern(definition))
    return {level: out[level] for level in fields.LEVELS if level in out}


#: The levels the header suggests sending as ``info`` (those that are not
#: failures: a warn or critical event keeps its priority for the
#: consumers that alert on it); the same as ``tidings catalog check``.
REMAPPABLE = lint.CEILOMETER_REMAPPABLE


# -- meters ----------------------------------------------------------------

def _meter_event_type(definition):
    """The ``event_type`` regex of a meter (Ceilometer matches it at the
    start of the event type, so it is anchored at the end too)."""
    if definition.status_variants and definition.status is None:
        return r'%s\.%s$' % (re.escape(definition.event_type_str),
                             STATUS_PATTERN)
    return re.escape(definition.event_type_str) + '$'


def _identity(cls, fmt, found, where):
    """``{resource_id, project_id, user_id}`` of a meter of ``cls``."""
    out = {}
    for role in ROLES:
        paths = role_paths(cls, role, fmt, found)
        if paths:
            out[role] = _paths(paths)
    if 'resource_id' not in out:
        raise errors.EventDefinitionError(
            '%s: payload %s has no field naming the metered resource; '
            'accepted: a field named %s, or CEILOMETER_IDS = '
            '{"resource_id": <field name or list of them>} on the payload '
            'class' % (where, cls.obj_name(),
                       ', '.join(ROLES['resource_id'][0])))
    return out


def _volume(spec, cls, found, where):
    """The ``volume`` of a ``CEILOMETER_METERS`` entry: a number, a
    numeric field's path, or a pair of datetime fields (the seconds
    between them, through Ceilometer's ``timedelta`` plugin)."""
    by_name = {leaf.name: leaf for leaf in found}
    if isinstance(spec, (int, float)) and not isinstance(spec, bool):
        return spec
    if isinstance(spec, str) and spec in by_name and \
            by_name[spec].type in _NUMERIC:
        return by_name[spec].path
    if isinstance(spec, (list, tuple)) and len(spec) == 2 and all(
            isinstance(n, str) and n in by_name and
            by_name[n].type == 'datetime' for n in spec):
        return {'fields': [by_name[n].path for n in spec],
                'plugin': 'timedelta'}
    raise errors.EventDefinitionError(
        '%s: meter volume %r; accepted: a number, the name of an int or '
        'float field of %s (%s), or a pair of its datetime fields (%s)' % (
            where, spec, cls.obj_name(),
            ', '.join(n for n, leaf in by_name.items()
                      if leaf.type in _NUMERIC) or 'none',
            ', '.join(n for n, leaf in by_name.items()
                      if leaf.type == 'datetime') or 'none'))


def _check_meter(spec, cls, where):
    if not isinstance(spec, dict):
        raise errors.EventDefinitionError(
            '%s: CEILOMETER_METERS entry %r; accepted: a dict with keys '
            '%s' % (where, spec, ', '.join(METER_KEYS)))
    unknown = sorted(set(spec) - set(METER_KEYS))
    missing = [k for k in METER_KEYS[:4] if not spec.get(k) and
               spec.get(k) != 0]
    if unknown or missing:
        raise errors.EventDefinitionError(
            '%s: CEILOMETER_METERS entry %r: %s; accepted keys: %s (the '
            'first four required)' % (
                where, spec, 'unknown key(s) %s' % ', '.join(unknown)
                if unknown else 'missing %s' % ', '.join(missing),
                ', '.join(METER_KEYS)))
    if spec['type'] not in METER_TYPES:
        raise errors.EventDefinitionError(
            '%s: meter %s type %r; accepted: %s' % (
                where, spec['name'], spec['type'], ', '.join(METER_TYPES)))
    for key in ('name', 'unit'):
        if not isinstance(spec[key], str):
            raise errors.EventDefinitionError(
                '%s: meter %s %s %r; accepted: a non-empty string' % (
                    where, spec['name'], key, spec[key]))


def meters_of(definition, fmt=notification.VERSIONED):
    """The meter definitions of one event: its StatsD metrics and its
    payload class's ``CEILOMETER_METERS``."""
    cls = definition.payload
    where = '%s event %s' % (definition.catalog, definition.name)
    found = leaves(cls, fmt)
    declared = list(getattr(cls, 'CEILOMETER_METERS', ()) or ())
    if not definition.metrics and not declared:
        return []
    event_type = _meter_event_type(definition)
    ids = _identity(cls, fmt, found, where)
    top = {leaf.name: leaf for leaf in found if leaf.depth == 0}
    duration = top.get('duration_ms')
    out = []
    for metric in definition.metrics:
        out.append(dict({'name': metric, 'event_type': event_type,
                         'type': 'delta', 'unit': 'event', 'volume': 1},
                        **ids))
        if duration is not None and duration.type in _NUMERIC:
            out.append(dict({'name': metric + '.duration',
                             'event_type': event_type, 'type': 'gauge',
                             'unit': 'ms', 'volume': duration.path},
                            **ids))
    for spec in declared:
        _check_meter(spec, cls, where)
        meter = dict({'name': spec['name'], 'event_type': event_type,
                      'type': spec['type'], 'unit': spec['unit'],
                      'volume': _volume(spec['volume'], cls, found, where)},
                     **ids)
        if spec.get('resource_id'):
            meter['resource_id'] = _paths([
                _field_path(name, cls, found, where)
                for name in ([spec['resource_id']]
                             if isinstance(spec['resource_id'], str)
                             else spec['resource_id'])])
        out.append(meter)
    return out


def _field_path(name, cls, found, where):
    for leaf in found:
        if leaf.name == name:
            return leaf.path
    raise errors.EventDefinitionError(
        '%s: meter resource_id field %r; accepted: a scalar field of %s: '
        '%s' % (where, name, cls.obj_name(),
                ', '.join(leaf.name for leaf in found)))


def meter_definitions(registries, fmt=notification.VERSIONED):
    """The Ceilometer meter definitions of every event of the registries
    that carries metrics or usage.  One meter name measured by several
    events (with the same unit, type and paths) becomes one definition
    listing their event types; Ceilometer would skip the second of two
    definitions with one name."""
    out = {}
    for definition in _live(registries):
        for meter in meters_of(definition, fmt):
            known = out.get(meter['name'])
            if known is None:
                out[meter['name']] = meter
                continue
            rest = {k: v for k, v in meter.items() if k != 'event_type'}
            if rest != {k: v for k, v in known.items()
                        if k != 'event_type'}:
                raise errors.EventDefinitionError(
                    'meter %s is measured by events %s and %s with '
                    'different definitions; accepted: one meter name per '
                    'unit, type, volume and identity' % (
                        meter['name'], known['event_type'],
                        meter['event_type']))
            types = known['event_type']
            types = types if isinstance(types, list) else [types]
            known['event_type'] = types + [meter['event_type']]
    return list(out.values())


# -- output ----------------------------------------------------------------

def dump(definitions, header=''):
    text = yaml.safe_dump(definitions, sort_keys=False,
                          default_flow_style=False, width=79)
    return header + text


def _comment(lines):
    return ''.join(('# ' + line).rstrip() + '\n' for line in lines)


def _wrapped(prefix, items, width=75, sep=','):
    """``prefix`` and ``items`` separated by ``sep``, wrapped under it."""
    lines, line = [], prefix
    for item in items:
        piece = item + sep
        if len(line) + len(piece) + 1 > width and line.strip():
            lines.append(line)
            line = '   '
        line += (' ' if not line.endswith(' ') else '') + piece
    lines.append(line[:len(line) - len(sep)] if sep else line)
    return lines


def header(registries, fmt, meters=False):
    """The comment heading the generated file: what made it, and which of
    its events Ceilometer drops for their priority."""
    kind = 'meter' if meters else 'event'
    accepted = METER_PRIORITIES if meters else EVENT_PRIORITIES
    endpoint = ('meter endpoint (ProcessMeterNotifications)' if meters
                else 'event endpoint (EventEndpoint)')
    lines = [
        'Ceilometer %s definitions for the %s notification format,' % (
            kind, fmt),
        'generated by: tidings ceilometer-definitions',
    ]
    lines += _wrapped('   ', ['--catalog %s' % r.name for r in registries]
                      + ['--format %s' % fmt]
                      + (['--meters'] if meters else []), sep='')
    lines += [
        '',
        'Ceilometer\'s %s' % endpoint,
        'reads only the priorities %s; it consumes and drops every' % (
            ' and '.join(accepted)),
        'other one (%s) without a log line.' % ', '.join(
            level for level in fields.LEVELS if level not in accepted),
    ]
    if meters:
        lines += [
            'Install this file in /etc/ceilometer/meters.d/: that folder is',
            'read before Ceilometer\'s own, so these meters win over its',
            'definitions of the same name.',
        ]
    else:
        lines += [
            'JSON containers (JsonDict, JsonList, lists, dicts) are not',
            'traits: Ceilometer would store their Python repr; [event]',
            'store_raw = info keeps the whole notification.',
        ]
    by_level = dropped(registries, accepted, metered=meters)
    if by_level:
        lines += ['', 'Events of this file sent at a priority it drops:']
        for level, types in by_level.items():
            lines += _wrapped('  %s:' % level, types)
    remap = [level for level in by_level if level in REMAPPABLE]
    if remap:
        lines += [
            'To have the %s ones %s, send them as info:' % (
                ' and '.join(remap), 'metered' if meters else 'stored'),
            '  [notifications]',
            '  wire_priorities = %s' % ','.join(
                '%s:info' % level for level in remap),
            'in the service\'s tidings configuration (every consumer then',
            'sees them as info; [notifications] level still filters by',
            'their own level).',
        ]
    return _comment(lines) + '\n'


def _run(args):
    registries = [c.registry for c in catalogs.select(args.catalogs)]
    if args.meters:
        body = {'metric': meter_definitions(registries, args.format)}
    else:
        body = event_definitions(registries, args.format)
    text = dump(body, header(registries, args.format, args.meters))
    if args.output and args.output != '-':
        try:
            with open(args.output, 'w', encoding='utf-8') as handle:
                handle.write(text)
        except OSError as exc:
            raise errors.InputFileError(
                args.output, 'cannot be written: %s; accepted: a writable '
                'file path, or - for standard output' % (
                    'its folder does not exist'
                    if isinstance(exc, FileNotFoundError)
                    else strictjson.describe_oserror(exc),),
                what='--output') from None
    else:
        sys.stdout.write(text)
    return 0


def register(subparsers):
    parser = subparsers.add_parser(
        'ceilometer-definitions',
        help='write Ceilometer event_definitions.yaml (or, with --meters, '
             'meters.d definitions) for catalog events',
        description=__doc__.split('\n\n')[0])
    selection.add_catalog_option(parser)
    parser.add_argument(
        '--format', choices=FORMATS, default=notification.VERSIONED,
        help='the notification format the service sends (default: '
             'versioned)')
    parser.add_argument(
        '--meters', action='store_true',
        help='write meter definitions (a meters.d file) for the events '
             'that carry StatsD metrics or usage, instead of event '
             'definitions')
    parser.add_argument('--output', '-o', metavar='FILE',
                        help='file to write (default: standard output)')
    parser.set_defaults(func=_run)

"""The event registry: every event a service can emit, in one place.

An :class:`EventDefinition` says everything the notifier needs to deliver an
event: its constant name, the wire event type, level, payload class,
delivery mechanisms, StatsD metric names and deprecation.  An
:class:`EventRegistry` holds the definitions of one service (a *catalog*)::

    EVENTS = EventRegistry('magnetodb', objects=OBJECTS)
    TABLE_CREATE_START = EVENTS.define(
        'EVENT_TYPE_TASK_TABLE_CREATE_START', 'magnetodb.table.create.start',
        level='audit', payload=TablePayload, mechanisms=['messaging'])

``_ERROR_xxx`` events are one definition with ``status_variants=True``;
``EVENTS['EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404']`` gives the variant
whose event type and metrics end in ``.error.404``.
"""

import os
import re
import sys
import threading

from tidings import backends
from tidings.notifications import eventtype
from tidings.notifications import payload as payload_mod
from tidings.objects import base as objects_base
from tidings.objects import errors
from tidings.objects import fields
from tidings.objects import introspect
from tidings.objects.introspect import nested_classes  # noqa: F401
from tidings.objects.introspect import object_field_name  # noqa: F401

#: The keyword options of :meth:`EventRegistry.define`.
DEFINE_OPTIONS = frozenset(('mechanisms', 'metrics', 'deprecated', 'removed',
                            'source', 'status_variants', 'sample',
                            'description', 'lint_ignore'))
_LINT_CODE = re.compile(r'^TID[0-9]{3}$')
_CONSTANT = re.compile(r'^[A-Z][A-Z0-9_]*$')
_STATUS_SUFFIX = re.compile(r'^(?P<base>[A-Z0-9_]+)_(?P<status>[1-5]\d\d)$')
_METRIC = re.compile(r'^[A-Za-z0-9_.-]+$')


class EventDefinition:
    """One event a service emits.  Immutable once registered."""

    def __init__(self, name, event_type, level, payload, mechanisms=(
            'messaging',), metrics=(), deprecated=None, removed=None,
            source=None, status_variants=False, sample=None,
            description=None, catalog=None, status=None, template=None,
            lint_ignore=None):
        self.name = name
        self.catalog = catalog
        where = '%s event %s' % (catalog or 'an', name)
        if not isinstance(name, str) or not _CONSTANT.match(name):
            raise errors.EventDefinitionError(
                '%s: constant name %r must be UPPER_CASE, e.g. '
                'EVENT_TYPE_TASK_TABLE_CREATE_START' % (where, name))
        self.event_type = (event_type if isinstance(event_type,
                                                    eventtype.EventType)
                           else eventtype.EventType.parse(event_type))
        self.event_type_str = self.event_type.format()
        try:
            self.level = fields.normalize_level(level)
        except ValueError:
            raise errors.EventDefinitionError(
                '%s: level %r is not one of %s' % (
                    where, level, ', '.join(fields.LEVELS))) from None
        self.priority = self.level.upper()
        if not (isinstance(payload, type)
                and issubclass(payload, payload_mod.Payload)):
            raise errors.EventDefinitionError(
                '%s: payload %r is not a Payload subclass' % (where, payload))
        self.payload = payload
        if isinstance(mechanisms, str):
            mechanisms = [m.strip() for m in mechanisms.split(',')]
        if not isinstance(mechanisms, (list, tuple, set, frozenset)):
            raise errors.EventDefinitionError(
                '%s: delivery mechanisms %r: expected a list of the '
                'mechanisms installed backends serve: %s (empty: the event '
                'is defined, and never delivered)' % (
                    where, mechanisms, backends.describe()))
        served = backends.vocabulary()
        for mech in mechanisms:
            if not isinstance(mech, str) or mech not in served:
                raise errors.EventDefinitionError(
                    '%s: delivery mechanism %r is served by no installed '
                    'backend; the installed backends serve: %s' % (
                        where, mech, backends.describe(served)))
        self.mechanisms = tuple(mechanisms)
        if isinstance(metrics, str):
            metrics = [metrics]
        if not isinstance(metrics, (list, tuple)):
            raise errors.EventDefinitionError(
                '%s: metrics %r: expected a metric name or a list of them'
                % (where, metrics))
        for metric in metrics:
            if not isinstance(metric, str) or not _METRIC.match(metric):
                raise errors.EventDefinitionError(
                    '%s: metric name %r may hold only letters, digits, '
                    '"_", "-" and "."' % (where, metric))
        self.metrics = tuple(metrics)
        self.deprecated = deprecated
        self.removed = removed
        if source is not None and (not isinstance(source, str) or
                                   not source):
            raise errors.EventDefinitionError(
                '%s: source %r: expected a non-empty string (the publisher '
                'source of this event) or None' % (where, source))
        self.source = source
        self.status_variants = bool(status_variants)
        if self.status_variants and self.event_type.phase != 'error':
            raise errors.EventDefinitionError(
                '%s: status_variants needs an event type ending in .error, '
                'got %s' % (where, self.event_type_str))
        self.sample = sample
        self.description = description or ''
        self.status = status
        self.template = template
        self.lint_ignore = _lint_ignore(where, lint_ignore)
        self._variants = {}
        self._lock = threading.Lock()

    @property
    def payload_name(self):
        return self.payload.obj_name()

    @property
    def payload_version(self):
        return self.payload.VERSION

    @property
    def namespace(self):
        return self.payload.OBJ_PROJECT_NAMESPACE

    def variant(self, status):
        """The ``.error.<status>`` variant of a status_variants event."""
        if not self.status_variants:
            raise errors.EventDefinitionError(
                'event %s has no HTTP status variants; status %r is not '
                'accepted' % (self.name, status))
        status = str(status)
        found = self._variants.get(status)
        if found is None:
            with self._lock:
                found = self._variants.get(status)
                if found is None:
                    found = EventDefinition(
                        '%s_%s' % (self.name, status),
                        self.event_type.with_status(status), self.level,
                        self.payload, self.mechanisms,
                        [status_metric(m, status) for m in self.metrics],
                        self.deprecated, self.removed, self.source,
                        sample=self.sample, description=self.description,
                        catalog=self.catalog, status=int(status),
                        template=self, lint_ignore=self.lint_ignore)
                    self._variants[status] = found
        return found

    def as_dict(self):
        """The public description (``tidings events list -f json``)."""
        event_type = self.event_type_str
        metrics = list(self.metrics)
        name = self.name
        if self.status_variants:
            event_type += '.<status>'
            metrics = [status_metric(m, '<status>') for m in metrics]
            name += '_<status>'
        return {
            'name': name,
            'event_type': event_type,
            'level': self.level,
            'mechanisms': list(self.mechanisms),
            'metrics': metrics,
            'payload': self.payload_name,
            'payload_version': self.payload_version,
            'namespace': self.namespace,
            'catalog': self.catalog,
            'source': self.source,
            'deprecated': self.deprecated,
            'removed': self.removed,
            'description': self.description,
        }

    def __repr__(self):
        return '<EventDefinition %s %s>' % (self.name, self.event_type_str)


class EventRegistry:
    """The event definitions of one service (a catalog)."""

    def __init__(self, name, objects=None, description='', lock=None,
                 samples=None, module=None):
        """``lock`` and ``samples``: the catalog's lock file and samples
        folder, or None when it names none (the project's
        ``[tool.tidings]`` may name them; see
        :func:`tidings.catalogs.contract`).  A relative path is relative to
        the folder of the module defining the registry (``module``: its
        name, by default the module calling this constructor), so
        ``lock='payloads.lock.json'`` is the file next to it."""
        if not isinstance(name, str) or not name.strip():
            raise errors.EventDefinitionError(
                'EventRegistry name %r: expected a non-empty string, the '
                'catalog name (e.g. "magnetodb")' % (name,))
        if objects is not None and not isinstance(
                objects, objects_base.ObjectRegistry):
            raise errors.EventDefinitionError(
                'EventRegistry %s: objects %r is not an ObjectRegistry (the '
                'payload classes of the catalog) or None' % (name, objects))
        self.name = name
        self.objects = objects
        self.description = description
        for what, value in (('lock', lock), ('samples', samples)):
            if value is not None and not (isinstance(value, (str, os.PathLike))
                                          and os.fspath(value)):
                raise errors.EventDefinitionError(
                    'EventRegistry %s: %s=%r; accepted: a path (relative to '
                    'the module defining the registry) or None' % (
                        name, what, value))
        self.lock = os.fspath(lock) if lock is not None else None
        self.samples = os.fspath(samples) if samples is not None else None
        #: The module defining the registry: relative ``lock`` and
        #: ``samples`` paths are relative to its folder.
        self.module = module if module is not None else \
            sys._getframe(1).f_globals.get('__name__')
        self._by_name = {}
        self._by_type = {}

    def define(self, name, event_type, level, payload, **kwargs):
        unknown = sorted(set(kwargs) - DEFINE_OPTIONS)
        if unknown:
            raise errors.EventDefinitionError(
                '%s event %s: unknown option(s) %s; accepted: %s' % (
                    self.name, name, ', '.join(unknown),
                    ', '.join(sorted(DEFINE_OPTIONS))))
        definition = EventDefinition(name, event_type, level, payload,
                                     catalog=self.name, **kwargs)
        return self.add(definition)

    def add(self, definition):
        if not isinstance(definition, EventDefinition):
            raise errors.EventDefinitionError(
                '%s: %r is not an EventDefinition; use define(name, '
                'event_type, level, payload, ...)' % (self.name, definition))
        if definition.name in self._by_name:
            raise errors.EventDefinitionError(
                '%s: event %s is defined twice' % (self.name,
                                                   definition.name))
        other = self._by_type.get(definition.event_type_str)
        if other is not None:
            raise errors.EventDefinitionError(
                '%s: event type %s of %s is already used by %s' % (
                    self.name, definition.event_type_str, definition.name,
                    other.name))
        definition.catalog = definition.catalog or self.name
        self._by_name[definition.name] = definition
        self._by_type[definition.event_type_str] = definition
        return definition

    def get(self, ref, status=None):
        """Resolve a definition, constant name or event type string."""
        found = self.find(ref, status)
        if found is None:
            raise errors.UnknownEventError(ref, sorted(self._by_name),
                                           'catalog %s' % self.name)
        return found

    def find(self, ref, status=None):
        if isinstance(ref, EventDefinition):
            found = ref
        elif not isinstance(ref, str):
            raise errors.UnknownEventError(
                ref, sorted(self._by_name), 'catalog %s (an event is '
                'named by its EventDefinition, constant name or event type '
                'string)' % self.name)
        else:
            found = self._by_name.get(ref) or self._by_type.get(ref)
            if found is None and isinstance(ref, str):
                found = self._find_variant(ref)
            if found is None:
                return None
        if status is not None and found.status is None:
            found = found.variant(status)
        return found

    def _find_variant(self, ref):
        match = _STATUS_SUFFIX.match(ref)
        if match:
            template = self._by_name.get(match.group('base'))
            if template is not None and template.status_variants:
                return template.variant(match.group('status'))
            return None
        head, _, status = ref.rpartition('.')
        template = self._by_type.get(head)
        if template is not None and template.status_variants and \
                status.isdigit():
            return template.variant(status)
        return None

    def __getitem__(self, ref):
        return self.get(ref)

    def __getattr__(self, name):
        if name.startswith('EVENT_'):
            try:
                return self.get(name)
            except errors.UnknownEventError as exc:
                raise AttributeError(str(exc)) from None
        raise AttributeError(name)

    def __contains__(self, ref):
        return self.find(ref) is not None

    def __iter__(self):
        return iter(self._by_name.values())

    def __len__(self):
        return len(self._by_name)

    def definitions(self):
        return list(self._by_name.values())

    def names(self):
        return sorted(self._by_name)

    def lifecycle_events(self, ref):
        """``{'start': def, 'end': def, 'error': def}`` around ``ref``.

        ``ref`` is any of the three, or the phase-less event type.  Phases
        the catalog does not define are left out.
        """
        definition = self.find(ref)
        if definition is not None:
            etype = definition.event_type
        else:
            etype = eventtype.EventType.parse(ref)
        out = {}
        for phase in fields.PHASES:
            found = self._by_type.get(etype.with_phase(phase).format())
            if found is not None:
                out[phase] = found
        if 'start' not in out and 'end' not in out:
            raise errors.UnknownEventError(
                '%s.start/.end' % etype.with_phase(None).format(),
                sorted(self._by_type), 'catalog %s' % self.name)
        return out

    def payload_classes(self):
        """Every payload class the catalog uses, nested ones included."""
        classes = [d.payload for d in self]
        if self.objects is not None:
            classes.extend(self.objects.classes())
        return introspect.with_nested(classes)


def _lint_ignore(where, waivers):
    """``lint_ignore={'TID001': 'why'}``: the ``tidings catalog check``
    findings this event waives, each with its reason."""
    if waivers is None:
        return {}
    if not isinstance(waivers, dict) or not all(
            isinstance(code, str) and _LINT_CODE.match(code)
            and isinstance(why, str) and why.strip()
            for code, why in waivers.items()):
        raise errors.EventDefinitionError(
            '%s: lint_ignore %r: expected a dict of finding code to reason, '
            'e.g. {\'TID001\': \'the payload carries the exception as '
            'text\'} (codes: tidings catalog check)' % (where, waivers))
    return dict(waivers)


def status_metric(metric, status):
    """``mdb.req.create_table`` or ``mdb.req.create_table.error`` with
    status 404 give ``mdb.req.create_table.error.404``."""
    if not metric.endswith('.error'):
        metric += '.error'
    return '%s.%s' % (metric, status)

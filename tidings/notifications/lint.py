"""Catalog lint: what a catalog author gets wrong without any test failing.

:func:`check` runs every check of :data:`CHECKS` over one
:class:`~tidings.notifications.registry.EventRegistry` and returns
:class:`Finding` objects; ``tidings catalog check`` prints them.  The checks
are pure functions of the registry (no configuration, no I/O), so a
service's unit test can assert its catalog is clean::

    from tidings.notifications import lint
    findings = lint.check(EVENTS)
    assert not lint.failing(findings), lint.report(findings)

Each finding has a stable code (``TID001``...) and a severity: ``error``
(an event that cannot work as its catalog says: the failure is silent at
run time), ``warning`` (very likely a mistake) or ``info`` (worth knowing,
often intended).  An event waives a finding with a reason::

    EVENTS.define(..., lint_ignore={'TID001': 'the spec carries the '
                                    'exception as text traits'})

and a payload class with ``LINT_IGNORE = {'TID030': 'reason'}``.  A waived
finding is still reported, as info, with its reason.

Removed events (``removed=``) are never emitted: no check looks at them.
"""

from tidings import backends
from tidings.notifications import lifecycle
from tidings.notifications import payload as payload_mod
from tidings.objects import fields

ERROR = 'error'
WARNING = 'warning'
INFO = 'info'
#: Severities, most severe first.
SEVERITIES = (ERROR, WARNING, INFO)

#: Levels Ceilometer's event endpoint drops: it reads the ``info`` and
#: ``error`` priorities only.
CEILOMETER_DROPPED = ('debug', 'audit', 'warn', 'critical', 'sample')
#: Levels below ``warn``: an ``.error`` event there is filtered out with
#: the successes by a ``[notifications] level`` threshold.
_BELOW_WARN = ('debug', 'info', 'audit')

#: code: (severity, what the check finds).  The table in the developer
#: guide lists the same; a test keeps them in step.
CHECKS = {
    'TID001': (ERROR, 'an .error event whose payload cannot carry the '
                      'exception'),
    'TID002': (ERROR, 'the exception field of an .error payload is not '
                      'nullable, and .start/.end send the same payload'),
    'TID003': (INFO, 'an .error payload the lifecycle helpers cannot build '
                     'from the .start payload'),
    'TID010': (ERROR, 'a lifecycle with .start and no .end'),
    'TID011': (WARNING, 'a lifecycle with no .error'),
    'TID012': (WARNING, 'a lifecycle with .end and no .start'),
    'TID013': (INFO, 'an .error event with no .start, .end or phase-less '
                     'event'),
    'TID020': (ERROR, 'an event with no sample input'),
    'TID030': (INFO, 'payload fields with no description'),
    'TID040': (INFO, 'a level Ceilometer-style consumers drop'),
    'TID041': (WARNING, 'an .error event at a level below warn'),
    'TID050': (WARNING, 'the statsd mechanism with no metric name'),
    'TID051': (WARNING, 'metric names without the statsd mechanism'),
    'TID052': (WARNING, 'an event with no delivery mechanism that is not '
                        'removed'),
    'TID060': (INFO, 'an event with no description'),
}


class Finding:
    """One problem of one event (or payload class) of one catalog.

    ``subject`` is the event's constant name (a payload finding: the
    payload class name), ``where`` its event type (a payload finding:
    ``payload <namespace>.<Name> <VERSION>``).  ``waived`` is the reason
    the catalog gives for accepting it, or None; a waived finding counts
    as info.
    """

    __slots__ = ('code', 'catalog', 'subject', 'where', 'problem', 'advice',
                 'waived', 'definition')

    def __init__(self, code, catalog, subject, where, problem, advice,
                 waived=None, definition=None):
        self.code = code
        self.catalog = catalog
        self.subject = subject
        self.where = where
        self.problem = problem
        self.advice = advice
        self.waived = waived
        #: The EventDefinition of an event finding, else None.
        self.definition = definition

    @property
    def check_severity(self):
        """The severity of the check, waived or not."""
        return CHECKS[self.code][0]

    @property
    def severity(self):
        return INFO if self.waived else self.check_severity

    def __str__(self):
        if self.waived:
            return '%s %s (%s): %s waived %s: %s; waived: %s' % (
                self.catalog, self.subject, self.where, self.code,
                self.check_severity, self.problem, self.waived)
        return '%s %s (%s): %s %s: %s; %s' % (
            self.catalog, self.subject, self.where, self.code,
            self.severity, self.problem, self.advice)

    def as_dict(self):
        return {'catalog': self.catalog, 'subject': self.subject,
                'where': self.where, 'code': self.code,
                'severity': self.severity,
                'check_severity': self.check_severity,
                'problem': self.problem, 'advice': self.advice,
                'waived': self.waived}

    def __repr__(self):
        return '<Finding %s %s %s>' % (self.code, self.catalog, self.subject)


def check(registry):
    """Every finding of ``registry``: events in registry order, then
    payload classes."""
    live = [d for d in registry if not d.removed]
    groups = {}
    for definition in live:
        groups.setdefault(definition.event_type.with_phase(None).format(),
                          []).append(definition)
    out = []
    for definition in live:
        for rule in _EVENT_RULES:
            out.extend(rule(groups, definition))
    out.extend(_lifecycles(groups))
    order = {id(d): i for i, d in enumerate(live)}
    out.sort(key=lambda f: (order[id(f.definition)], f.code))
    for cls in registry.payload_classes():
        out.extend(_field_descriptions(registry, cls))
    return out


def check_all(registries):
    out = []
    for registry in registries:
        out.extend(check(registry))
    return out


def counts(findings):
    """``{'error': n, 'warning': n, 'info': n, 'waived': n}``."""
    out = dict.fromkeys(SEVERITIES, 0)
    out['waived'] = 0
    for finding in findings:
        out[finding.severity] += 1
        if finding.waived:
            out['waived'] += 1
    return out


def failing(findings, strict=False):
    """The findings that fail a check: errors, and warnings when
    ``strict``."""
    bad = (ERROR, WARNING) if strict else (ERROR,)
    return [f for f in findings if f.severity in bad]


def report(findings):
    """One line per finding."""
    return '\n'.join(str(f) for f in findings)


# -- helpers -------------------------------------------------------------

def _finding(code, definition, problem, advice, waivers=None):
    waivers = waivers if waivers is not None else [definition]
    reason = None
    for waiver in waivers:
        reason = waiver.lint_ignore.get(code)
        if reason:
            break
    name = definition.name
    where = definition.event_type_str
    if definition.status_variants:
        name += '_<status>'
        where += '.<status>'
    return Finding(code, definition.catalog, name, where, problem, advice,
                   reason, definition)


def exception_field(cls):
    """``(name, field)`` of the first field of ``cls`` holding an
    ExceptionPayload, nullable or not; None when it has none.

    The lifecycle helpers fill the first such field when the activity
    fails (see ``lifecycle._fault_field``: a field the notifier can
    resolve in the payload's object registry, not a list).
    """
    found = lifecycle._fault_field(cls)
    if found is None:
        return None
    return found[0], cls.fields[found[0]]


# -- event checks --------------------------------------------------------

def _error_payload(groups, definition):
    """TID001, TID002, TID003: can the .error event carry its exception,
    and can the lifecycle helpers build its payload?"""
    if definition.event_type.phase != 'error':
        return
    cls = definition.payload
    if issubclass(cls, payload_mod.ExceptionPayload):
        return
    siblings = _siblings(groups, definition)
    found = exception_field(cls)
    if found is None:
        yield _finding(
            'TID001', definition,
            'payload %s %s has no field holding an ExceptionPayload, so the '
            'notification says nothing of the exception (the lifecycle '
            'helpers send the payload as it is)' % (cls.obj_name(),
                                                    cls.VERSION),
            'add a nullable ObjectField of your namespace\'s '
            'ExceptionPayload subclass (e.g. fault; a minor version bump), '
            'or waive with lint_ignore={\'TID001\': reason} when the payload '
            'carries the exception its own way')
    else:
        name, field = found
        shared = [d for d in siblings if d.payload is cls and
                  d.event_type.phase in ('start', 'end')]
        if not field.nullable and shared:
            yield _finding(
                'TID002', definition,
                '%s.%s is not nullable, but %s send%s the same payload, '
                'where there is no exception: the lifecycle helpers set it '
                'only on error, so those notifications miss a required '
                'field' % (cls.obj_name(), name, ' and '.join(
                    '.' + d.event_type.phase for d in shared),
                    '' if len(shared) > 1 else 's'),
                'make %s nullable (a major version bump once released)'
                % name)
    # The lifecycle helpers build the .error payload from the lifecycle's
    # payload (the .start one, else the .end one): a clone with the
    # exception field set.
    first = [d for d in siblings if d.event_type.phase == 'start'] or \
        [d for d in siblings if d.event_type.phase == 'end']
    if first and not issubclass(first[0].payload, cls):
        first = first[0]
        yield _finding(
            'TID003', definition,
            'payload %s is not the .%s payload %s: the lifecycle helpers '
            'cannot build it from the lifecycle payload and, unless given '
            'error_payload=, log an error instead of notifying' % (
                cls.obj_name(), first.event_type.phase,
                first.payload.obj_name()),
            'pass error_payload=callable(exc) to notifier.lifecycle() or '
            'emits_lifecycle(), or use the lifecycle payload class')


def _sample(groups, definition):
    if definition.sample is None:
        yield _finding(
            'TID020', definition,
            'no sample input: no JSON sample, no schema example and no '
            'regression test for this event',
            'pass sample=callable returning a payload with fixed values to '
            'define(), then run tidings samples generate')


def _ceilometer_level(groups, definition):
    if definition.level in CEILOMETER_DROPPED:
        yield _finding(
            'TID040', definition,
            'level %s: Ceilometer\'s event endpoint reads only the info and '
            'error priorities and drops this event' % definition.level,
            'use info (or error) if Ceilometer-style consumers should store '
            'it; otherwise nothing to do')


def _error_level(groups, definition):
    if definition.event_type.phase == 'error' and \
            definition.level in _BELOW_WARN:
        yield _finding(
            'TID041', definition,
            'an .error event at level %s: a [notifications] level threshold '
            'that drops the successes drops the failures too' %
            definition.level,
            'use level error')


def _mechanisms(groups, definition):
    mechanisms = definition.mechanisms
    if 'statsd' in mechanisms and not definition.metrics:
        yield _finding(
            'TID050', definition,
            'delivered to statsd with no metric name: the statsd backend '
            'sends nothing for it',
            'name its counter/timer with metrics=[...], or drop statsd from '
            'mechanisms')
    if definition.metrics and 'statsd' not in mechanisms:
        yield _finding(
            'TID051', definition,
            'metrics %s are never sent: statsd is not among its mechanisms '
            '(%s)' % (', '.join(definition.metrics),
                      ', '.join(mechanisms) or 'none'),
            'add statsd to mechanisms, or drop the metrics')
    if not mechanisms:
        yield _finding(
            'TID052', definition,
            'no delivery mechanism: the event is defined and never '
            'delivered, yet not marked removed',
            'list its mechanisms (installed backends serve: %s), or mark '
            'it removed=<release>' % backends.describe())


def _description(groups, definition):
    if not definition.description.strip():
        yield _finding(
            'TID060', definition,
            'no description: the events table of the reference says '
            'nothing of when it is sent',
            'pass description= to define()')


_EVENT_RULES = (_error_payload, _sample,
                _ceilometer_level, _error_level, _mechanisms, _description)


# -- lifecycles ----------------------------------------------------------

def _siblings(groups, definition):
    """The live definitions of the same ``[prefix.]object.action`` (the
    other phases, and the phase-less event)."""
    base = definition.event_type.with_phase(None).format()
    return [d for d in groups.get(base, ()) if d is not definition]


def _lifecycles(groups):
    for base, members in groups.items():
        phases = {d.event_type.phase: d for d in members}
        start, end, error = (phases.get(p) for p in fields.PHASES)
        if start is not None and end is None:
            yield _finding(
                'TID010', start,
                '.start with no %s.end: the lifecycle never reports success '
                '(Lifecycle.end() sends nothing)' % base,
                'define %s.end' % base, members)
        if (start or end) is not None and error is None:
            yield _finding(
                'TID011', start or end,
                'no %s.error: a failed %s is silent (Lifecycle.error() sends '
                'nothing)' % (base, base),
                'define %s.error at level error, with a nullable exception '
                'field' % base, members)
        if end is not None and start is None:
            yield _finding(
                'TID012', end,
                '.end with no %s.start: consumers cannot see the activity in '
                'progress, nor when it began' % base,
                'define %s.start' % base, members)
        if error is not None and start is None and end is None and \
                None not in phases:
            yield _finding(
                'TID013', error,
                'a failure report of its own (no %s.start, .end nor %s): '
                'the lifecycle helpers cannot send it' % (base, base),
                'notify it directly; nothing to do if intended', members)


# -- payloads ------------------------------------------------------------

def described(cls, name):
    """Whether field ``name`` of ``cls`` has a description in the
    reference: ``FIELD_DESCRIPTIONS[name]``, or a ``SCHEMA`` source (the
    reference then says where the field comes from)."""
    return bool(getattr(cls, 'FIELD_DESCRIPTIONS', {}).get(name) or
                getattr(cls, 'SCHEMA', {}).get(name))


def _field_descriptions(registry, cls):
    missing = sorted(name for name in cls.fields if not described(cls, name))
    if not missing:
        return
    reason = getattr(cls, 'LINT_IGNORE', {}).get('TID030')
    yield Finding(
        'TID030', registry.name, cls.obj_name(),
        'payload %s.%s %s' % (cls.OBJ_PROJECT_NAMESPACE, cls.obj_name(),
                              cls.VERSION),
        '%d of %d field(s) with no description: %s' % (
            len(missing), len(cls.fields), ', '.join(missing)),
        'describe them in FIELD_DESCRIPTIONS = {\'field\': \'text\'} on the '
        'payload class (the Description column of the reference)', reason)

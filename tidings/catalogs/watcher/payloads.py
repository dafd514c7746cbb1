"""Payloads of the Watcher audit notifications, in namespace ``watcher``.

Their wire form is the one the spec's JSON examples show, key for key.
Choices where the spec's Python listing and its JSON examples disagree
(the examples win, they are the wire contract):

- ``goal_uuid`` and ``strategy_uuid`` of the listing are not fields: no
  example carries them, and ``goal.uuid`` / ``strategy.uuid`` hold the same
  values.
- ``scope`` is a field (every example has ``"scope": []``); the listing
  forgot it.
- the nested objects are ``GoalPayload`` and ``StrategyPayload`` (the
  listing says ``Goal`` / ``Strategy``, the examples the payload names).
- ``state`` and ``audit_type`` are enums of Watcher's audit states and
  types rather than free strings, so a typo is caught at the emitter.
"""

from tidings.catalogs import common
from tidings.notifications import payload as payload_mod
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('watcher')

#: Watcher's audit states (watcher.objects.audit.State).
AUDIT_STATES = ('PENDING', 'ONGOING', 'SUCCEEDED', 'FAILED', 'CANCELLED',
                'SUSPENDED', 'DELETED')
#: Watcher's audit types.
AUDIT_TYPES = ('ONESHOT', 'CONTINUOUS', 'EVENT')

_DATES = ('created_at', 'updated_at', 'deleted_at')


@OBJECTS.register
class ExceptionPayload(payload_mod.ExceptionPayload):
    """The fault of an ``.error`` notification."""

    VERSION = '1.0'


@OBJECTS.register
class GoalPayload(payload_mod.Payload):
    """The goal an audit works towards."""

    VERSION = '1.0'
    SCHEMA = {name: ('goal', name) for name in (
        'uuid', 'name', 'display_name', 'efficacy_specification') + _DATES}
    fields = {
        'uuid': fields.UUIDField(),
        'name': fields.StringField(),
        'display_name': fields.StringField(),
        'efficacy_specification': common.JsonListField(default=[]),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'deleted_at': fields.DateTimeField(nullable=True),
    }


@OBJECTS.register
class StrategyPayload(payload_mod.Payload):
    """The strategy an audit runs."""

    VERSION = '1.0'
    SCHEMA = {name: ('strategy', name) for name in (
        'uuid', 'name', 'display_name', 'parameters_spec') + _DATES}
    fields = {
        'uuid': fields.UUIDField(),
        'name': fields.StringField(),
        'display_name': fields.StringField(),
        'parameters_spec': common.JsonDictField(nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'deleted_at': fields.DateTimeField(nullable=True),
    }


@OBJECTS.register
class AuditPayload(payload_mod.Payload):
    """An audit, with its goal and strategy nested.

    Build it from the service's objects (attributes or dict keys)::

        AuditCreatePayload.from_audit(audit, goal, strategy)
    """

    VERSION = '1.0'
    SCHEMA = {name: ('audit', name) for name in (
        'uuid', 'audit_type', 'state', 'parameters', 'interval', 'scope')
        + _DATES}
    fields = {
        'uuid': fields.UUIDField(),
        'audit_type': fields.EnumField(AUDIT_TYPES),
        'state': fields.EnumField(AUDIT_STATES),
        'parameters': common.JsonDictField(nullable=True),
        'interval': fields.IntegerField(nullable=True),
        'scope': common.JsonListField(default=[]),
        'goal': fields.ObjectField('GoalPayload'),
        'strategy': fields.ObjectField('StrategyPayload', nullable=True),
        'created_at': fields.DateTimeField(nullable=True),
        'updated_at': fields.DateTimeField(nullable=True),
        'deleted_at': fields.DateTimeField(nullable=True),
    }

    @classmethod
    def from_audit(cls, audit, goal, strategy=None, **extra):
        """The payload of ``audit``; ``extra`` sets the subclass's own
        fields (``state_update``, ``fault``)."""
        payload = cls.from_sources(audit=audit)
        payload.goal = GoalPayload.from_sources(goal=goal)
        payload.strategy = (None if strategy is None else
                            StrategyPayload.from_sources(strategy=strategy))
        for name, value in extra.items():
            payload._set_field(name, value)
        return payload


@OBJECTS.register
class AuditCreatePayload(AuditPayload):
    """``audit.create``."""

    VERSION = '1.0'


@OBJECTS.register
class AuditDeletePayload(AuditPayload):
    """``audit.delete`` (a soft delete: state ``DELETED``)."""

    VERSION = '1.0'


@OBJECTS.register
class AuditStateUpdatePayload(payload_mod.Payload):
    """The state transition an ``audit.update`` reports."""

    VERSION = '1.0'
    fields = {
        'old_state': fields.EnumField(AUDIT_STATES, nullable=True),
        'state': fields.EnumField(AUDIT_STATES, nullable=True),
    }


@OBJECTS.register
class AuditUpdatePayload(AuditPayload):
    """``audit.update``: the audit and its state transition."""

    VERSION = '1.0'
    fields = dict(AuditPayload.fields, state_update=fields.ObjectField(
        'AuditStateUpdatePayload'))


@OBJECTS.register
class AuditActionPayload(AuditPayload):
    """``audit.strategy.*`` and ``audit.planner.*``; ``fault`` is set on
    ``.error`` and null on ``.start``/``.end``."""

    VERSION = '1.0'
    fields = dict(AuditPayload.fields, fault=fields.ObjectField(
        'ExceptionPayload', nullable=True))

    @classmethod
    def from_audit(cls, audit, goal, strategy=None, fault=None, **extra):
        """As AuditPayload.from_audit; ``fault`` is always on the wire,
        null unless given."""
        return super().from_audit(audit, goal, strategy, fault=fault,
                                  **extra)

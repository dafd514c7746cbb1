"""The Watcher audit catalog: the nine audit notifications.

``audit.create|update|delete``, ``audit.strategy.start|end|error`` and
``audit.planner.start|end|error``, published as ``infra-optim:<host>``
(every definition has source ``infra-optim``), delivered by messaging.
``.error`` events are at level ``error`` (priority ``ERROR``), the others
at ``info``, as the spec's examples show.

The samples are the spec's examples: the same audits, goal, strategy and
fault, so the generated documentation samples match the spec key for key.

Spec slips and choices (see also :mod:`.payloads`):

- the examples' ``timestamp`` ends in three spaces
  (``"2016-11-04 16:31:36.264673   "``); the wire timestamp has none.
- ``audit.update`` is documented as covering "all state updates including
  the deletion"; ``audit.delete`` is emitted as well for the soft delete,
  as the spec's list says.
"""

import datetime

from tidings.catalogs.watcher import payloads
from tidings.notifications import registry

SOURCE = 'infra-optim'
MECHANISMS = ('messaging',)

_UTC = datetime.timezone.utc
GOAL = {
    'uuid': 'bc830f84-8ae3-4fc6-8bc6-e3dd15e8b49a',
    'name': 'dummy',
    'display_name': 'Dummy goal',
    'efficacy_specification': [],
    'created_at': datetime.datetime(2016, 11, 4, 16, 25, 35, tzinfo=_UTC),
    'updated_at': None,
    'deleted_at': None,
}
STRATEGY = {
    'uuid': '75234dfe-87e3-4f11-a0e0-3c3305d86a39',
    'name': 'dummy',
    'display_name': 'Dummy strategy',
    'parameters_spec': {'properties': {
        'para1': {'description': 'number parameter example',
                  'type': 'number', 'default': 3.2, 'minimum': 1.0,
                  'maximum': 10.2},
        'para2': {'description': 'string parameter example',
                  'type': 'string', 'default': 'hello'},
    }},
    'created_at': datetime.datetime(2016, 11, 4, 16, 25, 35, tzinfo=_UTC),
    'updated_at': None,
    'deleted_at': None,
}


def audit(state='PENDING', uuid='4a97b9dd-2023-43dc-b713-815bdd94d4d6',
          created_at=datetime.datetime(2016, 11, 4, 16, 29, 20,
                                       tzinfo=_UTC)):
    """The spec's example audit (a dict source for ``from_audit``)."""
    return {
        'uuid': uuid, 'audit_type': 'ONESHOT', 'state': state,
        'parameters': {'para1': 3.2, 'para2': 'hello'}, 'interval': None,
        'scope': [], 'created_at': created_at, 'updated_at': None,
        'deleted_at': None,
    }


def sample_fault():
    return payloads.ExceptionPayload(
        module_name='watcher.tests.notifications.test_audit_notification',
        function_name='test_send_audit_action_with_error',
        exception='WatcherException', exception_message='TEST')


def sample_create():
    return payloads.AuditCreatePayload.from_audit(audit(), GOAL, STRATEGY)


def sample_update():
    return payloads.AuditUpdatePayload.from_audit(
        audit('ONGOING', 'f1e0d912-afd9-4bf2-91ef-c99cd08cc1ef',
              datetime.datetime(2016, 11, 4, 16, 51, 21, tzinfo=_UTC)),
        GOAL, STRATEGY, state_update=payloads.AuditStateUpdatePayload(
            old_state='PENDING', state='ONGOING'))


def sample_delete():
    return payloads.AuditDeletePayload.from_audit(audit('DELETED'), GOAL,
                                                  STRATEGY)


def sample_action():
    return payloads.AuditActionPayload.from_audit(audit('ONGOING'), GOAL,
                                                  STRATEGY)


def sample_action_error():
    return payloads.AuditActionPayload.from_audit(
        audit('ONGOING'), GOAL, STRATEGY, fault=sample_fault())


EVENTS = registry.EventRegistry(
    'watcher', lock='../payloads.lock.json', objects=payloads.OBJECTS,
    description='Watcher audits: lifecycle, strategy execution and '
                'planning (watcher-audit-versioned-notifications).')


def _define(name, event_type, level, payload, sample, description):
    return EVENTS.define(name, event_type, level, payload,
                         mechanisms=MECHANISMS, source=SOURCE, sample=sample,
                         description=description)


EVENT_TYPE_AUDIT_CREATE = _define(
    'EVENT_TYPE_AUDIT_CREATE', 'audit.create', 'info',
    payloads.AuditCreatePayload, sample_create,
    'An audit was created.')
EVENT_TYPE_AUDIT_UPDATE = _define(
    'EVENT_TYPE_AUDIT_UPDATE', 'audit.update', 'info',
    payloads.AuditUpdatePayload, sample_update,
    'An audit was updated; state_update gives the old and new state '
    '(every state change, deletion included).')
EVENT_TYPE_AUDIT_DELETE = _define(
    'EVENT_TYPE_AUDIT_DELETE', 'audit.delete', 'info',
    payloads.AuditDeletePayload, sample_delete,
    'An audit was (soft) deleted.')
EVENT_TYPE_AUDIT_STRATEGY_START = _define(
    'EVENT_TYPE_AUDIT_STRATEGY_START', 'audit.strategy.start', 'info',
    payloads.AuditActionPayload, sample_action,
    'The decision engine starts the strategy of an audit.')
EVENT_TYPE_AUDIT_STRATEGY_END = _define(
    'EVENT_TYPE_AUDIT_STRATEGY_END', 'audit.strategy.end', 'info',
    payloads.AuditActionPayload, sample_action,
    'The strategy of an audit finished and produced a solution.')
EVENT_TYPE_AUDIT_STRATEGY_ERROR = _define(
    'EVENT_TYPE_AUDIT_STRATEGY_ERROR', 'audit.strategy.error', 'error',
    payloads.AuditActionPayload, sample_action_error,
    'The strategy of an audit failed; fault says why.')
EVENT_TYPE_AUDIT_PLANNER_START = _define(
    'EVENT_TYPE_AUDIT_PLANNER_START', 'audit.planner.start', 'info',
    payloads.AuditActionPayload, sample_action,
    'The planner starts scheduling the solution of an audit.')
EVENT_TYPE_AUDIT_PLANNER_END = _define(
    'EVENT_TYPE_AUDIT_PLANNER_END', 'audit.planner.end', 'info',
    payloads.AuditActionPayload, sample_action,
    'The planner scheduled the solution of an audit (an action plan).')
EVENT_TYPE_AUDIT_PLANNER_ERROR = _define(
    'EVENT_TYPE_AUDIT_PLANNER_ERROR', 'audit.planner.error', 'error',
    payloads.AuditActionPayload, sample_action_error,
    'Planning the solution of an audit failed; fault says why.')

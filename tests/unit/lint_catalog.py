"""Payloads and small catalogs for the catalog lint tests (namespace
``linttest``); importable, so ``tidings catalog check --catalog
tests.unit.lint_catalog:BROKEN`` loads them."""

from tidings.notifications import payload as payload_mod
from tidings.notifications import registry
from tidings.objects import base
from tidings.objects import fields

OBJECTS = base.ObjectRegistry('linttest')
#: Payloads with undescribed fields, kept out of OBJECTS (whose every
#: class a catalog's lint looks at).
UNDESCRIBED = base.ObjectRegistry('lintundoc')


@OBJECTS.register
class ExceptionPayload(payload_mod.ExceptionPayload):
    VERSION = '1.0'


@OBJECTS.register
class JobPayload(payload_mod.Payload):
    """A job; ``fault`` is set on error only."""

    VERSION = '1.0'
    fields = {
        'name': fields.StringField(),
        'fault': fields.ObjectField('ExceptionPayload', nullable=True),
    }
    FIELD_DESCRIPTIONS = {'name': 'The job name.',
                          'fault': 'Why the job failed.'}


@OBJECTS.register
class StrictFaultPayload(payload_mod.Payload):
    VERSION = '1.0'
    fields = {
        'name': fields.StringField(),
        'fault': fields.ObjectField('ExceptionPayload'),
    }
    FIELD_DESCRIPTIONS = {'name': 'The job name.',
                          'fault': 'Why the job failed.'}


@OBJECTS.register
class PlainPayload(payload_mod.Payload):
    """No field for an exception."""

    VERSION = '1.0'
    fields = {'name': fields.StringField()}
    FIELD_DESCRIPTIONS = {'name': 'The job name.'}


@UNDESCRIBED.register
class UndescribedPayload(payload_mod.Payload):
    VERSION = '1.0'
    SCHEMA = {'name': ('job', 'name')}
    fields = {
        'name': fields.StringField(),
        'size': fields.IntegerField(),
        'owner': fields.StringField(nullable=True),
    }


def sample_job():
    return JobPayload(name='nightly')


def job_lifecycle(events, error_payload=JobPayload, **error_options):
    """``job.run.start/end/error`` in ``events``; the .error definition."""
    for phase in ('start', 'end'):
        events.define('EVENT_JOB_RUN_%s' % phase.upper(),
                      'job.run.%s' % phase, 'info', JobPayload,
                      sample=sample_job, description='A job %ss.' % phase)
    return events.define('EVENT_JOB_RUN_ERROR', 'job.run.error', 'error',
                         error_payload,
                         sample=lambda: error_payload(name='nightly'),
                         description='A job failed.', **error_options)


def _catalog(name):
    return registry.EventRegistry(name, objects=OBJECTS)


#: No finding at all.
CLEAN = _catalog('lintclean')
job_lifecycle(CLEAN)

#: One warning: a lifecycle without .error (TID011).
WARNS = _catalog('lintwarns')
WARNS.define('EVENT_JOB_RUN_START', 'job.run.start', 'info', JobPayload,
             sample=sample_job, description='A job starts.')
WARNS.define('EVENT_JOB_RUN_END', 'job.run.end', 'info', JobPayload,
             sample=sample_job, description='A job ended.')

#: One error: an .error event that cannot carry its exception (TID001).
BROKEN = _catalog('lintbroken')
job_lifecycle(BROKEN, error_payload=PlainPayload)

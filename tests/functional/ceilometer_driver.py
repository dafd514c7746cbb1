"""Feed notifications through Ceilometer's own notification endpoints.

Runs inside the Ceilometer virtualenv (:mod:`ceilometer_peer`), never in
tidings' interpreter: it imports only Ceilometer and the standard library.
It reads one JSON request on standard input, one or more runs::

    {"runs": [{"event_definitions": "<event_definitions.yaml>",
               "meters_dir": "<folder holding the meters .yaml>" or null,
               "messages": [<wire message>, ...]}, ...]}

and prints one JSON object on its last line of output.  Each message is
turned into what oslo.messaging's notification dispatcher hands an endpoint
(``ctxt``, ``publisher_id``, ``event_type``, ``payload`` and ``metadata``
with ``message_id`` and ``timestamp``; the priority lower-cased), then
given to the endpoint method named for its priority, as the notification
agent does: :class:`ceilometer.pipeline.event.EventEndpoint` (the event
definitions, through ``NotificationEventsConverter``) and
:class:`ceilometer.meter.notifications.ProcessMeterNotifications` (the
meter definitions).  A priority an endpoint does not read reaches its
``_consume_and_drop`` method, exactly as on a live agent.

The answer says which priorities each endpoint reads and, per run, the
errors Ceilometer logged while loading, the meters it loaded and, per
message, which definition matched, the Event's traits, the samples and
what Ceilometer logged while converting it.
"""

import datetime
import json
import logging
import sys
import warnings

warnings.filterwarnings('ignore')

# The priorities oslo.messaging dispatches (oslo_messaging.notify.dispatcher).
PRIORITIES = ('audit', 'debug', 'info', 'warn', 'error', 'critical',
              'sample')


class Recorder(logging.Handler):
    """Collects what Ceilometer logs at WARNING and above."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.lines = []

    def emit(self, record):
        self.lines.append('%s: %s' % (record.levelname, record.getMessage()))

    def take(self):
        lines, self.lines = self.lines, []
        return lines


class Publisher:
    """What an endpoint publishes through: ``with publisher as p: p(x)``."""

    def __init__(self):
        self.published = []

    def __enter__(self):
        return self.published.append

    def __exit__(self, *exc):
        return False


def _reads(endpoint_class, priority):
    """Whether ``endpoint_class`` handles ``priority`` (not the base
    class's consume-and-drop)."""
    from ceilometer.pipeline import base
    method = getattr(endpoint_class, priority, None)
    return (method is not None and getattr(method, '__func__', method)
            is not getattr(base.NotificationEndpoint._consume_and_drop,
                           '__func__', None))


def _incoming(message):
    """The dict oslo.messaging's dispatcher gives an endpoint."""
    ctxt = {key[len('_context_'):]: value for key, value in message.items()
            if key.startswith('_context_')}
    return {'ctxt': ctxt,
            'publisher_id': message.get('publisher_id'),
            'event_type': message.get('event_type'),
            'payload': message.get('payload'),
            'metadata': {'message_id': message.get('message_id'),
                         'timestamp': message.get('timestamp')}}


def _jsonable(value):
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def _speed_up():
    """Two caches that change how fast Ceilometer loads definitions, not
    what it loads (a generated file of a few hundred events takes it about
    30 s per format otherwise):

    - jsonpath-rw builds ply's LALR tables again for every path it parses
      (``ply.yacc.yacc`` per ``parse``, by design: "it doesn't actually
      take that long"); here they are built once per parser and start
      symbol, and each parse still runs on its own lexer;
    - Ceilometer reads the YAML with ``yaml.safe_load``, the pure Python
      loader; here the C loader of the same safe schema reads it when
      libyaml is there.
    """
    import ply.yacc
    import yaml

    built = {}
    yacc = ply.yacc.yacc

    def cached_yacc(*args, **kwargs):
        module = kwargs.get('module')
        if module is None or args:
            return yacc(*args, **kwargs)
        key = (id(module), kwargs.get('start'))
        found = built.get(key)
        if found is None:
            # The module is kept with its tables so its id is never reused.
            found = built[key] = (module, yacc(*args, **kwargs))
        return found[1]

    ply.yacc.yacc = cached_yacc
    loader = getattr(yaml, 'CSafeLoader', None)
    if loader is not None:
        yaml.safe_load = lambda stream: yaml.load(stream, Loader=loader)


def _run(conf, recorder, run):
    """One run: load ``run``'s definitions, feed its messages."""
    from ceilometer.meter import notifications as meter_notifications
    from ceilometer.pipeline import event as event_pipeline

    conf.set_override('definitions_cfg_file', run['event_definitions'],
                      group='event')
    meters_dir = run.get('meters_dir')
    # Only our meters: Ceilometer's own meters.d knows none of our events
    # (and its trove.instance.exists would shadow ours).
    conf.set_override('meter_definitions_dirs',
                      [meters_dir] if meters_dir else ['/nonexistent'],
                      group='meter')
    answer = {'load_errors': [], 'meter_load_errors': [], 'meter_names': [],
              'results': []}
    recorder.take()
    events_out = Publisher()
    try:
        events = event_pipeline.EventEndpoint(conf, events_out)
    except Exception as exc:
        answer['load_errors'].append('%s: %s' % (type(exc).__name__, exc))
        return answer
    answer['load_errors'].extend(recorder.take())
    samples_out = Publisher()
    meters = meter_notifications.ProcessMeterNotifications(conf, samples_out)
    answer['meter_load_errors'] = recorder.take()
    answer['meter_names'] = sorted(d.cfg['name'] for d in meters.definitions)
    converter = events.event_converter

    for message in run['messages']:
        incoming = _incoming(message)
        priority = (message.get('priority') or '').lower()
        edef = next((d for d in converter.definitions
                     if d.match_type(incoming['event_type'])), None)
        result = {'event_type': incoming['event_type'],
                  'priority': priority,
                  'matched': (None if edef is None or edef.is_catchall
                              else edef._included_types),
                  'event': None, 'samples': [], 'errors': []}
        del events_out.published[:]
        getattr(events, priority)([incoming])
        if events_out.published:
            event = events_out.published[0]
            result['event'] = {
                'event_type': event.event_type,
                'traits': {t.name: {'type': t.get_type_name(),
                                    'value': _jsonable(t.value)}
                           for t in event.traits}}
        del samples_out.published[:]
        try:
            getattr(meters, priority)([incoming])
        except Exception as exc:
            result['errors'].append('meter: %s: %s' % (type(exc).__name__,
                                                       exc))
        for batch in samples_out.published:
            for sample in batch:
                result['samples'].append({
                    key: _jsonable(getattr(sample, key)) for key in (
                        'name', 'type', 'unit', 'volume', 'user_id',
                        'project_id', 'resource_id')})
        result['errors'].extend(recorder.take())
        answer['results'].append(result)
    return answer


def main():
    request = json.load(sys.stdin)
    _speed_up()
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)

    from ceilometer.meter import notifications as meter_notifications
    from ceilometer.pipeline import event as event_pipeline
    from ceilometer import service

    conf = service.prepare_service(['ceilometer-driver'], [])
    # prepare_service sets up oslo.log; only what the recorder keeps
    # (warnings and errors) matters here.
    logging.getLogger().setLevel(logging.WARNING)
    answer = {
        'ceilometer': _version(),
        'event_priorities': [p for p in PRIORITIES if _reads(
            event_pipeline.EventEndpoint, p)],
        'meter_priorities': [p for p in PRIORITIES if _reads(
            meter_notifications.ProcessMeterNotifications, p)],
        'runs': [_run(conf, recorder, run) for run in request['runs']],
    }
    print(json.dumps(answer))
    return 0


def _version():
    from importlib import metadata
    return metadata.version('ceilometer')


if __name__ == '__main__':
    sys.exit(main())

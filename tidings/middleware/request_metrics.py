"""Request-metrics WSGI middleware: an event and StatsD metrics per request.

Wraps any WSGI application.  For each request it finds the endpoint in a
route table, then, when the response is done (the server closed it):

- emits the endpoint's event through the notifier -- the route's event
  (e.g. ``EVENT_TYPE_REQUEST_TABLE_CREATE``) on success, or on an HTTP
  status >= 400 the ``_ERROR_<status>`` variant of ``<event>_ERROR``
  (``EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR_404``), with the latency as the
  notification's ``duration_ms``;
- sends StatsD metrics through the statsd client, one sampling decision
  per request, per endpoint (``<metric>.*``, the metric defaulting to the
  event's first metric name, e.g. ``mdb.req.create_table``) and node-wide
  (``<node_metric>.*``, default ``api``):

  ====================  =====  ============================================
  ``.requests``         count  every request
  ``.errors.<status>``  count  HTTP status >= 400
  ``.latency``          ms     from the call to the end of the response
  ``.request_bytes``    count  body bytes received (read, or Content-Length)
  ``.response_bytes``   count  body bytes sent, counted as they pass
  ``.unmatched``        count  node-wide only: requests no route matched
  ====================  =====  ============================================

A route is ``(method, path, event)`` or ``(method, path, event, headers)``
or a dict with those keys (plus ``metric`` and ``error_event``): ``method``
is an HTTP method or ``*``; ``path`` is the full path (SCRIPT_NAME +
PATH_INFO) with ``{placeholders}`` for one segment each; ``headers`` maps
header names to the exact value required (the DynamoDB-compatible API
routes on ``X-Amz-Target``).  Events are resolved when the middleware is
built, so a typo fails at startup, naming the route.

The payload comes from ``payload_factory(environ, status, duration_ms,
request_bytes, response_bytes)``, called only when some backend delivers
the event.  The middleware has no payload class of its own: the catalog
whose events the routes name brings it, usually with the routes, as a
route profile module (``ROUTES``, ``payload_factory`` and optionally
``NODE_METRIC``, ``CATALOG``, ``SOURCE``; e.g.
:mod:`tidings.catalogs.magnetodb.routes`) given to :func:`for_routes` or
to the paste filter.  The matched route and its placeholder values are in
``environ['tidings.route']`` and ``environ['tidings.route_params']``, for
the application and factories.

Nothing here raises into the request: a failing factory or notifier is
logged once per burst and counted in :meth:`RequestMetricsMiddleware.stats`.
"""

import collections
import importlib
import logging
import re
import time

from tidings.backends import base as backend_base
from tidings.backends import statsd as statsd_backend
from tidings.objects import errors

LOG = logging.getLogger(__name__)

METHODS = ('GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS',
           'TRACE', 'CONNECT', '*')
_PLACEHOLDER = re.compile(r'\{([A-Za-z_][A-Za-z0-9_]*)\}')
_METRIC = re.compile(r'^[A-Za-z0-9_.-]+$')
#: environ keys where the middleware leaves the match for the application.
ROUTE_KEY = 'tidings.route'
PARAMS_KEY = 'tidings.route_params'


def full_path(environ):
    return (environ.get('SCRIPT_NAME', '') + environ.get('PATH_INFO', '')
            ) or '/'


class Route:
    """One endpoint: method, path pattern, optional headers, its event."""

    def __init__(self, method, path, event, headers=None, metric=None,
                 error_event=None):
        self.method = str(method).upper()
        self.path = path
        self.event_ref = event
        self.error_event_ref = error_event
        self.headers = dict(headers or {})
        self.metric = metric
        where = self.describe()
        if self.method not in METHODS:
            raise errors.RouteError(where, 'method %r is not one of %s' % (
                method, ', '.join(METHODS)))
        if not isinstance(path, str) or not path.startswith('/'):
            raise errors.RouteError(where, 'path %r must start with "/"'
                                    % (path,))
        if metric is not None and not _METRIC.match(metric):
            raise errors.RouteError(where, 'metric %r may hold only '
                                    'letters, digits, "_", "-" and "."'
                                    % (metric,))
        self.regex = compile_path(path)
        self._header_keys = tuple(
            ('HTTP_' + name.upper().replace('-', '_'), value)
            for name, value in self.headers.items())
        #: the header value that selected the route, e.g.
        #: ``DynamoDB_20120810.CreateTable`` (None without headers)
        self.action = (next(iter(self.headers.values()))
                       if self.headers else None)
        self.event = None
        self.error_event = None
        self.metric_base = metric

    @classmethod
    def make(cls, entry):
        """A Route from a Route, a tuple or a dict."""
        if isinstance(entry, Route):
            return entry
        if isinstance(entry, dict):
            try:
                return cls(**entry)
            except TypeError as exc:
                raise errors.RouteError(repr(entry), '%s; a route dict has '
                                        'method, path, event and optionally '
                                        'headers, metric, error_event' % exc)
        if isinstance(entry, (tuple, list)) and len(entry) in (3, 4):
            return cls(*entry)
        raise errors.RouteError(repr(entry), 'expected (method, path, '
                                'event[, headers]), a dict or a Route')

    def describe(self):
        text = '%s %s' % (self.method, self.path)
        if self.headers:
            text += ' [%s]' % ', '.join('%s: %s' % kv
                                        for kv in self.headers.items())
        return text

    def bind(self, notifier):
        """Resolve the events through ``notifier``'s catalogs."""
        where = self.describe()
        try:
            self.event = notifier.resolve(self.event_ref)
        except errors.UnknownEventError as exc:
            raise errors.RouteError(where, str(exc)) from None
        if self.event.status_variants or self.event.status is not None:
            raise errors.RouteError(where, 'event %s is an error event; '
                                    'name the success event, its _ERROR '
                                    'variants are found from it'
                                    % self.event.name)
        error_ref = self.error_event_ref or self.event.name + '_ERROR'
        try:
            self.error_event = notifier.resolve(error_ref)
        except errors.UnknownEventError as exc:
            raise errors.RouteError(where, 'error event: %s' % exc) from None
        if not self.error_event.status_variants:
            raise errors.RouteError(where, 'error event %s has no HTTP '
                                    'status variants (define it with '
                                    'status_variants=True)'
                                    % self.error_event.name)
        if self.metric_base is None:
            self.metric_base = (self.event.metrics[0] if self.event.metrics
                                else self.event.event_type_str)
        return self

    def match(self, method, path, environ):
        if self.method != method and self.method != '*':
            return None
        for key, value in self._header_keys:
            if environ.get(key) != value:
                return None
        found = self.regex.match(path)
        if found is None:
            return None
        return found.groupdict()

    def __repr__(self):
        return '<Route %s -> %s>' % (self.describe(), getattr(
            self.event, 'name', self.event_ref))


def compile_path(path):
    """A regex for a path pattern; ``{name}`` matches one segment."""
    parts = []
    pos = 0
    for found in _PLACEHOLDER.finditer(path):
        parts.append(re.escape(path[pos:found.start()]))
        parts.append('(?P<%s>[^/]+)' % found.group(1))
        pos = found.end()
    parts.append(re.escape(path[pos:]))
    body = ''.join(parts).rstrip('/')
    return re.compile('^%s/?$' % body)


class _CountingInput:
    """wsgi.input that counts the body bytes the application reads."""

    __slots__ = ('_stream', 'count')

    def __init__(self, stream):
        self._stream = stream
        self.count = 0

    def read(self, *args):
        data = self._stream.read(*args)
        self.count += len(data)
        return data

    def readline(self, *args):
        data = self._stream.readline(*args)
        self.count += len(data)
        return data

    def readlines(self, *args):
        lines = self._stream.readlines(*args)
        self.count += sum(len(line) for line in lines)
        return lines

    def __iter__(self):
        for line in self._stream:
            self.count += len(line)
            yield line

    def __getattr__(self, name):
        return getattr(self._stream, name)


class _Request:
    """The measurements of one request, reported once."""

    __slots__ = ('middleware', 'environ', 'route', 'start', 'status',
                 'response_bytes', 'input', 'done', 'failed')

    def __init__(self, middleware, environ, route, start, stream):
        self.middleware = middleware
        self.environ = environ
        self.route = route
        self.start = start
        self.status = None
        self.response_bytes = 0
        self.input = stream
        self.done = False
        self.failed = False

    def start_response(self, start_response):
        def _start_response(status, headers, exc_info=None):
            self.status = status
            write = start_response(status, headers, exc_info)

            def counted_write(data):
                self.response_bytes += len(data)
                return write(data)
            return counted_write
        return _start_response

    def finish(self):
        if self.done:
            return
        self.done = True
        duration_ms = round((time.perf_counter() - self.start) * 1000.0, 3)
        status = 500
        if not self.failed and self.status:
            try:
                status = int(str(self.status)[:3])
            except ValueError:
                status = 500
        try:
            length = int(self.environ.get('CONTENT_LENGTH') or 0)
        except ValueError:
            length = 0
        request_bytes = max(length, self.input.count if self.input else 0)
        self.middleware._report(self, status, duration_ms, request_bytes)


class _Response:
    """The application's response iterable, counted as it passes."""

    __slots__ = ('_result', '_request')

    def __init__(self, result, request):
        self._result = result
        self._request = request

    def __iter__(self):
        request = self._request
        try:
            for chunk in self._result:
                request.response_bytes += len(chunk)
                yield chunk
        except GeneratorExit:       # the server stopped iterating
            raise
        except BaseException:
            request.failed = True
            raise

    def close(self):
        try:
            close = getattr(self._result, 'close', None)
            if close is not None:
                close()
        finally:
            self._request.finish()


class RequestMetricsMiddleware:
    """WSGI middleware: the endpoint's event and StatsD metrics per request.

    :param app: the WSGI application to wrap.
    :param notifier: a :class:`~tidings.notifications.notifier.Notifier`
        whose catalogs define the routes' events.
    :param routes: the route table (see the module docstring).
    :param statsd: a :class:`~tidings.backends.statsd.StatsdClient`; by
        default the client of the notifier's statsd backend, if any.
    :param sample_rate: fraction of requests whose metrics are sent, in
        (0, 1]; events are never sampled.
    :param node_metric: name of the node-wide metrics.
    :param payload_factory: ``f(environ, status, duration_ms,
        request_bytes, response_bytes)`` returning the event's payload, a
        payload of the catalog whose events the routes name (required
        when events are emitted).
    :param emit_events: False sends metrics only.
    :param source: the notification source (default the notifier's).
    """

    def __init__(self, app, notifier, routes, statsd=None, sample_rate=1.0,
                 node_metric='api', payload_factory=None, emit_events=True,
                 source=None):
        self.app = app
        self.notifier = notifier
        if not routes:
            raise errors.RouteError('(none)', 'the route table is empty')
        self.routes = [Route.make(entry).bind(notifier) for entry in routes]
        self._by_method = collections.defaultdict(list)
        for route in self.routes:
            self._by_method[route.method].append(route)
        for method, listed in self._by_method.items():
            if method != '*':
                listed.extend(self._by_method.get('*', ()))
        self.statsd = (statsd if statsd is not None
                       else statsd_backend.statsd_client(notifier))
        try:
            sample_rate = float(sample_rate)
        except (TypeError, ValueError):
            sample_rate = -1.0
        if not 0.0 < sample_rate <= 1.0:
            raise errors.ConfigError('request_metrics', 'sample_rate',
                                     sample_rate, 'not in (0, 1]')
        self.sample_rate = sample_rate
        if not _METRIC.match(node_metric or ''):
            raise errors.ConfigError('request_metrics', 'node_metric',
                                     node_metric, 'may hold only letters, '
                                     'digits, "_", "-" and "."')
        self.node_metric = node_metric
        if payload_factory is None and emit_events:
            raise errors.ConfigError(
                'request_metrics', 'payload_factory', None,
                'required: f(environ, status, duration_ms, request_bytes, '
                'response_bytes) returning a payload of the routes\' '
                'catalog, e.g. tidings.catalogs.magnetodb.routes:'
                'payload_factory (or emit_events=False)')
        self.payload_factory = payload_factory
        self.emit_events = emit_events
        self.source = source
        self.counters = collections.Counter()
        self.failures = backend_base.BurstLog(
            LOG, 'request-metrics middleware could not report a request')

    def match(self, environ):
        """``(route, params)`` for a request, or ``(None, None)``."""
        method = environ.get('REQUEST_METHOD', 'GET').upper()
        path = full_path(environ)
        for route in self._by_method.get(method) or self._by_method.get(
                '*', ()):
            params = route.match(method, path, environ)
            if params is not None:
                return route, params
        return None, None

    def __call__(self, environ, start_response):
        start = time.perf_counter()
        route, params = self.match(environ)
        environ[ROUTE_KEY] = route
        environ[PARAMS_KEY] = params
        stream = environ.get('wsgi.input')
        if stream is not None:
            stream = environ['wsgi.input'] = _CountingInput(stream)
        request = _Request(self, environ, route, start, stream)
        try:
            result = self.app(environ, request.start_response(
                start_response))
        except BaseException:
            request.failed = True
            request.finish()
            raise
        return _Response(result, request)

    # reporting

    def _report(self, request, status, duration_ms, request_bytes):
        route = request.route
        try:
            if self.statsd is not None:
                self._send_metrics(route, status, duration_ms,
                                   request_bytes, request.response_bytes)
        except Exception as exc:
            self.counters['metric_failures'] += 1
            self.failures.record('metrics: %s: %s' % (type(exc).__name__,
                                                      exc))
        if route is not None and self.emit_events:
            self._emit(request, route, status, duration_ms, request_bytes)
        # counted last: stats() shows a request once fully reported
        self.counters['matched' if route is not None else 'unmatched'] += 1
        self.counters['requests'] += 1

    def _emit(self, request, route, status, duration_ms, request_bytes):
        environ = request.environ
        response_bytes = request.response_bytes

        def payload():
            return self.payload_factory(environ, status, duration_ms,
                                        request_bytes, response_bytes)
        try:
            if status >= 400:
                self.notifier.notify(route.error_event, payload,
                                     context=_context(environ),
                                     source=self.source, status=status,
                                     duration_ms=duration_ms)
            else:
                self.notifier.notify(route.event, payload,
                                     context=_context(environ),
                                     source=self.source,
                                     duration_ms=duration_ms)
            self.counters['events'] += 1
        except Exception as exc:
            self.counters['event_failures'] += 1
            self.failures.record('%s %s: %s: %s' % (
                route.event.name, status, type(exc).__name__, exc))

    def _send_metrics(self, route, status, duration_ms, request_bytes,
                      response_bytes):
        client = self.statsd
        suffix = client.sample(self.sample_rate)
        if suffix is None:
            return
        prefix = client.prefix
        put = client.put
        latency = statsd_backend._number(duration_ms)
        bases = [self.node_metric]
        if route is None:
            put('%s%s.unmatched:1|c%s' % (prefix, self.node_metric, suffix))
        else:
            bases.append(route.metric_base)
        for name in bases:
            name = prefix + name
            put('%s.requests:1|c%s' % (name, suffix))
            put('%s.latency:%s|ms%s' % (name, latency, suffix))
            put('%s.request_bytes:%d|c%s' % (name, request_bytes, suffix))
            put('%s.response_bytes:%d|c%s' % (name, response_bytes, suffix))
            if status >= 400:
                put('%s.errors.%d:1|c%s' % (name, status, suffix))

    def stats(self):
        """``requests``, ``matched``, ``unmatched``, ``events`` and the
        failures to report them."""
        out = {key: 0 for key in ('requests', 'matched', 'unmatched',
                                  'events', 'event_failures',
                                  'metric_failures')}
        out.update(self.counters)
        return out


def _context(environ):
    context = environ.get('tidings.context')
    if context is not None:
        return context
    request_id = environ.get('openstack.request_id')
    return {'request_id': request_id} if request_id else None


def for_routes(app, notifier, profile, **kwargs):
    """``app`` wrapped in the middleware with a route profile's defaults.

    ``profile`` is a module (or any object) with ``ROUTES`` and
    ``payload_factory`` and optionally ``NODE_METRIC``, e.g.
    :mod:`tidings.catalogs.magnetodb.routes`; ``kwargs`` override them.
    """
    kwargs.setdefault('payload_factory', profile.payload_factory)
    node_metric = getattr(profile, 'NODE_METRIC', None)
    if node_metric:
        kwargs.setdefault('node_metric', node_metric)
    return RequestMetricsMiddleware(app, notifier, profile.ROUTES, **kwargs)


# -- paste --------------------------------------------------------------------

def load_reference(text):
    """The object named by ``'package.module:attribute'``."""
    module_name, _, attr = str(text).partition(':')
    if not module_name or not attr:
        raise errors.ConfigError('request_metrics', 'reference', text,
                                 'expected package.module:attribute')
    try:
        obj = importlib.import_module(module_name)
        for part in attr.split('.'):
            obj = getattr(obj, part)
    except (ImportError, AttributeError) as exc:
        raise errors.ConfigError('request_metrics', 'reference', text,
                                 'cannot be loaded: %s' % exc) from None
    return obj


def _load_profile(name):
    try:
        profile = importlib.import_module(name)
    except ImportError as exc:
        raise errors.ConfigError('request_metrics', 'routes', name,
                                 'cannot be loaded: %s' % exc) from None
    if not hasattr(profile, 'ROUTES'):
        raise errors.ConfigError('request_metrics', 'routes', name,
                                 'a route profile module defines ROUTES '
                                 '(and payload_factory); or give '
                                 'package.module:ROUTES')
    return profile


def _notifier_from(settings):
    ref = settings.get('notifier')
    if ref:
        notifier = load_reference(ref)
        return notifier() if callable(notifier) and not hasattr(
            notifier, 'notify') else notifier
    from tidings import catalogs
    from tidings import conf as tidings_conf
    from tidings.notifications import notifier as notifier_mod
    files = [f.strip() for f in settings.get('config_file', '').split(',')
             if f.strip()]
    conf = tidings_conf.new_conf(config_files=files)
    names = [n.strip() for n in settings.get('catalogs', '').split(',')
             if n.strip()]
    if not names:
        raise errors.ConfigError('request_metrics', 'catalogs', '',
                                 'name the catalogs whose events the routes '
                                 'use (installed: %s), or give notifier = '
                                 'module:attribute' % ', '.join(
                                     catalogs.names()))
    return notifier_mod.Notifier(conf, catalogs.load_all(names),
                                 source=settings.get('source') or 'api')


def filter_factory(global_conf, **local_conf):
    """Paste filter factory.  Options (``[filter:request_metrics]``):

    - ``routes`` (required): a route profile module, e.g.
      ``tidings.catalogs.magnetodb.routes``, whose ``ROUTES``,
      ``payload_factory``, ``NODE_METRIC``, ``CATALOG`` and ``SOURCE``
      give the defaults of the options below; or
      ``package.module:ROUTES``, a route table alone;
    - ``notifier = package.module:attribute`` (a Notifier or a callable
      returning one), or ``catalogs = magnetodb`` plus optional
      ``config_file = /etc/magnetodb/tidings.conf`` and ``source = api``
      to build one;
    - ``sample_rate`` (default 1), ``node_metric`` (default ``api``),
      ``payload_factory = package.module:function`` (required unless
      the profile gives it or ``emit_events`` is false),
      ``emit_events`` (default true).
    """
    settings = dict(global_conf)
    settings.update(local_conf)
    if not settings.get('routes'):
        raise errors.ConfigError('request_metrics', 'routes', '',
                                 'required: a route profile module (e.g. '
                                 'tidings.catalogs.magnetodb.routes) or '
                                 'package.module:ROUTES')
    if ':' in settings['routes']:
        routes = load_reference(settings['routes'])
    else:
        profile = _load_profile(settings['routes'])
        routes = profile.ROUTES
        settings.setdefault('payload_factory', '%s:payload_factory'
                            % settings['routes'])
        if getattr(profile, 'NODE_METRIC', None):
            settings.setdefault('node_metric', profile.NODE_METRIC)
        if 'notifier' not in settings:
            for key, attr in (('catalogs', 'CATALOG'), ('source', 'SOURCE')):
                if getattr(profile, attr, None):
                    settings.setdefault(key, getattr(profile, attr))
    notifier = _notifier_from(settings)
    factory = (load_reference(settings['payload_factory'])
               if settings.get('payload_factory') else None)
    emit = str(settings.get('emit_events', 'true')).lower() not in (
        'false', '0', 'no', 'off')
    options = dict(sample_rate=settings.get('sample_rate', 1.0),
                   node_metric=settings.get('node_metric', 'api'),
                   payload_factory=factory, emit_events=emit,
                   source=settings.get('source'))

    def _filter(app):
        return RequestMetricsMiddleware(app, notifier, routes, **options)
    return _filter


__all__ = ['RequestMetricsMiddleware', 'Route', 'filter_factory',
           'for_routes']

"""The MagnetoDB route table of the request-metrics middleware, as data.

Maps MagnetoDB's REST data API (``/v1/data/{project_id}/...``) and its
DynamoDB-compatible API (``POST /`` with an ``X-Amz-Target`` header) to the
``EVENT_TYPE_REQUEST_*`` / ``EVENT_TYPE_DYNAMO_*`` events of the
notification refactoring spec (the magnetodb catalog); their
``_ERROR_xxx`` variants are found from the names
(``EVENT_TYPE_REQUEST_TABLE_CREATE_ERROR``, defined with HTTP status
variants).  :func:`payload_factory` builds the catalog's
``RequestPayload``: the generic middleware has no payload of its own, the
catalog brings it.  The module is a route profile: ``ROUTES``,
``payload_factory``, ``NODE_METRIC``, ``CATALOG`` and ``SOURCE`` are the
middleware's defaults when it is given the module
(:func:`tidings.middleware.request_metrics.for_routes`)::

    from tidings.catalogs.magnetodb import routes
    app = request_metrics.for_routes(app, notifier, routes)

or in paste::

    [filter:request_metrics]
    paste.filter_factory = tidings.middleware.request_metrics:filter_factory
    routes = tidings.catalogs.magnetodb.routes
    # optional: config_file = /etc/magnetodb/tidings.conf, sample_rate = 0.1

This module imports nothing of the middleware (catalogs sit below it):
it reads the match from the environ keys the middleware documents.

Endpoints the spec gives no event (describe table, the management and
monitoring APIs, DynamoDB DescribeTable) are left out: they count in the
node-wide metrics only.
"""

#: Where MagnetoDB mounts its REST data API.
DATA_PREFIX = '/v1/data/{project_id}'
#: Where the DynamoDB-compatible API listens (its own paste pipeline).
DYNAMO_PATH = '/'
#: The DynamoDB API version in X-Amz-Target.
DYNAMO_TARGET = 'DynamoDB_20120810.'

#: (method, path under DATA_PREFIX, event constant)
REST_ENDPOINTS = [
    ('POST', '/tables', 'EVENT_TYPE_REQUEST_TABLE_CREATE'),
    ('GET', '/tables', 'EVENT_TYPE_REQUEST_TABLE_LIST'),
    ('DELETE', '/tables/{table_name}', 'EVENT_TYPE_REQUEST_TABLE_DELETE'),
    ('POST', '/tables/{table_name}/put_item', 'EVENT_TYPE_REQUEST_PUTITEM'),
    ('POST', '/tables/{table_name}/get_item', 'EVENT_TYPE_REQUEST_GETITEM'),
    ('POST', '/tables/{table_name}/delete_item',
     'EVENT_TYPE_REQUEST_DELETEITEM'),
    ('POST', '/tables/{table_name}/update_item',
     'EVENT_TYPE_REQUEST_UPDATEITEM'),
    ('POST', '/tables/{table_name}/query', 'EVENT_TYPE_REQUEST_QUERY'),
    ('POST', '/tables/{table_name}/scan', 'EVENT_TYPE_REQUEST_SCAN'),
    ('POST', '/batch_write_item', 'EVENT_TYPE_REQUEST_BATCHWRITE'),
    ('POST', '/batch_get_item', 'EVENT_TYPE_REQUEST_BATCHREAD'),
]

#: (X-Amz-Target action, event constant)
DYNAMO_ACTIONS = [
    ('CreateTable', 'EVENT_TYPE_DYNAMO_TABLE_CREATE'),
    ('DeleteTable', 'EVENT_TYPE_DYNAMO_TABLE_DELETE'),
    ('ListTables', 'EVENT_TYPE_DYNAMO_TABLE_LIST'),
    ('PutItem', 'EVENT_TYPE_DYNAMO_PUTITEM'),
    ('GetItem', 'EVENT_TYPE_DYNAMO_GETITEM'),
    ('DeleteItem', 'EVENT_TYPE_DYNAMO_DELETEITEM'),
    ('UpdateItem', 'EVENT_TYPE_DYNAMO_UPDATEITEM'),
    ('Query', 'EVENT_TYPE_DYNAMO_QUERY'),
    ('Scan', 'EVENT_TYPE_DYNAMO_SCAN'),
    ('BatchWriteItem', 'EVENT_TYPE_DYNAMO_BATCHWRITE'),
    ('BatchGetItem', 'EVENT_TYPE_DYNAMO_BATCHREAD'),
]


def rest_routes(prefix=DATA_PREFIX):
    return [(method, prefix + path, event)
            for method, path, event in REST_ENDPOINTS]


def dynamo_routes(path=DYNAMO_PATH, target=DYNAMO_TARGET):
    return [('POST', path, event, {'X-Amz-Target': target + action})
            for action, event in DYNAMO_ACTIONS]


#: Every MagnetoDB route, for RequestMetricsMiddleware(routes=...).
ROUTES = rest_routes() + dynamo_routes()

#: Every event constant the routes name (their ``_ERROR`` events too).
EVENTS = sorted({r[2] for r in ROUTES} | {r[2] + '_ERROR' for r in ROUTES})


#: Node-wide metrics of a MagnetoDB API node: ``mdb.api.requests``...
NODE_METRIC = 'mdb.api'
#: The catalog whose events the routes name, and the notification source,
#: when the middleware builds its own notifier (paste).
CATALOG = 'magnetodb'
SOURCE = 'magnetodb-api'

#: Where the middleware leaves the matched route and its placeholder values
#: (``tidings.middleware.request_metrics.ROUTE_KEY`` / ``PARAMS_KEY``).
ROUTE_KEY = 'tidings.route'
PARAMS_KEY = 'tidings.route_params'


def payload_factory(environ, status, duration_ms, request_bytes,
                    response_bytes):
    """The magnetodb catalog's ``RequestPayload`` for one request."""
    from tidings.catalogs.magnetodb import payloads
    route = environ.get(ROUTE_KEY)
    params = environ.get(PARAMS_KEY) or {}
    return payloads.RequestPayload(
        tenant_id=(params.get('project_id')
                   or environ.get('HTTP_X_PROJECT_ID')
                   or environ.get('HTTP_X_TENANT_ID')),
        user_id=environ.get('HTTP_X_USER_ID'),
        request_id=(environ.get('openstack.request_id')
                    or environ.get('HTTP_X_OPENSTACK_REQUEST_ID')),
        method=environ.get('REQUEST_METHOD', ''),
        path=(environ.get('SCRIPT_NAME', '')
              + environ.get('PATH_INFO', '')) or '/',
        # mdb.req.create_table -> create_table, as the catalog names it
        endpoint=route.metric_base.rsplit('.', 1)[-1] if route else '',
        status=status, duration_ms=duration_ms,
        request_bytes=request_bytes, response_bytes=response_bytes,
        table_name=params.get('table_name'))

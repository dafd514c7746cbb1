"""WSGI middleware: the request-metrics middleware (events and StatsD
metrics per API request).  See :mod:`tidings.middleware.request_metrics`.
"""

from tidings.middleware.request_metrics import (  # noqa: F401
    RequestMetricsMiddleware, Route, filter_factory, for_routes)

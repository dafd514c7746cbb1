"""Payload base class with a declarative SCHEMA, and ExceptionPayload."""

import traceback as tb_module

from tidings.objects import base
from tidings.objects import errors
from tidings.objects import fields

_MISSING = object()


class Payload(base.TidingsObject):
    """Base class of notification payloads.

    ``SCHEMA = {'field': ('source_kwarg', 'attribute')}`` declares where each
    field comes from; :meth:`populate_schema` fills them from keyword
    sources, so the service's internal objects never leak into the payload::

        payload = ServiceStatusPayload()
        payload.populate_schema(service=service_obj)
    """

    SCHEMA = {}

    def populate_schema(self, **sources):
        name = self.obj_name()
        setters = self._SETTERS
        for field, (source, attribute) in self.SCHEMA.items():
            try:
                obj = sources[source]
            except KeyError:
                raise errors.SchemaSourceError(
                    name, field, source, attribute,
                    'source %r was not given' % source, sources) from None
            if isinstance(obj, dict):
                value = obj.get(attribute, _MISSING)
            else:
                value = getattr(obj, attribute, _MISSING)
            if value is _MISSING:
                raise errors.SchemaSourceError(
                    name, field, source, attribute,
                    '%s has no attribute %r' % (type(obj).__name__,
                                                attribute))
            try:
                setter = setters[field]
            except KeyError:
                raise errors.UnknownFieldError(name, field,
                                               sorted(self.fields)) from None
            setter(self, value)
        return self

    @classmethod
    def from_sources(cls, **sources):
        """Build a payload from SCHEMA sources in one call."""
        return cls().populate_schema(**sources)

    def missing_fields(self):
        """Required fields (not nullable, no default) left unset."""
        values = self.__dict__
        return [name for name, attr in zip(self._REQUIRED,
                                           self._REQUIRED_ATTRS, strict=True)
                if attr not in values]

    def check_complete(self):
        """Raise MissingFieldError when a required field, here or in a
        nested payload, is unset."""
        values = self.__dict__
        for attr in self._REQUIRED_ATTRS:
            if attr not in values:
                raise errors.MissingFieldError(self.obj_name(),
                                               self.missing_fields())
        for attr in self._NESTED:
            value = values.get(attr)
            if value is None:
                continue
            if isinstance(value, Payload):
                value.check_complete()
            elif isinstance(value, (list, tuple)):
                for item in value:
                    if isinstance(item, Payload):
                        item.check_complete()
            elif isinstance(value, dict):
                for item in value.values():
                    if isinstance(item, Payload):
                        item.check_complete()


def call_factory(factory, definition):
    """``factory()``; what it raises (other than a TidingsError, already
    clear) comes back as a PayloadFactoryError naming the event and the
    factory, the original chained."""
    try:
        return factory()
    except errors.TidingsError:
        raise
    except Exception as exc:
        raise errors.PayloadFactoryError(
            definition.event_type_str, factory_name(factory), exc) from exc


def factory_name(factory):
    name = getattr(factory, '__qualname__', None)
    module = getattr(factory, '__module__', None)
    if name is None:
        return repr(factory)
    return '%s.%s' % (module, name) if module else name


class ExceptionPayload(Payload):
    """Where and what an exception was.

    Register a subclass in your namespace so it serialises there::

        @registry.register
        class ExceptionPayload(payload.ExceptionPayload):
            pass
    """

    VERSION = '1.0'
    fields = {
        'module_name': fields.StringField(),
        'function_name': fields.StringField(),
        'exception': fields.StringField(),
        'exception_message': fields.StringField(),
        'traceback': fields.StringField(nullable=True),
    }
    FIELD_DESCRIPTIONS = {
        'module_name': 'The module of the innermost frame of the traceback '
                       '(the exception class\'s module if never raised).',
        'function_name': 'The function of that frame (<not raised> if '
                         'never raised).',
        'exception': 'The exception class name.',
        'exception_message': 'The exception message, str(exc).',
        'traceback': 'The formatted traceback, when [notifications] '
                     'include_traceback is on; else unset.',
    }

    @classmethod
    def from_exception(cls, exc, include_traceback=False):
        """Describe ``exc``; works inside and outside an ``except`` block.

        module and function name come from the innermost frame of the
        exception's traceback; an exception that was never raised has
        none, so they come from the exception class and ``<not raised>``.
        """
        tb = exc.__traceback__
        if tb is not None:
            while tb.tb_next is not None:
                tb = tb.tb_next
            frame = tb.tb_frame
            # f_globals, not inspect.getmodule(): the latter scans every
            # loaded module on first use (a quarter of a second).
            module_name = frame.f_globals.get('__name__', '<unknown>')
            function_name = frame.f_code.co_name
        else:
            module_name = type(exc).__module__
            function_name = '<not raised>'
        payload = cls(module_name=module_name, function_name=function_name,
                      exception=type(exc).__name__,
                      exception_message=str(exc))
        if include_traceback:
            payload.traceback = ''.join(tb_module.format_exception(
                type(exc), exc, exc.__traceback__))
        return payload


#: The payloads tidings itself defines, in namespace ``tidings``.
OBJECTS = base.ObjectRegistry('tidings')
OBJECTS.register(ExceptionPayload)

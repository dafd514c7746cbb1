"""oslo.config options of tidings, one module per group.

Every module in this package defines ``GROUP``, ``OPTS``,
``register_opts(conf)`` and ``list_opts()``; they are found by name, so a
new group is a new module.  Nothing is read at import time.
"""

import importlib
import importlib.metadata
import os
import pkgutil
import re

from oslo_config import cfg

from tidings.objects import errors
from tidings.objects import fields

BACKEND_NAMESPACE = 'tidings.backends'
_PIN = re.compile(r'^(?:(?P<ns>[A-Za-z0-9_]+)\.)?(?P<name>[A-Za-z0-9_]+)'
                  r':(?P<version>\d+\.\d+)$')


def _modules():
    names = sorted(m.name for m in pkgutil.iter_modules(__path__))
    return [importlib.import_module('%s.%s' % (__name__, n)) for n in names]


def register_opts(conf):
    """Register every tidings option group on ``conf`` (idempotent)."""
    for module in _modules():
        group = getattr(module, 'GROUP', None)
        if isinstance(group, cfg.OptGroup):
            # A fresh OptGroup per conf: oslo.config keeps option values
            # and overrides in the group object (a shallow copy shares
            # them), so a module-level one would leak set_override()
            # from one ConfigOpts into every other.
            conf.register_group(cfg.OptGroup(
                group.name, title=group.title, help=group.help,
                dynamic_group_owner=group.dynamic_group_owner,
                driver_option=group.driver_option))
        module.register_opts(conf)
    return conf


def list_opts():
    """For oslo-config-generator: ``[(group, [opts]), ...]``."""
    out = []
    for module in _modules():
        for group, opts in module.list_opts().items():
            out.append((group, list(opts)))
    return out


def new_conf(args=(), config_files=None):
    """A ConfigOpts with every tidings option registered and parsed."""
    conf = cfg.ConfigOpts()
    register_opts(conf)
    conf(list(args), project='tidings', default_config_files=config_files
         or [], default_config_dirs=[])
    return conf


def installed_backends():
    eps = importlib.metadata.entry_points(group=BACKEND_NAMESPACE)
    return sorted({ep.name for ep in eps})


def state_path(conf):
    path = conf.notifications.state_path
    if not path:
        base = os.environ.get('XDG_STATE_HOME') or os.path.join(
            os.path.expanduser('~'), '.local', 'state')
        path = os.path.join(base, 'tidings')
    return os.path.expanduser(path)


def parse_pin(text):
    """Split a pin: ``'watcher.AuditPayload:1.0'`` gives
    ``('watcher', 'AuditPayload', '1.0')``; the namespace is None when not
    given.
    """
    match = _PIN.match(text.strip())
    if not match:
        raise errors.ConfigError(
            'notifications', 'pin_versions', text,
            'expected PayloadName:MAJOR.MINOR or '
            'namespace.PayloadName:MAJOR.MINOR, e.g. AuditPayload:1.0')
    return match.group('ns'), match.group('name'), match.group('version')


def validate(conf):
    """Check every tidings option; raise ConfigError on the first bad one.

    Reads each registered option (so a malformed value in the file fails
    here, at startup, not at first use), then checks what oslo.config types
    cannot: backend names, the level, pin syntax.
    """
    for group, opts in list_opts():
        name = group.name if hasattr(group, 'name') else group
        for opt in opts:
            try:
                getattr(conf[name], opt.dest)
            except (cfg.Error, ValueError) as exc:
                raise errors.ConfigError(name, opt.name, _raw(exc),
                                         _explain(exc)) from None
    notif = conf.notifications
    known = installed_backends()
    if not notif.backends:
        raise errors.ConfigError('notifications', 'backends', '',
                                 'at least one backend is needed; installed: '
                                 + ', '.join(known) + ' (noop sends nothing)')
    for backend in notif.backends:
        if backend not in known:
            raise errors.ConfigError(
                'notifications', 'backends', backend,
                'not an installed backend; installed: ' + ', '.join(known))
    try:
        fields.normalize_level(notif.level)
    except ValueError:
        raise errors.ConfigError(
            'notifications', 'level', notif.level,
            'not one of ' + ', '.join(fields.LEVELS)
            + ' ("warning" is accepted for warn)') from None
    for pin in notif.pin_versions:
        parse_pin(pin)
    for source_opt in ('include_sources', 'exclude_sources'):
        for value in getattr(notif, source_opt):
            if not value.strip():
                raise errors.ConfigError('notifications', source_opt, value,
                                         'empty source names are not allowed')
    return conf


def _raw(exc):
    return getattr(exc, 'value', None) or str(exc)


def _explain(exc):
    return str(exc).strip() or type(exc).__name__

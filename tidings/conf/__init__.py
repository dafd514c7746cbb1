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
from oslo_config import types

from tidings.objects import errors
from tidings.objects import fields

BACKEND_NAMESPACE = 'tidings.backends'
_PIN = re.compile(r'^(?:(?P<ns>[A-Za-z0-9_]+)\.)?(?P<name>[A-Za-z0-9_]+)'
                  r':(?P<version>\d+\.\d+)$')


def _modules():
    names = sorted(m.name for m in pkgutil.iter_modules(__path__))
    return [importlib.import_module('%s.%s' % (__name__, n)) for n in names]


def register_opts(conf):
    """Register every tidings option group on ``conf`` (idempotent).

    Each ``conf`` gets its own copy of every group first: oslo.config
    copies a registered OptGroup shallowly, so the module's group object
    would otherwise share its option table -- and every ``set_override``
    -- between all ConfigOpts of the process.
    """
    for module in _modules():
        _register_own_group(conf, module.GROUP)
        module.register_opts(conf)
    return conf


def _register_own_group(conf, group):
    # oslo.config keeps a shallow copy of a registered OptGroup, sharing its
    # option table; with the module-level GROUP shared by every ConfigOpts,
    # set_override() on one conf would leak into all the others.  A fresh
    # group per conf keeps them apart (module.register_opts then finds the
    # name registered and leaves it).
    name = getattr(group, 'name', group)
    if name in conf or not isinstance(group, cfg.OptGroup):
        return
    conf.register_group(cfg.OptGroup(
        name, title=group.title, help=group.help,
        dynamic_group_owner=group.dynamic_group_owner,
        driver_option=group.driver_option))


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
    cannot: backend names, the level, pin syntax, and whatever a group
    module checks in its own optional ``validate(conf)``.
    """
    for group, opts in list_opts():
        name = group.name if hasattr(group, 'name') else group
        for opt in opts:
            try:
                getattr(conf[name], opt.dest)
            except (cfg.Error, ValueError) as exc:
                raise _option_error(conf, name, opt, exc) from None
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
    for module in _modules():
        check = getattr(module, 'validate', None)
        if check is not None:
            check(conf)
    for source_opt in ('include_sources', 'exclude_sources'):
        for value in getattr(notif, source_opt):
            if not value.strip():
                raise errors.ConfigError('notifications', source_opt, value,
                                         'empty source names are not allowed')
    return conf


def describe_type(opt):
    """What an option accepts, in words: ``an integer >= 0``."""
    otype = opt.type
    choices = getattr(otype, 'choices', None)
    if choices:
        return 'one of ' + ', '.join(str(c) for c in choices)
    if isinstance(otype, (types.Integer, types.Float)):
        text = ('an integer' if isinstance(otype, types.Integer)
                else 'a number')
        low, high = otype.min, otype.max
        if low is not None and high is not None:
            return '%s from %s to %s' % (text, low, high)
        if low is not None:
            return '%s >= %s' % (text, low)
        if high is not None:
            return '%s <= %s' % (text, high)
        return text
    if isinstance(otype, types.Boolean):
        return 'true or false'
    if isinstance(otype, types.List):
        return 'a comma-separated list'
    if isinstance(otype, types.HostAddress):
        return 'an IP address or a host name'
    return 'a valid %s' % type(otype).__name__.lower()


def _option_error(conf, group, opt, exc):
    """A ConfigError naming the option, its value, what is accepted and the
    file it came from."""
    value, where = _file_value(conf, group, opt)
    detail = str(exc).rsplit('is not valid: ', 1)[-1].strip()
    accepted = 'expected %s' % describe_type(opt)
    extra = [d for d in (detail, 'in %s' % where if where else '') if d]
    if extra:
        accepted += ' (%s)' % '; '.join(extra)
    return errors.ConfigError(group, opt.name,
                              value if value is not None else detail,
                              accepted)


def _file_value(conf, group, opt):
    """The raw text of an option in the config files, and the file.

    oslo.config's errors carry neither, so this reads its parsed files
    (a private structure: any surprise gives ``(None, None)``).
    """
    try:
        value, loc = conf._namespace._get_file_value([(group, opt.dest)])
    except Exception:
        return None, None
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return value, getattr(loc, 'detail', None) or None

"""oslo.config options of tidings, one module per group.

Every module in this package defines ``GROUP``, ``OPTS``,
``register_opts(conf)`` and ``list_opts()`` (the last two from
:func:`group_functions`); they are found by name, so a new core group is
a new module.  Nothing is read at import time.

This package knows no catalog.  A catalog that has options keeps them in
its own package (``tidings/catalogs/trove/options.py``) under the same
contract, plus an optional ``validate(conf)``, and declares them as an
``oslo.config.opts`` entry point named ``tidings.<catalog>`` (setup.cfg)::

    oslo.config.opts =
        tidings = tidings.conf:list_opts
        tidings.trove = tidings.catalogs.trove.options:list_opts

:func:`list_opts` (the ``tidings`` namespace of oslo-config-generator) is
the core groups only; each catalog's groups are its own namespace.
:func:`register_opts`, :func:`check` and :func:`all_opts` -- so
:func:`new_conf`, the Notifier's startup check and ``tidings config
validate`` (types, unknown groups and options, each module's
``validate``) -- take the core groups and those of every installed
catalog, found through those entry points.  A catalog's own code that
reads its options registers them itself first (:func:`register_module`),
so it never depends on an entry point being installed.
"""

import difflib
import importlib
import importlib.metadata
import os
import pkgutil
import re

from oslo_config import cfg
from oslo_config import types
from sqlalchemy.engine import url as sa_url
from stevedore import driver

from tidings.conf import _checks
from tidings.objects import base as objects_base
from tidings.objects import errors
from tidings.objects import lockfile
from tidings.objects import pinning
from tidings.objects import fields

BACKEND_NAMESPACE = 'tidings.backends'
#: The entry point group of option lists (oslo-config-generator's).
OPTS_NAMESPACE = 'oslo.config.opts'
#: Catalogs' option entry points are named ``tidings.<catalog>``.
CATALOG_OPTS_PREFIX = 'tidings.'
_PIN = re.compile(r'^(?:(?P<ns>[A-Za-z0-9_]+)\.)?(?P<name>[A-Za-z0-9_]+)'
                  r':(?P<version>\d+\.\d+)$')


def _modules():
    """The core option modules: this package's own, by name."""
    names = sorted(m.name for m in pkgutil.iter_modules(__path__)
                   if not m.name.startswith('_'))
    return [importlib.import_module('%s.%s' % (__name__, n)) for n in names]


def catalog_modules():
    """The option modules of the installed catalogs: the modules of the
    ``oslo.config.opts`` entry points named ``tidings.<catalog>``, by
    name.  Loaded when asked for, never at import time."""
    eps = importlib.metadata.entry_points(group=OPTS_NAMESPACE)
    names = sorted({ep.module for ep in eps
                    if ep.name.startswith(CATALOG_OPTS_PREFIX)})
    return [importlib.import_module(n) for n in names]


def _all_modules():
    return _modules() + catalog_modules()


def _pairs(listed):
    """``[(group, [opts])]`` from a module's list_opts(): a dict or the
    list oslo-config-generator takes."""
    return list(listed.items() if isinstance(listed, dict) else listed)


def group_functions(group, opts):
    """``register_opts(conf)`` and ``list_opts()`` of an option module
    holding one group, the contract above: every module of this package
    and a catalog's options module get them from here rather than each
    writing them again::

        register_opts, list_opts = tidings.conf.group_functions(GROUP, OPTS)

    ``list_opts()`` gives ``[(group, opts)]``, what oslo-config-generator
    takes from an entry point.
    """
    def register_opts(conf):
        conf.register_group(group)
        conf.register_opts(opts, group=group)

    def list_opts():
        return [(group, opts)]

    return register_opts, list_opts


def register_module(conf, module):
    """Register one option module's groups on ``conf`` (idempotent): how a
    catalog registers its own options before it reads them."""
    for group, _opts in _pairs(module.list_opts()):
        _register_own_group(conf, group)
    module.register_opts(conf)
    return conf


def register_opts(conf):
    """Register every tidings option group on ``conf`` (idempotent): the
    core groups and those of every installed catalog.

    Each ``conf`` gets its own copy of every group first: oslo.config
    copies a registered OptGroup shallowly, so the module's group object
    would otherwise share its option table -- and every ``set_override``
    -- between all ConfigOpts of the process.
    """
    for module in _all_modules():
        register_module(conf, module)
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
    """For oslo-config-generator (namespace ``tidings``): the core groups,
    ``[(group, [opts]), ...]``.  No catalog's: each is its own namespace."""
    return _list(_modules())


def all_opts():
    """``[(group, [opts]), ...]`` of the core and every installed catalog:
    what a tidings configuration file may hold."""
    return _list(_all_modules())


def _list(modules):
    out = []
    for module in modules:
        for group, opts in _pairs(module.list_opts()):
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


def wire_priority_errors(mapping):
    """The ConfigErrors of ``[notifications] wire_priorities`` (a dict of
    level: priority), one per bad entry."""
    out = []
    for level, priority in mapping.items():
        for what, text in (('level', level), ('priority', priority)):
            try:
                fields.normalize_level(text)
            except ValueError:
                out.append(errors.ConfigError(
                    'notifications', 'wire_priorities',
                    '%s:%s' % (level, priority),
                    'the %s %r is not one of %s; expected level:priority '
                    'pairs, e.g. audit:info,debug:info' % (
                        what, text, ', '.join(fields.LEVELS))))
    return out


def wire_priorities(mapping):
    """``{level: WIRE PRIORITY}`` of ``[notifications] wire_priorities``
    (levels normalised, priorities upper case as on the wire); raises the
    first ConfigError of a bad entry."""
    problems = wire_priority_errors(mapping)
    if problems:
        raise problems[0]
    return {fields.normalize_level(level):
            fields.normalize_level(priority).upper()
            for level, priority in mapping.items()}


def validate(conf, files=None, registries=None, backends=True):
    """Run :func:`check`; raise :class:`~tidings.errors.ConfigErrors`
    listing every problem, or return ``conf`` when there is none."""
    problems = check(conf, files=files, registries=registries,
                     backends=backends)
    if problems:
        raise errors.ConfigErrors(problems)
    return conf


def check(conf, files=None, registries=None, backends=True):
    """Every problem of the tidings configuration ``conf``, as a list of
    ConfigError / ConfigFileError (empty when it is valid).

    This is the startup check: the Notifier runs it (through
    :func:`validate`) and so does ``tidings config validate``.  It looks
    only: nothing is connected to, created or written.  It checks

    - the files (``files``, else those ``conf`` was parsed from): options
      and groups no tidings group defines (with "did you mean"), sections
      and options written twice;
    - every option's type and range, each read once;
    - backend names (installed, no duplicates, no empty entries), the
      level, the wire priorities, pin syntax, source names,
      publisher_id_format, state_path;
    - each group module's own ``validate(conf)``;
    - when ``backends`` is true, each configured backend's
      ``check_conf(conf)`` (URLs, ports, drivers, paths);
    - when ``registries`` are given, every pin against their payloads.
    """
    register_opts(conf)
    problems = []
    if files is None:
        files = _conf_files(conf)
    problems.extend(_file_problems(conf, files))
    bad = set()
    for group, opts in all_opts():
        name = _group_name(group)
        for opt in opts:
            try:
                getattr(conf[name], opt.dest)
            except (cfg.Error, ValueError) as exc:
                bad.add((name, opt.dest))
                problems.append(_option_error(conf, name, opt, exc))

    def value(option, group='notifications'):
        if (group, option) in bad:
            return _BAD
        return getattr(conf[group], option)

    known = installed_backends()
    problems.extend(_notifications_problems(conf, value, known))
    for module in _all_modules():
        hook = getattr(module, 'validate', None)
        if hook is not None:
            problems.extend(_collect(hook, conf))
    names = value('backends')
    if backends and names is not _BAD:
        for name in _unique(n.strip() for n in names if n.strip()):
            if name not in known:
                continue
            cls = _backend_class(name, problems)
            if cls is not None and getattr(cls, 'mechanisms', None) == \
                    frozenset():
                problems.append(errors.ConfigError(
                    'notifications', 'backends', name,
                    'backend %s declares no delivery mechanism, so it would '
                    'never receive an event; its class must set '
                    'mechanisms (see the backend guide)' % cls.__name__))
            hook = getattr(cls, 'check_conf', None)
            if hook is not None:
                problems.extend(_collect(hook, conf))
    pins = value('pin_versions')
    if registries is not None and pins is not _BAD:
        problems.extend(_pin_problems(pins, registries))
    return _unique(problems, key=str)


_BAD = object()


def _group_name(group):
    return getattr(group, 'name', group)


def _unique(items, key=None):
    seen, out = set(), []
    for item in items:
        k = key(item) if key else item
        if k not in seen:
            seen.add(k)
            out.append(item)
    return out


def backend_notes(conf):
    """What each configured backend says a valid configuration means
    (its optional ``conf_notes(conf)`` classmethod: a delivery guarantee,
    a slower path and why), as ``'name: note'`` lines; run after
    :func:`check` found no problem."""
    out = []
    known = installed_backends()
    for name in _unique(n.strip() for n in conf.notifications.backends
                        if n.strip()):
        if name not in known:
            continue
        cls = _backend_class(name, [])
        hook = getattr(cls, 'conf_notes', None)
        if hook is not None:
            out.extend('%s backend: %s' % (name, note)
                       for note in hook(conf))
    return out


def _collect(hook, conf):
    """The problems a check hook returns, or raises (a hook written for
    the older contract raises its first problem)."""
    try:
        found = hook(conf)
    except errors.ConfigErrors as exc:
        return list(exc.errors)
    except (errors.ConfigError, errors.ConfigFileError) as exc:
        return [exc]
    except (cfg.Error, ValueError):
        # A malformed option read by the hook: reported with the others.
        return []
    return list(found or ())


def _notifications_problems(conf, value, known):
    out = []
    names = value('backends')
    if names is not _BAD:
        out.extend(_backend_list_problems(names, known))
    level = value('level')
    if level is not _BAD:
        try:
            fields.normalize_level(level)
        except ValueError:
            out.append(errors.ConfigError(
                'notifications', 'level', level,
                'not one of ' + ', '.join(fields.LEVELS)
                + ' ("warning" is accepted for warn)'))
    priorities = value('wire_priorities')
    if priorities is not _BAD:
        out.extend(wire_priority_errors(priorities))
    pins = value('pin_versions')
    if pins is not _BAD:
        for pin in pins:
            try:
                parse_pin(pin)
            except errors.ConfigError as exc:
                out.append(exc)
    for source_opt in ('include_sources', 'exclude_sources'):
        sources = value(source_opt)
        if sources is _BAD:
            continue
        for source in sources:
            if not source.strip():
                out.append(errors.ConfigError(
                    'notifications', source_opt, source,
                    'empty source names are not allowed; expected a '
                    'comma-separated list of source names'))
    for pattern in _listed(value('redact_context_keys')):
        if not pattern.strip():
            out.append(errors.ConfigError(
                'notifications', 'redact_context_keys', pattern,
                'empty entries are not allowed; expected a comma-separated '
                'list of key names or shell patterns, e.g. '
                'auth_token,*_password'))
    id_format = value('publisher_id_format')
    if id_format is not _BAD:
        try:
            id_format.format(source='source', host='host')
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            out.append(errors.ConfigError(
                'notifications', 'publisher_id_format', id_format,
                'placeholders accepted: {source}, {host} (%s: %s)' % (
                    type(exc).__name__, exc)))
    if value('state_path') not in (_BAD, None):
        out.extend(state_path_errors(conf))
    return out


def _listed(values):
    return () if values is _BAD or values is None else values


def _backend_list_problems(names, known):
    out = []
    listed = ', '.join(names)
    if not names:
        return [errors.ConfigError(
            'notifications', 'backends', '',
            'at least one backend is needed; installed: '
            + ', '.join(known) + ' (noop sends nothing)')]
    if any(not n.strip() for n in names):
        out.append(errors.ConfigError(
            'notifications', 'backends', listed,
            'an entry is empty (a stray comma?); expected a comma-separated '
            'list of installed backends: ' + ', '.join(known)))
    seen = set()
    for name in names:
        name = name.strip()
        if not name:
            continue
        if name in seen:
            out.append(errors.ConfigError(
                'notifications', 'backends', listed,
                'backend %r is listed twice; list each backend once'
                % name))
        seen.add(name)
        if name not in known:
            close = difflib.get_close_matches(name, known, 1, 0.6)
            out.append(errors.ConfigError(
                'notifications', 'backends', name,
                'not an installed backend; %sinstalled: %s' % (
                    'did you mean %r? ' % close[0] if close else '',
                    ', '.join(known))))
    return _unique(out, key=str)


def backend_class(name):
    """The class of the installed backend plugin ``name`` (not built)."""
    return driver.DriverManager(BACKEND_NAMESPACE, name,
                                invoke_on_load=False).driver


def _backend_class(name, problems):
    try:
        return backend_class(name)
    except Exception as exc:
        problems.append(errors.ConfigError(
            'notifications', 'backends', name,
            'backend failed to load: %s: %s; installed: %s' % (
                type(exc).__name__, exc, ', '.join(installed_backends()))))
        return None


def _pin_problems(pins, registries):
    return resolve_pins(pins, registries)[1]


def resolve_pins(pins, registries):
    """``({payload class: PinnedVersion}, [ConfigError])`` of
    ``[notifications] pin_versions`` against the payloads of
    ``registries``.

    What a pin drops comes from the lock file of the catalog that owns
    the payload (``tidings.catalogs.contract(registry).lock``): the pinned
    version must be locked there, and the lock's history must allow the
    downgrade (see :mod:`tidings.objects.pinning`).  Lock files are read
    here, at startup, once each.
    """
    if hasattr(registries, 'payload_classes'):
        registries = [registries]
    classes, owners = {}, {}
    for registry in registries:
        if registry is None or not hasattr(registry, 'payload_classes'):
            continue
        for cls in registry.payload_classes():
            key = (cls.OBJ_PROJECT_NAMESPACE, cls.obj_name())
            classes[key] = cls
            owners.setdefault(key, registry)
    known = sorted('%s.%s' % key for key in classes)
    out, resolved, locks = [], {}, {}
    for text in pins:
        try:
            namespace, name, version = parse_pin(text)
        except errors.ConfigError:
            continue   # reported as malformed already
        matches = [(key, cls) for key, cls in classes.items()
                   if key[1] == name and (namespace is None
                                          or key[0] == namespace)]
        if not matches:
            out.append(errors.ConfigError(
                'notifications', 'pin_versions', text,
                'no such payload; payloads: ' + ', '.join(known)))
            continue
        if len(matches) > 1:
            out.append(errors.ConfigError(
                'notifications', 'pin_versions', text,
                'ambiguous; name the namespace: ' + ', '.join(
                    '%s.%s:%s' % (c.OBJ_PROJECT_NAMESPACE, name, version)
                    for _key, c in matches)))
            continue
        key, cls = matches[0]
        try:
            objects_base.check_target_version(cls, version)
            lock = None
            if version != cls.VERSION:
                lock = _lock_of(owners[key], locks)
            pinned, findings = pinning.pin(cls, version, lock)
        except errors.TidingsError as exc:
            out.append(errors.ConfigError(
                'notifications', 'pin_versions', text, str(exc)))
            continue
        if findings and not pinning.overrides_downgrade(cls):
            out.append(errors.ConfigError(
                'notifications', 'pin_versions', text,
                'cannot be honoured: %s (`tidings fingerprints check` '
                'reports it; accepted: a version whose locked shape the '
                'current one can be downgraded to)' % '; '.join(
                    c.summary for c in findings)))
            continue
        resolved[cls] = pinned
    return resolved, out


def _lock_of(registry, cache):
    """The LockFile of ``registry``'s catalog (read once per path)."""
    path = lockfile.path_of(registry)   # the catalogs say where it is
    if path is None:
        raise errors.TidingsError(
            'catalog %s has no lock file, and pinning follows the lock '
            'file\'s history of each payload; accepted: a catalog whose '
            'EventRegistry names its lock= (or [tool.tidings] lock)'
            % registry.name)
    if path not in cache:
        cache[path] = lockfile.LockFile.load(path)
    return cache[path]


def state_path_errors(conf, file_name=None):
    """ConfigErrors naming ``[notifications] state_path`` when tidings
    could not create files there (or ``file_name`` in it).  The same
    wording whoever asks, so the problem is reported once."""
    path = state_path(conf)
    given = conf.notifications.state_path
    where = '' if given else (
        ' (the default: $XDG_STATE_HOME/tidings or ~/.local/state/tidings)')
    problem = _checks.directory_problem(path)
    if problem:
        return [errors.ConfigError(
            'notifications', 'state_path', path,
            '%s%s; expected a directory this user can create files in'
            % (problem, where))]
    if file_name:
        target = os.path.join(path, file_name)
        problem = _checks.file_problem(target)
        if problem:
            return [errors.ConfigError(
                'notifications', 'state_path', path,
                '%s in it %s%s' % (file_name, problem, where))]
    return []


def path_errors(group, option, path, conf=None, default_name=None):
    """ConfigErrors for a file tidings will create or append to: ``path``
    when the option is set, else ``default_name`` in state_path."""
    if path is None and conf is not None and default_name:
        return state_path_errors(conf, default_name)
    problem = _checks.file_problem(path)
    if problem:
        return [errors.ConfigError(group, option, path,
                                   problem + '; expected a file path this '
                                   'user can create or append to')]
    return []


def checked_location(conf, given, group, option, problems, default, needs):
    """Where a backend writes: ``given``, else ``[group] option`` of
    ``conf``, else ``default(conf)``; its constructor's startup check,
    before anything is created (ConfigErrors of ``problems(conf,
    given)``, which looks at the default itself).  ``needs``: the
    ValueError's text when there is neither a location nor a conf.
    """
    if given is None and conf is not None:
        given = getattr(getattr(conf, group), option)
    if given is None and conf is None:
        raise ValueError(needs)
    found = problems(conf, given)
    if found:
        raise errors.ConfigErrors(found)
    return default(conf) if given is None else given


def sqlite_path_errors(group, option, url, conf=None, default_name=None):
    """Path problems of a SQLite URL's database file (other URLs: none);
    the default location (no URL) is checked under state_path."""
    if not url:
        return (state_path_errors(conf, default_name)
                if conf is not None and default_name else [])
    try:
        parsed = sa_url.make_url(url)
    except Exception:
        return []
    if parsed.get_backend_name() != 'sqlite':
        return []
    database = parsed.database
    if not database or database == ':memory:' or database.startswith(
            'file:'):
        return []
    problem = _checks.file_problem(database)
    if problem:
        return [errors.ConfigError(
            group, option, _checks.mask_url(url),
            'the SQLite file %s %s; expected a file path this user can '
            'create or write' % (database, problem))]
    return []


def _conf_files(conf):
    """The config files ``conf`` was parsed from (``--config-file`` and
    ``--config-dir``), when it was parsed."""
    files = []
    try:
        files.extend(conf.config_file or [])
        for directory in conf.config_dir or []:
            if os.path.isdir(directory):
                files.extend(sorted(
                    os.path.join(directory, f) for f in os.listdir(directory)
                    if f.endswith('.conf')))
    except (cfg.NoSuchOptError, cfg.Error, AttributeError, TypeError):
        return []
    return files


def check_files(files):
    """ConfigFileErrors for files that cannot be read or parsed: missing,
    a directory, unreadable, not UTF-8, bad syntax.  One per file."""
    return [problem for _, problem in (_checks.read_config_file(f)
                                       for f in files) if problem]


def _file_problems(conf, files):
    """Unknown groups and options, and duplicates, in ``files``."""
    groups = {}
    listed = all_opts()
    for group, opts in listed:
        name = _group_name(group)
        known = groups.setdefault(name, set())
        known.update(opt.dest for opt in opts)
        known.update(opt.name for opt in opts)
        try:
            registered = conf[name]
            known.update(registered.keys())
        except (cfg.NoSuchOptError, cfg.NoSuchGroupError, KeyError,
                AttributeError):
            pass
    out = []
    for path in files:
        parser, problem = _checks.read_config_file(path)
        if problem is not None:
            out.append(problem)
            continue
        out.extend(_checks.duplicate_errors(path, parser, groups))
        for section, options in parser.sections.items():
            known = groups.get(section)
            if known is None:
                close = difflib.get_close_matches(section, list(groups), 1,
                                                  0.8)
                if close:
                    out.append(errors.ConfigError(
                        section, '*', section,
                        'no such group (in %s); did you mean [%s]?' % (
                            path, close[0])))
                continue
            listing = sorted(o.name for g, opts in listed
                             if _group_name(g) == section for o in opts)
            for option in options:
                if option in known:
                    continue
                close = difflib.get_close_matches(option, listing, 1, 0.7)
                out.append(errors.ConfigError(
                    section, option, options[option][-1],
                    'no such option in [%s] (in %s); %soptions: %s' % (
                        section, path,
                        'did you mean %s? ' % close[0] if close else '',
                        ', '.join(listing))))
    return out


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
    regex = getattr(otype, 'regex', None)
    if regex is not None:
        pattern = getattr(regex, 'pattern', regex)
        return _REGEX_WORDS.get(pattern, 'text matching %s' % pattern)
    return 'a valid %s' % type(otype).__name__.lower()


#: What an option's regex accepts, in words (by pattern).
_REGEX_WORDS = {
    r'^\s*(\d+\s*[smhdw]?)?\s*$':
        'a duration: a whole number with an optional unit s, m, h, d or w '
        '(e.g. 30d, 12h, 3600), or nothing',
    r'^[a-z][a-z0-9_]{0,30}$':
        'a lowercase letter then up to 30 lowercase letters, digits or '
        '"_" (e.g. tidings_)',
}

#: oslo.config's explanations that only repeat what ``expected ...``
#: says (in the words of a Python int() or a regex).
_NOISE = re.compile(r"^(Should be (greater|less) than or equal to |"
                    r"invalid literal for |could not convert string to |"
                    r"Value .* doesn't match regex |"
                    r"Valid values are |Unexpected boolean value )")


def _option_error(conf, group, opt, exc):
    """A ConfigError naming the option, its value, what is accepted and the
    file it came from."""
    value, where = _file_value(conf, group, opt)
    detail = str(exc).rsplit('is not valid: ', 1)[-1].strip()
    if _NOISE.match(detail):
        detail = ''
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

"""``tidings config``: check and show a tidings configuration.

``tidings config validate FILE [FILE...]`` loads the files as a service
would (later files override earlier ones, as with several
``--config-file``) and runs the startup checks: every option's type and
range, backend names, the level, pin syntax; then the configured backends'
own checks (``Backend.check_conf``), the publisher format, and every pin
against the payloads of all installed catalogs.  It also refuses options
that no tidings group defines (a typo would otherwise be ignored).

Exit codes: 0 and ``OK`` on stdout when valid; 1 and the error on stderr
when the configuration is invalid (like ``fingerprints check``, 1 means
"checked, and it fails"); 2 for usage errors.

``tidings config show FILE [FILE...]`` prints the effective options of
``[notifications]`` (``--all``: every tidings group), marking defaults.
"""

import difflib
import fnmatch
import os
import sys

from oslo_config import cfg
from stevedore import driver

from tidings import catalogs
from tidings import conf as tidings_conf
from tidings.objects import errors


def register(subparsers):
    parser = subparsers.add_parser(
        'config', help='validate or show a tidings configuration',
        description='Check a configuration as a service would at startup, '
                    'or show its effective settings.')
    sub = parser.add_subparsers(dest='config_command', metavar='SUBCOMMAND')
    sub.required = True

    validate = sub.add_parser(
        'validate', help='run the startup checks on config files',
        description=__doc__.split('\n\n')[1],
        epilog='Exit status: 0 valid, 1 invalid, 2 usage error.')
    validate.add_argument('files', nargs='+', metavar='FILE',
                          help='config files, later ones override earlier')
    validate.set_defaults(func=validate_command)

    show = sub.add_parser(
        'show', help='print the effective [notifications] settings')
    show.add_argument('files', nargs='+', metavar='FILE')
    show.add_argument('--all', action='store_true',
                      help='every tidings option group, not only '
                           '[notifications]')
    show.set_defaults(func=show_command)
    return parser


def load(files):
    """A ConfigOpts with tidings' options, parsed from ``files``."""
    for path in files:
        if not os.path.isfile(path):
            raise errors.ConfigFileError(path, 'no such file')
    try:
        return tidings_conf.new_conf(config_files=list(files))
    except cfg.ConfigFileParseError as exc:
        raise errors.ConfigFileError(exc.config_file, exc.msg) from None
    except cfg.Error as exc:
        raise errors.ConfigFileError(', '.join(files), exc) from None


def check(files):
    """Run every check on ``files``; raise a TidingsError on the first
    problem, return the conf when all pass."""
    conf = load(files)
    tidings_conf.validate(conf)
    _check_unknown_options(conf, files)
    for name in conf.notifications.backends:
        _backend_class(name).check_conf(conf)
    # Pins and the publisher format are checked by the Notifier itself:
    # build one over every installed catalog, delivering nowhere.
    from tidings.notifications import notifier
    registries = catalogs.load_all()
    notifier.Notifier(conf, registries, backends=[]).close()
    return conf


def warnings_for(conf):
    """Settings that are valid but probably not what was meant."""
    out = []
    definitions = [d for r in catalogs.load_all() for d in r]
    for pattern in conf.notifications.disabled_events:
        if not any(fnmatch.fnmatchcase(d.name, pattern)
                   or fnmatch.fnmatchcase(d.event_type_str, pattern)
                   for d in definitions):
            out.append('[notifications] disabled_events: %r matches no '
                       'event of the installed catalogs (%s)' % (
                           pattern, ', '.join(catalogs.names())))
    return out


def _check_unknown_options(conf, files):
    groups = {_group_name(group): {opt.dest for opt in opts}
              | {opt.name for opt in opts}
              for group, opts in tidings_conf.list_opts()}
    for path in files:
        sections = {}
        cfg.ConfigParser(path, sections).parse()
        for section, options in sections.items():
            known = groups.get(section)
            if known is None:
                close = difflib.get_close_matches(section, list(groups), 1,
                                                  0.8)
                if close:
                    raise errors.ConfigError(
                        section, '*', section,
                        'no such group (in %s); did you mean [%s]?' % (
                            path, close[0]))
                continue
            for option in options:
                if option not in known:
                    raise errors.ConfigError(
                        section, option, options[option][-1],
                        'no such option in [%s] (in %s); options: %s' % (
                            section, path, ', '.join(sorted(
                                o.name for g, opts in tidings_conf
                                .list_opts() if _group_name(g) == section
                                for o in opts))))


def _group_name(group):
    return getattr(group, 'name', group)


def _backend_class(name):
    try:
        return driver.DriverManager(tidings_conf.BACKEND_NAMESPACE, name,
                                    invoke_on_load=False).driver
    except Exception as exc:
        raise errors.ConfigError(
            'notifications', 'backends', name,
            'backend failed to load: %s: %s; installed: %s' % (
                type(exc).__name__, exc,
                ', '.join(tidings_conf.installed_backends()))) from None


def validate_command(args):
    try:
        conf = check(args.files)
    except errors.TidingsError as exc:
        print('tidings config validate: %s: invalid: %s' % (
            ', '.join(args.files), exc), file=sys.stderr)
        return 1
    for warning in warnings_for(conf):
        print('warning: ' + warning, file=sys.stderr)
    print('OK')
    return 0


def _format(value):
    if isinstance(value, (list, tuple)):
        return ', '.join(str(v) for v in value)
    if value is None:
        return '<unset>'
    return str(value)


def show_command(args):
    conf = load(args.files)
    tidings_conf.validate(conf)
    for group, opts in tidings_conf.list_opts():
        name = _group_name(group)
        if not args.all and name != 'notifications':
            continue
        print('[%s]' % name)
        for opt in opts:
            value = getattr(conf[name], opt.dest)
            note = '  # default' if value == opt.default or (
                value in ([], None) and opt.default in ([], None)) else ''
            print('%s = %s%s' % (opt.name, _format(value), note))
        print()
    return 0

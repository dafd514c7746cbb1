"""``tidings config``: check and show a tidings configuration.

``tidings config validate FILE [FILE...]`` loads the files as a service
would (later files override earlier ones, as with several
``--config-file``) and runs the Notifier's own startup check
(:func:`tidings.conf.check`): every option's type and range, backend names
(installed, each once), the level, pins against every installed catalog,
the publisher format, state_path, then the configured backends' own checks
(``Backend.check_conf``: URLs and their ports, database drivers, the files
they would write).  It refuses options that no tidings group defines (with
"did you mean"), sections written twice, and files that are not UTF-8 or
do not parse.  Nothing is connected to or created.  Every problem is
reported in the one run, one line each.

Exit codes: 0 and ``OK`` on stdout when valid; 1 and one line per problem
on stderr when the configuration is invalid (like ``fingerprints check``,
1 means "checked, and it fails"); 2 for usage errors.

``tidings config show FILE [FILE...]`` prints the effective options of
``[notifications]`` (``--all``: every tidings group), marking defaults.
"""

import fnmatch
import sys

from oslo_config import cfg

from tidings import backends
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
    """A ConfigOpts with tidings' options, parsed from ``files``; raises
    ConfigErrors naming every file that cannot be read or parsed."""
    problems = tidings_conf.check_files(files)
    if problems:
        raise errors.ConfigErrors(problems)
    try:
        return tidings_conf.new_conf(config_files=list(files))
    except cfg.ConfigFileParseError as exc:
        raise errors.ConfigFileError(exc.config_file, exc.msg) from None
    except cfg.Error as exc:
        raise errors.ConfigFileError(', '.join(files), exc) from None


def problems(files):
    """``(conf, [problem])``: every problem of ``files``, found by the
    Notifier's own startup check (:func:`tidings.conf.check`) with the
    pins checked against the selected catalogs (the project's inside a
    project, else every installed one).  ``conf`` is None when a file
    cannot be read."""
    try:
        conf = load(files)
    except errors.ConfigErrors as exc:
        return None, list(exc.errors)
    except errors.TidingsError as exc:
        return None, [exc]
    return conf, tidings_conf.check(conf, files=list(files),
                                    registries=_registries())


def _registries():
    """The catalogs a service's conf is checked against: the project's
    inside a project (``[tool.tidings]``), else every installed one."""
    return [one.registry for one in catalogs.select()]


def check(files):
    """Run every check on ``files``; raise ConfigErrors listing every
    problem, return the conf when all pass."""
    conf, found = problems(files)
    if found:
        raise errors.ConfigErrors(found)
    return conf


def warnings_for(conf):
    """Settings that are valid but probably not what was meant."""
    out = []
    registries = _registries()
    definitions = [d for r in registries for d in r]
    for pattern in conf.notifications.disabled_events:
        if not any(fnmatch.fnmatchcase(d.name, pattern)
                   or fnmatch.fnmatchcase(d.event_type_str, pattern)
                   for d in definitions):
            out.append('[notifications] disabled_events: %r matches no '
                       'event of the catalogs (%s)' % (
                           pattern, ', '.join(r.name for r in registries)))
    names = list(dict.fromkeys(n.strip() for n in conf.notifications.backends
                               if n.strip()))
    classes = [tidings_conf.backend_class(name) for name in names]
    unserved = backends.unserved_warning(
        backends.unserved(definitions,
                          [cls.serves(conf) for cls in classes]), names)
    if unserved:
        out.append(unserved)
    return out


def validate_command(args):
    conf, found = problems(args.files)
    if found:
        where = ', '.join(args.files)
        for problem in found:
            # One line per problem, whatever the values hold.
            text = str(problem).replace('\r', '\\r').replace('\n', '\\n')
            print('tidings config validate: %s: invalid: %s' % (where, text),
                  file=sys.stderr)
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
    for group, opts in tidings_conf.all_opts():
        name = getattr(group, 'name', group)
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

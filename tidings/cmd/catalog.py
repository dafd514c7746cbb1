"""``tidings catalog check``: lint the event catalogs.

Prints one finding per line, ``<catalog> <EVENT_CONSTANT> (<event type>):
<code> <severity>: <problem>; <what to do>`` (a payload finding names the
payload class and ``payload <namespace>.<Name> <VERSION>`` instead), and a
count on stderr.  Exit 0 when there are only warnings and info, 1 with an
error (or a warning with ``--strict``), 2 on bad usage.  The checks and
their codes: :mod:`tidings.notifications.lint`.
"""

import json
import sys

from tidings import catalogs
from tidings.notifications import lint

FORMATS = ('text', 'json')


def register(subparsers):
    parser = subparsers.add_parser(
        'catalog', help='lint the event catalogs',
        description='Checks of the event catalogs themselves.')
    sub = parser.add_subparsers(dest='catalog_command', metavar='ACTION')
    sub.required = True
    chk = sub.add_parser(
        'check', help='lint catalogs: exit 1 on an error (or a warning '
        'with --strict)', description=__doc__.split('\n\n')[1])
    chk.add_argument('--catalog', '-c', action='append', default=[],
                     metavar='NAME|PKG.MOD:ATTR',
                     help='an installed catalog, or an EventRegistry by '
                     'import path (repeatable; default: every installed '
                     'catalog)')
    chk.add_argument('--strict', action='store_true',
                     help='exit 1 on warnings too')
    chk.add_argument('--show', choices=lint.SEVERITIES, default=lint.INFO,
                     help='print findings of this severity and worse '
                     '(default: %(default)s, every finding)')
    chk.add_argument('-f', '--format', choices=FORMATS, default='text',
                     help='output format (default: %(default)s)')
    chk.set_defaults(func=check)
    return parser


def select(specs):
    """The EventRegistries named by ``--catalog`` (installed names or
    ``PKG.MOD:ATTR``); else the project's catalogs inside a project, else
    every installed catalog (see :func:`tidings.catalogs.select`)."""
    return [one.registry for one in catalogs.select(specs or None)]


def check(args):
    registries = select(args.catalog)
    findings = lint.check_all(registries)
    total = lint.counts(findings)
    shown_levels = lint.SEVERITIES[:lint.SEVERITIES.index(args.show) + 1]
    shown = [f for f in findings if f.severity in shown_levels]
    status = 1 if lint.failing(findings, args.strict) else 0
    if args.format == 'json':
        json.dump({'catalogs': [r.name for r in registries],
                   'strict': args.strict,
                   'counts': total,
                   'findings': [f.as_dict() for f in shown]},
                  sys.stdout, indent=2)
        sys.stdout.write('\n')
    else:
        for finding in shown:
            print(finding)
    print('%d catalog(s) checked (%s): %d error(s), %d warning(s), %d info '
          '(%d waived)%s' % (
              len(registries), ', '.join(r.name for r in registries),
              total[lint.ERROR], total[lint.WARNING], total[lint.INFO],
              total['waived'], '; failing' + (' (--strict)' if status and
                                              not total[lint.ERROR] else '')
              if status else ''), file=sys.stderr)
    return status

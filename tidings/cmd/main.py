"""``tidings``: one command, one module per subcommand group.

Each module in :data:`COMMANDS` has ``register(subparsers)``, which adds its
subcommand(s) and sets ``func`` on them; ``func(args)`` returns the exit
code.  :func:`main` is the one error boundary: a user error (a
:class:`~tidings.objects.errors.TidingsError`, an unusable path, an
undecodable or malformed file) becomes one line on stderr and exit 2; any
other exception is a bug: one line, exit 3, the traceback with
``--debug``.  Commands should still raise typed errors close to the
problem, so the message names the file, option and value.
"""

import argparse
import importlib
import json
import logging
import os
import sys
import traceback
import warnings

#: Subcommand modules under tidings.cmd, in help order.
COMMANDS = (
    'demo',
    'events',
    'fingerprints',
    'schema',
    'asyncapi',
    'config',
    'samples',
    'validate',
    'listen',
    'ceilometer',
    'db',
    'catalog',
)


#: Exit codes, documented in ``tidings --help``.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 3
EXIT_INTERRUPTED = 130

EPILOG = """exit status:
  0    success
  1    findings: a check ran and found problems (invalid messages,
       fingerprint or sample drift, a database behind its schema)
  2    bad usage or bad input: an unknown option or name, an unreadable,
       missing or malformed file, a bad value; one line on stderr says
       what, where, and what is accepted
  3    internal error: a bug in tidings (run again with --debug for the
       traceback, and report it)
  130  interrupted (Ctrl-C)
"""


def build_parser():
    parser = argparse.ArgumentParser(
        prog='tidings',
        description='Versioned, documented, reliable service notifications.',
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('-v', '--verbose', action='store_true',
                        help='log at DEBUG level')
    parser.add_argument('--debug', action='store_true',
                        help='print the traceback of an internal error')
    sub = parser.add_subparsers(dest='command', metavar='COMMAND')
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module('tidings.cmd.' + name)
        except ImportError as exc:
            if exc.name == 'tidings.cmd.' + name:
                continue
            raise
        module.register(sub)
    return parser


def _one_line(text):
    """``text`` on one line: a multi-line message's lines joined."""
    lines = [line.strip() for line in str(text).splitlines()]
    return '; '.join(line for line in lines if line) or '(no detail)'


def user_error(exc):
    """The message of ``exc`` when it is the user's input at fault (a
    typed error, an unusable path, an undecodable file...), else None."""
    from tidings.objects import errors
    from tidings.objects import strictjson
    if isinstance(exc, errors.TidingsError):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename is not None:
        return '%s: %s' % (exc.filename, strictjson.describe_oserror(exc))
    if isinstance(exc, UnicodeDecodeError):
        return ('input is not UTF-8: byte 0x%02x at offset %d cannot be '
                'decoded; accepted: UTF-8 text' % (
                    exc.object[exc.start], exc.start))
    if isinstance(exc, RecursionError):
        return ('input is nested too deep to process; accepted: at most %d '
                'levels of JSON arrays and objects' % strictjson.MAX_DEPTH)
    if isinstance(exc, json.JSONDecodeError):
        return 'input is not JSON: %s at line %d column %d' % (
            exc.msg, exc.lineno, exc.colno)
    if isinstance(exc, strictjson.JSONInputError):
        return 'input %s' % exc
    from oslo_config import cfg
    if isinstance(exc, cfg.Error):
        return 'configuration: %s' % (str(exc).strip(),)
    if type(exc).__module__.startswith('alembic') and \
            type(exc).__name__ == 'CommandError':
        return 'database migration: %s' % exc
    return None


def main(argv=None):
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format='%(levelname)s %(name)s: %(message)s')
    prefix = 'tidings %s: ' % args.command
    try:
        return args.func(args) or EXIT_OK
    except BrokenPipeError:
        # The reader went away (``tidings events list | head``): stop
        # quietly, and keep the interpreter's final flush from failing too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_FINDINGS
    except KeyboardInterrupt:
        print(prefix + 'interrupted', file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        message = user_error(exc)
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        if message is not None:
            print(prefix + 'error: ' + _one_line(message), file=sys.stderr)
            return EXIT_USAGE
        print(prefix + 'internal error: %s: %s (a bug in tidings; run with '
              '--debug for the traceback)' % (
                  type(exc).__name__, _one_line(exc)), file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == '__main__':
    sys.exit(main())

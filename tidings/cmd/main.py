"""``tidings``: one command, one module per subcommand group.

Each module in :data:`COMMANDS` has ``register(subparsers)``, which adds its
subcommand(s) and sets ``func`` on them; ``func(args)`` returns the exit
code.
"""

import argparse
import importlib
import logging
import os
import sys
import warnings

#: Subcommand modules under tidings.cmd, in help order.
COMMANDS = (
    'demo',
    'events',
    'fingerprints',
    'schema',
    'config',
    'samples',
    'validate',
    'ceilometer',
    'db',
)


def build_parser():
    parser = argparse.ArgumentParser(
        prog='tidings',
        description='Versioned, documented, reliable service notifications.')
    parser.add_argument('-v', '--verbose', action='store_true',
                        help='log at DEBUG level')
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


def main(argv=None):
    warnings.filterwarnings('ignore', message=r'\s*Eventlet is deprecated')
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format='%(levelname)s %(name)s: %(message)s')
    from tidings.objects import errors
    try:
        return args.func(args) or 0
    except errors.TidingsError as exc:
        print('tidings %s: error: %s' % (args.command, exc), file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader went away (``tidings events list | head``): stop
        # quietly, and keep the interpreter's final flush from failing too.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == '__main__':
    sys.exit(main())

"""``tidings validate``: check received notifications against the JSON
Schemas of their payload versions (the consumer-side validator).

Input: files (or ``-`` for standard input) holding one JSON message, a
JSON list of messages, or one message per line (what the jsonfile backend
writes).  Exit 0 when every message is valid, 1 when one is not, 2 on
unusable input.
"""

import json
import sys

from tidings import catalogs
from tidings.notifications import validator as validator_mod
from tidings.objects import errors


def register(subparsers):
    parser = subparsers.add_parser(
        'validate', help='validate notifications against their schemas',
        description=__doc__.split('\n\n')[0])
    parser.add_argument('files', nargs='+', metavar='FILE',
                        help='JSON file(s) of wire messages; - reads stdin')
    parser.add_argument('--lock', default=None,
                        help='lock file with the released schemas '
                             '(default: the bundled catalogs\' lock file)')
    parser.add_argument('--catalog', action='append', default=None,
                        metavar='NAME',
                        help='catalogs whose event definitions are checked '
                             'too (default: every installed catalog)')
    parser.set_defaults(func=run)


def _messages(path):
    if path == '-':
        text = sys.stdin.read()
    else:
        try:
            with open(path, encoding='utf-8') as handle:
                text = handle.read()
        except OSError as exc:
            raise errors.TidingsError('cannot read %s: %s' % (
                path, exc.strerror)) from None
    try:
        data = json.loads(text)
    except ValueError:
        data = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                data.append(json.loads(line))
            except ValueError as exc:
                raise errors.MalformedNotificationError(
                    '%s line %d' % (path, number),
                    'not JSON (%s); expected one JSON message, a JSON list, '
                    'or one message per line' % exc) from None
    return data if isinstance(data, list) else [data]


def run(args, out=None):
    out = out or sys.stdout
    registries = catalogs.load_all(args.catalog)
    validator = validator_mod.NotificationValidator(args.lock, registries)
    checked = bad = 0
    for path in args.files:
        for index, message in enumerate(_messages(path), 1):
            checked += 1
            try:
                problems = validator.errors(message)
            except errors.MalformedNotificationError as exc:
                problems = [str(exc)]
            if problems:
                bad += 1
                label = message.get('event_type', '?') if isinstance(
                    message, dict) else '?'
                print('%s #%d (%s): invalid' % (path, index, label),
                      file=out)
                for problem in problems:
                    print('  ' + problem, file=out)
    print('%d message(s) checked: %d valid, %d invalid' % (
        checked, checked - bad, bad), file=out)
    return 1 if bad else 0

"""The one URL masker (tidings.objects.urls.mask_url).

Before issue 12 there were four: conf's text masker, the messaging
backend's ``mask_transport_url`` (oslo.messaging's parse, rebuilt) and two
SQLAlchemy ``render_as_string(hide_password=True)`` wrappers (dbschema's
``safe_url``, outbox's ``mask_url``).  The table keeps what each old one
printed, so a reader sees where they disagreed and which output won: the
text masker's, in every row but one (text without a scheme that holds
``user:password@``, which the old text masker echoed with its password).
"""

import sqlalchemy as sa
import testtools

from tidings.backends import messaging
from tidings.conf import _checks
from tidings.objects import urls

# (url, mask_url now,
#  old conf._checks.mask_url, old messaging.mask_transport_url,
#  old dbschema.safe_url / outbox.mask_url)
TABLE = [
    # transport, several hosts
    ('rabbit://u:pw@h1:5672,v:x@h2:5673/vh',
     'rabbit://u:***@h1:5672,v:***@h2:5673/vh',
     'rabbit://u:***@h1:5672,v:***@h2:5673/vh',
     'rabbit://u:***@h1:5672,v:***@h2:5673/vh',
     '<unparseable URL> / <unparsable URL>'),
    # transport, several hosts, one without password
    ('rabbit://u:pw@h1:5672,v@h2:5673/vh',
     'rabbit://u:***@h1:5672,v@h2:5673/vh',
     'rabbit://u:***@h1:5672,v@h2:5673/vh',
     'rabbit://u:***@h1:5672,v@h2:5673/vh',
     '<unparseable URL> / <unparsable URL>'),
    # transport, default guest
    ('rabbit://guest:guest@127.0.0.1:5672/',
     'rabbit://guest:***@127.0.0.1:5672/',
     'rabbit://guest:***@127.0.0.1:5672/',
     'rabbit://guest:***@127.0.0.1:5672/',
     'rabbit://guest:***@127.0.0.1:5672/'),
    # transport, no path
    ('rabbit://u:pw@h',
     'rabbit://u:***@h',
     'rabbit://u:***@h',
     'rabbit://u:***@h/',
     'rabbit://u:***@h'),
    # transport, no user
    ('rabbit://h:5672/',
     'rabbit://h:5672/',
     'rabbit://h:5672/',
     'rabbit://h:5672/',
     'rabbit://h:5672/'),
    # transport, user without password
    ('rabbit://u@h/',
     'rabbit://u@h/',
     'rabbit://u@h/',
     'rabbit://u@h/',
     'rabbit://u@h/'),
    # transport, @ in the password
    ('rabbit://u:p@ss@h:5672/',
     'rabbit://u:***@h:5672/',
     'rabbit://u:***@h:5672/',
     'rabbit://u:***@h:5672/',
     'rabbit://u:***@ss@h:5672/'),
    # transport, / in the password
    ('rabbit://u:p/ss@h:5672/',
     'rabbit://u:***@h:5672/',
     'rabbit://u:***@h:5672/',
     '<unparsable URL>',
     'rabbit://u:***@h:5672/'),
    # transport, query string
    ('rabbit://u:pw@h/vh?ssl=1',
     'rabbit://u:***@h/vh?ssl=1',
     'rabbit://u:***@h/vh?ssl=1',
     'rabbit://u:***@h/vh',
     'rabbit://u:***@h/vh?ssl=1'),
    # transport, empty user name
    ('rabbit://:pw@h/',
     'rabbit://:***@h/',
     'rabbit://:***@h/',
     'rabbit://h/',
     'rabbit://:***@h/'),
    # transport, IPv6 host
    ('rabbit://u:pw@[::1]:5672/',
     'rabbit://u:***@[::1]:5672/',
     'rabbit://u:***@[::1]:5672/',
     'rabbit://u:***@::1:5672/',
     'rabbit://u:***@[::1]:5672/'),
    # transport, port not a number
    ('rabbit://u:pw@h:abc/',
     'rabbit://u:***@h:abc/',
     'rabbit://u:***@h:abc/',
     '<unparsable URL>',
     '<unparseable URL> / <unparsable URL>'),
    # transport, port out of range
    ('rabbit://u:pw@h:99999/',
     'rabbit://u:***@h:99999/',
     'rabbit://u:***@h:99999/',
     'rabbit://u:***@h:99999/',
     'rabbit://u:***@h:99999/'),
    # kafka, several hosts, no path
    ('kafka://u:pw@h1:9092,h2:9092',
     'kafka://u:***@h1:9092,h2:9092',
     'kafka://u:***@h1:9092,h2:9092',
     'kafka://u:***@h1:9092,h2:9092/',
     '<unparseable URL> / <unparsable URL>'),
    # database, sqlite memory
    ('sqlite://',
     'sqlite://',
     'sqlite://',
     'sqlite:///',
     'sqlite://'),
    # database, sqlite relative file
    ('sqlite:///tmp/x.db',
     'sqlite:///tmp/x.db',
     'sqlite:///tmp/x.db',
     'sqlite:///tmp/x.db',
     'sqlite:///tmp/x.db'),
    # database, sqlite absolute file
    ('sqlite:////abs/x.db',
     'sqlite:////abs/x.db',
     'sqlite:////abs/x.db',
     'sqlite:////abs/x.db',
     'sqlite:////abs/x.db'),
    # database, password
    ('mysql+pymysql://u:pw@h/db',
     'mysql+pymysql://u:***@h/db',
     'mysql+pymysql://u:***@h/db',
     'mysql+pymysql://u:***@h/db',
     'mysql+pymysql://u:***@h/db'),
    # database, query string
    ('mysql+pymysql://u:pw@h:3306/db?charset=utf8&b=2',
     'mysql+pymysql://u:***@h:3306/db?charset=utf8&b=2',
     'mysql+pymysql://u:***@h:3306/db?charset=utf8&b=2',
     'mysql+pymysql://u:***@h:3306/db',
     'mysql+pymysql://u:***@h:3306/db?b=2&charset=utf8'),
    # database, encoded query value
    ('mysql://u:pw@h/db?x=a%2Fb',
     'mysql://u:***@h/db?x=a%2Fb',
     'mysql://u:***@h/db?x=a%2Fb',
     'mysql://u:***@h/db',
     'mysql://u:***@h/db?x=a%2Fb'),
    # database, user without password
    ('postgresql://u@h/db',
     'postgresql://u@h/db',
     'postgresql://u@h/db',
     'postgresql://u@h/db',
     'postgresql://u@h/db'),
    # database, no user
    ('postgresql://h/db',
     'postgresql://h/db',
     'postgresql://h/db',
     'postgresql://h/db',
     'postgresql://h/db'),
    # database, @ in the password
    ('postgresql://u:p@ss@h/db',
     'postgresql://u:***@h/db',
     'postgresql://u:***@h/db',
     'postgresql://u:***@h/db',
     'postgresql://u:***@ss@h/db'),
    # database, encoded @ in the password
    ('postgresql://u:p%40ss@h/db',
     'postgresql://u:***@h/db',
     'postgresql://u:***@h/db',
     'postgresql://u:***@h/db',
     'postgresql://u:***@h/db'),
    # database, port not a number
    ('postgresql://u:pw@h:bad/db',
     'postgresql://u:***@h:bad/db',
     'postgresql://u:***@h:bad/db',
     '<unparsable URL>',
     '<unparseable URL> / <unparsable URL>'),
    # fragment
    ('http://u:pw@h/p?q=1#f',
     'http://u:***@h/p?q=1#f',
     'http://u:***@h/p?q=1#f',
     'http://u:***@h/p',
     'http://u:***@h/p?q=1%23f'),
    # unparsable text
    ('not a url',
     'not a url',
     'not a url',
     '<unparsable URL>',
     '<unparseable URL> / <unparsable URL>'),
    # unparsable text with credentials
    ('u:pw@h/db',
     'u:***@h/db',
     'u:pw@h/db',
     'u:///',
     '<unparseable URL> / <unparsable URL>'),
    # empty
    ('',
     '',
     '',
     '',
     '<unparseable URL> / <unparsable URL>'),
    # unset
    (None,
     None,
     None,
     None,
     '<unparseable URL> / <unparsable URL>'),
]

#: The rows where the old text masker printed something else, and why.
CHANGED = {'u:pw@h/db': 'the old text masker echoed the password'}


class TestMaskUrl(testtools.TestCase):

    def test_table(self):
        for url, masked, _, _, _ in TABLE:
            self.assertEqual(masked, urls.mask_url(url), url)

    def test_same_as_the_old_text_masker(self):
        for url, masked, old_conf, _, _ in TABLE:
            if url not in CHANGED:
                self.assertEqual(old_conf, masked, url)

    def test_no_password_survives(self):
        for url, masked, _, _, _ in TABLE:
            if url and ':p' in url:
                for secret in ('pw@', 'p@ss', 'p/ss', 'p%40ss', ':x@'):
                    self.assertNotIn(secret, masked, url)

    def test_sqlalchemy_url_object(self):
        url = sa.engine.make_url('mysql+pymysql://u:pw@h:3306/db')
        self.assertEqual('mysql+pymysql://u:***@h:3306/db',
                         urls.mask_url(url))

    def test_other_objects_unchanged(self):
        self.assertEqual(5672, urls.mask_url(5672))

    def test_old_names_are_the_one_masker(self):
        self.assertIs(urls.mask_url, _checks.mask_url)
        self.assertIs(urls.mask_url, messaging.mask_transport_url)

    def test_split_netloc(self):
        self.assertEqual(('u:p/ss@h:1', '/vh?q=1'),
                         urls.split_netloc('u:p/ss@h:1/vh?q=1'))
        self.assertEqual(('h', ''), urls.split_netloc('h'))

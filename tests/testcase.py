"""The test case the unit tests share, with the assertions they repeat."""

import testtools
from testtools.matchers import ContainsAll


class TestCase(testtools.TestCase):

    def assertRaisesNaming(self, exc_class, fragments, func, *args,
                           **kwargs):
        """Assert that ``func(*args, **kwargs)`` raises ``exc_class`` with
        every one of ``fragments`` in its message (an error names the
        thing, the value and what is accepted); return the exception."""
        exc = self.assertRaises(exc_class, func, *args, **kwargs)
        self.assertThat(str(exc), ContainsAll(fragments))
        return exc

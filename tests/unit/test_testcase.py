"""The assertions of tests/testcase.py fail when they should."""

from tests import testcase


class TestAssertRaisesNaming(testcase.TestCase):

    def refuse(self, value):
        raise ValueError('value %r refused; accepted: 1 to 9' % value)

    def test_returns_the_exception_naming_every_fragment(self):
        exc = self.assertRaisesNaming(ValueError, ["'x'", '1 to 9'],
                                      self.refuse, 'x')
        self.assertIsInstance(exc, ValueError)

    def test_a_missing_fragment_fails(self):
        self.assertRaises(AssertionError, self.assertRaisesNaming,
                          ValueError, ['accepted: 0'], self.refuse, 'x')

    def test_no_exception_fails(self):
        self.assertRaises(AssertionError, self.assertRaisesNaming,
                          ValueError, ['x'], len, 'x')

    def test_another_exception_is_not_caught(self):
        self.assertRaises(ValueError, self.assertRaisesNaming,
                          KeyError, ['x'], self.refuse, 'x')

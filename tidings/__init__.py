"""tidings: versioned, documented, reliable service notifications."""

__version__ = '0.1.0'

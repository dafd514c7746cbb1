"""Helpers for users' own test suites."""

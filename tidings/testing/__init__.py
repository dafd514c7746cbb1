"""Helpers for users' own test suites: capture notifications, compare
them with samples, check fingerprints."""

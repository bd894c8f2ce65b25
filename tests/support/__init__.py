"""Builders shared by the tests (on the test path through `pythonpath` in pyproject)."""

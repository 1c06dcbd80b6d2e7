"""The test suite (pytest + hypothesis); the fixtures are in conftest.py."""

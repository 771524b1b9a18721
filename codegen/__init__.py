"""schemagen: turn a project's SQL into the test doubles its test suite needs."""

__version__ = "0.1.0"

"""Kernel tests use the fixtures of ``yinghuo.testing.pytest_plugin`` (loaded by entry point)."""

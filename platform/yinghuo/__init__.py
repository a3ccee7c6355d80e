"""Yinghuo (萤火): a multi-tenant platform for volunteer service."""

__version__ = "0.1.0"

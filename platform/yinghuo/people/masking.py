"""The one masking function every page and API response uses for personal numbers."""
from __future__ import annotations


def mask_id_number(value: str | None) -> str | None:
    """``150102199001011234`` -> ``1501**********1234``: first 4 and last 4 shown."""
    if not value:
        return value
    if len(value) <= 8:
        return value[0] + "*" * (len(value) - 1)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    """``13812341234`` -> ``138****1234``."""
    if not value:
        return value
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str | None) -> str | None:
    """``张三丰`` -> ``张**``: for public pages such as certificate verification."""
    if not value:
        return value
    return value[0] + "*" * (len(value) - 1)

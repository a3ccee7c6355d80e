"""Encryption of personal fields (AES-GCM, key id in every ciphertext) and keyed hashes."""
from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import current_app


def _keys() -> tuple[dict[str, bytes], str]:
    settings = current_app.extensions["yinghuo"].settings
    return settings.data_keys, settings.current_key_id


def encrypt(plaintext: str, *, context: str = "") -> str:
    """``kid:base64(nonce + ciphertext)``; ``context`` (e.g. the tenant id) is bound as AAD."""
    keys, kid = _keys()
    nonce = os.urandom(12)
    ct = AESGCM(keys[kid]).encrypt(nonce, plaintext.encode(), context.encode())
    return f"{kid}:{base64.b64encode(nonce + ct).decode()}"


def decrypt(token: str, *, context: str = "") -> str:
    keys, _ = _keys()
    kid, _, b64 = token.partition(":")
    raw = base64.b64decode(b64)
    return AESGCM(keys[kid]).decrypt(raw[:12], raw[12:], context.encode()).decode()


def needs_rotation(token: str) -> bool:
    return token.partition(":")[0] != _keys()[1]


def keyed_hash(value: str, *, tenant_id: int, key_id: str | None = None) -> str:
    """HMAC-SHA256 per tenant: equal numbers in one tenant match; across tenants they do not.

    Made with the last-listed (oldest) key unless ``key_id`` names another: rotation
    prepends a new key and keeps the old ones, so hashes keep matching across a rotation.
    Retiring the oldest key changes which key that is (``yinghuo keys rekey --retire``)."""
    keys, _ = _keys()
    raw = keys[key_id] if key_id is not None else list(keys.values())[-1]
    mac_key = hashlib.sha256(b"yinghuo-idhash:" + raw).digest()
    return hmac.new(mac_key, f"{tenant_id}:{value}".encode(), hashlib.sha256).hexdigest()

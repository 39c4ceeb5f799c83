"""Encryption at rest for sensitive columns, and the keyed blind index that keeps exact look-ups fast (issue 10 §12).

A column declared with :class:`EncryptedTextField` / :class:`EncryptedCharField` / :class:`EncryptedBooleanField`
holds ``e1:<key id>:<base64(nonce ‖ AES-256-GCM ciphertext ‖ tag)>`` in the database; the model instance holds the
plain value (``from_db_value`` decrypts, ``get_db_prep_value`` encrypts with a fresh 96-bit nonce). The associated
data is the column's ``app_label.model.field`` name, so a ciphertext copied into another column does not decrypt.
An empty text value is stored as ``''`` (the fact that a field is blank is not secret; its content is); booleans are
always encrypted (``False`` and ``True`` look alike).

Keys live outside the database (docs/configuration.md): ``settings.TONGHU_FIELD_KEYS`` is a list of 32-byte keys,
the first encrypts, all decrypt (rotation: put a new key first, run ``tonghu rotate-field-key``, drop the old one).
The key id in each value is the first 8 hex digits of SHA-256 of the key, so a value names the key it needs.

:class:`BlindIndexField` holds HMAC-SHA256(``settings.TONGHU_INDEX_KEY``, normalised plain value), 32 hex digits,
computed on save from its ``source`` field. ``filter(id_number=…)`` and ``filter(id_number__in=…)`` on an encrypted
field with a blind index compare the index column instead (an exact look-up by index, as fast as before); every other
look-up on an encrypted field except ``isnull`` is refused (a ``FieldError``), so no query can silently compare
ciphertexts. Raw-SQL writers (the ledger importer's ``bulk.py``) call :func:`seal` and :func:`blind_index` themselves.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models.lookups import Exact, In, IsNull

PREFIX = "e1:"
NONCE = 12


class DecryptionError(Exception):
    """A stored value could not be decrypted: its key is not configured, or the value was altered."""


def key_id(key: bytes) -> str:
    return hashlib.sha256(key).hexdigest()[:8]


@lru_cache(maxsize=8)
def _ciphers(keys: tuple[bytes, ...]):
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if not keys:
        raise ImproperlyConfigured("TONGHU_FIELD_KEYS 为空：敏感字段无法加密。请设置环境变量 TONGHU_FIELD_KEYS（docs/configuration.md）。")
    out = {}
    for key in keys:
        if len(key) != 32:
            raise ImproperlyConfigured(f"TONGHU_FIELD_KEYS 中密钥 {key_id(key)} 长度为 {len(key)} 字节，应为 32 字节（base64 编码的 256 位密钥）。")
        out.setdefault(key_id(key), AESGCM(key))
    return key_id(keys[0]), out


def current_ciphers():
    """(id of the key that encrypts, {key id: AESGCM}) for the configured keys."""
    return _ciphers(tuple(settings.TONGHU_FIELD_KEYS))


def encrypt(plain: str, label: str) -> str:
    kid, ciphers = current_ciphers()
    nonce = os.urandom(NONCE)
    sealed = ciphers[kid].encrypt(nonce, plain.encode("utf-8"), label.encode("ascii"))
    return f"{PREFIX}{kid}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def decrypt(stored: str, label: str) -> str:
    if not stored.startswith(PREFIX):
        raise DecryptionError(f"{label} 的存储值不是密文（缺少 {PREFIX} 前缀）：数据库中的值被改动过，或数据迁移未完成。")
    kid, _sep, body = stored[len(PREFIX):].partition(":")
    cipher = current_ciphers()[1].get(kid)
    if cipher is None:
        raise DecryptionError(f"{label} 的值由密钥 {kid} 加密，但 TONGHU_FIELD_KEYS 中没有这把密钥：请把轮换前的旧密钥加回列表末尾。")
    try:
        raw = base64.b64decode(body)
        return cipher.decrypt(raw[:NONCE], raw[NONCE:], label.encode("ascii")).decode("utf-8")
    except Exception as exc:  # InvalidTag, bad base64: the value was altered or moved from another column
        raise DecryptionError(f"{label} 的密文无法用密钥 {kid} 解密：值被改动过，或是从别的字段复制来的。") from exc


def stored_key_id(stored: str | None) -> str | None:
    if not stored or not stored.startswith(PREFIX):
        return None
    return stored[len(PREFIX):].partition(":")[0]


def blind_index(value) -> str | None:
    """HMAC-SHA256 of the normalised value (trimmed, upper case) under the index key; ``None`` for no value."""
    if value is None:
        return None
    norm = str(value).strip().upper()
    if not norm:
        return None
    mac = _index_mac(settings.TONGHU_INDEX_KEY).copy()
    mac.update(norm.encode("utf-8"))
    return mac.hexdigest()[:32]


@lru_cache(maxsize=4)
def _index_mac(key: bytes):
    return hmac.new(key, digestmod=hashlib.sha256)  # keyed once; each index copies it


class EncryptedMixin:
    """Stored as text (the ciphertext); the instance holds the parent field's Python value."""

    encrypted = True

    def __init__(self, *args, blind_index: str | None = None, **kwargs):
        self.blind_index_field = blind_index
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.blind_index_field:
            kwargs["blind_index"] = self.blind_index_field
        return name, path, args, kwargs

    def db_type(self, connection):
        return connection.data_types["TextField"]

    def cast_db_type(self, connection):
        return self.db_type(connection)

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.name}"

    def encode(self, value) -> str:
        return str(value)

    def decode(self, plain: str):
        return plain

    def seal(self, value):
        """The stored form of a plain Python value (also used by raw-SQL writers)."""
        if value is None:
            return None
        plain = self.encode(value)
        if plain == "" and not isinstance(self, models.BooleanField):
            return ""
        return encrypt(plain, self.label)

    def get_db_prep_value(self, value, connection, prepared=False):
        if not prepared:
            value = self.get_prep_value(value)
        return self.seal(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self.decode(decrypt(value, self.label))

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return IsNull
        if lookup_name in ("exact", "iexact") and self.blind_index_field:
            return BlindExact
        if lookup_name == "in" and self.blind_index_field:
            return BlindIn
        return None  # FieldError "Unsupported lookup": ciphertexts cannot be compared

    def get_transform(self, lookup_name):
        return None


class EncryptedTextField(EncryptedMixin, models.TextField):
    pass


class EncryptedCharField(EncryptedMixin, models.CharField):
    """``max_length`` checks the plain value (forms, ``full_clean``); the column is text."""


class EncryptedBooleanField(EncryptedMixin, models.BooleanField):
    def encode(self, value) -> str:
        return "1" if value else "0"

    def decode(self, plain: str):
        return plain == "1"


class BlindIndexField(models.CharField):
    """HMAC of ``source``'s plain value, set on every save (see the module docstring)."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key in ("max_length", "editable", "null", "blank"):
            kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = blind_index(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def _index_column(lookup, compiler):
    field = lookup.lhs.target
    index = field.model._meta.get_field(field.blind_index_field)
    qn = compiler.quote_name_unless_alias
    return f"{qn(lookup.lhs.alias)}.{qn(index.column)}"


class BlindExact(Exact):
    """``encrypted_field = value`` compares the blind index column with the value's HMAC."""

    def process_rhs(self, compiler, connection):
        return "%s", [blind_index(self.rhs)]

    def as_sql(self, compiler, connection):
        index = blind_index(self.rhs)
        if index is None:  # a blank number matches no file (blank numbers are stored as NULL)
            return "1 = 0", []
        return f"{_index_column(self, compiler)} = %s", [index]


class BlindIn(In):
    def as_sql(self, compiler, connection):
        values = [v for v in (blind_index(v) for v in self.rhs) if v is not None]
        if not values:
            from django.core.exceptions import EmptyResultSet

            raise EmptyResultSet
        return f"{_index_column(self, compiler)} IN ({', '.join(['%s'] * len(values))})", values


def encrypted_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


def blind_index_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]

"""The message catalog: every sentence a user hears or reads, keyed by id, per locale.

Catalog files are the `*.toml` beside this module (one per part of the product: engine, skill,
tutor), merged into one catalog. A file's top-level tables named like a locale (`[en]`, `[en-GB]`)
hold that locale's messages; plain keys outside such tables are English. Lookups fall back from
"en-GB" to "en", so a new locale can translate a part of the catalog at a time.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from shared.locales import DEFAULT_LOCALE

CATALOG_DIR = Path(__file__).parent
DEFAULT_LANGUAGE = "en"
_LOCALE_NAME = re.compile(r"^[a-z]{2}(-[A-Z]{2})?$")


class MessageError(LookupError):
    """A message id is missing, duplicated or given the wrong parameters."""


def _flatten(table: Mapping[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            flat.update(_flatten(value, f"{name}."))
        elif isinstance(value, str):
            flat[name] = value
        else:
            raise MessageError(f"message '{name}' must be text")
    return flat


def _merge(
    target: dict[str, dict[str, str]], locale: str, messages: dict[str, str], origin: str
) -> None:
    bucket = target.setdefault(locale, {})
    for key, text in messages.items():
        if key in bucket:
            raise MessageError(f"message '{key}' ({locale}) is defined twice; again in {origin}")
        bucket[key] = text


def parse_catalog_files(paths: list[Path]) -> dict[str, dict[str, str]]:
    """Merge catalog files into {locale: {key: text}}; a duplicate key is an error."""
    catalog: dict[str, dict[str, str]] = {}
    for path in sorted(paths):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        plain = {k: v for k, v in data.items() if not _LOCALE_NAME.match(k)}
        _merge(catalog, DEFAULT_LANGUAGE, _flatten(plain), path.name)
        for locale in (k for k in data if _LOCALE_NAME.match(k)):
            _merge(catalog, locale, _flatten(data[locale]), path.name)
    return catalog


@cache
def catalog() -> dict[str, dict[str, str]]:
    """The product's merged catalog, read once."""
    return parse_catalog_files(list(CATALOG_DIR.glob("*.toml")))


def _candidates(locale: str) -> tuple[str, ...]:
    language = locale.split("-")[0].lower()
    return (locale, language, DEFAULT_LANGUAGE)


@cache
def template(key: str, locale: str = DEFAULT_LOCALE) -> str:
    """The raw text for `key` in the closest available locale (cached: the catalog is fixed)."""
    messages = catalog()
    for candidate in _candidates(locale):
        found = messages.get(candidate, {}).get(key)
        if found is not None:
            return found
    raise MessageError(f"no message '{key}'")


def text(key: str, locale: str = DEFAULT_LOCALE, **params: Any) -> str:
    """The message `key` with its {placeholders} filled in."""
    try:
        return template(key, locale).format_map(params)
    except (KeyError, IndexError, ValueError) as error:
        raise MessageError(f"message '{key}' needs parameter {error}") from error


def has(key: str, locale: str = DEFAULT_LOCALE) -> bool:
    try:
        template(key, locale)
    except MessageError:
        return False
    return True

"""The locales the product speaks, and the one it falls back to."""

from __future__ import annotations

# One interaction model each (interaction_models/<locale>.json); messages fall back by language.
LOCALES = ("en-US", "en-GB", "en-CA", "en-AU", "en-IN")
DEFAULT_LOCALE = "en-US"

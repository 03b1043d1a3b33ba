"""Assembling an ASK CLI `skill-package/` from the manifest template and the interaction models,
so `ask deploy` publishes exactly what the tests validated."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from shared.locales import LOCALES
from shared.model import MODELS_DIR
from skill.icons import write_icons

MANIFEST_TEMPLATE = Path(__file__).with_name("skill.json")
EXAMPLE_PHRASES = [
    "Alexa, open back stretch coach",
    "Alexa, ask back stretch coach to start my back stretches",
    "Alexa, ask back stretch coach to start my neck stretches",
]
SUMMARY = "A guided coach for gentle neck, shoulder and lower-back stretches."
DESCRIPTION = (
    "Back Stretch Coach asks where you feel stiff, checks for warning signs, explains each stretch "
    "and paces every hold and repetition, left and right, with rests and safety cues. "
    # Amazon's policy for health skills asks for this disclaimer in the description.
    "This skill is not a substitute for professional medical advice. Consult a doctor or "
    "physical therapist about new, severe or lasting pain. It keeps your sessions, pain reports "
    "and safety answers to pace your stretching; say 'delete my data' to erase them."
)


# The store icons, drawn by `write_icons` into the package (ASK CLI uploads file:// assets).
ICONS_DIR = Path("assets") / "images"
ICON_URIS = {
    "smallIconUri": f"file://{ICONS_DIR.as_posix()}/small-icon.png",
    "largeIconUri": f"file://{ICONS_DIR.as_posix()}/large-icon.png",
}


def _publishing_locale() -> dict[str, Any]:
    return {
        "name": "Back Stretch Coach",
        "summary": SUMMARY,
        "description": DESCRIPTION,
        "examplePhrases": EXAMPLE_PHRASES,
        "keywords": ["stretch", "back", "neck", "posture", "exercise"],
        **ICON_URIS,
    }


def manifest(
    endpoint_uri: str | None,
    ssl_certificate_type: str,
    privacy_url: str | None = None,
    terms_url: str | None = None,
) -> dict[str, Any]:
    """The manifest: the endpoint, a publishing locale per model, and the privacy declaration.
    The skill keeps per-user sessions, pain reports and screening answers, so it declares that
    it uses personal information, with the privacy policy (and terms) given per locale."""
    data: dict[str, Any] = json.loads(MANIFEST_TEMPLATE.read_text(encoding="utf-8"))
    privacy = data["manifest"]["privacyAndCompliance"]
    privacy["usesPersonalInfo"] = True
    links = {"privacyPolicyUrl": privacy_url, "termsOfUseUrl": terms_url}
    links = {key: url for key, url in links.items() if url}
    if links:
        privacy["locales"] = {locale: dict(links) for locale in LOCALES}
    endpoint = data["manifest"]["apis"]["custom"]["endpoint"]
    if endpoint_uri:
        endpoint["uri"] = endpoint_uri
    endpoint["sslCertificateType"] = ssl_certificate_type
    publishing = data["manifest"]["publishingInformation"]
    publishing["locales"] = {locale: _publishing_locale() for locale in LOCALES}
    return data


def build_skill_package(
    out_dir: Path,
    endpoint_uri: str | None = None,
    ssl_certificate_type: str = "Trusted",
    privacy_url: str | None = None,
    terms_url: str | None = None,
) -> Path:
    """Write `out_dir/skill-package` (replacing an older one) and return its path."""
    package = out_dir / "skill-package"
    if package.exists():
        shutil.rmtree(package)
    models = package / "interactionModels" / "custom"
    models.mkdir(parents=True)
    written = manifest(endpoint_uri, ssl_certificate_type, privacy_url, terms_url)
    text = json.dumps(written, indent=2) + "\n"
    (package / "skill.json").write_text(text, encoding="utf-8")
    for locale in LOCALES:
        shutil.copyfile(MODELS_DIR / f"{locale}.json", models / f"{locale}.json")
    write_icons(package / ICONS_DIR)  # drawn from the illustration data (skill/icons.py)
    return package

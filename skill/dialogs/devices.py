"""The devices a dialog can talk through: what each tells the skill about itself.

An Echo says it plays audio; an Echo Show, an Echo Spot and a Fire TV also say they draw APL and
describe their screen (context.Viewport), as the real ones do, so a dialog on one of them gets
the skill's screens and can touch their buttons.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

APL = "Alexa.Presentation.APL"
APL_RUNTIME = {"runtime": {"maxVersion": "2023.3"}}
DEFAULT_DEVICE = "echo"


def _viewport(
    mode: str, shape: str, width: int, height: int, dpi: int, touch: bool
) -> dict[str, Any]:
    return {
        "experiences": [
            {"arcMinuteWidth": 246, "arcMinuteHeight": 144, "canRotate": False, "canResize": False}
        ],
        "mode": mode,
        "shape": shape,
        "pixelWidth": width,
        "pixelHeight": height,
        "dpi": dpi,
        "currentPixelWidth": width,
        "currentPixelHeight": height,
        "touch": ["SINGLE"] if touch else [],
        "keyboard": ["DIRECTION"] if mode == "TV" else [],
        "video": {"codecs": ["H_264_42", "H_264_41"]},
    }


# name -> (supportedInterfaces, context.Viewport or None)
DEVICES: dict[str, tuple[dict[str, Any], dict[str, Any] | None]] = {
    "echo": ({"AudioPlayer": {}}, None),
    "echo_show": (
        {"AudioPlayer": {}, APL: APL_RUNTIME},
        _viewport("HUB", "RECTANGLE", 1280, 800, 160, True),
    ),
    "echo_show_5": (
        {"AudioPlayer": {}, APL: APL_RUNTIME},
        _viewport("HUB", "RECTANGLE", 960, 480, 160, True),
    ),
    "echo_spot": (
        {"AudioPlayer": {}, APL: APL_RUNTIME},
        _viewport("HUB", "ROUND", 480, 480, 160, True),
    ),
    "fire_tv": ({APL: APL_RUNTIME}, _viewport("TV", "RECTANGLE", 1920, 1080, 320, False)),
}


def device_of(envelope: Mapping[str, Any]) -> str:
    """Which of DEVICES a recorded request came from, by what it says it can do: its screen's
    mode, shape and size when it draws APL (an unknown screen reads as the Echo Show), else an
    Echo. A recording names it, so its taps replay on a device that has the buttons."""
    system = (envelope.get("context") or {}).get("System") or {}
    interfaces = ((system.get("device") or {}).get("supportedInterfaces")) or {}
    if APL not in interfaces:
        return DEFAULT_DEVICE
    seen = (envelope.get("context") or {}).get("Viewport") or {}
    keys = ("mode", "shape", "pixelWidth", "pixelHeight")
    for name, (_, viewport) in DEVICES.items():
        if viewport is not None and all(viewport[k] == seen.get(k) for k in keys):
            return name
    return "echo_show"

"""Large digits for the seconds left, readable from across the room while stretching."""

from __future__ import annotations

_FONT = {
    "0": ["█████", "█   █", "█   █", "█   █", "█████"],
    "1": ["  █  ", " ██  ", "  █  ", "  █  ", " ███ "],
    "2": ["█████", "    █", "█████", "█    ", "█████"],
    "3": ["█████", "    █", " ████", "    █", "█████"],
    "4": ["█   █", "█   █", "█████", "    █", "    █"],
    "5": ["█████", "█    ", "█████", "    █", "█████"],
    "6": ["█████", "█    ", "█████", "█   █", "█████"],
    "7": ["█████", "    █", "   █ ", "  █  ", "  █  "],
    "8": ["█████", "█   █", "█████", "█   █", "█████"],
    "9": ["█████", "█   █", "█████", "    █", "█████"],
}
HEIGHT = 5


def big_number(value: int) -> list[str]:
    """`value` drawn five rows high, digits one space apart."""
    digits = str(max(0, value))
    return ["  ".join(_FONT[d][row] for d in digits) for row in range(HEIGHT)]

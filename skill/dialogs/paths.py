"""`path:` expectations: JMESPath expressions over the whole response envelope, each with the value
it must give, for any field the other expectations do not name.

    path: {"response.shouldEndSession": false, "sessionAttributes.engine.phase": checkin}

Values match as elsewhere (a string is a text pattern, a mapping a subset). Expressions are
compiled when the file loads, so a malformed one is an error at its line, not a failed turn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import jmespath
from jmespath.exceptions import JMESPathError

from skill.dialogs.errors import Where


def check_paths(paths: Any, where: Where) -> None:
    """Every key of a `path:` mapping must be a JMESPath expression."""
    if not isinstance(paths, Mapping) or not paths:
        raise where.error("'path' must be a mapping of JMESPath expressions to expected values")
    for expression in paths:
        try:
            jmespath.compile(str(expression))
        except JMESPathError as error:
            detail = " ".join(str(error).split())
            raise where.at(paths, expression).error(
                f"{str(expression)!r} is not a JMESPath expression: {detail}"
            ) from None


def path_failures(
    paths: Mapping[Any, Any],
    envelope: Mapping[str, Any],
    matches: Callable[[Any, Any], bool],
) -> list[tuple[str, Any, Any]]:
    """(expression, expected, actual) for each expression whose value does not match."""
    failures = []
    for expression, expected in paths.items():
        actual = jmespath.search(str(expression), envelope)
        if not matches(expected, actual):
            failures.append((str(expression), expected, actual))
    return failures

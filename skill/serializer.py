"""The ask-sdk serializer, with three costs removed from every request.

The SDK parses each timestamp with dateutil's general parser (a large share of a request's time),
imports each model class by name again for every object, and only accepts JSON text; Alexa always
sends ISO 8601, the classes never change, and the endpoint has already decoded the body for
verification. Behaviour is unchanged: what fromisoformat cannot read goes to the SDK's parser.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ask_sdk_core.serialize import DefaultSerializer


class FastSerializer(DefaultSerializer):
    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, Any] = {}

    def _DefaultSerializer__load_class_from_name(self, class_name: str) -> Any:
        found = self._classes.get(class_name)
        if found is None:
            found = super()._DefaultSerializer__load_class_from_name(class_name)  # type: ignore[misc]
            self._classes[class_name] = found
        return found

    def deserialize_data(self, data: Any, obj_type: Any) -> Any:
        """Like `deserialize`, from already-decoded JSON."""
        return self._DefaultSerializer__deserialize(data, obj_type)  # type: ignore[attr-defined]

    def _DefaultSerializer__deserialize_datetime(self, payload: str, obj_type: Any) -> Any:
        try:
            parsed = datetime.fromisoformat(payload.replace("Z", "+00:00"))
        except (ValueError, AttributeError, TypeError):
            return super()._DefaultSerializer__deserialize_datetime(payload, obj_type)  # type: ignore[misc]
        return parsed.date() if obj_type is date else parsed

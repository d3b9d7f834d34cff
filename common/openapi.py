"""drf-spectacular post-processing: the OpenAPI schema states the rules every request of the portal obeys."""

from typing import Any

# RejectMalformedInputMiddleware (common/middleware.py) answers 400 to any parameter holding a NUL.
NO_NUL = "^[^\\u0000]*$"


def text_parameters_hold_no_nul(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """Every free-text parameter (path or query) gets the pattern "no NUL character"."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []) if isinstance(operation, dict) else []:
                schema = parameter.get("schema", {})
                if schema.get("type") == "string" and "enum" not in schema and "pattern" not in schema:
                    schema["pattern"] = NO_NUL
    return result

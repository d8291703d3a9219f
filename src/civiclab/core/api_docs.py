"""The API reference page: the OpenAPI document, read into rows a template can show.

The page is rendered on the server from the same document `/api/v1/openapi.json` serves, so it
never disagrees with the API and works without JavaScript. The URLconf hands the view the
API object (core sits below config and cannot import it).
"""

import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import gettext as _
from ninja import NinjaAPI

METHODS = ("get", "post", "put", "patch", "delete")
METHOD_COLOURS = {"get": "blue", "post": "green", "put": "yellow", "patch": "yellow"}
REF_PREFIX = "#/components/schemas/"
TOKEN_PLACEHOLDER = "clb_..."


def ref_name(schema: dict) -> str:
    ref = schema.get("$ref", "")
    return ref[len(REF_PREFIX) :] if ref.startswith(REF_PREFIX) else ""


def _without_null(options: list[dict]) -> list[dict]:
    return [option for option in options if option.get("type") != "null"]


def describe_type(schema: dict) -> dict[str, str]:
    """A schema as `{"text": ..., "schema": ...}`: readable type text and, for a named schema,
    its name (the template links it to the schemas section)."""
    name = ref_name(schema)
    if name:
        return {"text": name, "schema": name}
    for combinator in ("anyOf", "oneOf", "allOf"):
        options = _without_null(schema.get(combinator) or [])
        if len(options) == 1:
            return describe_type(options[0])
        if options:
            texts = [describe_type(option)["text"] for option in options]
            return {"text": _(" or ").join(texts), "schema": ""}
    kind = schema.get("type", "")
    if kind == "array":
        inner = describe_type(schema.get("items") or {})
        return {"text": _("list of %(type)s") % {"type": inner["text"]}, "schema": inner["schema"]}
    if "enum" in schema:
        values = ", ".join(str(value) for value in schema["enum"])
        return {"text": _("one of: %(values)s") % {"values": values}, "schema": ""}
    text = kind or _("any")
    if schema.get("format"):
        text = f"{text} ({schema['format']})"
    return {"text": text, "schema": ""}


def _limits(schema: dict) -> str:
    """Bounds and defaults worth telling a client, as a short phrase."""
    options = _without_null(schema.get("anyOf") or []) or [schema]
    parts = []
    for option in options:
        for key, label in (
            ("minimum", _("at least")),
            ("maximum", _("at most")),
            ("maxLength", _("at most %(n)s characters")),
        ):
            if key in option:
                value = option[key]
                parts.append(label % {"n": value} if "%(n)s" in label else f"{label} {value}")
    if "default" in schema and schema["default"] not in (None, "", [], {}):
        parts.append(_("default %(value)s") % {"value": json.dumps(schema["default"])})
    return "; ".join(parts)


def parameter_rows(operation: dict) -> list[dict]:
    rows = []
    for parameter in operation.get("parameters") or []:
        schema = parameter.get("schema") or {}
        rows.append(
            {
                "name": parameter["name"],
                "location": parameter.get("in", ""),
                "type": describe_type(schema),
                "required": bool(parameter.get("required")),
                "description": parameter.get("description") or schema.get("description", ""),
                "limits": _limits(schema),
            }
        )
    return rows


def field_rows(schema: dict, schemas: dict) -> list[dict]:
    """The fields of an object schema (one `$ref` resolved); nested objects stay names."""
    name = ref_name(schema)
    if name:
        schema = schemas.get(name, {})
    required = set(schema.get("required") or [])
    return [
        {
            "name": field,
            "type": describe_type(spec),
            "required": field in required,
            "description": spec.get("description", ""),
            "limits": _limits(spec),
        }
        for field, spec in (schema.get("properties") or {}).items()
    ]


def _json_schema(container: dict) -> dict:
    content = container.get("content") or {}
    return (content.get("application/json") or {}).get("schema") or {}


def request_body(operation: dict, schemas: dict) -> dict | None:
    body = operation.get("requestBody")
    if not body:
        return None
    schema = _json_schema(body)
    return {
        "schema": ref_name(schema),
        "type": describe_type(schema),
        "fields": field_rows(schema, schemas),
    }


def response_rows(operation: dict) -> list[dict]:
    rows = []
    for code, response in (operation.get("responses") or {}).items():
        schema = _json_schema(response)
        rows.append(
            {
                "code": str(code),
                "description": response.get("description", ""),
                "type": describe_type(schema) if schema else None,
            }
        )
    return rows


def needs_credentials(operation: dict) -> bool:
    """OpenAPI lists the schemes an operation accepts; an empty entry means anyone may call it."""
    security = operation.get("security") or []
    return bool(security) and all(requirement for requirement in security)


def _example_value(spec: dict) -> object:
    kind = describe_type(spec)["text"]
    options = _without_null(spec.get("anyOf") or []) or [spec]
    if "enum" in options[0]:
        return options[0]["enum"][0]
    if options[0].get("type") == "integer":
        return 1
    if options[0].get("type") == "boolean":
        return True
    if options[0].get("type") == "array":
        return []
    return "..." if kind else None


def example_body(schema: dict, schemas: dict) -> dict:
    """The required fields of a body with placeholder values, enough to show the shape."""
    name = ref_name(schema)
    resolved = schemas.get(name, {}) if name else schema
    required = resolved.get("required") or []
    properties = resolved.get("properties") or {}
    example = {}
    for field in required:
        spec = properties.get(field, {})
        target = schemas.get(ref_name(spec), spec) if ref_name(spec) else spec
        example[field] = _example_value(target)
    return example


def curl_example(method: str, url: str, operation: dict, schemas: dict, *, public: bool) -> str:
    lines = ["curl"]
    if method != "get":
        lines[0] += f" -X {method.upper()}"
    if not public:
        lines.append(f'  -H "Authorization: Bearer {TOKEN_PLACEHOLDER}"')
    body = operation.get("requestBody")
    if body:
        payload = json.dumps(example_body(_json_schema(body), schemas))
        lines.append('  -H "Content-Type: application/json"')
        lines.append(f"  -d '{payload}'")
    if len(lines) == 1:
        return f"{lines[0]} {url}"
    lines.append(f"  {url}")
    return " \\\n".join(lines)


def operation_anchor(method: str, path: str) -> str:
    return "op-" + slugify(f"{method} {path.replace('/', ' ')}")


def operation_rows(schema: dict, base_url: str) -> list[dict]:
    schemas = (schema.get("components") or {}).get("schemas") or {}
    rows = []
    for path, item in (schema.get("paths") or {}).items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            public = not needs_credentials(operation)
            rows.append(
                {
                    "method": method.upper(),
                    "colour": METHOD_COLOURS.get(method, "red"),
                    "path": path,
                    "anchor": operation_anchor(method, path),
                    "tag": (operation.get("tags") or [_("other")])[0],
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "public": public,
                    "parameters": parameter_rows(operation),
                    "body": request_body(operation, schemas),
                    "responses": response_rows(operation),
                    "curl": curl_example(
                        method, base_url + path, operation, schemas, public=public
                    ),
                }
            )
    return rows


def group_by_tag(operations: list[dict]) -> list[dict]:
    """Groups in the order their first operation appears in the document."""
    groups: dict[str, dict] = {}
    for operation in operations:
        tag = operation["tag"]
        group = groups.setdefault(
            tag, {"tag": tag, "anchor": "tag-" + slugify(tag), "operations": []}
        )
        group["operations"].append(operation)
    return list(groups.values())


def schema_rows(schema: dict) -> list[dict]:
    schemas = (schema.get("components") or {}).get("schemas") or {}
    rows = []
    for name in sorted(schemas, key=str.lower):
        spec = schemas[name]
        rows.append(
            {
                "name": name,
                "anchor": "schema-" + name,
                "description": spec.get("description", ""),
                "fields": field_rows(spec, schemas),
                "values": [str(value) for value in spec.get("enum") or []],
            }
        )
    return rows


def build_reference(schema: dict, base_url: str) -> dict:
    info = schema.get("info") or {}
    return {
        "title": info.get("title", ""),
        "version": info.get("version", ""),
        "openapi": schema.get("openapi", ""),
        "groups": group_by_tag(operation_rows(schema, base_url)),
        "schemas": schema_rows(schema),
    }


def reference_schema(api: NinjaAPI) -> dict:
    """The OpenAPI document; CivicAPI already marks optionally authenticated operations."""
    return api.get_openapi_schema()


def api_reference(request: HttpRequest, *, api: NinjaAPI) -> HttpResponse:
    """The API reference, for anyone: what each endpoint takes, answers and needs."""
    base_url = f"{request.scheme}://{request.get_host()}"
    reference = build_reference(reference_schema(api), base_url)
    return render(request, "core/api_docs.html", {"reference": reference})

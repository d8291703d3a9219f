"""docs/api.md covers every operation of the OpenAPI document: a new endpoint fails this test
until its row (method, path, who, inputs, errors) is written."""

from pathlib import Path

from civiclab.config.api import api

API_MD = Path(__file__).resolve().parents[2] / "docs" / "api.md"
METHODS = {"get", "post", "put", "patch", "delete"}


def test_docs_api_md_lists_every_operation_of_the_openapi_document():
    text = API_MD.read_text()
    document = api.get_openapi_schema()
    operations = [
        f"`{method.upper()} {path}`"
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    ]
    assert len(operations) > 60
    assert [operation for operation in operations if operation not in text] == []


def test_every_documented_operation_exists():
    # A row left behind after an endpoint is renamed or removed is as wrong as a missing one.
    import re

    document = api.get_openapi_schema()
    known = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in METHODS
    }
    rows = re.findall(
        r"^\| `((?:GET|POST|PUT|PATCH|DELETE) /api/v1/[^`]*)`", API_MD.read_text(), re.M
    )
    assert rows
    assert [row for row in rows if row not in known] == []

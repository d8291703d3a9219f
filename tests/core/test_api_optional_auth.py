def _security(schema, path, method):
    return schema["paths"][path][method]["security"]


def test_public_reads_are_marked_as_optionally_authenticated(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    assert {} in _security(schema, "/api/v1/challenges", "get")
    assert {} in _security(schema, "/api/v1/ideas/{idea_id}", "get")


def test_endpoints_that_need_a_person_still_require_credentials(client, db):
    schema = client.get("/api/v1/openapi.json").json()

    assert {} not in _security(schema, "/api/v1/me", "get")
    assert _security(schema, "/api/v1/me", "get")


def test_a_refused_token_is_not_downgraded_to_an_anonymous_read(client, db):
    response = client.get("/api/v1/challenges", HTTP_AUTHORIZATION="Bearer clb_nope_nope")

    assert response.status_code == 401
    assert response.json()["error"]["code"]

"""The API's OpenAPI description: served, valid, and in step with the routes."""

from __future__ import annotations

from tests.helpers import get_json


def test_every_route_is_documented_and_every_documented_route_exists(client) -> None:
    from app import app
    from chalicelib.api.openapi import documented_routes

    routes = documented_routes(app)
    undocumented = sorted(route for route, doc in routes.items() if doc is None)
    assert undocumented == []
    document = get_json(client, "/openapi.json").json
    described = {(path, method.upper()) for path, operations in document["paths"].items()
                 for method in operations}
    assert described == set(routes)


def test_the_description_is_valid_openapi_3_1_with_the_servers_own_body_schemas(client) -> None:
    import schemathesis

    from chalicelib.catalog_files import load_meta
    from chalicelib.settings import get_settings

    response = get_json(client, "/openapi.json")
    assert response.status_code == 200
    document = response.json
    assert document["openapi"] == "3.1.0"
    schema = schemathesis.openapi.from_dict(document)  # refuses an invalid description
    assert len(list(schema.get_all_operations())) == sum(map(len, document["paths"].values()))
    submission = document["components"]["schemas"]["Submission"]
    assert submission == load_meta(get_settings().schemas_dir, "submission")
    # AND every error status answers with the one bilingual error body
    for operations in document["paths"].values():
        for operation in operations.values():
            for status, answer in operation["responses"].items():
                if int(status) >= 400:
                    assert answer["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/Error"}


def test_the_description_is_cacheable(client) -> None:
    first = get_json(client, "/openapi.json")
    again = get_json(client, "/openapi.json", **{"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304

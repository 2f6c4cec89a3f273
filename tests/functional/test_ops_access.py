"""Who may read the ops figures: ops admins only. Every other role gets 403 and anonymous
callers 401, each with the bilingual body and nothing of anyone's data in it."""

from __future__ import annotations

import pytest

from tests.helpers import get_json

OPS_ROUTES = ["/ops/stats", "/ops/stats?by=district,centre&from=2026-01-01&to=2026-01-31"]
REFUSED = {
    "citizen": {},
    "entrepreneur": {"centre_id": "dc-1001", "id": "u-test-entrepreneur"},
    "officer": {"agency_id": "police", "id": "u-test-officer"},
}


@pytest.mark.parametrize("path", OPS_ROUTES)
def test_anonymous_callers_must_sign_in(client, path) -> None:
    response = get_json(client, path)
    assert (response.status_code, response.json["code"]) == (401, "sign_in_required")
    assert response.json["message_bn"] and response.json["message_en"]


@pytest.mark.parametrize("path", OPS_ROUTES)
@pytest.mark.parametrize("role", sorted(REFUSED))
def test_every_role_but_ops_is_refused(as_role, role, path) -> None:
    caller = as_role(role, phone="+8801712345678", **REFUSED[role])
    response = get_json(caller, path)
    assert (response.status_code, response.json["code"]) == (403, "forbidden")
    assert set(response.json) == {"code", "message_bn", "message_en", "fields"}
    assert "1712345678" not in response.body.decode() if isinstance(
        response.body, bytes) else "1712345678" not in response.body


@pytest.mark.parametrize("path", OPS_ROUTES)
def test_ops_read_the_figures(as_role, path) -> None:
    ops = as_role("ops", id="u-test-ops", phone="+8801900000001")
    response = get_json(ops, path)
    assert response.status_code == 200
    assert "totals" in response.json


def test_a_forged_token_is_refused(client) -> None:
    response = get_json(client, "/ops/stats", Authorization="Bearer not-a-token")
    assert response.status_code == 401

"""The web app's delivery: one CloudFront origin for the app and /api/, a private bucket,
the right caching per kind of file, security headers, and client-side routes that open
the app instead of an error."""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from tests.infra.conftest import INFRA, Packaged
from tests.infra.template import of_type, referenced

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


def distribution(stage: Packaged) -> dict[str, Any]:
    (found,) = of_type(stage.template, "AWS::CloudFront::Distribution").values()
    return found["Properties"]["DistributionConfig"]


def behaviour(stage: Packaged, path: str) -> dict[str, Any]:
    (found,) = [b for b in distribution(stage)["CacheBehaviors"] if b["PathPattern"] == path]
    return found


def origin_kind(stage: Packaged, origin_id: str) -> str:
    (origin,) = [o for o in distribution(stage)["Origins"] if o["Id"] == origin_id]
    if "S3OriginConfig" in origin:
        return "s3:" + ",".join(sorted(referenced(origin["DomainName"])))
    return "api:" + origin["DomainName"]["Fn::Sub"]


def test_api_paths_reach_api_gateway_uncached_with_every_method(stage: Packaged) -> None:
    api = behaviour(stage, "/api/*")
    # THEN /api/* goes to the stage's REST API, whose stage is also named "api"
    assert origin_kind(stage, api["TargetOriginId"]) == (
        "api:${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    )
    assert stage.template["Resources"]["RestAPI"]["Properties"]["StageName"] == "api"
    # AND is never cached by CloudFront, and takes POSTs (submissions) over HTTPS only
    assert api["CachePolicyId"] == CACHING_DISABLED
    assert {"GET", "POST", "OPTIONS"} <= set(api["AllowedMethods"])
    assert api["ViewerProtocolPolicy"] == "https-only"
    # AND API errors reach the app as sent: no distribution-wide error page rewrites
    # a 404 or 409 into the app shell
    assert "CustomErrorResponses" not in distribution(stage)


def test_everything_else_comes_from_a_private_bucket(stage: Packaged) -> None:
    config = distribution(stage)
    default = config["DefaultCacheBehavior"]
    (bucket_id,) = of_type(stage.template, "AWS::S3::Bucket")
    assert origin_kind(stage, default["TargetOriginId"]) == f"s3:{bucket_id}"
    (origin,) = [o for o in config["Origins"] if o["Id"] == default["TargetOriginId"]]
    assert referenced(origin["OriginAccessControlId"]) <= set(
        of_type(stage.template, "AWS::CloudFront::OriginAccessControl")
    )
    bucket = stage.template["Resources"][bucket_id]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    # AND only this distribution may read it
    (policy,) = of_type(stage.template, "AWS::S3::BucketPolicy").values()
    for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
        if statement["Effect"] == "Allow":
            assert statement["Principal"] == {"Service": "cloudfront.amazonaws.com"}
            source = statement["Condition"]["StringEquals"]["AWS:SourceArn"]
            assert referenced(source) == {"WebDistribution"}
    assert default["ViewerProtocolPolicy"] == "redirect-to-https"


@pytest.mark.parametrize("path", ["/index.html", "/sw.js"])
def test_app_shell_and_service_worker_are_never_cached(stage: Packaged, path: str) -> None:
    shell = behaviour(stage, path)
    # THEN CloudFront never caches them, and browsers are told to revalidate, so a new
    # release reaches every phone on its next visit
    assert shell["CachePolicyId"] == CACHING_DISABLED
    headers = stage.template["Resources"][shell["ResponseHeadersPolicyId"]["Ref"]]
    custom = headers["Properties"]["ResponseHeadersPolicyConfig"]["CustomHeadersConfig"]
    assert {"Header": "Cache-Control", "Value": "no-cache", "Override": True} in custom["Items"]


def test_hashed_assets_may_be_cached_for_a_year_as_uploaded(stage: Packaged) -> None:
    default = distribution(stage)["DefaultCacheBehavior"]
    policy = stage.template["Resources"][default["CachePolicyId"]["Ref"]]["Properties"]
    config = policy["CachePolicyConfig"]
    # THEN the edge keeps what the object's Cache-Control allows (a year for hashed
    # files), and caches nothing the upload marked no-cache (MinTTL 0)
    assert config["MinTTL"] == 0
    assert config["MaxTTL"] >= 365 * 24 * 3600
    assert default["Compress"] is True


def test_every_response_carries_security_headers(stage: Packaged) -> None:
    config = distribution(stage)
    for item in [config["DefaultCacheBehavior"], *config["CacheBehaviors"]]:
        policy = stage.template["Resources"][item["ResponseHeadersPolicyId"]["Ref"]]
        headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
        assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
        assert headers["FrameOptions"]["FrameOption"] == "DENY"
        assert "ContentTypeOptions" in headers
        csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self'" in csp
        assert "frame-ancestors 'none'" in csp


def test_client_side_routes_get_the_app_shell(stage: Packaged) -> None:
    default = distribution(stage)["DefaultCacheBehavior"]
    (association,) = default["FunctionAssociations"]
    assert association["EventType"] == "viewer-request"
    (function_id,) = referenced(association["FunctionARN"])
    code = stage.template["Resources"][function_id]["Properties"]["FunctionCode"]
    assert code == (INFRA / "edge" / "app-shell.js").read_text(encoding="utf-8")


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the function")
def test_app_shell_function_rewrites_routes_and_leaves_files() -> None:
    # GIVEN the CloudFront Function's code, run the way CloudFront runs it
    code = (INFRA / "edge" / "app-shell.js").read_text(encoding="utf-8")
    uris = ["/", "/track/1234567890123456", "/services/birth-registration-new",
            "/index.html", "/sw.js", "/assets/app-5ZUNXSMK.js", "/manifest.webmanifest",
            "/catalog/index.json", "/v1.2/track"]
    script = code + (
        "\nconst uris = JSON.parse(process.argv[1]);"
        "\nconsole.log(JSON.stringify(uris.map((uri) => handler({request: {uri}}).uri)));"
    )
    result = subprocess.run(["node", "-e", script, json.dumps(uris)],
                            capture_output=True, text=True, check=True, timeout=60)
    # THEN paths without a file extension become the shell; files are left alone
    assert dict(zip(uris, json.loads(result.stdout), strict=True)) == {
        "/": "/index.html",
        "/track/1234567890123456": "/index.html",
        "/services/birth-registration-new": "/index.html",
        "/index.html": "/index.html",
        "/sw.js": "/sw.js",
        "/assets/app-5ZUNXSMK.js": "/assets/app-5ZUNXSMK.js",
        "/manifest.webmanifest": "/manifest.webmanifest",
        "/catalog/index.json": "/catalog/index.json",
        "/v1.2/track": "/index.html",
    }


def test_the_app_shells_inline_scripts_are_allowed_to_run(stage: Packaged) -> None:
    import base64
    import hashlib
    import re

    # GIVEN the app shell as built (or its source, before `make pwa`)
    root = INFRA.parent / "pwa"
    shell = root / "dist" / "index.html"
    shell = shell if shell.is_file() else root / "index.html"
    if not shell.is_file():
        pytest.skip("the web app has no index.html yet")
    html = shell.read_text(encoding="utf-8")
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", html, re.S | re.I)
    # THEN the CSP every page is served with lets each of them run (and nothing else inline)
    default = distribution(stage)["DefaultCacheBehavior"]
    policy = stage.template["Resources"][default["ResponseHeadersPolicyId"]["Ref"]]
    csp = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"][
        "ContentSecurityPolicy"]["ContentSecurityPolicy"]
    (script_src,) = [part for part in csp.split("; ") if part.startswith("script-src ")]
    for code in inline:
        digest = base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in script_src.split()
    assert "'unsafe-inline'" not in script_src

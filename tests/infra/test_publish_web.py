"""Publishing the web app: each file stored with the caching its name allows, the shell
last, then the CDN told to drop what it holds (S3 and CloudFront mocked by moto)."""

from __future__ import annotations

from pathlib import Path

import boto3
import pytest
from moto import mock_aws
from publish_web import IMMUTABLE, REVALIDATE, plan, publish

BUILD = {
    "index.html": "<!doctype html><title>নাগরিক সেবা</title>",
    "sw.js": "self.addEventListener('fetch', () => {});",
    "manifest.webmanifest": '{"name": "Nagorik Sheba"}',
    "assets/app-5ZUNXSMK.js": "console.log(1);",
    "assets/app-Q2WJ6N7R.css": "body{}",
    "assets/chunk-ABCDEFGH.js": "export {};",
    "assets/geo.tytJrKpVAW.json": "{}",
    "icons/icon-192.png": "png",
    "icons/icon-maskable.png": "png",
    "catalog/index.json": "{}",
}


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    for name, text in BUILD.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return tmp_path


def test_hashed_files_are_immutable_and_the_rest_revalidated(dist: Path) -> None:
    caching = {upload.key: upload.cache_control for upload in plan(dist)}
    assert caching == {
        "index.html": REVALIDATE,
        "sw.js": REVALIDATE,
        "manifest.webmanifest": REVALIDATE,
        "assets/app-5ZUNXSMK.js": IMMUTABLE,
        "assets/app-Q2WJ6N7R.css": IMMUTABLE,
        "assets/chunk-ABCDEFGH.js": IMMUTABLE,
        "assets/geo.tytJrKpVAW.json": IMMUTABLE,
        "icons/icon-192.png": REVALIDATE,
        "icons/icon-maskable.png": REVALIDATE,
        "catalog/index.json": REVALIDATE,
    }


def test_the_shell_goes_up_after_every_file_it_names(dist: Path) -> None:
    order = [upload.key for upload in plan(dist)]
    assert order[-2:] == ["sw.js", "index.html"]
    assert order.index("assets/app-5ZUNXSMK.js") < order.index("manifest.webmanifest")


def test_publish_stores_headers_and_invalidates_the_distribution(dist: Path) -> None:
    with mock_aws():
        s3 = boto3.client("s3", region_name="ap-south-1")
        s3.create_bucket(
            Bucket="nagorik-test-web",
            CreateBucketConfiguration={"LocationConstraint": "ap-south-1"},
        )
        cloudfront = boto3.client("cloudfront", region_name="us-east-1")
        distribution = cloudfront.create_distribution(DistributionConfig={
            "CallerReference": "test",
            "Comment": "test",
            "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [{
                "Id": "web", "DomainName": "nagorik-test-web.s3.amazonaws.com",
                "S3OriginConfig": {"OriginAccessIdentity": ""},
            }]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "web", "ViewerProtocolPolicy": "redirect-to-https",
                "CachePolicyId": "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            },
        })["Distribution"]["Id"]
        # WHEN the build is published
        invalidation = publish(dist, "nagorik-test-web", distribution, s3, cloudfront)
        # THEN every file is in the bucket with its caching and content type
        stored = {
            key: s3.head_object(Bucket="nagorik-test-web", Key=key) for key in BUILD
        }
        assert stored["index.html"]["CacheControl"] == REVALIDATE
        assert stored["index.html"]["ContentType"] == "text/html; charset=utf-8"
        assert stored["sw.js"]["ContentType"] == "text/javascript; charset=utf-8"
        assert stored["manifest.webmanifest"]["ContentType"] == "application/manifest+json"
        assert stored["assets/app-5ZUNXSMK.js"]["CacheControl"] == IMMUTABLE
        assert stored["icons/icon-192.png"]["ContentType"] == "image/png"
        # AND CloudFront was asked to drop everything it cached
        paths = cloudfront.get_invalidation(DistributionId=distribution, Id=invalidation)[
            "Invalidation"]["InvalidationBatch"]["Paths"]["Items"]
        assert paths == ["/*"]


def test_publish_refuses_a_missing_build(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="make pwa"):
        publish(tmp_path, "bucket", "distribution", s3=None, cloudfront=None)

"""Publish the built web app (``pwa/dist``) to a deployed stage: upload it to the stage's
bucket with the right headers, then have CloudFront drop what it cached.

    .venv/bin/python infra/publish_web.py --stack nagorik-prod [--dist pwa/dist]

Files whose names carry a content hash (``app-5ZUNXSMK.js``) are cached for a year and
never revalidated; every other file (``index.html``, ``sw.js``, the manifest, icons,
catalog files without a hash) is ``no-cache``: browsers and the service worker check
it on each use and get a 304 when it has not changed. Hashed files go up first and the
app shell last, so a visitor never gets a shell that names files not yet uploaded. Old
hashed files stay (a phone still running the previous version may ask for them); the
bucket's versioning keeps old copies of the rest for 90 days (rollback: README).
"""

from __future__ import annotations

import argparse
import mimetypes
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIST = ROOT / "pwa" / "dist"
DEFAULT_REGION = "ap-south-1"

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
# The app shell: uploaded last, revalidated always (CloudFront never caches them either).
SHELL = ("sw.js", "index.html")
# "<name>-<hash>.<ext>" or "<name>.<hash>.<ext>": a token of 8+ letters/digits with a
# digit or a capital in it (esbuild's 8 capitals/digits, base64url or hex digests), so
# that plain words ("icon-maskable.png") are never taken for a hash.
HASHED = re.compile(r"[.-](?=[A-Za-z0-9_]*[0-9A-Z])[A-Za-z0-9_]{8,}\.[A-Za-z0-9]+$")
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json; charset=utf-8",
    ".geojson": "application/geo+json",
    ".webmanifest": "application/manifest+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff2": "font/woff2",
    ".txt": "text/plain; charset=utf-8",
    ".map": "application/json; charset=utf-8",
}


@dataclass(frozen=True)
class Upload:
    """One file of the build and how it is stored."""

    path: Path
    key: str
    cache_control: str
    content_type: str


def content_type(name: str) -> str:
    """The Content-Type a file is served with."""
    suffix = Path(name).suffix.lower()
    return CONTENT_TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def is_hashed(name: str) -> bool:
    """Whether a file name carries a content hash (so its content never changes)."""
    return bool(HASHED.search(Path(name).name))


def plan(dist: Path) -> list[Upload]:
    """Every file of ``dist`` in upload order: hashed, then the rest, the shell last."""
    uploads = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        key = path.relative_to(dist).as_posix()
        hashed = is_hashed(key) and key not in SHELL
        uploads.append(Upload(path, key, IMMUTABLE if hashed else REVALIDATE, content_type(key)))

    def order(upload: Upload) -> tuple[int, str]:
        if upload.key in SHELL:
            return (2 + SHELL.index(upload.key), upload.key)
        return (0 if upload.cache_control == IMMUTABLE else 1, upload.key)

    return sorted(uploads, key=order)


def publish(dist: Path, bucket: str, distribution_id: str, s3: Any, cloudfront: Any) -> str:
    """Upload ``dist`` to ``bucket`` and invalidate the distribution; returns the
    invalidation id."""
    if not (dist / "index.html").is_file():
        raise FileNotFoundError(f"{dist}/index.html is missing: run `make pwa` first")
    for upload in plan(dist):
        s3.put_object(
            Bucket=bucket,
            Key=upload.key,
            Body=upload.path.read_bytes(),
            CacheControl=upload.cache_control,
            ContentType=upload.content_type,
        )
        sys.stdout.write(f"  {upload.cache_control:<38} {upload.key}\n")
    answer = cloudfront.create_invalidation(
        DistributionId=distribution_id,
        InvalidationBatch={
            "Paths": {"Quantity": 1, "Items": ["/*"]},
            "CallerReference": f"publish-web-{time.time_ns()}",
        },
    )
    return answer["Invalidation"]["Id"]


def stack_outputs(stack: str, cloudformation: Any) -> dict[str, str]:
    """A deployed stack's outputs by key."""
    found = cloudformation.describe_stacks(StackName=stack)["Stacks"][0].get("Outputs", [])
    return {output["OutputKey"]: output["OutputValue"] for output in found}


def main(argv: list[str] | None = None) -> int:
    """Command line entry point."""
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stack", required=True, help="the stage's stack, e.g. nagorik-prod")
    parser.add_argument("--dist", type=Path, default=DEFAULT_DIST)
    parser.add_argument("--region", help=f"default: the profile's region, or {DEFAULT_REGION}")
    args = parser.parse_args(argv)
    session = boto3.session.Session()
    region = args.region or session.region_name or DEFAULT_REGION
    outputs = stack_outputs(args.stack, session.client("cloudformation", region_name=region))
    bucket, distribution = outputs["WebBucketName"], outputs["WebDistributionId"]
    sys.stdout.write(f"publishing {args.dist} to s3://{bucket}\n")
    invalidation = publish(
        args.dist, bucket, distribution,
        session.client("s3", region_name=region), session.client("cloudfront"),
    )
    sys.stdout.write(f"invalidation {invalidation} on {distribution}; live at "
                     f"{outputs.get('WebURL', '')}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

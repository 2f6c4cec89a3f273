"""The web app: a private S3 bucket behind CloudFront (origin access control), with the API
on the same origin under ``/api/*``.

- ``/api/*`` goes to API Gateway, never cached, every method, every viewer header
  except Host; API errors reach the app as the API sent them (the distribution has no
  custom error pages, which would turn an API 404 into the app shell).
- ``/index.html`` and ``/sw.js`` are never cached, at the edge or in the browser, so a
  new release reaches every phone on its next visit.
- Everything else comes from the bucket, cached as its ``Cache-Control`` says (hashed
  assets are uploaded immutable: ``infra/publish_web.py``); a path without a file
  extension is a client-side route and gets the app shell (``edge/app-shell.js``).
- Every response carries the security headers.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

from .inventory import Inventory
from .stage import StageConfig

EDGE_DIR = Path(__file__).resolve().parents[1] / "edge"
APP_SHELL_SOURCE = Path(__file__).resolve().parents[2] / "pwa" / "index.html"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.DOTALL | re.IGNORECASE)

# AWS managed CloudFront policies (the same ids in every account).
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"
ALL_VIEWER_EXCEPT_HOST_HEADER = "b689b0a8-53d0-40ab-baf2-68738e2966ac"

NEVER_CACHED = ("/index.html", "/sw.js")
ONE_DAY = 24 * 3600
ONE_YEAR = 365 * ONE_DAY


def inline_script_hashes(html: str) -> list[str]:
    """CSP sources (``'sha256-…'``) for each inline script of the app shell: the only
    inline code the policy lets run."""
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256(code.encode()).digest()).decode() + "'"
        for code in INLINE_SCRIPT.findall(html)
    ]


def content_security_policy(shell: Path = APP_SHELL_SOURCE) -> str:
    """The web app's CSP: everything from the site itself, inline styles, and the shell's
    inline scripts by hash (read from ``pwa/index.html`` when the template is built)."""
    scripts = inline_script_hashes(shell.read_text(encoding="utf-8")) if shell.is_file() else []
    return "; ".join((
        "default-src 'self'",
        " ".join(["script-src 'self'", *scripts]),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "manifest-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "upgrade-insecure-requests",
    ))


def _security_headers() -> dict[str, Any]:
    return {
        "ContentSecurityPolicy": {
            "ContentSecurityPolicy": content_security_policy(), "Override": True,
        },
        "ContentTypeOptions": {"Override": True},
        "FrameOptions": {"FrameOption": "DENY", "Override": True},
        "ReferrerPolicy": {"ReferrerPolicy": "strict-origin-when-cross-origin", "Override": True},
        "StrictTransportSecurity": {
            "AccessControlMaxAgeSec": 2 * ONE_YEAR,
            "IncludeSubdomains": True,
            "Preload": False,
            "Override": True,
        },
    }


def _headers_policy(name: str, comment: str, custom: dict[str, str] | None = None) -> dict:
    config: dict[str, Any] = {
        "Name": name,
        "Comment": comment,
        "SecurityHeadersConfig": _security_headers(),
    }
    if custom:
        config["CustomHeadersConfig"] = {"Items": [
            {"Header": header, "Value": value, "Override": True}
            for header, value in custom.items()
        ]}
    return {
        "Type": "AWS::CloudFront::ResponseHeadersPolicy",
        "Properties": {"ResponseHeadersPolicyConfig": config},
    }


def _bucket(stage: StageConfig) -> dict[str, Any]:
    return {
        "Type": "AWS::S3::Bucket",
        "DeletionPolicy": "Retain",
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            "PublicAccessBlockConfiguration": {
                "BlockPublicAcls": True,
                "BlockPublicPolicy": True,
                "IgnorePublicAcls": True,
                "RestrictPublicBuckets": True,
            },
            "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
            "BucketEncryption": {"ServerSideEncryptionConfiguration": [
                {"ServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
            ]},
            # Versions let a bad release be rolled back object by object.
            "VersioningConfiguration": {"Status": "Enabled"},
            "LifecycleConfiguration": {"Rules": [{
                "Id": "ForgetOldReleases",
                "Status": "Enabled",
                "NoncurrentVersionExpiration": {"NoncurrentDays": 90},
                "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
            }]},
            "Tags": stage.resource_tags(),
        },
    }


def _bucket_policy() -> dict[str, Any]:
    from_distribution = {"StringEquals": {"AWS:SourceArn": {"Fn::Sub": (
        "arn:${AWS::Partition}:cloudfront::${AWS::AccountId}:distribution/${WebDistribution}"
    )}}}
    return {
        "Type": "AWS::S3::BucketPolicy",
        "Properties": {
            "Bucket": {"Ref": "WebBucket"},
            "PolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "DistributionReadsObjects",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudfront.amazonaws.com"},
                        "Action": "s3:GetObject",
                        "Resource": {"Fn::Sub": "${WebBucket.Arn}/*"},
                        "Condition": from_distribution,
                    },
                    {
                        # Lets a missing file be a 404 rather than S3's 403.
                        "Sid": "DistributionListsBucket",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudfront.amazonaws.com"},
                        "Action": "s3:ListBucket",
                        "Resource": {"Fn::GetAtt": ["WebBucket", "Arn"]},
                        "Condition": from_distribution,
                    },
                    {
                        "Sid": "TlsOnly",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "s3:*",
                        "Resource": [
                            {"Fn::GetAtt": ["WebBucket", "Arn"]},
                            {"Fn::Sub": "${WebBucket.Arn}/*"},
                        ],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                ],
            },
        },
    }


def _web_behaviour(path: str | None, cache_policy: Any, headers_policy: str) -> dict[str, Any]:
    behaviour: dict[str, Any] = {
        "TargetOriginId": "web",
        "ViewerProtocolPolicy": "redirect-to-https",
        "AllowedMethods": ["GET", "HEAD"],
        "CachedMethods": ["GET", "HEAD"],
        "Compress": True,
        "CachePolicyId": cache_policy,
        "ResponseHeadersPolicyId": {"Ref": headers_policy},
    }
    if path is not None:
        behaviour["PathPattern"] = path
    return behaviour


def _distribution(stage: StageConfig) -> dict[str, Any]:
    default = _web_behaviour(None, {"Ref": "WebAssetsCachePolicy"}, "WebSecurityHeaders")
    default["FunctionAssociations"] = [{
        "EventType": "viewer-request",
        "FunctionARN": {"Fn::GetAtt": ["AppShellFunction", "FunctionMetadata.FunctionARN"]},
    }]
    api = {
        "PathPattern": "/api/*",
        "TargetOriginId": "api",
        # POSTs must not be redirected (the body would be lost): refuse plain HTTP.
        "ViewerProtocolPolicy": "https-only",
        "AllowedMethods": ["GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"],
        "CachedMethods": ["GET", "HEAD"],
        "Compress": True,
        "CachePolicyId": CACHING_DISABLED,
        "OriginRequestPolicyId": ALL_VIEWER_EXCEPT_HOST_HEADER,
        "ResponseHeadersPolicyId": {"Ref": "WebSecurityHeaders"},
    }
    shell = [_web_behaviour(path, CACHING_DISABLED, "AppShellHeaders") for path in NEVER_CACHED]
    return {
        "Type": "AWS::CloudFront::Distribution",
        "Properties": {
            "DistributionConfig": {
                "Enabled": True,
                "Comment": f"Nagorik Sheba {stage.name}: web app and /api/",
                "HttpVersion": "http2and3",
                "IPV6Enabled": True,
                "PriceClass": {"Ref": "WebPriceClass"},
                "DefaultRootObject": "index.html",
                "Aliases": {"Fn::If": [
                    "HasWebDomain", [{"Ref": "WebDomainName"}], {"Ref": "AWS::NoValue"}
                ]},
                "ViewerCertificate": {"Fn::If": [
                    "HasWebDomain",
                    {
                        "AcmCertificateArn": {"Ref": "WebCertificateArn"},
                        "SslSupportMethod": "sni-only",
                        "MinimumProtocolVersion": "TLSv1.2_2021",
                    },
                    {"CloudFrontDefaultCertificate": True},
                ]},
                "Origins": [
                    {
                        "Id": "web",
                        "DomainName": {"Fn::GetAtt": ["WebBucket", "RegionalDomainName"]},
                        "OriginAccessControlId": {"Fn::GetAtt": ["WebOriginAccessControl", "Id"]},
                        "S3OriginConfig": {"OriginAccessIdentity": ""},
                    },
                    {
                        "Id": "api",
                        "DomainName": {
                            "Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
                        },
                        "CustomOriginConfig": {
                            "OriginProtocolPolicy": "https-only",
                            "OriginSSLProtocols": ["TLSv1.2"],
                            "HTTPSPort": 443,
                        },
                    },
                ],
                "DefaultCacheBehavior": default,
                "CacheBehaviors": [api, *shell],
            },
            "Tags": stage.resource_tags(),
        },
    }


def resources(stage: StageConfig, inventory: Inventory) -> dict[str, Any]:
    """Bucket, origin access control, policies, the app-shell function, the distribution."""
    prefix = inventory.settings.resource("")
    found = {
        "WebBucket": _bucket(stage),
        "WebBucketPolicy": _bucket_policy(),
        "WebOriginAccessControl": {
            "Type": "AWS::CloudFront::OriginAccessControl",
            "Properties": {"OriginAccessControlConfig": {
                "Name": prefix + "web",
                "Description": "CloudFront reads the web app's private bucket",
                "OriginAccessControlOriginType": "s3",
                "SigningBehavior": "always",
                "SigningProtocol": "sigv4",
            }},
        },
        "WebAssetsCachePolicy": {
            "Type": "AWS::CloudFront::CachePolicy",
            "Properties": {"CachePolicyConfig": {
                "Name": prefix + "web-assets",
                "Comment": "Honours the objects' Cache-Control; no cookies, headers or query",
                "MinTTL": 0,
                "DefaultTTL": ONE_DAY,
                "MaxTTL": ONE_YEAR,
                "ParametersInCacheKeyAndForwardedToOrigin": {
                    "CookiesConfig": {"CookieBehavior": "none"},
                    "HeadersConfig": {"HeaderBehavior": "none"},
                    "QueryStringsConfig": {"QueryStringBehavior": "none"},
                    "EnableAcceptEncodingGzip": True,
                    "EnableAcceptEncodingBrotli": True,
                },
            }},
        },
        "WebSecurityHeaders": _headers_policy(
            prefix + "security-headers", "HSTS, CSP, nosniff, no framing, referrer policy"
        ),
        "AppShellHeaders": _headers_policy(
            prefix + "app-shell-headers",
            "Security headers, and never cached by browsers: index.html and sw.js",
            {"Cache-Control": "no-cache"},
        ),
        "AppShellFunction": {
            "Type": "AWS::CloudFront::Function",
            "Properties": {
                "Name": prefix + "app-shell",
                "AutoPublish": True,
                "FunctionConfig": {
                    "Comment": "Client-side routes get the app shell (/index.html)",
                    "Runtime": "cloudfront-js-2.0",
                },
                "FunctionCode": (EDGE_DIR / "app-shell.js").read_text(encoding="utf-8"),
            },
        },
        "WebDistribution": _distribution(stage),
    }
    domain = {"Fn::If": [
        "HasWebDomain", {"Ref": "WebDomainName"}, {"Fn::GetAtt": ["WebDistribution", "DomainName"]}
    ]}
    outputs = {
        "WebBucketName": {"Value": {"Ref": "WebBucket"}},
        "WebDistributionId": {"Value": {"Ref": "WebDistribution"}},
        "WebDistributionDomainName": {"Value": {"Fn::GetAtt": ["WebDistribution", "DomainName"]}},
        "WebURL": {"Value": {"Fn::Sub": ["https://${Domain}/", {"Domain": domain}]}},
    }
    return {"Resources": found, "Outputs": outputs}

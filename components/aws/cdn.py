"""CloudFront in front of the domain: cached where the model asks (`cdn`, sites), passed through everywhere else.

When a service sets `cdn` or a bucket is a `site`, every name of the domain resolves to one CloudFront distribution:
- the load balancer is its origin for every service path, over HTTPS with the viewer's Host header, so the ALB's host
  rules and certificate work unchanged (CloudFront checks the origin's certificate against the forwarded Host: CloudFront
  developer guide, "Requirements for using SSL/TLS certificates with CloudFront", origin certificates);
- a `cdn` service's paths are cached as its Cache-Control headers allow; the other paths are not cached at all;
- a site bucket is an S3 origin read through origin access control, the bucket staying private.

CloudFront's behaviours match paths, not hosts, in order; they are listed most specific first, like the listener rules.
The load balancer's web ACL turns away every request without the origin header this distribution sends (CloudFront
developer guide, "Restrict access to Application Load Balancers"), once the domain's names point at the distribution
(`Edge.guard`). Its security group stays open to the internet on 80 and 443: narrowing it to CloudFront's origin-facing
prefix list would replace the group, and cut off the viewers, minutes before the distribution is deployed and the names
point at it, on the run that puts CloudFront in front of a live stack; the header rule is the check that holds. The web
ACL stays on the load balancer: cached answers never reach it, and its rate limit counts the viewer address a
CloudFront Function writes (a client cannot set that header: the function overwrites it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import pulumi
import pulumi_aws as aws

from components.naming import short_id
from components.paths import path_patterns
from stacks.engine_tables import AUTONAME_RANDOM_CHARS
from stacks.model import Domain, Site

# CloudFront reads certificates from us-east-1 only (ACM user guide, "Supported Regions": "To use an ACM certificate with
# Amazon CloudFront, you must request or import the certificate in the US East (N. Virginia) region").
CERTIFICATE_REGION = "us-east-1"
# The header carrying the secret that proves a request came through this distribution.
ORIGIN_HEADER = "X-Origin-Verify"
# AWS-managed policies, looked up by name (CloudFront developer guide, "Use managed cache policies" and "Use managed
# origin request policies"): not cached at all; every viewer header, cookie and query string sent to the origin.
NOT_CACHED = "Managed-CachingDisabled"
EVERYTHING_TO_THE_ORIGIN = "Managed-AllViewer"
# A `cdn` service's paths: the managed UseOriginCacheControlHeaders-QueryStrings policy's key (Host, Origin and the method
# overrides, every cookie and query string), plus Authorization. The managed policy leaves Authorization out of the key
# while AllViewer still sends it to the origin, so an answer to one credential that says `public` would be served to
# callers with another or none (CloudFront developer guide, "HTTP 401 status codes" and "Use managed cache policies").
CACHE_KEY_HEADERS = ("Authorization", "Host", "Origin", "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")
# HSTS, nosniff, frame and referrer headers on a site's answers (CloudFront developer guide, "Use managed response headers
# policies", SecurityHeadersPolicy). Not on the services' answers, whose headers are the app's own.
SITE_HEADERS = "Managed-SecurityHeadersPolicy"
# A site's objects stay an hour at the edge unless their Cache-Control says otherwise (GCP's backend buckets keep an hour).
SITE_TTL_SECONDS = 3600
SITE_MAX_TTL_SECONDS = 31536000
# Waiting for the load balancer's answer: as long as the load balancer waits for a task (its idle timeout, 60 s by default;
# CloudFront takes 1-120 s: CloudFront developer guide, "Quotas", response timeout per origin). Slower answers get a 504.
ORIGIN_READ_TIMEOUT_SECONDS = 60
LOAD_BALANCER_ORIGIN = "load-balancer"
ALL_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"]
READ_METHODS = ["GET", "HEAD", "OPTIONS"]
CACHED_METHODS = ["GET", "HEAD"]
# CloudFront Function names: 1-64 of letters, digits, '-' and '_'; autonamed, so the logical name leaves room for the
# engine's suffix (a code change updates it in place; a new name replaces it while the distribution moves over).
FUNCTION_NAME_MAX = 64
AUTONAME_SUFFIX = 1 + AUTONAME_RANDOM_CHARS
# CloudFront Functions runtime 2.0 (CloudFront developer guide, "JavaScript runtime 2.0 features for CloudFront Functions").
RUNTIME = "cloudfront-js-2.0"


def single_page_code(index: str) -> str:
    """A path whose last segment has no `.` is a route of the app, answered by its `index.html`; files keep their path."""
    return f"""function handler(event) {{
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {{
    request.uri = '{index}';
  }}
  return request;
}}
"""


class Behaviour(NamedTuple):
    """Requests under `path` go to `origin` (the load balancer, or a site's bucket), `cached` or not."""

    path: str
    origin: str
    cached: bool


def site_origin(bucket: str) -> str:
    """The origin id of a site's bucket in the distribution (and in its behaviours)."""
    return f"site-{bucket}"


class Cdn(pulumi.ComponentResource):
    distribution: aws.cloudfront.Distribution

    def __init__(
        self,
        name: str,
        domain: Domain,
        behaviours: Sequence[Behaviour],
        load_balancer_dns: pulumi.Input[str],
        origin_secret: pulumi.Input[str],
        sites: Mapping[str, tuple[aws.s3.Bucket, Site]],
        validation_fqdns: Sequence[pulumi.Input[str]],
        opts: pulumi.ResourceOptions | None = None,
        web_acl_arn: pulumi.Input[str] | None = None,
    ) -> None:
        """A distribution for every name of `domain`, routing each of `behaviours` (most specific first; a `/` one is the
        default) to the load balancer at `load_balancer_dns`, which it tells by `origin_secret`, or to a site in `sites`
        (an origin `site-<bucket>` per entry). Its certificate is validated by the records at `validation_fqdns`: ACM asks
        the same CNAME for a name in every region of an account, so the load balancer's validation records serve it too
        (hashicorp/terraform-provider-aws#13653). `web_acl_arn`: a web ACL of scope CLOUDFRONT that sees every viewer
        request (components/aws/firewall.py)."""
        super().__init__("shipyard:aws:Cdn", name, None, opts)
        paths = [b.path for b in behaviours]
        if len(set(paths)) < len(paths):
            raise ValueError(f"Cdn {name}: each path once; got {paths}")
        child = pulumi.ResourceOptions(parent=self)
        invoke = pulumi.InvokeOptions(parent=self)
        # In us-east-1 through the resource's own `region` (pulumi-aws 7): the stack's provider, credentials and default
        # tags, no second provider to configure.
        certificate = aws.acm.Certificate(
            f"{name}-cdn",
            region=CERTIFICATE_REGION,
            domain_name=domain.name,
            subject_alternative_names=domain.aliases or None,
            validation_method="DNS",
            opts=child,
        )
        validation = aws.acm.CertificateValidation(
            f"{name}-cdn",
            region=CERTIFICATE_REGION,
            certificate_arn=certificate.arn,
            validation_record_fqdns=list(validation_fqdns) or None,
            opts=pulumi.ResourceOptions(parent=certificate),
        )

        def cache_policy(policy: str) -> pulumi.Output[str]:
            return aws.cloudfront.get_cache_policy_output(name=policy, opts=invoke).apply(lambda p: str(p.id))

        not_cached = cache_policy(NOT_CACHED)
        # Custom cache policies count against a per-account quota (CloudFront developer guide, "Quotas", general quotas on
        # policies; TooManyCachePolicies): one is made only when a path is cached.
        as_the_origin_says = None
        if any(b.cached and b.origin == LOAD_BALANCER_ORIGIN for b in behaviours):
            as_the_origin_says = aws.cloudfront.CachePolicy(
                f"{name}-cached",
                comment="Cached as the origin's Cache-Control says; one answer per credential, host, cookie and query string",
                # Nothing without Cache-Control; up to a year with it.
                default_ttl=0,
                min_ttl=0,
                max_ttl=SITE_MAX_TTL_SECONDS,
                parameters_in_cache_key_and_forwarded_to_origin={
                    "cookies_config": {"cookie_behavior": "all"},
                    "headers_config": {"header_behavior": "whitelist", "headers": {"items": list(CACHE_KEY_HEADERS)}},
                    "query_strings_config": {"query_string_behavior": "all"},
                    "enable_accept_encoding_brotli": True,
                    "enable_accept_encoding_gzip": True,
                },
                opts=child,
            ).id
        everything = aws.cloudfront.get_origin_request_policy_output(name=EVERYTHING_TO_THE_ORIGIN, opts=invoke).apply(lambda p: str(p.id))
        origins: list[dict[str, object]] = [
            {
                "origin_id": LOAD_BALANCER_ORIGIN,
                "domain_name": load_balancer_dns,
                "custom_origin_config": {
                    "http_port": 80,
                    "https_port": 443,
                    "origin_protocol_policy": "https-only",
                    "origin_ssl_protocols": ["TLSv1.2"],
                    "origin_read_timeout": ORIGIN_READ_TIMEOUT_SECONDS,
                },
                "custom_headers": [{"name": ORIGIN_HEADER, "value": origin_secret}],
            }
        ]
        site_behaviour: dict[str, dict[str, object]] = {}
        if sites:
            access = aws.cloudfront.OriginAccessControl(
                f"{name}-sites",
                description="CloudFront reads the site buckets, signing every request",
                origin_access_control_origin_type="s3",
                signing_behavior="always",
                signing_protocol="sigv4",
                opts=child,
            )
            site_policy = aws.cloudfront.CachePolicy(
                f"{name}-sites",
                comment="Site objects: an hour at the edge unless their Cache-Control says otherwise",
                default_ttl=SITE_TTL_SECONDS,
                min_ttl=0,
                max_ttl=SITE_MAX_TTL_SECONDS,
                parameters_in_cache_key_and_forwarded_to_origin={
                    "cookies_config": {"cookie_behavior": "none"},
                    "headers_config": {"header_behavior": "none"},
                    "query_strings_config": {"query_string_behavior": "none"},
                    "enable_accept_encoding_brotli": True,
                    "enable_accept_encoding_gzip": True,
                },
                opts=child,
            )
            headers = aws.cloudfront.get_response_headers_policy_output(name=SITE_HEADERS, opts=invoke).apply(lambda p: str(p.id))
            for bucket_name, (bucket, site) in sorted(sites.items()):
                origin = site_origin(bucket_name)
                origins.append(
                    {
                        "origin_id": origin,
                        "domain_name": bucket.bucket_regional_domain_name,
                        "origin_access_control_id": access.id,
                    }
                )
                behaviour: dict[str, object] = {
                    "target_origin_id": origin,
                    "viewer_protocol_policy": "redirect-to-https",
                    "allowed_methods": READ_METHODS,
                    "cached_methods": CACHED_METHODS,
                    "compress": True,
                    "cache_policy_id": site_policy.id,
                    "response_headers_policy_id": headers,
                }
                if site.single_page:
                    rewrite = aws.cloudfront.Function(
                        short_id(f"{name}-{bucket_name}-single-page", FUNCTION_NAME_MAX - AUTONAME_SUFFIX),
                        runtime=RUNTIME,
                        # Not the path: a comment takes at most 128 characters (stacks/engine_tables/aws.py).
                        comment="Answers a single-page app's routes (paths that name no file) with its index.html",
                        code=single_page_code(site.index),
                        publish=True,
                        opts=child,
                    )
                    behaviour["function_associations"] = [{"event_type": "viewer-request", "function_arn": rewrite.arn}]
                site_behaviour[origin] = behaviour

        def to_origin(b: Behaviour) -> dict[str, object]:
            if b.origin != LOAD_BALANCER_ORIGIN:
                return dict(site_behaviour[b.origin])
            return {
                "target_origin_id": LOAD_BALANCER_ORIGIN,
                "viewer_protocol_policy": "redirect-to-https",
                "allowed_methods": ALL_METHODS,
                "cached_methods": CACHED_METHODS,
                "compress": True,
                "cache_policy_id": as_the_origin_says if b.cached and as_the_origin_says is not None else not_cached,
                "origin_request_policy_id": everything,
            }

        root = [b for b in behaviours if b.path == "/"]
        default = to_origin(root[0] if root else Behaviour("/", LOAD_BALANCER_ORIGIN, False))
        ordered = [{**to_origin(b), "path_pattern": pattern} for b in behaviours if b.path != "/" for pattern in path_patterns(b.path)]
        self.distribution = aws.cloudfront.Distribution(
            name,
            enabled=True,
            # At most 128 characters (terraform-provider-aws cloudfront/distribution.go), so not the domain's names.
            comment=f"{name}: the domain's CDN",
            aliases=domain.names,
            origins=origins,
            default_cache_behavior=default,
            ordered_cache_behaviors=ordered,
            # A site at `/` answers the bare domain with its index.
            default_root_object="index.html" if any(b.path == "/" and b.origin != LOAD_BALANCER_ORIGIN for b in behaviours) else None,
            # CloudFront keeps an error 10 s by default (CloudFront developer guide, "Control how long CloudFront caches
            # errors"): a 502 during a release would be served from the cache after the service recovered.
            custom_error_responses=[{"error_code": code, "error_caching_min_ttl": 0} for code in (500, 502, 503, 504)],
            web_acl_id=web_acl_arn,
            http_version="http2and3",
            is_ipv6_enabled=True,
            price_class="PriceClass_All",
            restrictions={"geo_restriction": {"restriction_type": "none"}},
            viewer_certificate={
                "acm_certificate_arn": validation.certificate_arn,
                "ssl_support_method": "sni-only",
                "minimum_protocol_version": "TLSv1.2_2021",
            },
            opts=child,
        )
        self.register_outputs({"domain_name": self.distribution.domain_name})

    def site_reader(self, bucket: aws.s3.Bucket) -> dict[str, object]:
        """The bucket-policy statement letting this distribution, and no other, read `bucket`'s objects (CloudFront developer
        guide, "Restrict access to an Amazon S3 origin": service principal, condition on the distribution's ARN)."""
        return {
            "Sid": "CloudFrontReadsTheSite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudfront.amazonaws.com"},
            "Action": "s3:GetObject",
            "Resource": pulumi.Output.concat(bucket.arn, "/*"),
            "Condition": {"StringEquals": {"AWS:SourceArn": self.distribution.arn}},
        }

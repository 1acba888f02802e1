"""The public edge: a global external HTTPS load balancer with Cloud Armor, Cloud CDN where a service asks, the
buckets served as sites (`buckets.<name>.site`), and DNS.

Certificates: a new `domain.name` replaces the Google-managed certificate (`managed.domains` is ForceNew). Its name is
autonamed, so Pulumi's default create-before-delete creates the new certificate under a new name next to the old
one, moves the HTTPS proxy to it (an update of `ssl_certificates`, which depends on the new certificate), and deletes
the old one last; Compute Engine refuses to delete a certificate a proxy still uses (resourceInUseByAnotherResource).
A Google-managed certificate is provisioned only once it is attached and the new name resolves to the load balancer,
so the new name serves TLS some minutes after the DNS change, not before.

With `allowFrom` (a proxying CDN of the user's own in front) the name never resolves to the load balancer, so the edge
uses DNS-authorized Certificate Manager certificates and a certificate map instead (components/gcp/certificates.py), on
an HTTPS proxy of its own: turning `allowFrom` on or off creates the other proxy and its certificates, moves the
forwarding rule to it, then deletes the old proxy and certificates. A new certificate serves once issued, minutes after
its authorization's CNAME resolves: until then the names answer no valid certificate.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_gcp as gcp
import pulumi_random as random

from components.gcp.certificates import dns_authorized_certificates, proxy_warning
from components.naming import host_slug, short_id
from components.paths import path_patterns
from stacks.config import ConfigError
from stacks.engine_tables import AUTONAME_RANDOM_CHARS
from stacks.model import Domain, Site

# Cloud Armor preconfigured WAF rules (OWASP CRS). Source: Cloud Armor docs, "Preconfigured WAF rules".
WAF_RULES = (
    "sqli-v33-stable",
    "xss-v33-stable",
    "lfi-v33-stable",
    "rfi-v33-stable",
    "rce-v33-stable",
    "scannerdetection-v33-stable",
    "protocolattack-v33-stable",
    "sessionfixation-v33-stable",
    # Log4j (CVE-2021-44228, CVE-2021-45046). Source: Cloud Armor docs, "Preconfigured WAF rules", cve-canary.
    "cve-canary",
)
RATE_LIMIT_PER_MINUTE = 600
LOWEST_PRIORITY = 2147483647


def _rate_key(client_ip_header: str | None) -> dict[str, str]:
    """Whom the rate limit counts: the connecting address, or behind the user's CDN (`allowFrom`) the client address the
    CDN writes into `client_ip_header` (USER_IP reads it; a missing or invalid header falls back to the connecting
    address). A header the CDN overwrites (CloudFlare's CF-Connecting-IP) cannot be forged by the client; the first
    address of X-Forwarded-For can (XFF_IP)."""
    if client_ip_header is None:
        return {"enforce_on_key": "IP"}
    if client_ip_header.lower() == "x-forwarded-for":
        return {"enforce_on_key": "XFF_IP"}
    return {"enforce_on_key": "USER_IP"}


SOURCE_RANGES_PER_RULE = 10
# A Compute resource name: at most 63 characters (RFC 1035 label); an autonamed one also carries "-" and the suffix.
CERTIFICATE_NAME_MAX = 63
AUTONAME_SUFFIX = 1 + AUTONAME_RANDOM_CHARS
ALLOW_FROM_PRIORITY = 3000
# A site's objects stay an hour in Cloud CDN and in browsers (README, "CDN, static sites and access lists at the edge":
# invalidate after an upload).
SITE_TTL_SECONDS = 3600
# What browsers are told to keep a site's files: FORCE_CACHE_ALL replaces the objects' own Cache-Control with
# `max-age` of the lesser TTL, and an invalidation reaches the CDN, not browsers; five minutes bounds how long a
# single-page app's index.html stays stale in a browser after a deploy.
SITE_BROWSER_TTL_SECONDS = 300
# What Cloud CDN's fill agent is granted on a site's bucket: objects.get only, never objects.list (README, "CDN, static
# sites and access lists at the edge").
SITE_READER_ROLE = "roles/storage.legacyObjectReader"
# What a site's bucket answers for a path without an object: 403 to a reader that cannot list, 404 to one that can.
SITE_MISSING_OBJECT_CODES = ("403", "404")
# A Cloud CDN signed request key: 128 bits (Cloud CDN docs, "Use signed URLs": "generating strongly random 128 bits").
SIGNED_URL_KEY_BYTES = 16


def cdn_fill_agent(project_number: str) -> str:
    """The identity Cloud CDN fills its cache from a private bucket with (Cloud CDN docs, "Use signed URLs", "Configure
    Cloud Storage permissions": service-PROJECT_NUMBER@cloud-cdn-fill.iam.gserviceaccount.com)."""
    return f"serviceAccount:service-{project_number}@cloud-cdn-fill.iam.gserviceaccount.com"


def base64url(standard: str) -> str:
    """Standard base64 as RFC 4648 section 5 base64url, unpadded: what a signed URL key's value is (Compute API,
    backendBuckets.addSignedUrlKey keyValue; the provider's own example passes random_id's unpadded b64_url)."""
    return standard.rstrip("=").replace("+", "-").replace("/", "_")


class Edge(pulumi.ComponentResource):
    address: gcp.compute.GlobalAddress
    url_map: gcp.compute.URLMap
    url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        domain: Domain,
        region: str,
        routes: Sequence[tuple[str, str]],
        services: Mapping[str, gcp.cloudrunv2.Service],
        opts: pulumi.ResourceOptions | None = None,
        waf_mode: str = "block",
        production: bool = False,
        cdn: frozenset[str] = frozenset(),
        allow_from: Sequence[str] = (),
        client_ip_header: str | None = None,
        host_routes: Mapping[str, Sequence[tuple[str, str]]] | None = None,
        sites: Mapping[str, tuple[Site, gcp.storage.Bucket]] | None = None,
        project_number: pulumi.Input[str] | None = None,
    ) -> None:
        """`routes`: (service, path) for `services` (one or more paths each), most specific first, the catch-all `/`
        last (`App.routes_most_specific_first`). The catch-all, or else the last route, answers what no path matches.
        With `waf_mode: count`, Cloud Armor's rules run in preview: matches are logged, nothing is denied. The services in
        `cdn` have Cloud CDN on their backend, caching what their Cache-Control headers allow; the others have none. With
        `allow_from`, Cloud Armor admits only those source ranges; behind them, `client_ip_header` names the client (the rate
        limit counts it). `sites`: buckets served at their path on every name of the domain through Cloud CDN, read by
        Cloud CDN's fill agent of the project `project_number`; a site at `/` answers what no path matches."""
        sites = sites or {}
        routed = {service for service, _ in routes}
        # A path once per host (the model checks it with key paths).
        answered = host_routes.values() if host_routes is not None else [routes]
        if not (routes or sites) or any(len({p for _, p in r}) != len(r) for r in answered) or routed != set(services):
            raise ValueError(f"Edge {name}: routes name {sorted(routed)}, services are {sorted(services)}; each path goes to one service")
        if sites and project_number is None:
            raise ValueError(f"Edge {name}: sites need the project number, which names Cloud CDN's fill agent")
        super().__init__("shipyard:gcp:Edge", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if waf_mode == "count" and production:
            pulumi.log.warn(
                "wafMode is count: Cloud Armor previews its rules, logging what they match but denying nothing. "
                "Set wafMode: block once its logs show no legitimate traffic matched.",
                resource=self,
            )
        # `off` (development only): no WAF rules and no rate limit; an access list still needs Cloud Armor. Only backend
        # services take the policy: with sites alone there is nothing to attach it to.
        policy = (
            self._armor(name, preview=waf_mode == "count", allow_from=allow_from, waf=waf_mode != "off", client_ip_header=client_ip_header)
            if (waf_mode != "off" or allow_from) and services
            else None
        )
        backends: dict[str, gcp.compute.BackendService] = {}
        for svc_name, service in services.items():
            neg = gcp.compute.RegionNetworkEndpointGroup(
                f"{name}-{svc_name}",
                region=region,
                network_endpoint_type="SERVERLESS",
                cloud_run={"service": service.name},
                opts=child,
            )
            cached = svc_name in cdn
            backends[svc_name] = gcp.compute.BackendService(
                f"{name}-{svc_name}",
                load_balancing_scheme="EXTERNAL_MANAGED",
                protocol="HTTPS",
                backends=[{"group": neg.id}],
                security_policy=policy.id if policy else None,
                enable_cdn=cached,
                cdn_policy={"cache_mode": "USE_ORIGIN_HEADERS"} if cached else None,
                log_config={"enable": True, "sample_rate": 1.0},
                opts=pulumi.ResourceOptions(parent=neg),
            )
        buckets = {bucket: self._site_bucket(f"{name}-{bucket}", site_bucket, project_number) for bucket, (_, site_bucket) in sites.items()}
        # A site answers its path on every name of the domain, so every path matcher has its rule. The longest matching path
        # wins whatever the order of the rules (Compute API, UrlMap pathMatchers[].pathRules[]: "matches are always done
        # on the longest-path-first basis"), so a service's longer path under a site's still goes to the service.
        site_rules: list[dict[str, object]] = []
        for bucket, (site, _) in sites.items():
            rule: dict[str, object] = {"paths": path_patterns(site.path), "service": buckets[bucket].id}
            if site.single_page:
                # A path without an object: the bucket answers 403, not 404 (its reader may get objects but not list
                # them, and Cloud Storage does not tell a reader that cannot list which objects are missing), and the
                # load balancer answers the app's index.html with 200 instead (Load Balancing docs, "Custom error
                # response overview"; global external Application Load Balancer only). 404 too, should the bucket ever
                # be listable. On this path rule alone, never the matcher's default policy: an API's own 403 or 404 must
                # stay one. A site's bucket answers nothing else with either: its reader may get every object.
                rule["custom_error_response_policy"] = {
                    "error_response_rules": [
                        {"match_response_codes": list(SITE_MISSING_OBJECT_CODES), "path": site.index, "override_response_code": 200}
                    ],
                    "error_service": buckets[bucket].id,
                }
            site_rules.append(rule)
        root_site = [bucket for bucket, (site, _) in sites.items() if site.path == "/"]
        # The site that answers what no path of a host matches when no service does: the one at `/`, else the shortest.
        fallback_site = min(sites, key=lambda b: len(sites[b][0].path)) if sites else None

        # Hosts answering the same routes share a path matcher; the domain's own name's is `routes`.
        by_host = dict(host_routes) if host_routes is not None else {domain.name: list(routes)}
        groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for host in domain.names:
            groups.setdefault(tuple(by_host[host]), []).append(host)

        def default_of(answered: Sequence[tuple[str, str]]) -> pulumi.Output[str]:
            # A site at `/` takes what no path matches (the model refuses a service route `/` next to it).
            if root_site:
                return buckets[root_site[0]].id
            if not answered:
                assert fallback_site is not None
                return buckets[fallback_site].id
            catch_all = [n for n, route in answered if route == "/"]
            return backends[catch_all[0] if catch_all else answered[-1][0]].id

        matchers = [
            {
                "name": "routes" if index == 0 else f"routes-{index + 1}",
                "default_service": default_of(answered),
                "path_rules": [{"paths": path_patterns(route), "service": backends[n].id} for n, route in answered if route != "/"]
                + site_rules,
            }
            for index, answered in enumerate(groups)
        ]
        self.url_map = gcp.compute.URLMap(
            name,
            default_service=default_of(by_host[domain.name]),
            host_rules=[
                {"hosts": hosts, "path_matcher": matcher["name"]} for hosts, matcher in zip(groups.values(), matchers, strict=True)
            ],
            path_matchers=matchers,
            opts=child,
        )
        zone = self._managed_zone(domain.zone) if domain.zone else None
        ssl_policy = gcp.compute.SSLPolicy(name, min_tls_version="TLS_1_2", profile="MODERN", opts=child)
        self.address = gcp.compute.GlobalAddress(name, address_type="EXTERNAL", ip_version="IPV4", opts=child)
        # Behind the user's own CDN (`allowFrom`) the name resolves to the CDN, never to this load balancer, so a
        # Google-managed certificate authorized by the load balancer is never issued: DNS-authorized Certificate Manager
        # certificates instead, served through a certificate map (components/gcp/certificates.py).
        self.certificate_dns_records: pulumi.Output[list[dict[str, str]]] | None = None
        if allow_from:
            authorized = dns_authorized_certificates(name, domain, self, zone)
            # A proxy of its own, not the other's `sslCertificates` swapped for `certificateMap` in place: the provider's
            # update calls setSslCertificates before setCertificateMap (terraform-provider-google-beta
            # compute/resource_compute_target_https_proxy.go), and Compute refuses an empty list while no map is set
            # ("Certificate Map or at least 1 SSL certificate must be specified", GoogleCloudPlatform/k8s-config-connector
            # #4602; the switch failing: hashicorp/terraform-provider-google#12513, #17802).
            # Switching `allowFrom` on or off therefore creates the other proxy, moves the forwarding rule's `target` to
            # it (in place), and only then deletes the old proxy and its certificates: the rule always points at a proxy
            # with certificates attached. It waits for the map's entries, so no name is missing from the map it serves.
            https_proxy = gcp.compute.TargetHttpsProxy(
                f"{name}-certificate-map",
                url_map=self.url_map.id,
                certificate_map=authorized.map_reference,
                ssl_policy=ssl_policy.id,
                opts=pulumi.ResourceOptions(parent=self, depends_on=authorized.entries),
            )
            if zone is None:
                self.certificate_dns_records = authorized.dns_records()
        else:
            # One certificate per name (a proxy takes up to 15): adding or removing an alias adds or removes its own, and
            # never replaces the one serving the domain's name, which a Google-managed certificate's fixed domain list would
            # (Compute docs, "Use Google-managed SSL certificates": a certificate's domains cannot be changed).
            certificates = [
                gcp.compute.ManagedSslCertificate(
                    # Autonamed within Compute's 63 characters: the logical name leaves room for the engine's suffix.
                    name if host == domain.name else short_id(f"{name}-{host_slug(host)}", CERTIFICATE_NAME_MAX - AUTONAME_SUFFIX),
                    managed={"domains": [host]},
                    opts=child,
                )
                for host in domain.names
            ]
            https_proxy = gcp.compute.TargetHttpsProxy(
                name, url_map=self.url_map.id, ssl_certificates=[c.id for c in certificates], ssl_policy=ssl_policy.id, opts=child
            )
        gcp.compute.GlobalForwardingRule(
            f"{name}-https",
            target=https_proxy.id,
            ip_address=self.address.address,
            port_range="443",
            load_balancing_scheme="EXTERNAL_MANAGED",
            ip_protocol="TCP",
            opts=child,
        )
        redirect = gcp.compute.URLMap(
            f"{name}-redirect",
            default_url_redirect={"https_redirect": True, "strip_query": False, "redirect_response_code": "MOVED_PERMANENTLY_DEFAULT"},
            opts=child,
        )
        http_proxy = gcp.compute.TargetHttpProxy(f"{name}-redirect", url_map=redirect.id, opts=child)
        gcp.compute.GlobalForwardingRule(
            f"{name}-http",
            target=http_proxy.id,
            ip_address=self.address.address,
            port_range="80",
            load_balancing_scheme="EXTERNAL_MANAGED",
            ip_protocol="TCP",
            opts=child,
        )
        if allow_from:
            # Behind the user's own proxy the names point at the proxy, which the proxy's DNS does (CloudFlare answers for
            # the zone, or a CNAME to it): an A record here would send viewers past the proxy, straight to a load balancer
            # that admits only the proxy's ranges. The zone, if any, holds only the certificates' records.
            pulumi.log.warn(proxy_warning(domain.names, zone is not None), resource=self)
        elif zone is not None:
            for host in domain.names:
                gcp.dns.RecordSet(
                    name if host == domain.name else f"{name}-{host_slug(host)}",
                    managed_zone=zone,
                    name=f"{host}.",
                    type="A",
                    ttl=300,
                    rrdatas=[self.address.address],
                    opts=child,
                )
        else:
            pulumi.log.warn(
                f"domain.zone is not set: point an A record for {domain.name} at the load balancer address "
                "yourself; the certificate is issued once it resolves.",
                resource=self,
            )
        self.url = pulumi.Output.from_input(f"https://{domain.name}")
        self.register_outputs({"address": self.address.address, "url": self.url})

    def _site_bucket(self, name: str, bucket: gcp.storage.Bucket, project_number: pulumi.Input[str] | None) -> gcp.compute.BackendBucket:
        """A site's bucket behind Cloud CDN, the bucket staying private: only Cloud CDN's fill agent may read it.

        Not behind Cloud Armor: a backend bucket takes no backend security policy (only an edge policy, which has no WAF
        rules or rate limits; Cloud Armor docs, "Security policy overview", policy types), so a site has neither the WAF
        nor the rate limit of the services. It serves static files from the cache; that is accepted.
        """
        backend = gcp.compute.BackendBucket(
            name,
            bucket_name=bucket.name,
            enable_cdn=True,
            cdn_policy={
                # FORCE_CACHE_ALL: Cloud Storage serves an object that allUsers may not read with `Cache-Control: private,
                # max-age=0` unless its metadata says otherwise (Cloud Storage docs, "Object metadata", Cache-Control),
                # which CACHE_ALL_STATIC and USE_ORIGIN_HEADERS obey, so they would cache nothing. A site holds only what
                # anyone may read, so caching every response is safe (Cloud CDN docs, "Use cache modes": not for private,
                # per-user content). Every object is cached `default_ttl`, and browsers are told the lesser of it and
                # `client_ttl` (Cloud CDN docs, "Change TTL settings and overrides"). No max_ttl: the API takes it only
                # with CACHE_ALL_STATIC (its error "max_ttl must be specified with CACHE_ALL_STATIC",
                # hashicorp/terraform-provider-google#16935; the provider's encoder drops it under FORCE_CACHE_ALL,
                # magic-modules mmv1/templates/terraform/encoders/compute_backend_bucket.go.tmpl).
                "cache_mode": "FORCE_CACHE_ALL",
                "default_ttl": SITE_TTL_SECONDS,
                "client_ttl": SITE_BROWSER_TTL_SECONDS,
            },
            # Brotli or gzip as the client accepts (Cloud CDN docs, "Dynamic compression").
            compression_mode="AUTOMATIC",
            opts=pulumi.ResourceOptions(parent=self),
        )
        # Google creates Cloud CDN's fill agent only once a first signed request key is added to a backend bucket of the
        # project, and granting it a role before fails (Cloud CDN docs, "Use signed URLs", "Configure Cloud Storage
        # permissions"). The key is for that alone: nothing signs URLs with it, and unsigned requests are still
        # served ("Cloud CDN doesn't block requests without a Signature query parameter"). Marked secret, though it
        # guards nothing a site does not serve to anyone; pulumi-random also makes RandomBytes' base64 its resource id,
        # which the state keeps in plain text (pulumi-random provider/resources.go, computeRandomBytesID).
        key_bytes = random.RandomBytes(name, length=SIGNED_URL_KEY_BYTES, opts=pulumi.ResourceOptions(parent=backend))
        key = gcp.compute.BackendBucketSignedUrlKey(
            name,
            backend_bucket=backend.name,
            key_value=pulumi.Output.secret(key_bytes.base64.apply(base64url)),
            opts=pulumi.ResourceOptions(parent=backend),
        )
        # legacyObjectReader: storage.objects.get alone. objectViewer also grants storage.objects.list, with which a
        # request for the bucket itself (a site at `/`, before `website.mainPageSuffix` applies, or should it be unset)
        # could answer a listing of every object (Cloud Storage docs, "IAM roles for Cloud Storage"). Without list, a
        # missing object answers 403 rather than 404, which a single-page app's fallback matches.
        assert project_number is not None
        gcp.storage.BucketIAMMember(
            f"{name}-cdn-fill",
            bucket=bucket.name,
            role=SITE_READER_ROLE,
            member=pulumi.Output.from_input(project_number).apply(cdn_fill_agent),
            opts=pulumi.ResourceOptions(parent=backend, depends_on=[key]),
        )
        return backend

    def _managed_zone(self, zone: str) -> pulumi.Input[str]:
        """`domain.zone` is a managed zone's name (no dots) or its DNS name (`example.com`), looked up here."""
        if "." not in zone:
            return zone
        wanted = f"{zone.rstrip('.')}."

        def pick(zones: list[Any]) -> str:
            names = [z.name for z in zones if z.dns_name == wanted and z.visibility == "public"]
            if not names:
                # Known only once the project's zones are listed. A ConfigError (a RunError, which the SDK passes through
                # unwrapped, unlike a ValueError) prints as one line naming the key, without a traceback.
                public = sorted(str(z.dns_name).rstrip(".") for z in zones if z.visibility == "public")
                raise ConfigError(
                    [
                        f"domain.zone: no public Cloud DNS managed zone for {wanted} in this project; allowed: the DNS name or "
                        f"the name of one of its public zones ({', '.join(public) or 'it has none'}), or no zone (create the "
                        "record yourself)"
                    ]
                )
            return str(names[0])

        return gcp.dns.get_managed_zones_output(opts=pulumi.InvokeOptions(parent=self)).managed_zones.apply(pick)

    def _armor(
        self, name: str, preview: bool, allow_from: Sequence[str] = (), waf: bool = True, client_ip_header: str | None = None
    ) -> gcp.compute.SecurityPolicy:
        # `preview`: Cloud Armor evaluates the rule and logs its outcome without enforcing it (Cloud Armor docs,
        # "Security policy overview", preview mode). The default rule is never previewed: it allows.
        rules: list[dict[str, object]] = [
            {
                "priority": 1000 + index,
                "action": "deny(403)",
                "preview": preview,
                "description": f"OWASP preconfigured rule {rule}",
                # Sensitivity 1: the high-confidence signatures only, fewest false positives (Cloud Armor docs,
                # "Tune preconfigured WAF rules").
                "match": {"expr": {"expression": f"evaluatePreconfiguredWaf('{rule}', {{'sensitivity': 1}})"}},
            }
            for index, rule in enumerate(WAF_RULES if waf else ())
        ]
        # With `allowFrom`, the rate limit matches only the admitted ranges (10 a rule): its conforming requests are
        # allowed, and Cloud Armor stops at the first rule that matches, so a rule matching `*` would admit everyone
        # before the access list below is reached (Compute API, SecurityPolicyRuleRateLimitOptions.conformAction).
        chunks = [list(allow_from[i : i + SOURCE_RANGES_PER_RULE]) for i in range(0, len(allow_from), SOURCE_RANGES_PER_RULE)]
        if waf:
            rules += [
                {
                    "priority": 2000 + index,
                    "action": "rate_based_ban",
                    "preview": preview,
                    "description": f"ban clients above {RATE_LIMIT_PER_MINUTE} requests a minute for 10 minutes",
                    "match": {"versioned_expr": "SRC_IPS_V1", "config": {"src_ip_ranges": ranges}},
                    "rate_limit_options": {
                        "conform_action": "allow",
                        "exceed_action": "deny(429)",
                        **_rate_key(client_ip_header),
                        "ban_duration_sec": 600,
                        "rate_limit_threshold": {"count": RATE_LIMIT_PER_MINUTE, "interval_sec": 60},
                    },
                }
                for index, ranges in enumerate(chunks or [["*"]])
            ]
        # `allowFrom`: after the rules that deny, the allowed ranges are let through, and the default denies the rest. A rule
        # matches at most 10 ranges (Cloud Armor docs, "Security policy overview": source IP address ranges per rule). Not
        # previewed with the WAF's rules: it is the stack's access list, not a rule to try out.
        rules += [
            {
                "priority": ALLOW_FROM_PRIORITY + index,
                "action": "allow",
                "description": "allowFrom: admitted source ranges",
                "match": {"versioned_expr": "SRC_IPS_V1", "config": {"src_ip_ranges": list(chunk)}},
            }
            for index, chunk in enumerate(chunks)
        ]
        rules.append(
            {
                "priority": LOWEST_PRIORITY,
                "action": "deny(403)" if allow_from else "allow",
                "description": "default: deny what allowFrom does not admit" if allow_from else "default: allow",
                "match": {"versioned_expr": "SRC_IPS_V1", "config": {"src_ip_ranges": ["*"]}},
            }
        )
        return gcp.compute.SecurityPolicy(
            name,
            description="WAF and rate limiting in front of every backend",
            rules=rules,
            # Parse JSON bodies, so the WAF rules see their values rather than the raw text, which otherwise raises false
            # positives on JSON APIs (Cloud Armor docs, "Best practices": enable JSON parsing).
            advanced_options_config={
                "json_parsing": "STANDARD",
                # Behind the user's CDN: where the client's own address is (Cloud Armor "Rate limiting overview", USER_IP).
                **({"user_ip_request_headers": [client_ip_header]} if client_ip_header else {}),
            },
            opts=pulumi.ResourceOptions(parent=self),
        )

"""The public edge: a global external HTTPS load balancer with Cloud Armor, Cloud CDN where a service asks, and DNS.

Certificates: a new `domain.name` replaces the Google-managed certificate (`managed.domains` is ForceNew). Its name is
autonamed, so Pulumi's default create-before-delete creates the new certificate under a new name next to the old
one, moves the HTTPS proxy to it (an update of `ssl_certificates`, which depends on the new certificate), and deletes
the old one last; Compute Engine refuses to delete a certificate a proxy still uses (resourceInUseByAnotherResource).
A Google-managed certificate is provisioned only once it is attached and the new name resolves to the load balancer,
so the new name serves TLS some minutes after the DNS change, not before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.naming import host_slug, short_id
from stacks.config import ConfigError
from stacks.engine_tables import AUTONAME_RANDOM_CHARS
from stacks.model import Domain

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


class Edge(pulumi.ComponentResource):
    address: gcp.compute.GlobalAddress
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
    ) -> None:
        """`routes`: (service, path) for `services` (one or more paths each), most specific first, the catch-all `/`
        last (`App.routes_most_specific_first`). The catch-all, or else the last route, answers what no path matches.
        With `waf_mode: count`, Cloud Armor's rules run in preview: matches are logged, nothing is denied. The services in
        `cdn` have Cloud CDN on their backend, caching what their Cache-Control headers allow; the others have none. With
        `allow_from`, Cloud Armor admits only those source ranges; behind them, `client_ip_header` names the client (the rate
        limit counts it)."""
        routed = {service for service, _ in routes}
        # A path once per host (the model checks it with key paths).
        answered = host_routes.values() if host_routes is not None else [routes]
        if not routes or any(len({p for _, p in r}) != len(r) for r in answered) or routed != set(services):
            raise ValueError(f"Edge {name}: routes name {sorted(routed)}, services are {sorted(services)}; each path goes to one service")
        super().__init__("shipyard:gcp:Edge", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        if waf_mode == "count" and production:
            pulumi.log.warn(
                "wafMode is count: Cloud Armor previews its rules, logging what they match but denying nothing. "
                "Set wafMode: block once its logs show no legitimate traffic matched.",
                resource=self,
            )
        # `off` (development only): no WAF rules and no rate limit; an access list still needs Cloud Armor.
        policy = (
            self._armor(name, preview=waf_mode == "count", allow_from=allow_from, waf=waf_mode != "off", client_ip_header=client_ip_header)
            if waf_mode != "off" or allow_from
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
        # Hosts answering the same routes share a path matcher; the domain's own name's is `routes`.
        by_host = dict(host_routes) if host_routes is not None else {domain.name: list(routes)}
        groups: dict[tuple[tuple[str, str], ...], list[str]] = {}
        for host in domain.names:
            groups.setdefault(tuple(by_host[host]), []).append(host)

        def default_of(answered: Sequence[tuple[str, str]]) -> gcp.compute.BackendService:
            catch_all = [n for n, route in answered if route == "/"]
            return backends[catch_all[0] if catch_all else answered[-1][0]]

        matchers = [
            {
                "name": "routes" if index == 0 else f"routes-{index + 1}",
                "default_service": default_of(answered).id,
                "path_rules": [{"paths": [route, f"{route}/*"], "service": backends[n].id} for n, route in answered if route != "/"],
            }
            for index, answered in enumerate(groups)
        ]
        url_map = gcp.compute.URLMap(
            name,
            default_service=default_of(by_host[domain.name]).id,
            host_rules=[
                {"hosts": hosts, "path_matcher": matcher["name"]} for hosts, matcher in zip(groups.values(), matchers, strict=True)
            ],
            path_matchers=matchers,
            opts=child,
        )
        # One certificate per name (a proxy takes up to 15): adding or removing an alias adds or removes its own, and never
        # replaces the one serving the domain's name, which a Google-managed certificate's fixed domain list would
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
        ssl_policy = gcp.compute.SSLPolicy(name, min_tls_version="TLS_1_2", profile="MODERN", opts=child)
        self.address = gcp.compute.GlobalAddress(name, address_type="EXTERNAL", ip_version="IPV4", opts=child)
        https_proxy = gcp.compute.TargetHttpsProxy(
            name, url_map=url_map.id, ssl_certificates=[c.id for c in certificates], ssl_policy=ssl_policy.id, opts=child
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
        if domain.zone:
            zone = self._managed_zone(domain.zone)
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

"""The public edge: an Application Load Balancer with TLS, path routing, WAF and DNS.

Certificates: a new `domain.name` replaces the ACM certificate (domain_name is ForceNew). Pulumi replaces
create-before-delete unless told otherwise (Terraform needs `lifecycle { create_before_destroy = true }` for the same),
and an ACM certificate has no name, so the new one coexists with the old. The HTTPS listener reads the certificate
from the CertificateValidation, which exists only once ACM has issued the certificate: the listener moves in one
update, after issuance, and the old certificate is deleted last. Deleting a certificate a listener still uses fails
with ResourceInUseException, which the provider retries for 20 minutes (terraform-provider-aws
internal/service/acm/certificate.go, resourceCertificateDelete, certificateCrossServicePropagationTimeout).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

import pulumi
import pulumi_aws as aws

from components.aws.cdn import ORIGIN_HEADER
from components.aws.firewall import from_cdn_only, protection_rules, web_acl
from components.aws.logs import LOAD_BALANCER_PREFIX, AccessLogs
from components.naming import host_slug, short_id
from components.paths import path_patterns
from stacks.engine_tables import AUTONAME_RANDOM_CHARS
from stacks.model import Domain, WebSocket

# TLS 1.2 and 1.3 only. Source: ELB docs, "Security policies for your Application Load Balancer".
TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
RULE_PRIORITY_STEP = 10
# The second target group of a service whose traffic shifts, and the rule forwarding to both, are named after it with
# this suffix; the rule sits this far after the plain rule's priority.
ALTERNATE_SUFFIX = "-alt"
SHIFTING_PRIORITY_OFFSET = RULE_PRIORITY_STEP // 2
# Target group names: at most 32 characters. Source: ELB API reference, CreateTargetGroup `Name`.
TARGET_GROUP_NAME_MAX = 32
AUTONAME_SUFFIX = 1 + AUTONAME_RANDOM_CHARS  # "-" and the engine's random characters


# Without long-lived connections: the ALB's default idle timeout, and 30 s for a stopping task to finish its requests.
IDLE_TIMEOUT_SECONDS = 60
DEREGISTRATION_DELAY_SECONDS = 30
# With them: a stopping task keeps its connections this long unless `websocket.drainSeconds` says otherwise.
WEBSOCKET_DRAIN_SECONDS = 300
# The ALB's idle timeout allows 1-4000 s. Source: ELB docs, "Application Load Balancers", connection idle timeout.
MAX_IDLE_TIMEOUT_SECONDS = 4000


class Route(NamedTuple):
    """A public http service on the edge: requests under `path` go to it on `port`, checked at `health_path`.

    A service with several paths has one route per path, all with the same port, health path and `websocket`.
    """

    service: str
    path: str
    port: int
    health_path: str
    websocket: WebSocket | None = None
    # The host names it answers on (`hosts`); none: every name of the domain.
    hosts: tuple[str, ...] = ()


def most_specific_first(routes: Iterable[Route]) -> list[Route]:
    """Routes bound to hosts first (on their hosts they come before every other service's paths), then longest path first
    (a longer path is the more specific), ties by service name; the catch-all `/` last.

    Without `hosts`, the same order as `App.routes_most_specific_first`.
    """
    return sorted(routes, key=lambda route: (not route.hosts, -len(route.path), route.service, route.path))


def _conditions(route: Route) -> list[dict[str, object]]:
    """Its paths, and its host names when it has some (ELB docs, "Listener rules": host-header and path-pattern
    conditions; a rule takes up to 5 values in all)."""
    conditions: list[dict[str, object]] = [{"path_pattern": {"values": path_patterns(route.path)}}]
    if route.hosts:
        conditions.append({"host_header": {"values": list(route.hosts)}})
    return conditions


def _drain_seconds(websocket: WebSocket | None) -> int:
    if websocket is None:
        return DEREGISTRATION_DELAY_SECONDS
    return WEBSOCKET_DRAIN_SECONDS if websocket.drain_seconds is None else websocket.drain_seconds


class Edge(pulumi.ComponentResource):
    load_balancer: aws.lb.LoadBalancer
    target_groups: dict[str, aws.lb.TargetGroup]
    # Services that shift traffic (`rollout`): a second target group each, and the one listener rule ECS reweights.
    alternate_target_groups: dict[str, aws.lb.TargetGroup]
    production_rules: dict[str, aws.lb.ListenerRule]
    # What attaches the target groups to the load balancer; ECS refuses a target group before that.
    routing: list[pulumi.Resource]
    url: pulumi.Output[str]

    def __init__(
        self,
        name: str,
        routes: Iterable[Route],
        domain: Domain | None,
        production: bool,
        vpc: aws.ec2.Vpc,
        public_subnet_ids: list[pulumi.Output[str]],
        security_group: aws.ec2.SecurityGroup,
        opts: pulumi.ResourceOptions | None = None,
        access_logs: AccessLogs | None = None,
        waf_mode: str = "block",
        log_retention_days: int = 30,
        log_key_arn: pulumi.Input[str] | None = None,
        shifting: frozenset[str] = frozenset(),
        client_ip_header: str | None = None,
        origin_secret: pulumi.Input[str] | None = None,
        behind_proxy: bool = False,
    ) -> None:
        """A load balancer routing each of `routes` (in any order: the most specific path wins) to its service.

        `behind_proxy`: only a CDN or proxy of the user's reaches it (`allowFrom`). The domain's names point at the proxy,
        which the proxy's DNS does, so the zone gets only the certificate's records. `client_ip_header`: the rate limit
        counts the client address the proxy writes into this header, not the proxy's own.

        `origin_secret`: CloudFront is in front (components/aws/cdn.py). The web ACL then only turns away every request
        without the origin header carrying this secret (the distribution's own web ACL carries the rate limit and the
        managed rules: components/aws/firewall.py); the domain's names are pointed at the distribution with
        `point_names_at`, not at the load balancer.

        Each service in `shifting` (one route each) gets a second target group and a listener rule forwarding to both, for
        ECS to move its traffic from one to the other during a release (blue/green, canary, linear).

        With a `domain`, HTTPS on its certificate and HTTP redirected to it; without, plain HTTP. `production` turns on
        deletion protection. The load balancer writes its access logs to `access_logs`; its web ACL (rules blocking, or
        only counting with `waf_mode: count`) logs to a log group kept `log_retention_days`, encrypted with `log_key_arn`.
        """
        ordered = most_specific_first(routes)
        # A path once per scope: among the routes without hosts, and on each host (the model checks it with key paths).
        paths = [(host, route.path) for route in ordered for host in (route.hosts or ("",))]
        backends = {route.service: route for route in reversed(ordered)}
        consistent = all(route[2:] == backends[route.service][2:] for route in ordered)
        if not ordered or len(set(paths)) < len(paths) or not consistent:
            raise ValueError(f"the edge needs at least one route, each path once, one port and health path per service; got {ordered}")
        # One idle timeout for the whole load balancer: long enough for the longest-lived connection it carries.
        idle = max([IDLE_TIMEOUT_SECONDS, *(r.websocket.timeout_seconds for r in ordered if r.websocket)])
        super().__init__("shipyard:aws:Edge", name, None, opts)
        self.load_balancer = aws.lb.LoadBalancer(
            name,
            load_balancer_type="application",
            internal=False,
            subnets=public_subnet_ids,
            security_groups=[security_group.id],
            drop_invalid_header_fields=True,
            enable_deletion_protection=production,
            idle_timeout=idle,
            access_logs={"bucket": access_logs.bucket.bucket, "prefix": LOAD_BALANCER_PREFIX, "enabled": True} if access_logs else None,
            # ELB checks that it may write to the bucket when access logs are turned on.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access_logs.policy] if access_logs else []),
        )
        self.target_groups = {service: self._target_group(name, route, vpc) for service, route in sorted(backends.items())}
        self.alternate_target_groups = {
            service: self._target_group(name, route, vpc, alternate=True)
            for service, route in sorted(backends.items())
            if service in shifting
        }
        self.production_rules = {}
        self.validation_fqdns: list[pulumi.Output[str]] = []
        self._zone_id: pulumi.Output[str] | None = None
        self._name, self._domain = name, domain
        self._behind_cdn = origin_secret is not None
        listener = self._listener(name, domain, ordered)
        if domain is not None and behind_proxy:
            # An alias here would send viewers past the proxy to a load balancer that admits only the proxy's ranges.
            pulumi.log.warn(
                f"allowFrom: point {', '.join(domain.names)} at your proxy and the proxy at the load balancer "
                "(loadBalancerDnsName); the stack creates only the certificate's validation records, not the names' own.",
                resource=self,
            )
        elif domain is not None and origin_secret is None:
            self.point_names_at(self.load_balancer.dns_name, self.load_balancer.zone_id)
        self.routing = [listener, *self._routes(name, ordered, listener)]
        if waf_mode == "count" and production:
            pulumi.log.warn(
                "wafMode is count: the web application firewall counts and logs what its rules match but blocks nothing. "
                "Set wafMode: block once its logs show no legitimate traffic matched.",
                resource=self,
            )
        self._firewall_settings = (waf_mode, log_retention_days, log_key_arn, client_ip_header, origin_secret)
        if waf_mode != "off" and origin_secret is None:  # `off`: development only (the model refuses it in production)
            self.guard()
        elif origin_secret is not None and waf_mode == "off":
            pulumi.log.warn(
                "wafMode is off: the load balancer stays open to the internet, and without the web application firewall "
                "nothing turns away requests that did not come through this stack's CloudFront distribution.",
                resource=self,
            )
        self.register_outputs({"dns_name": self.load_balancer.dns_name, "url": self.url})

    def _target_group(self, name: str, route: Route, vpc: aws.ec2.Vpc, alternate: bool = False) -> aws.lb.TargetGroup:
        # Autonamed (a replacement needs a second group under a new name while the first is in use), so the
        # logical name leaves room for the engine's 8-character suffix within the 32 characters AWS allows.
        # The alternate group is the same in every respect: ECS alternates a release between the two.
        logical = f"{name}-{route.service}{ALTERNATE_SUFFIX if alternate else ''}"
        return aws.lb.TargetGroup(
            short_id(logical, TARGET_GROUP_NAME_MAX - AUTONAME_SUFFIX),
            port=route.port,
            protocol="HTTP",
            target_type="ip",
            vpc_id=vpc.id,
            deregistration_delay=_drain_seconds(route.websocket),
            # Long-lived connections come back to the task that holds their session.
            stickiness={"type": "lb_cookie", "enabled": True, "cookie_duration": route.websocket.timeout_seconds}
            if route.websocket and route.websocket.affinity
            else None,
            health_check={
                "path": route.health_path,
                "matcher": "200-399",
                "interval": 15,
                "timeout": 5,
                "healthy_threshold": 2,
                "unhealthy_threshold": 3,
            },
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _default_action(self, routes: list[Route]) -> dict[str, object]:
        # A catch-all service whose traffic shifts is served by its listener rule (`/*`), which ECS reweights; the default
        # action stays as it was, so switching a strategy on or off never leaves `/` without a route.
        catch_all = [route.service for route in routes if route.path == "/" and not route.hosts]
        if catch_all:
            return {"type": "forward", "target_group_arn": self.target_groups[catch_all[0]].arn}
        return {
            "type": "fixed-response",
            "fixed_response": {"content_type": "text/plain", "message_body": "Not found", "status_code": "404"},
        }

    def _listener(self, name: str, domain: Domain | None, routes: list[Route]) -> aws.lb.Listener:
        child = pulumi.ResourceOptions(parent=self.load_balancer)
        if domain is None:
            pulumi.log.warn(
                "no domain is set: the load balancer serves plain HTTP on port 80. Set `domain` to serve HTTPS with a managed certificate.",
                resource=self,
            )
            self.url = pulumi.Output.concat("http://", self.load_balancer.dns_name)
            return aws.lb.Listener(
                f"{name}-http",
                load_balancer_arn=self.load_balancer.arn,
                port=80,
                protocol="HTTP",
                default_actions=[self._default_action(routes)],
                opts=child,
            )

        aws.lb.Listener(
            f"{name}-http",
            load_balancer_arn=self.load_balancer.arn,
            port=80,
            protocol="HTTP",
            default_actions=[{"type": "redirect", "redirect": {"port": "443", "protocol": "HTTPS", "status_code": "HTTP_301"}}],
            opts=child,
        )
        certificate_arn = self._certificate(name, domain)
        self.url = pulumi.Output.from_input(f"https://{domain.name}")
        return aws.lb.Listener(
            f"{name}-https",
            load_balancer_arn=self.load_balancer.arn,
            port=443,
            protocol="HTTPS",
            ssl_policy=TLS_POLICY,
            certificate_arn=certificate_arn,
            default_actions=[self._default_action(routes)],
            opts=child,
        )

    def _certificate(self, name: str, domain: Domain) -> pulumi.Output[str]:
        certificate = aws.acm.Certificate(
            name,
            domain_name=domain.name,
            # Aliases ride on the same certificate (ACM: up to 10 names by default).
            subject_alternative_names=domain.aliases or None,
            validation_method="DNS",
            opts=pulumi.ResourceOptions(parent=self),
        )
        record_fqdns: list[pulumi.Output[str]] = []
        if domain.zone:
            zone = aws.route53.get_zone_output(name=domain.zone, private_zone=False, opts=pulumi.InvokeOptions(parent=self))
            # A validation record and an alias per name, each named after its host (the domain's own name keeps the
            # plain names): adding or removing an alias touches only its own. ACM's validation options are a set, in an
            # order of its own, so each record picks its host's option by name (as the provider's docs key them).
            for host in domain.names:
                suffix = "" if host == domain.name else f"-{host_slug(host)}"
                option = certificate.domain_validation_options.apply(
                    lambda options, host=host: next(o for o in options if o.domain_name == host)
                )
                record = aws.route53.Record(
                    f"{name}-certificate-validation{suffix}",
                    zone_id=zone.zone_id,
                    name=option.apply(lambda o: o.resource_record_name),
                    type=option.apply(lambda o: o.resource_record_type),
                    records=[option.apply(lambda o: o.resource_record_value)],
                    ttl=300,
                    allow_overwrite=True,
                    opts=pulumi.ResourceOptions(parent=certificate),
                )
                record_fqdns.append(record.fqdn)
            self._zone_id = zone.zone_id
        elif self._behind_cdn:
            # The load balancer answers only CloudFront (the web ACL's origin check): a name pointed at it gets 403.
            pulumi.log.warn(
                f"domain.zone is not set: create the certificate's validation records, and for {', '.join(domain.names)} a "
                "CNAME to the CloudFront distribution (the output cdnDomainName), not to the load balancer, which turns "
                "away every request that does not come through CloudFront. The HTTPS listener and the distribution wait "
                "until the certificates are issued.",
                resource=self,
            )
        else:
            pulumi.log.warn(
                f"domain.zone is not set: create the certificate's validation record and a DNS record for "
                f"{domain.name} yourself; the HTTPS listener waits until the certificate is issued.",
                resource=self,
            )
        self.validation_fqdns = record_fqdns
        # Waits for issuance, so the listener never points at a pending certificate.
        validation = aws.acm.CertificateValidation(
            name,
            certificate_arn=certificate.arn,
            validation_record_fqdns=record_fqdns or None,
            opts=pulumi.ResourceOptions(parent=certificate),
        )
        return validation.certificate_arn

    def guard(self, after: Sequence[pulumi.Resource] = ()) -> None:
        """The web ACL (none with `wafMode: off`). Behind CloudFront it is made `after` the domain's names point at the
        distribution: its origin rule turns away every request that does not come through CloudFront, so putting the CDN
        in front of a live stack must not block the viewers still sent to the load balancer. Those whose resolver keeps
        the load balancer's address past the record's 60 s are turned away until it expires."""
        mode, retention, key_arn, client_ip_header, origin_secret = self._firewall_settings
        if mode != "off":
            self._firewall(self._name, mode, retention, key_arn, client_ip_header, origin_secret, after)

    def point_names_at(self, dns_name: pulumi.Input[str], zone_id: pulumi.Input[str], cdn: bool = False) -> list[aws.route53.Record]:
        """Alias records for every name of the domain in its zone (none without `domain.zone`), to the load balancer or to
        the CDN in front of it (`cdn`: AAAA records too, and no target health, which Route 53 refuses for a CloudFront
        target: Route 53 API reference, AliasTarget, EvaluateTargetHealth). Each keeps its name whichever it points at, so
        putting the CDN in front or taking it away updates the records in place rather than deleting the name's record
        after writing it."""
        records: list[aws.route53.Record] = []
        if self._domain is None or self._zone_id is None:
            return records
        for host in self._domain.names:
            suffix = "" if host == self._domain.name else f"-{host_slug(host)}"
            for record_type in ("A", "AAAA") if cdn else ("A",):
                record = aws.route53.Record(
                    f"{self._name}-alias{suffix}" + ("-ipv6" if record_type == "AAAA" else ""),
                    zone_id=self._zone_id,
                    name=host,
                    type=record_type,
                    aliases=[{"name": dns_name, "zone_id": zone_id, "evaluate_target_health": not cdn}],
                    opts=pulumi.ResourceOptions(parent=self),
                )
                records.append(record)
        return records

    def _routes(self, name: str, routes: list[Route], listener: aws.lb.Listener) -> list[aws.lb.ListenerRule]:
        # `routes` is most specific first; the catch-all `/` is the listener's default action, not a rule, unless its
        # service shifts traffic: then it is also the last rule, `/*`. A service's first path keeps the plain name; its
        # further paths are numbered.
        seen: dict[str, int] = {}

        def rule_name(service: str) -> str:
            seen[service] = seen.get(service, 0) + 1
            return f"{name}-{service}" if seen[service] == 1 else f"{name}-{service}-{seen[service]}"

        ruled = [route for route in routes if route.path != "/" or route.hosts or route.service in self.alternate_target_groups]
        rules = []
        for index, route in enumerate(ruled, start=1):
            priority = index * RULE_PRIORITY_STEP
            if route.service in self.alternate_target_groups:
                rules.append(self._shifting_rule(name, route, listener, priority + SHIFTING_PRIORITY_OFFSET))
                continue
            rules.append(
                aws.lb.ListenerRule(
                    rule_name(route.service),
                    listener_arn=listener.arn,
                    priority=priority,
                    conditions=_conditions(route),
                    actions=[{"type": "forward", "target_group_arn": self.target_groups[route.service].arn}],
                    opts=pulumi.ResourceOptions(parent=listener),
                )
            )
        return rules

    def _shifting_rule(self, name: str, route: Route, listener: aws.lb.Listener, priority: int) -> aws.lb.ListenerRule:
        """The one rule ECS reweights between a service's two target groups (ECS developer guide, "Application Load
        Balancer resources for blue/green, linear, and canary deployments").

        ECS rewrites its forward action at every release and leaves it so (seen live: go-to-k/cdk-real-drift#1730), so the
        program sets the action once and ignores it after. A rule of its own, under the second group's suffix and half a
        step after the plain rule's priority: switching a strategy on or off creates one rule with its action and deletes
        the other, both in place for a moment (the plain one, first, still wins), where updating one rule would send
        nothing. A replaced target group replaces it (`replacement_trigger`), deleted first to free its priority.
        """
        primary, alternate = self.target_groups[route.service], self.alternate_target_groups[route.service]
        rule = aws.lb.ListenerRule(
            f"{name}-{route.service}{ALTERNATE_SUFFIX}",
            listener_arn=listener.arn,
            priority=priority,
            conditions=_conditions(route),
            # All traffic on the first group until ECS's first release moves it.
            actions=[
                {
                    "type": "forward",
                    "forward": {"target_groups": [{"arn": primary.arn, "weight": 100}, {"arn": alternate.arn, "weight": 0}]},
                }
            ],
            opts=pulumi.ResourceOptions(
                parent=listener,
                ignore_changes=["actions"],
                replacement_trigger=pulumi.Output.all(primary.arn, alternate.arn),
                delete_before_replace=True,
            ),
        )
        self.production_rules[route.service] = rule
        return rule

    def _firewall(
        self,
        name: str,
        mode: str,
        log_retention_days: int,
        log_key_arn: pulumi.Input[str] | None,
        client_ip_header: str | None = None,
        origin_secret: pulumi.Input[str] | None = None,
        after: Sequence[pulumi.Resource] = (),
    ) -> None:
        # Behind CloudFront the distribution's own web ACL carries the protection rules (components/aws/firewall.py);
        # this one only checks that a request came through it.
        behind_cdn = origin_secret is not None
        acl = web_acl(
            name,
            from_cdn_only(origin_secret) if origin_secret is not None else protection_rules(mode == "count", client_ip_header),
            log_retention_days,
            self,
            log_key_arn=log_key_arn,
            # The logs would otherwise hold the secret the rule checks.
            redacted=(ORIGIN_HEADER.lower(),) if behind_cdn else (),
            sampled=not behind_cdn,
            after=after,
        )
        aws.wafv2.WebAclAssociation(name, resource_arn=self.load_balancer.arn, web_acl_arn=acl.arn, opts=pulumi.ResourceOptions(parent=acl))

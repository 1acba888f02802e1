"""AWS WAF: the web ACL in front of the load balancer, or, behind CloudFront, one on the distribution.

Without CloudFront the load balancer's web ACL does everything: a rate limit per client, then AWS's managed rule groups.
Behind CloudFront those rules move to a web ACL of scope CLOUDFRONT on the distribution, where they see the viewer's
own address (the IP reputation list and the rate limit key on it; at the load balancer every request comes from a
CloudFront address) and every request, cached answers too. The load balancer's web ACL then keeps one rule: requests
without the distribution's secret origin header are turned away.
"""

from __future__ import annotations

from collections.abc import Sequence

import pulumi
import pulumi_aws as aws

from components.aws.cdn import CERTIFICATE_REGION, ORIGIN_HEADER
from components.naming import scoped

# AWS managed rule groups. Source: AWS WAF docs, "AWS Managed Rules rule groups list".
MANAGED_RULE_GROUPS = (
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesSQLiRuleSet",
)
# The Core rule set's SizeRestrictions_BODY blocks request bodies over 8 KB, which every upload and many JSON API calls
# exceed. An ALB's WAF inspects the first 8 KB of a body and cannot inspect more (AWS WAF developer guide, "Body
# inspection size limits": fixed at 8 KB for Application Load Balancers; CloudFront's default is 16 KB), so the rule
# guards against payloads hidden past that point. It is set to count: oversize bodies pass and are counted and logged
# (label awswaf:managed:aws:core-rule-set:SizeRestrictions_Body), and every other rule still inspects their first
# bytes. The model does not say which routes take uploads, so no route keeps the block (README, "Hardening: what is not
# done"). Source: AWS WAF developer guide, "Core rule set (CRS) managed rule group" and "Overriding rule actions in a
# rule group".
COUNTED_MANAGED_RULES = {"AWSManagedRulesCommonRuleSet": ("SizeRestrictions_BODY",)}
# Requests per client IP per minute before the rate rule answers 429: the figure Cloud Armor bans at on GCP. AWS WAF
# rate-based rules count over `evaluation_window_sec` (60, 120, 300 or 600) and block while the rate stays above the limit
# (AWS WAF developer guide, "Rate-based rule statement").
RATE_LIMIT_PER_MINUTE = 600
RATE_LIMIT_RULE = "rate-limit"
FROM_CDN_ONLY_RULE = "from-cdn-only"
# What a blocked request gets: 403 from the managed rules (WAF's default), 429 from the rate rule.
TOO_MANY_REQUESTS = 429
# Headers that carry credentials stay out of the WAF's logs.
REDACTED_HEADERS = ("authorization", "cookie")
# A CloudWatch log group a web ACL logs to must be named `aws-waf-logs-...`, and for a web ACL of scope CLOUDFRONT be
# in us-east-1 (AWS WAF developer guide, "Sending web ACL traffic logs to an Amazon CloudWatch Logs log group"), where
# the web ACL itself is made (AWS WAF API reference, CreateWebACL: "specify the Region US East (N. Virginia)").
WAF_LOG_GROUP_PREFIX = "aws-waf-logs-"
CLOUDFRONT_SUFFIX = "-cdn"


def _rate_key(client_ip_header: str | None) -> dict[str, object]:
    """Whom the rate limit counts: the connecting address, or behind the user's CDN the client address it writes into
    `client_ip_header`. AWS WAF reads the header's first address; a header the CDN overwrites (CloudFlare's
    CF-Connecting-IP) cannot be forged by a client, the first address of X-Forwarded-For can. Without the header the rule
    does not apply to the request (AWS WAF developer guide, "Forwarded IP address": fallback_behavior NO_MATCH); counting
    the CDN's own addresses instead would ban the CDN."""
    if client_ip_header is None:
        return {"aggregate_key_type": "IP"}
    return {"aggregate_key_type": "FORWARDED_IP", "forwarded_ip_config": {"header_name": client_ip_header, "fallback_behavior": "NO_MATCH"}}


def _visibility(metric: str, sampled: bool) -> dict[str, object]:
    return {"cloudwatch_metrics_enabled": True, "metric_name": metric, "sampled_requests_enabled": sampled}


def protection_rules(counting: bool, client_ip_header: str | None = None) -> list[dict[str, object]]:
    """The rate limit, first, so a flood is turned away before the managed rules inspect it; then AWS's managed rule
    groups. `counting` (`wafMode: count`): every rule only counts."""
    rules: list[dict[str, object]] = [
        {
            "name": RATE_LIMIT_RULE,
            "priority": 0,
            "action": {"count": {}} if counting else {"block": {"custom_response": {"response_code": TOO_MANY_REQUESTS}}},
            "statement": {
                "rate_based_statement": {"limit": RATE_LIMIT_PER_MINUTE, "evaluation_window_sec": 60, **_rate_key(client_ip_header)}
            },
            "visibility_config": _visibility(RATE_LIMIT_RULE, True),
        }
    ]
    for index, group in enumerate(MANAGED_RULE_GROUPS, start=1):
        statement: dict[str, object] = {"vendor_name": "AWS", "name": group}
        counted = COUNTED_MANAGED_RULES.get(group, ())
        if counted:
            statement["rule_action_overrides"] = [{"name": rule, "action_to_use": {"count": {}}} for rule in counted]
        rules.append(
            {
                "name": group,
                "priority": index,
                # `count` overrides the whole group's actions; `none` keeps them (block).
                "override_action": {"count": {}} if counting else {"none": {}},
                "statement": {"managed_rule_group_statement": statement},
                "visibility_config": _visibility(group, True),
            }
        )
    return rules


def from_cdn_only(origin_secret: pulumi.Input[str]) -> list[dict[str, object]]:
    """Behind CloudFront: only requests carrying this stack's origin header pass. An access rule, not one to try out: it
    blocks under `wafMode: count` too. No sampled requests: the console shows a sample's every header, the secret too,
    to whoever may read them (wafv2:GetSampledRequests), and no redaction applies to them."""
    return [
        {
            "name": FROM_CDN_ONLY_RULE,
            "priority": 0,
            "action": {"block": {}},
            "statement": {
                "not_statement": {
                    "statement": {
                        "byte_match_statement": {
                            "field_to_match": {"single_header": {"name": ORIGIN_HEADER.lower()}},
                            "positional_constraint": "EXACTLY",
                            "search_string": origin_secret,
                            "text_transformations": [{"priority": 0, "type": "NONE"}],
                        }
                    }
                }
            },
            "visibility_config": _visibility(FROM_CDN_ONLY_RULE, False),
        }
    ]


def web_acl(
    name: str,
    rules: list[dict[str, object]],
    log_retention_days: int,
    parent: pulumi.Resource,
    log_key_arn: pulumi.Input[str] | None = None,
    cloudfront: bool = False,
    redacted: Sequence[str] = (),
    sampled: bool = True,
    after: Sequence[pulumi.Resource] = (),
) -> aws.wafv2.WebAcl:
    """A web ACL allowing what no rule blocks, and a log group of every request it sees with the rule that decided it,
    credentials and the `redacted` headers left out; WAF adds the log group's resource policy itself. `sampled`: whether
    the console keeps sampled requests of what no rule matched (each rule says so for its own matches).

    `cloudfront`: of scope CLOUDFRONT, made in us-east-1 with its log group, for a distribution's `web_acl_id`. Its log
    group is encrypted with CloudWatch Logs' own key: the app's key is in the stack's region, and a log group takes a key
    of its own region only. Otherwise REGIONAL, for the caller to associate, its log group under `log_key_arn`.
    """
    region = CERTIFICATE_REGION if cloudfront else None
    acl = aws.wafv2.WebAcl(
        name,
        scope="CLOUDFRONT" if cloudfront else "REGIONAL",
        region=region,
        default_action={"allow": {}},
        rules=rules,
        visibility_config=_visibility(name, sampled),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=list(after)),
    )
    log_group = aws.cloudwatch.LogGroup(
        f"{name}-waf",
        name=f"{WAF_LOG_GROUP_PREFIX}{scoped(name)}",
        region=region,
        retention_in_days=log_retention_days,
        kms_key_id=None if cloudfront else log_key_arn,
        opts=pulumi.ResourceOptions(parent=acl),
    )
    aws.wafv2.WebAclLoggingConfiguration(
        name,
        resource_arn=acl.arn,
        region=region,
        log_destination_configs=[log_group.arn],
        redacted_fields=[{"single_header": {"name": header}} for header in (*REDACTED_HEADERS, *redacted)],
        opts=pulumi.ResourceOptions(parent=acl),
    )
    return acl

"""Hardening on both clouds: the WAF's rules and modes, encrypted and retained logs, access logs, audit logging, and
certificates replaced create-before-delete. Each point is asserted on the committed stacks' renders (or a variant of
one), and on what the engine would do (stacks/plan.py). README, "Hardening: what is not done, and why", lists the rest.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from components.aws.logs import ELB_ACCOUNTS, LOG_DELIVERY_PRINCIPAL, load_balancer_log_writer
from stacks.offline import Rendering, Resource
from stacks.plan import changed_keys, physical_name, plan
from tests.harness import ROOT, config_error, inputs_json, render_shared, stack_app

WEB_ACL = "aws:wafv2/webAcl:WebAcl"
LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup"
ARMOR = "gcp:compute/securityPolicy:SecurityPolicy"
ACCOUNT = "123456789012"  # the offline mocks' account


def statements(resource: Resource, key: str = "policy") -> dict[str, dict[str, Any]]:
    return {s["Sid"]: s for s in inputs_json(resource.inputs[key])["Statement"]}


def armor_rules(rendering: Rendering) -> list[dict[str, Any]]:
    return list(rendering.one(ARMOR).inputs["rules"])


def with_waf_mode(stack: str, mode: str) -> Rendering:
    app = stack_app(stack)
    app["wafMode"] = mode
    return render_shared(app)


# ---------------------------------------------------------------------------------------------------------------------
# WAF


def test_aws_body_size_rule_counts_instead_of_blocking_uploads(aws_prod: Rendering) -> None:
    rules = {r["name"]: r for r in aws_prod.one(WEB_ACL).inputs["rules"]}
    core = rules["AWSManagedRulesCommonRuleSet"]
    assert core["overrideAction"] == {"none": {}}, "the rest of the core rule set still blocks"
    overrides = core["statement"]["managedRuleGroupStatement"]["ruleActionOverrides"]
    assert overrides == [{"name": "SizeRestrictions_BODY", "actionToUse": {"count": {}}}]


def test_aws_rate_limit_matches_cloud_armors_and_answers_429(aws_prod: Rendering, gcp_prod: Rendering) -> None:
    rules = aws_prod.one(WEB_ACL).inputs["rules"]
    (rate,) = [r for r in rules if "rateBasedStatement" in r["statement"]]
    statement = rate["statement"]["rateBasedStatement"]
    (ban,) = [r for r in armor_rules(gcp_prod) if r["action"] == "rate_based_ban"]
    per_minute = ban["rateLimitOptions"]["rateLimitThreshold"]
    assert (statement["limit"], statement["evaluationWindowSec"]) == (per_minute["count"], per_minute["intervalSec"]) == (600, 60)
    assert statement["aggregateKeyType"] == "IP"
    assert rate["action"] == {"block": {"customResponse": {"responseCode": 429}}}
    assert rate["priority"] == min(r["priority"] for r in rules), "a flood is turned away before the managed rules run"
    assert len({r["priority"] for r in rules}) == len(rules)


def test_cloud_armor_blocks_log4j_and_parses_json(gcp_prod: Rendering) -> None:
    (log4j,) = [r for r in armor_rules(gcp_prod) if "cve-canary" in r["match"].get("expr", {}).get("expression", "")]
    assert log4j["match"]["expr"]["expression"] == "evaluatePreconfiguredWaf('cve-canary', {'sensitivity': 1})"
    assert log4j["action"] == "deny(403)" and log4j["preview"] is False
    assert gcp_prod.one(ARMOR).inputs["advancedOptionsConfig"] == {"jsonParsing": "STANDARD"}


def test_waf_blocks_by_default(aws_prod: Rendering, gcp_prod: Rendering) -> None:
    for rule in aws_prod.one(WEB_ACL).inputs["rules"]:
        assert rule.get("overrideAction", {}) != {"count": {}} and rule.get("action", {}) != {"count": {}}, rule["name"]
    assert not any(r.get("preview") for r in armor_rules(gcp_prod))
    assert not any("wafMode" in w for w in aws_prod.warnings + gcp_prod.warnings)


def test_waf_count_mode_only_counts_on_aws_and_previews_on_gcp() -> None:
    aws = with_waf_mode("aws-prod", "count")
    rules = aws.one(WEB_ACL).inputs["rules"]
    assert all(r["overrideAction"] == {"count": {}} for r in rules if "managedRuleGroupStatement" in r["statement"])
    assert [r["action"] for r in rules if "rateBasedStatement" in r["statement"]] == [{"count": {}}]
    gcp = with_waf_mode("gcp-prod", "count")
    *enforcing, default = sorted(armor_rules(gcp), key=lambda r: r["priority"])
    assert enforcing and all(r["preview"] is True for r in enforcing)
    assert default["action"] == "allow" and not default.get("preview"), "the default allow rule is never previewed"
    for rendering in (aws, gcp):
        assert any("wafMode is count" in w for w in rendering.warnings), "production says the firewall blocks nothing"


def test_waf_mode_is_refused_unless_block_count_or_off_and_production_keeps_its_firewall() -> None:
    app = stack_app("aws-prod")
    app["wafMode"] = "none"
    assert "wafMode: Input should be 'block', 'count' or 'off' (got 'none')" in config_error(app)
    app["wafMode"] = "off"
    assert "wafMode: production keeps its web application firewall" in config_error(app)


# ---------------------------------------------------------------------------------------------------------------------
# CloudWatch Logs encrypted with the app's key


def test_every_log_group_is_encrypted_with_the_app_key(aws_prod: Rendering) -> None:
    key = aws_prod.one("aws:kms/key:Key", "pmis")
    groups = aws_prod.of_type(LOG_GROUP)
    assert {"pmis-flow-logs", "pmis-waf", "pmis-api", "pmis-migrate"} <= {g.name for g in groups}
    for group in groups:
        assert group.inputs.get("kmsKeyId") == f"arn:aws:kms:us-east-1:{ACCOUNT}:pmis", group.name
        # Created after the key (and its policy): CloudWatch Logs refuses a key it may not use.
        assert group.property_dependencies["kmsKeyId"] == [key.urn], group.name


def test_the_app_key_lets_cloudwatch_logs_use_it_for_this_accounts_log_groups_only(aws_prod: Rendering) -> None:
    policy = statements(aws_prod.one("aws:kms/key:Key", "pmis"))
    assert policy["AccountAdministers"]["Principal"] == {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "no lock-out: IAM still governs"
    logs = policy["CloudWatchLogsEncrypts"]
    assert logs["Principal"] == {"Service": "logs.us-east-1.amazonaws.com"}
    assert set(logs["Action"]) == {"kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"}
    assert logs["Condition"] == {"ArnLike": {"kms:EncryptionContext:aws:logs:arn": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:*"}}


# ---------------------------------------------------------------------------------------------------------------------
# Access logs


def test_load_balancer_writes_access_logs_to_an_sse_s3_bucket_it_may_write(aws_prod: Rendering) -> None:
    bucket = aws_prod.one("aws:s3/bucket:Bucket", "pmis-access-logs")
    policy = aws_prod.one("aws:s3/bucketPolicy:BucketPolicy", "pmis-access-logs")
    balancer = aws_prod.one("aws:lb/loadBalancer:LoadBalancer")
    assert balancer.inputs["accessLogs"] == {"bucket": "pmis-access-logs", "prefix": "load-balancer", "enabled": True}
    assert policy.urn in balancer.dependencies, "ELB checks its permission when access logs are turned on"
    sse = aws_prod.one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration", "pmis-access-logs")
    assert sse.inputs["rules"] == [{"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}}], "ALB logs take SSE-S3 only"
    writer = statements(policy)["LoadBalancerAccessLogs"]
    # us-east-1 predates August 2022: the Region's Elastic Load Balancing account writes.
    assert writer["Principal"] == {"AWS": "arn:aws:iam::127311923021:root"}
    assert writer["Action"] == "s3:PutObject"
    assert writer["Resource"] == f"arn:aws:s3:us-east-1:{ACCOUNT}:pmis-access-logs/load-balancer/AWSLogs/{ACCOUNT}/*"
    assert bucket.protect


def test_the_log_writer_is_the_regional_account_before_august_2022_and_the_service_principal_after() -> None:
    assert load_balancer_log_writer("eu-west-1", "aws") == {"AWS": "arn:aws:iam::156460612806:root"}
    for newer in ("ap-southeast-4", "eu-central-2", "me-central-1", "il-central-1"):
        assert newer not in ELB_ACCOUNTS
        assert load_balancer_log_writer(newer, "aws") == {"Service": LOG_DELIVERY_PRINCIPAL}
    app = stack_app("aws-prod")
    app["aws"]["region"] = "ap-southeast-4"
    rendered = render_shared(app)
    writer = statements(rendered.one("aws:s3/bucketPolicy:BucketPolicy", "pmis-access-logs"))["LoadBalancerAccessLogs"]
    assert writer["Principal"] == {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}


def test_the_access_log_bucket_is_private_tls_only_and_expires_its_logs(aws_prod: Rendering) -> None:
    block = aws_prod.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "pmis-access-logs").inputs
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"))
    ownership = aws_prod.one("aws:s3/bucketOwnershipControls:BucketOwnershipControls", "pmis-access-logs")
    assert ownership.inputs["rule"] == {"objectOwnership": "BucketOwnerEnforced"}
    policy = statements(aws_prod.one("aws:s3/bucketPolicy:BucketPolicy", "pmis-access-logs"))
    assert policy["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    rules = aws_prod.one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "pmis-access-logs").inputs["rules"]
    assert {"id": "expire-logs", "status": "Enabled", "filter": {}, "expiration": {"days": 365}} in rules
    assert aws_prod.one("aws:s3/bucket:Bucket", "pmis-access-logs").inputs["forceDestroy"] is False, "production keeps its logs"


def test_every_app_bucket_sends_server_access_logs_to_the_log_bucket(aws_prod: Rendering) -> None:
    logs = aws_prod.one("aws:s3/bucket:Bucket", "pmis-access-logs")
    policy = aws_prod.one("aws:s3/bucketPolicy:BucketPolicy", "pmis-access-logs")
    (logging,) = aws_prod.of_type("aws:s3/bucketLogging:BucketLogging")
    assert logging.inputs == {"bucket": "pmis-uploads-id", "targetBucket": "pmis-access-logs-id", "targetPrefix": "s3/uploads/"}
    assert logging.property_dependencies["targetBucket"] == [logs.urn] and policy.urn in logging.dependencies
    grant = statements(policy)["S3ServerAccessLogs"]
    assert grant["Principal"] == {"Service": "logging.s3.amazonaws.com"}
    assert grant["Resource"] == f"arn:aws:s3:us-east-1:{ACCOUNT}:pmis-access-logs/s3/*"
    assert grant["Condition"] == {
        "ArnLike": {"aws:SourceArn": [f"arn:aws:s3:us-east-1:{ACCOUNT}:pmis-uploads"]},
        "StringEquals": {"aws:SourceAccount": ACCOUNT},
    }


def test_gcs_access_is_logged_by_data_access_audit_logs_that_outlive_the_stack(gcp_prod: Rendering) -> None:
    audit = gcp_prod.one("gcp:projects/iAMAuditConfig:IAMAuditConfig")
    assert audit.inputs["project"] == "pmis-production" and audit.inputs["service"] == "storage.googleapis.com"
    assert sorted(c["logType"] for c in audit.inputs["auditLogConfigs"]) == ["DATA_READ", "DATA_WRITE"]
    assert audit.retain_on_delete, "another stack in the project keeps its logs when this one is destroyed"


def test_no_buckets_no_storage_audit_config_and_no_log_bucket_without_a_load_balancer() -> None:
    gcp = stack_app("gcp-prod")
    gcp["buckets"] = {}
    for service in gcp["services"].values():
        service.pop("buckets", None)
    assert render_shared(gcp).of_type("gcp:projects/iAMAuditConfig:IAMAuditConfig") == []
    aws = {"name": "quiet", "cloud": "aws", "services": {"worker": {"kind": "worker", "image": "ghcr.io/example/w:1.0.0"}}}
    assert [b.name for b in render_shared(aws).of_type("aws:s3/bucket:Bucket")] == []


# ---------------------------------------------------------------------------------------------------------------------
# WAF logging


def test_the_web_acl_logs_to_an_encrypted_waf_log_group_without_credentials(aws_prod: Rendering) -> None:
    acl = aws_prod.one(WEB_ACL)
    logging = aws_prod.one("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")
    group = aws_prod.one(LOG_GROUP, "pmis-waf")
    assert group.inputs["name"] == "aws-waf-logs-pmis-aws-prod", "WAF logs only to log groups named aws-waf-logs-*"
    assert group.inputs["retentionInDays"] == 30 and group.inputs["kmsKeyId"]
    assert logging.property_dependencies["resourceArn"] == [acl.urn]
    assert logging.property_dependencies["logDestinationConfigs"] == [group.urn]
    assert logging.inputs["redactedFields"] == [{"singleHeader": {"name": "authorization"}}, {"singleHeader": {"name": "cookie"}}]


# ---------------------------------------------------------------------------------------------------------------------
# Databases


def test_rds_enhanced_monitoring_publishes_as_its_own_role(aws_prod: Rendering) -> None:
    db = aws_prod.one("aws:rds/instance:Instance")
    role = aws_prod.one("aws:iam/role:Role", "pmis-database-monitoring")
    attachment = aws_prod.one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "pmis-database-monitoring")
    assert db.inputs["monitoringInterval"] == 60
    assert db.property_dependencies["monitoringRoleArn"] == [role.urn] and attachment.urn in db.dependencies
    trust = inputs_json(role.inputs["assumeRolePolicy"])["Statement"][0]
    assert trust["Principal"] == {"Service": "monitoring.rds.amazonaws.com"}
    assert trust["Condition"] == {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
    assert attachment.inputs["policyArn"] == "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"


def test_rds_exported_log_groups_are_left_to_rds_because_their_name_is_not_known_in_time(aws_prod: Rendering) -> None:
    """The justification in components/aws/database.py: the identifier is a prefix plus an id made at creation."""
    db = aws_prod.one("aws:rds/instance:Instance")
    assert db.inputs["identifierPrefix"] == "pmis-" and "identifier" not in db.inputs
    assert set(db.inputs["enabledCloudwatchLogsExports"]) == {"postgresql", "upgrade"}
    assert not any(str(g.inputs.get("name", "")).startswith("/aws/rds/") for g in aws_prod.of_type(LOG_GROUP))


def test_cloud_sql_audits_schema_and_role_changes_and_logs_slow_queries(gcp_prod: Rendering) -> None:
    db = gcp_prod.one("gcp:sql/databaseInstance:DatabaseInstance", "pmis")
    flags = {f["name"]: f["value"] for f in db.inputs["settings"]["databaseFlags"]}
    assert flags["cloudsql.enable_pgaudit"] == "on"
    assert flags["pgaudit.log"] == "ddl,role"
    assert flags["log_min_duration_statement"] == "1000"


# ---------------------------------------------------------------------------------------------------------------------
# Certificates: a new domain replaces the certificate create-before-delete, with no engine refusal


def new_domain(stack: str) -> tuple[dict[str, Any], dict[str, Any]]:
    before = stack_app(stack)
    after = copy.deepcopy(before)
    after["domain"]["name"] = "www.example.com"
    return before, after


@pytest.mark.parametrize(
    ("stack", "certificate", "moves"),
    [
        ("aws-prod", "aws:acm/certificate:Certificate", ("aws:lb/listener:Listener", "pmis-https", "certificateArn")),
        (
            "gcp-prod",
            "gcp:compute/managedSslCertificate:ManagedSslCertificate",
            ("gcp:compute/targetHttpsProxy:TargetHttpsProxy", "pmis", "sslCertificates"),
        ),
    ],
)
def test_a_new_domain_replaces_the_certificate_before_the_old_one_goes(stack: str, certificate: str, moves: tuple[str, str, str]) -> None:
    before, after = new_domain(stack)
    old, new = render_shared(before), render_shared(after)
    result = plan(old, new, changed_keys(before, after))
    assert result.errors == [], "\n".join(result.errors)
    step = result.step(certificate, "pmis")
    assert step.action == "replace" and step.after is not None
    assert not step.after.delete_before_replace, "Pulumi's default: the new certificate exists before the old one is deleted"
    # The new certificate coexists with the old: ACM certificates have no name; the GCP one is autonamed.
    name = physical_name(step.after)
    assert name is None or name.origin == "autoname"
    # What serves TLS moves to the new certificate in an update, so the old one is deleted only after it is free.
    type_, resource, prop = moves
    holder = result.step(type_, resource)
    assert holder.action == "update" and prop in holder.changed
    assert not result.of("delete"), "create-before-delete: nothing is deleted first"


def test_the_aws_listener_waits_for_issuance(aws_prod: Rendering) -> None:
    validation = aws_prod.one("aws:acm/certificateValidation:CertificateValidation")
    listener = aws_prod.one("aws:lb/listener:Listener", "pmis-https")
    assert listener.property_dependencies["certificateArn"] == [validation.urn]


def test_the_plan_model_flags_an_explicitly_named_certificate_replaced_create_before_delete() -> None:
    """What keeps the certificates autonamed: the same explicit name on both sides is a duplicate the cloud refuses."""
    before, after = new_domain("gcp-prod")
    old, new = copy.deepcopy(render_shared(before)), copy.deepcopy(render_shared(after))
    for rendering in (old, new):
        rendering.one("gcp:compute/managedSslCertificate:ManagedSslCertificate").inputs["name"] = "pmis-certificate"
    errors = plan(old, new).errors
    assert any("'pmis' is replaced create-before-delete under the same explicit name 'pmis-certificate'" in e for e in errors)


# ---------------------------------------------------------------------------------------------------------------------
# What is not done is written down


def test_the_readme_justifies_what_is_not_done() -> None:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Hardening: what is not done, and why", 1)[1].split("\n## ", 1)[0]
    for item in ("port 80", "/aws/rds/instance/", "SizeRestrictions_BODY", "pgaudit", "public objects", "SSE-S3"):
        assert item.lower() in section.lower(), f"README's hardening section does not mention {item}"

"""The policies of the pack, as plain functions over a stack's resources.

Each policy looks at every resource of the stack (`StackView`) and yields
`(urn, message)` for what it finds wrong. `policy/__main__.py` hands them to
Pulumi CrossGuard; tests hand them resources rendered under mocks. Nothing
here imports Pulumi, so both can use it unchanged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

Violations = Iterator[tuple[str, str]]


class _Unknown:
    """A value the engine does not know yet (during a preview). Present, so "is it set?" checks pass;
    never equal to anything, so "is it exactly X?" checks fail closed; checked again at `up`, once known."""

    def __repr__(self) -> str:
        return "<unknown>"


UNKNOWN = _Unknown()

ANYWHERE = {"0.0.0.0/0", "::/0"}
WEB_PORTS = {80, 443}
SECRET_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)", re.I)
SECRET_VALUE = re.compile(
    r"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|://[^/\s:@]+:[^/\s@]+@|xox[baprs]-[0-9A-Za-z-]{10,}|gh[pousr]_[0-9A-Za-z]{36})"
)
BASIC_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}
READ_VERBS = ("Get", "List", "Describe", "BatchGet", "Head", "Lookup", "Search", "View")
# ELB policies that allow TLS 1.2 and newer only. Source: ELB docs, "Security policies for your Application Load Balancer".
ELB_TLS12_POLICIES = re.compile(r"^ELBSecurityPolicy-(TLS13-1-[23]-|TLS-1-2-|FS-1-2-)")
STATEFUL_TYPES = {
    "aws:rds/instance:Instance", "aws:elasticache/replicationGroup:ReplicationGroup", "aws:secretsmanager/secret:Secret",
    "aws:ecr/repository:Repository", "aws:s3/bucket:Bucket", "aws:kms/key:Key",
    "gcp:sql/databaseInstance:DatabaseInstance", "gcp:redis/instance:Instance", "gcp:secretmanager/secret:Secret",
    "gcp:artifactregistry/repository:Repository", "gcp:storage/bucket:Bucket",
}  # fmt: skip
CLOUD_RUN_TYPES = ("gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/job:Job", "gcp:cloudrunv2/workerPool:WorkerPool")
# A bucket the app's model declares public carries this tag (S3) or label (Cloud Storage), set by the program
# (components/*/buckets.py). It only opens the door: the bucket must still grant exactly public read of objects.
PUBLIC_READ_TAG = "public-read"
S3_ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
S3_ACCESS_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
S3_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
S3_SSE_ALGORITHMS = {"AES256", "aws:kms", "aws:kms:dsse"}
EVERYONE = {"allUsers", "allAuthenticatedUsers"}
# storage.objects.get only; roles/storage.objectViewer would also let anyone list the bucket (storage.objects.list).
# Source: Cloud Storage IAM roles (the Java client's StorageRoles lists each role's permissions).
GCS_PUBLIC_READ_ROLE = "roles/storage.legacyObjectReader"
GCS_GRANTS = ("gcp:storage/bucketIAMMember:BucketIAMMember", "gcp:storage/bucketIAMBinding:BucketIAMBinding")


@dataclass(frozen=True)
class Subject:
    """One resource as a policy sees it: its inputs, its protection, and which resources its properties refer to."""

    type: str
    name: str
    urn: str
    props: Mapping[str, Any]
    protect: bool = False
    links: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class StackView:
    subjects: list[Subject]
    production: bool

    def of_type(self, type_: str) -> list[Subject]:
        return [s for s in self.subjects if s.type == type_]

    def linked(self, subject: Subject, prop: str, type_: str) -> list[Subject]:
        urns = set(subject.links.get(prop, ()))
        return [s for s in self.subjects if s.urn in urns and s.type == type_]

    def referring(self, target: Subject, type_: str, prop: str) -> list[Subject]:
        return [s for s in self.of_type(type_) if target.urn in s.links.get(prop, ())]


def _get(props: Any, *path: str) -> Any:
    value: Any = props
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None or value is UNKNOWN:
        return []
    return value if isinstance(value, list) else [value]


def _dicts(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in _as_list(value) if isinstance(item, Mapping)]


def _number(value: Any, default: float = 0) -> float:
    """A number, or `default` when absent; an unknown number counts as meeting the bar (it is checked at `up`)."""
    if value is UNKNOWN:
        return float("inf")
    try:
        return float(value) if value is not None else default
    except (TypeError, ValueError):
        return default


def _containers(subject: Subject) -> list[dict[str, Any]]:
    """Container specs of an ECS task definition or a Cloud Run service, job or worker pool."""
    if subject.type == "aws:ecs/taskDefinition:TaskDefinition":
        definitions = subject.props.get("containerDefinitions")
        # During a preview the definitions often wait on an image digest or an ARN; they are checked at `up`.
        if isinstance(definitions, str):
            return [d for d in json.loads(definitions) if isinstance(d, dict)]
        return []
    if subject.type == "gcp:cloudrunv2/job:Job":
        return [dict(c) for c in _dicts(_get(subject.props, "template", "template", "containers"))]
    if subject.type in CLOUD_RUN_TYPES:
        return [dict(c) for c in _dicts(_get(subject.props, "template", "containers"))]
    return []


# 1 ---------------------------------------------------------------------------
def data_stores_private(stack: StackView) -> Violations:
    for db in stack.of_type("aws:rds/instance:Instance"):
        if db.props.get("publiclyAccessible"):
            yield db.urn, "the database is publicly accessible; set publiclyAccessible: false"
    for cache in stack.of_type("aws:elasticache/replicationGroup:ReplicationGroup"):
        if not cache.props.get("subnetGroupName"):
            yield cache.urn, "the cache is not placed in private subnets (no subnet group)"
    for sql in stack.of_type("gcp:sql/databaseInstance:DatabaseInstance"):
        ip = _get(sql.props, "settings", "ipConfiguration") or {}
        if ip.get("ipv4Enabled") is not False:  # Cloud SQL turns a public IPv4 on unless told not to
            yield sql.urn, "Cloud SQL has a public IPv4 address; set ipConfiguration.ipv4Enabled: false"
        for network in _dicts(ip.get("authorizedNetworks")):
            if network.get("value") in ANYWHERE:
                yield sql.urn, "Cloud SQL authorizes 0.0.0.0/0"
    for redis in stack.of_type("gcp:redis/instance:Instance"):
        if not redis.props.get("authorizedNetwork"):
            yield redis.urn, "Memorystore is not bound to the app's VPC"


# 2 ---------------------------------------------------------------------------
def encrypted_at_rest_and_in_transit(stack: StackView) -> Violations:
    for db in stack.of_type("aws:rds/instance:Instance"):
        if not db.props.get("storageEncrypted") and not db.props.get("replicateSourceDb"):
            yield db.urn, "RDS storage is not encrypted"
        if not db.props.get("parameterGroupName"):
            yield db.urn, "RDS uses the default parameter group, which does not force TLS (rds.force_ssl)"
    for group in stack.of_type("aws:rds/parameterGroup:ParameterGroup"):
        params = {p.get("name"): str(p.get("value")) for p in _dicts(group.props.get("parameters"))}
        if str(group.props.get("family", "")).startswith("postgres") and params.get("rds.force_ssl") != "1":
            yield group.urn, "the parameter group does not set rds.force_ssl = 1"
    for cache in stack.of_type("aws:elasticache/replicationGroup:ReplicationGroup"):
        for key, what in (("atRestEncryptionEnabled", "at rest"), ("transitEncryptionEnabled", "in transit")):
            if not cache.props.get(key):
                yield cache.urn, f"the cache is not encrypted {what}"
        if not cache.props.get("authToken") and not cache.props.get("userGroupIds"):
            yield cache.urn, "the cache has no AUTH token"
    for bucket in stack.of_type("aws:s3/bucket:Bucket"):
        yield from _s3_bucket(stack, bucket)
    for sql in stack.of_type("gcp:sql/databaseInstance:DatabaseInstance"):
        ip = _get(sql.props, "settings", "ipConfiguration") or {}
        if ip.get("sslMode") not in ("ENCRYPTED_ONLY", "TRUSTED_CLIENT_CERTIFICATE_REQUIRED") and not ip.get("requireSsl"):
            yield sql.urn, "Cloud SQL accepts unencrypted connections; set sslMode: ENCRYPTED_ONLY"
    for redis in stack.of_type("gcp:redis/instance:Instance"):
        if not redis.props.get("authEnabled"):
            yield redis.urn, "Memorystore AUTH is off"
        if redis.props.get("transitEncryptionMode") != "SERVER_AUTHENTICATION":
            yield redis.urn, "Memorystore does not use TLS (transitEncryptionMode: SERVER_AUTHENTICATION)"
    for bucket in stack.of_type("gcp:storage/bucket:Bucket"):
        if bucket.props.get("publicAccessPrevention") != "enforced" and not _declared_public(bucket, "labels"):
            hint = f"a bucket meant to be public-read carries the label {PUBLIC_READ_TAG}: 'true'"
            yield bucket.urn, f"the bucket does not enforce public access prevention ({hint})"
        if not bucket.props.get("uniformBucketLevelAccess"):
            yield bucket.urn, "the bucket allows per-object ACLs (uniformBucketLevelAccess is off)"
    yield from _gcs_public_grants(stack)


def _declared_public(bucket: Subject, tags: str) -> bool:
    return bool(_get(bucket.props, tags, PUBLIC_READ_TAG) == "true")


def _s3_bucket(stack: StackView, bucket: Subject) -> Violations:
    """Encrypted by default; public ACLs always blocked; TLS required by the policy. A bucket tagged public-read may
    lift the policy blocks, and then its policy may allow nothing but anonymous s3:GetObject on its objects."""
    algorithms = [
        UNKNOWN if rules is UNKNOWN else _get(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")
        for encryption in stack.referring(bucket, S3_ENCRYPTION, "bucket")
        for rules in [encryption.props.get("rules")]
        for rule in (_dicts(rules) or [{}])
    ]
    if not any(a is UNKNOWN or a in S3_SSE_ALGORITHMS for a in algorithms):
        yield bucket.urn, "the bucket has no server-side encryption configuration"
    blocks = stack.referring(bucket, S3_ACCESS_BLOCK, "bucket")
    block = blocks[0].props if blocks else {}
    acls_blocked = all(block.get(k) for k in ("blockPublicAcls", "ignorePublicAcls"))
    policy_blocked = all(block.get(k) for k in ("blockPublicPolicy", "restrictPublicBuckets"))
    declared = _declared_public(bucket, "tags")
    if not acls_blocked or not (policy_blocked or declared):
        hint = f"only a bucket tagged {PUBLIC_READ_TAG}: 'true' may allow a public-read policy, and no bucket public ACLs"
        yield bucket.urn, f"the bucket does not block public access ({hint})"
    policies = stack.referring(bucket, S3_POLICY, "bucket")
    documents = [p.props.get("policy") for p in policies]
    if not all(isinstance(d, str | Mapping) for d in documents):
        return  # not known during a preview (it names the bucket's ARN): checked at `up`
    statements = [(policy, statement) for policy in policies for statement in _statements(policy.props.get("policy"))]
    if not any(_denies_plain_http(statement) for _, statement in statements):
        yield bucket.urn, "the bucket policy does not deny requests without TLS (Deny s3:* when aws:SecureTransport is false)"
    if policy_blocked:
        return  # S3 itself refuses a public policy while the blocks are on
    for policy, statement in statements:
        if statement.get("Effect") != "Deny" and not _public_read_of_objects(statement):
            sid = statement.get("Sid", "(no Sid)")
            only = "a public-read bucket allows only that (no write, list or other principal)"
            yield policy.urn, f"statement {sid} of a public bucket's policy grants more than anonymous s3:GetObject on objects; {only}"


def _everyone(principal: Any) -> bool:
    return principal == "*" or (isinstance(principal, Mapping) and set(principal) == {"AWS"} and _as_list(principal["AWS"]) == ["*"])


def _denies_plain_http(statement: Mapping[str, Any]) -> bool:
    resources = [str(r) for r in _as_list(statement.get("Resource"))]
    return (
        statement.get("Effect") == "Deny"
        and _everyone(statement.get("Principal"))
        and "s3:*" in _as_list(statement.get("Action"))
        and str(_get(statement, "Condition", "Bool", "aws:SecureTransport")).lower() == "false"
        and any("/" not in r for r in resources)  # the bucket
        and any(r.endswith("/*") for r in resources)  # its objects
    )


def _public_read_of_objects(statement: Mapping[str, Any]) -> bool:
    resources = [str(r) for r in _as_list(statement.get("Resource"))]
    return (
        statement.get("Effect") == "Allow"
        and _everyone(statement.get("Principal"))
        and _as_list(statement.get("Action")) == ["s3:GetObject"]
        and bool(resources)
        and all("/" in r for r in resources)
        and not {"NotAction", "NotResource", "NotPrincipal"} & set(statement)
    )


def _gcs_public_grants(stack: StackView) -> Violations:
    """Everyone may only read objects (no listing, no writes), and only on a bucket labelled public-read."""
    grants = [(g, g.props.get("role"), _as_list(g.props.get("member")) + _as_list(g.props.get("members")))
              for type_ in GCS_GRANTS for g in stack.of_type(type_)]  # fmt: skip
    for policy in stack.of_type("gcp:storage/bucketIAMPolicy:BucketIAMPolicy"):
        data = policy.props.get("policyData")
        bindings = _dicts(json.loads(data).get("bindings")) if isinstance(data, str) else []
        grants += [(policy, b.get("role"), _as_list(b.get("members"))) for b in bindings]
    for grant, role, members in grants:
        public = sorted(str(m) for m in members if m in EVERYONE)
        if not public:
            continue
        if role != GCS_PUBLIC_READ_ROLE:
            only = f"a public-read bucket grants everyone only {GCS_PUBLIC_READ_ROLE} (read objects, no listing or writes)"
            yield grant.urn, f"grants {role} to {', '.join(public)}; {only}"
        buckets = stack.linked(grant, "bucket", "gcp:storage/bucket:Bucket")
        if any(not _declared_public(b, "labels") for b in buckets):
            yield grant.urn, f"grants {', '.join(public)} access to a bucket not labelled {PUBLIC_READ_TAG}: 'true'"


# 3 ---------------------------------------------------------------------------
def _open_to_world(rule: Mapping[str, Any]) -> bool:
    ranges = (
        _as_list(rule.get("cidrBlocks"))
        + _as_list(rule.get("ipv6CidrBlocks"))
        + _as_list(rule.get("cidrIpv4"))
        + _as_list(rule.get("cidrIpv6"))
    )
    return bool(ANYWHERE & set(ranges))


def _web_port_only(rule: Mapping[str, Any]) -> bool:
    return rule.get("protocol") == "tcp" and rule.get("fromPort") == rule.get("toPort") and rule.get("fromPort") in WEB_PORTS


def no_open_ingress(stack: StackView) -> Violations:
    message = "admits the whole internet on a port other than HTTP/HTTPS (only a load balancer may take 0.0.0.0/0, on 80 and 443)"
    for group in stack.of_type("aws:ec2/securityGroup:SecurityGroup"):
        open_rules = [rule for rule in _dicts(group.props.get("ingress")) if _open_to_world(rule)]
        if any(not _web_port_only(rule) for rule in open_rules):
            yield group.urn, message
        elif open_rules and not stack.referring(group, "aws:lb/loadBalancer:LoadBalancer", "securityGroups"):
            yield group.urn, "admits the whole internet but guards no load balancer; only a load balancer may take 0.0.0.0/0"
    for rule in stack.of_type("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"):
        props = {**rule.props, "protocol": rule.props.get("ipProtocol")}
        if _open_to_world(props) and not _web_port_only(props):
            yield rule.urn, message
    for rule in stack.of_type("aws:ec2/securityGroupRule:SecurityGroupRule"):
        if rule.props.get("type") == "ingress" and _open_to_world(rule.props) and not _web_port_only(rule.props):
            yield rule.urn, message
    for firewall in stack.of_type("gcp:compute/firewall:Firewall"):
        if firewall.props.get("direction", "INGRESS") != "INGRESS" or not ANYWHERE & set(_as_list(firewall.props.get("sourceRanges"))):
            continue
        for allowed in _dicts(firewall.props.get("allows")):
            ports = {int(p) for p in _as_list(allowed.get("ports")) if str(p).isdigit()}
            if allowed.get("protocol") != "tcp" or not ports or not ports <= WEB_PORTS or len(ports) != len(_as_list(allowed.get("ports"))):
                yield firewall.urn, message


# 4 ---------------------------------------------------------------------------
def no_secrets_in_plain_env(stack: StackView) -> Violations:
    for subject in stack.subjects:
        for container in _containers(subject):
            variables = _dicts(container.get("environment")) + _dicts(container.get("envs"))
            plain = [(e.get("name", ""), e.get("value")) for e in variables if "value" in e]
            for name, value in plain:
                if SECRET_NAME.search(str(name)):
                    yield subject.urn, f"environment variable {name} looks like a secret; pass it from the secret store"
                elif isinstance(value, str) and SECRET_VALUE.search(value):
                    yield subject.urn, f"environment variable {name} holds a credential-shaped value; pass it from the secret store"


# 5 ---------------------------------------------------------------------------
def stateful_resources_survive_mistakes(stack: StackView) -> Violations:
    if not stack.production:
        return
    for subject in stack.subjects:
        if subject.type in STATEFUL_TYPES and not subject.protect:
            yield subject.urn, "a stateful resource in a production stack is not `protect`ed"
    for db in stack.of_type("aws:rds/instance:Instance"):
        if db.props.get("replicateSourceDb"):
            continue
        if not db.props.get("deletionProtection"):
            yield db.urn, "deletion protection is off"
        if _number(db.props.get("backupRetentionPeriod")) < 7:
            yield db.urn, "backups are kept less than 7 days"
        if not db.props.get("multiAz"):
            yield db.urn, "the database is single-AZ"
        if db.props.get("skipFinalSnapshot"):
            yield db.urn, "no final snapshot is taken on delete"
    for cache in stack.of_type("aws:elasticache/replicationGroup:ReplicationGroup"):
        if not cache.props.get("automaticFailoverEnabled") or _number(cache.props.get("numCacheClusters")) < 2:
            yield cache.urn, "the cache has no replica with automatic failover"
        if _number(cache.props.get("snapshotRetentionLimit")) < 1:
            yield cache.urn, "the cache keeps no snapshots"
    for sql in stack.of_type("gcp:sql/databaseInstance:DatabaseInstance"):
        if sql.props.get("masterInstanceName"):
            continue
        settings = sql.props.get("settings")
        settings = settings if isinstance(settings, Mapping) else {}
        if not sql.props.get("deletionProtection") or not settings.get("deletionProtectionEnabled"):
            yield sql.urn, "deletion protection is off (both the provider's and the API's flag are needed)"
        backups = settings.get("backupConfiguration")
        backups = backups if isinstance(backups, Mapping) else {}
        retained = _number(_get(backups, "backupRetentionSettings", "retainedBackups"), default=7)
        if not backups.get("enabled") or not backups.get("pointInTimeRecoveryEnabled") or retained < 7:
            yield sql.urn, "backups with point-in-time recovery, kept at least 7 days, are not on"
        if settings.get("availabilityType") != "REGIONAL":
            yield sql.urn, "the database is zonal (availabilityType: REGIONAL for failover)"
    for redis in stack.of_type("gcp:redis/instance:Instance"):
        if redis.props.get("tier") != "STANDARD_HA":
            yield redis.urn, "Memorystore has no replica (tier: STANDARD_HA)"


# 6 ---------------------------------------------------------------------------
def _statements(document: Any) -> list[Mapping[str, Any]]:
    if isinstance(document, str):
        document = json.loads(document)
    return _dicts(document.get("Statement")) if isinstance(document, Mapping) else []


def least_privilege(stack: StackView) -> Violations:
    for policy in stack.of_type("aws:iam/rolePolicy:RolePolicy") + stack.of_type("aws:iam/policy:Policy"):
        if not isinstance(policy.props.get("policy"), str | dict):
            continue
        for statement in _statements(policy.props["policy"]):
            if statement.get("Effect") != "Allow":
                continue
            actions = [str(a) for a in _as_list(statement.get("Action"))]
            if any(a == "*" or a.endswith(":*") for a in actions):
                yield policy.urn, f"grants every action of a service ({', '.join(actions)}); name the actions"
            if "*" in _as_list(statement.get("Resource")):
                writes = [a for a in actions if not a.split(":")[-1].startswith(READ_VERBS)]
                if writes:
                    yield policy.urn, f"grants {', '.join(writes)} on every resource; name the resources"
    admin = ("/AdministratorAccess", "/PowerUserAccess", "/IAMFullAccess")
    for role in stack.of_type("aws:iam/role:Role"):
        if any(str(arn).endswith(admin) for arn in _as_list(role.props.get("managedPolicyArns"))):
            yield role.urn, "an administrator policy is attached"
    for attachment in stack.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        if str(attachment.props.get("policyArn", "")).endswith(admin):
            yield attachment.urn, "an administrator policy is attached"
    for subject in stack.subjects:
        kind = subject.type.rsplit(":", 1)[-1].lower()
        if subject.type.startswith("gcp:") and kind.endswith(("iammember", "iambinding")) and subject.props.get("role") in BASIC_ROLES:
            yield subject.urn, f"basic role {subject.props['role']} granted; grant a predefined role instead"
        if subject.type.startswith("gcp:") and kind.endswith("iampolicy") and isinstance(subject.props.get("policyData"), str):
            roles = {b.get("role") for b in _dicts(json.loads(subject.props["policyData"]).get("bindings"))}
            for granted in sorted(str(r) for r in roles & BASIC_ROLES):
                yield subject.urn, f"basic role {granted} granted; grant a predefined role instead"
        if subject.type in CLOUD_RUN_TYPES:
            template = subject.props.get("template")
            account = _get(template, "serviceAccount") or _get(template, "template", "serviceAccount")
            if not account or "-compute@developer.gserviceaccount.com" in str(account):
                yield subject.urn, "runs as the default compute service account; give it its own"


# 7 ---------------------------------------------------------------------------
# The same test as stacks.model.is_mutable_reference: the pack runs in its own virtualenv, apart from the program.
def is_mutable_reference(image: str) -> bool:
    if "@sha256:" in image:
        return False
    last = image.rsplit("/", 1)[-1]
    return ":" not in last or last.rsplit(":", 1)[1] == "latest"


def pinned_images(stack: StackView) -> Violations:
    if not stack.production:
        return
    for subject in stack.subjects:
        for container in _containers(subject):
            image = container.get("image")
            if isinstance(image, str) and is_mutable_reference(image):
                yield subject.urn, f"image {image} is not pinned by digest or an immutable version tag"


# 8 ---------------------------------------------------------------------------
def https_only(stack: StackView) -> Violations:
    for listener in stack.of_type("aws:lb/listener:Listener"):
        protocol = listener.props.get("protocol")
        if protocol == "HTTP":
            actions = _dicts(listener.props.get("defaultActions"))
            if not any(_get(a, "redirect", "protocol") == "HTTPS" for a in actions if a.get("type") == "redirect"):
                yield listener.urn, "plain HTTP is served instead of redirected to HTTPS"
        elif protocol == "HTTPS" and not ELB_TLS12_POLICIES.match(str(listener.props.get("sslPolicy", ""))):
            yield listener.urn, f"TLS policy {listener.props.get('sslPolicy')} allows versions older than TLS 1.2"
    for policy in stack.of_type("gcp:compute/sSLPolicy:SSLPolicy"):
        if policy.props.get("minTlsVersion") not in ("TLS_1_2", "TLS_1_3"):
            yield policy.urn, "the SSL policy allows versions older than TLS 1.2"
    for proxy in stack.of_type("gcp:compute/targetHttpsProxy:TargetHttpsProxy"):
        if not proxy.props.get("sslPolicy"):
            yield proxy.urn, "the HTTPS proxy has no SSL policy, so TLS 1.0 is accepted"
    for proxy in stack.of_type("gcp:compute/targetHttpProxy:TargetHttpProxy"):
        maps = stack.linked(proxy, "urlMap", "gcp:compute/uRLMap:URLMap")
        if not maps or not all(_get(m.props, "defaultUrlRedirect", "httpsRedirect") for m in maps):
            yield proxy.urn, "plain HTTP is served instead of redirected to HTTPS"


# 9 ---------------------------------------------------------------------------
# A service the model declares private carries this tag (ECS) or label (Cloud Run), set by the program
# (components/aws/service.py, components/gcp/service.py): no path from the internet may reach it.
VISIBILITY = "visibility"


def _declared_private(subject: Subject, key: str) -> bool:
    marks = subject.props.get(key)
    return isinstance(marks, Mapping) and marks.get(VISIBILITY) == "private"


def private_services_stay_private(stack: StackView) -> Violations:
    internet_groups = {
        urn
        for lb in stack.of_type("aws:lb/loadBalancer:LoadBalancer")
        if lb.props.get("internal") is not True
        for urn in lb.links.get("securityGroups", ())
    }
    for service in stack.of_type("aws:ecs/service:Service"):
        if not _declared_private(service, "tags"):
            continue
        if _dicts(service.props.get("loadBalancers")):
            yield service.urn, "is declared private but is registered with a load balancer's target group"
        if _get(service.props, "networkConfiguration", "assignPublicIp") is True:
            yield service.urn, "is declared private but its tasks get public IP addresses"
        for group in stack.linked(service, "networkConfiguration", "aws:ec2/securityGroup:SecurityGroup"):
            rules = _dicts(group.props.get("ingress"))
            if any(_open_to_world(rule) for rule in rules):
                yield service.urn, f"is declared private but its security group {group.name} admits the internet"
            if internet_groups & set(group.links.get("ingress", ())):
                yield service.urn, f"is declared private but its security group {group.name} admits an internet-facing load balancer"
    for service in stack.of_type("gcp:cloudrunv2/service:Service"):
        if not _declared_private(service, "labels"):
            continue
        if service.props.get("ingress") != "INGRESS_TRAFFIC_INTERNAL_ONLY":
            yield service.urn, "is declared private but its ingress is not internal-only"
        if service.props.get("invokerIamDisabled") is True:
            yield service.urn, "is declared private but its invoker IAM check is off: whatever reaches it may call it"
        for grant in stack.referring(service, "gcp:cloudrunv2/serviceIamMember:ServiceIamMember", "name"):
            if grant.props.get("member") in EVERYONE:
                yield service.urn, f"is declared private but grants {grant.props.get('role')} to {grant.props.get('member')}"
        if stack.referring(service, "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup", "cloudRun"):
            yield service.urn, "is declared private but is a backend of the external load balancer"


# 10 --------------------------------------------------------------------------
def production_keeps_its_guards(stack: StackView) -> Violations:
    """The development floor (`wafMode: off`, `aws.publicTasks`) never reaches a production stack."""
    if not stack.production:
        return
    for lb in stack.of_type("aws:lb/loadBalancer:LoadBalancer"):
        if lb.props.get("internal") is not True and not stack.referring(lb, "aws:wafv2/webAclAssociation:WebAclAssociation", "resourceArn"):
            yield lb.urn, "an internet-facing load balancer in a production stack has no web ACL (wafMode: off)"
    for service in stack.of_type("aws:ecs/service:Service"):
        if _get(service.props, "networkConfiguration", "assignPublicIp") is True:
            yield service.urn, "a production task gets a public IP address instead of running behind NAT (aws.publicTasks)"
    for backend in stack.of_type("gcp:compute/backendService:BackendService"):
        if backend.props.get("loadBalancingScheme") != "EXTERNAL_MANAGED":
            continue
        policies = stack.linked(backend, "securityPolicy", "gcp:compute/securityPolicy:SecurityPolicy")
        expressions = [str(_get(rule, "match", "expr", "expression")) for p in policies for rule in _dicts(p.props.get("rules"))]
        if not any("evaluatePreconfiguredWaf" in e for e in expressions):
            yield backend.urn, "a backend of the external load balancer in a production stack has no WAF rules (wafMode: off)"


@dataclass(frozen=True)
class Rule:
    name: str
    description: str
    check: Callable[[StackView], Violations]


RULES = (
    Rule("data-stores-private", "Databases and caches are not reachable from the internet.", data_stores_private),
    Rule("encrypted-at-rest-and-in-transit", "Data stores and buckets encrypt at rest and require TLS.",
         encrypted_at_rest_and_in_transit),
    Rule("no-open-ingress", "Only a load balancer admits 0.0.0.0/0, and only on ports 80 and 443.", no_open_ingress),
    Rule("no-secrets-in-plain-env", "Secret-looking values never sit in plain container environment.", no_secrets_in_plain_env),
    Rule("stateful-resources-survive-mistakes", "Production data stores are protected, backed up and highly available.",
         stateful_resources_survive_mistakes),
    Rule("least-privilege", "No wildcard actions, no writes on every resource, no basic roles, no default service account.",
         least_privilege),
    Rule("pinned-images", "Production images are pinned by digest or an immutable tag.", pinned_images),
    Rule("https-only", "Load balancers serve HTTPS with TLS 1.2+ and redirect HTTP.", https_only),
    Rule("private-services-stay-private", "No path from the internet reaches a service declared private.",
         private_services_stay_private),
    Rule("production-keeps-its-guards",
         "Production stacks keep their web application firewall and private tasks (no development floor).",
         production_keeps_its_guards),
)  # fmt: skip

"""AWS components built alone, from narrow arguments: each keeps its promises without the rest of the app.

Inputs that are outputs of other resources come from minimal stand-ins made inside the build function; everything
runs under the same mocks as a whole stack (`tests.harness.render_component`).
"""

from __future__ import annotations

import fnmatch
import ipaddress
from collections.abc import Callable
from typing import Any

import pulumi
import pulumi_aws as aws
import pytest

from components.aws.buckets import PUBLIC_READ_TAG, Buckets
from components.aws.cache import Cache
from components.aws.database import Database
from components.aws.edge import Edge, Route
from components.aws.network import Network
from components.aws.observability import Alarms, Watched
from components.aws.registry import Registry
from components.aws.secrets import AppSecrets
from components.aws.security import SecurityGroups
from stacks import model
from stacks.offline import Rendering, Resource
from tests.harness import inputs_json, render_component

KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/stand-in"
CLIENTS = {"api": "sg-api", "worker": "sg-worker"}
GROUP = "aws:ec2/securityGroup:SecurityGroup"
RDS = "aws:rds/instance:Instance"
REDIS = "aws:elasticache/replicationGroup:ReplicationGroup"
LISTENER = "aws:lb/listener:Listener"
RULE = "aws:lb/listenerRule:ListenerRule"
TARGET_GROUP = "aws:lb/targetGroup:TargetGroup"


def vpc() -> aws.ec2.Vpc:
    return aws.ec2.Vpc("v", cidr_block="10.0.0.0/16")


def subnet_ids(network: aws.ec2.Vpc, tier: str) -> list[pulumi.Output[str]]:
    return [aws.ec2.Subnet(f"{tier}-{i}", vpc_id=network.id, cidr_block=f"10.0.{i}.0/24").id for i in range(2)]


def by_input(rendering: Rendering, type_: str, key: str) -> dict[Any, Resource]:
    return {r.inputs.get(key): r for r in rendering.of_type(type_)}


def ingress_sources(group: Resource) -> set[tuple[int, str]]:
    return {(rule["fromPort"], source) for rule in group.inputs.get("ingress", []) for source in rule.get("securityGroups", [])}


# ---- Network ----


@pytest.mark.parametrize(("zones", "single_nat", "nats"), [(2, False, 2), (3, False, 3), (3, True, 1)])
def test_network_alone_spans_its_zones_and_keeps_private_subnets_behind_nat(zones: int, single_nat: bool, nats: int) -> None:
    settings = model.AwsSettings(vpc_cidr="10.20.0.0/16", availability_zones=zones, single_nat=single_nat)
    rendering = render_component(lambda: Network("net", settings, log_retention_days=14))

    subnets = rendering.of_type("aws:ec2/subnet:Subnet")
    private = [s for s in subnets if s.inputs["tags"]["tier"] == "private"]
    public = [s for s in subnets if s.inputs["tags"]["tier"] == "public"]
    assert len(private) == len(public) == zones
    assert len({s.inputs["availabilityZone"] for s in private}) == zones, "one private subnet per zone"
    blocks = [ipaddress.IPv4Network(s.inputs["cidrBlock"]) for s in subnets]
    assert all(block.subnet_of(ipaddress.IPv4Network("10.20.0.0/16")) for block in blocks)
    assert not any(a.overlaps(b) for i, a in enumerate(blocks) for b in blocks[i + 1 :])
    assert not any(s.inputs.get("mapPublicIpOnLaunch") for s in subnets), "nothing gets a public IP by default"

    assert len(rendering.of_type("aws:ec2/natGateway:NatGateway")) == nats
    tables = {t.name: t.inputs["routes"] for t in rendering.of_type("aws:ec2/routeTable:RouteTable")}
    private_tables = [routes for name, routes in tables.items() if "-private-" in name]
    assert len(private_tables) == zones
    assert all(routes[0]["natGatewayId"] and not routes[0].get("gatewayId") for routes in private_tables)

    default = rendering.one("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup").inputs
    assert default.get("ingress", []) == [] and default.get("egress", []) == []
    assert rendering.one("aws:ec2/flowLog:FlowLog").inputs["trafficType"] == "ALL"
    assert rendering.one("aws:cloudwatch/logGroup:LogGroup").inputs["retentionInDays"] == 14


# ---- SecurityGroups ----


def test_security_groups_alone_admit_the_load_balancer_only_to_load_balanced_workloads() -> None:
    rendering = render_component(lambda: SecurityGroups("app", vpc(), workloads=["api", "worker", "nightly"], load_balanced={"api": 8000}))
    groups = {g.name: g for g in rendering.of_type(GROUP)}
    assert ingress_sources(groups["app-api"]) == {(8000, "app-load-balancer-id")}
    assert groups["app-worker"].inputs.get("ingress", []) == [] and groups["app-nightly"].inputs.get("ingress", []) == []
    balancer = groups["app-load-balancer"].inputs
    assert {rule["fromPort"] for rule in balancer["ingress"]} == {80, 443}
    assert [rule["fromPort"] for rule in balancer["egress"]] == [8000], "the load balancer reaches only the ports it serves"


def test_security_groups_refuse_a_load_balanced_workload_they_do_not_have() -> None:
    with pytest.raises(ValueError, match="not among the workloads"):
        render_component(lambda: SecurityGroups("app", vpc(), workloads=["worker"], load_balanced={"api": 8000}))


# ---- Database ----


def database(spec: model.Database, protect: bool = True, clients: dict[str, str] | None = None) -> Callable[[], object]:
    def build() -> Database:
        network = vpc()
        return Database(
            "shop",
            app_name="shop",
            spec=spec,
            instance_class="db.t4g.medium",
            protect=protect,
            vpc=network,
            subnet_ids=subnet_ids(network, "private"),
            clients=CLIENTS if clients is None else clients,
            key_arn=KEY_ARN,
        )

    return build


@pytest.mark.parametrize("high_availability", [True, False])
def test_database_alone_is_private_encrypted_tls_only_and_multi_az_when_asked(high_availability: bool) -> None:
    rendering = render_component(database(model.Database(high_availability=high_availability)))
    instance = rendering.one(RDS).inputs
    assert instance["publiclyAccessible"] is False
    assert instance["storageEncrypted"] is True and instance["kmsKeyId"] == KEY_ARN
    assert instance["multiAz"] is high_availability
    assert instance["instanceClass"] == "db.t4g.medium"
    assert instance["skipFinalSnapshot"] is False and instance["finalSnapshotIdentifier"]
    parameters = {p["name"]: p["value"] for p in rendering.one("aws:rds/parameterGroup:ParameterGroup").inputs["parameters"]}
    assert parameters["rds.force_ssl"] == "1"


def test_database_alone_admits_only_its_clients_on_postgres() -> None:
    rendering = render_component(database(model.Database()))
    (group,) = rendering.of_type(GROUP)
    assert ingress_sources(group) == {(5432, "sg-api"), (5432, "sg-worker")}
    assert all(rule["toPort"] == 5432 and not rule.get("cidrBlocks") for rule in group.inputs["ingress"])
    assert group.inputs.get("egress", []) == []
    assert rendering.one(RDS).inputs["vpcSecurityGroupIds"] == [f"{group.name}-id"]


@pytest.mark.parametrize("protect", [True, False])
def test_database_alone_is_protected_when_asked_and_keeps_its_credentials_secret(protect: bool) -> None:
    rendering = render_component(database(model.Database(), protect=protect))
    assert rendering.one(RDS).protect is protect
    assert "password" in rendering.one(RDS).secret_inputs
    (version,) = rendering.of_type("aws:secretsmanager/secretVersion:SecretVersion")
    assert "secretString" in version.secret_inputs and version.inputs["secretString"].startswith('{"url": "postgresql://')
    assert "sslmode=require" in version.inputs["secretString"]


def test_database_alone_adds_a_private_encrypted_replica_only_when_asked() -> None:
    assert len(render_component(database(model.Database())).of_type(RDS)) == 1
    rendering = render_component(database(model.Database(read_replica=True)))
    (replica,) = [r for r in rendering.of_type(RDS) if r.inputs.get("replicateSourceDb")]
    assert replica.inputs["publiclyAccessible"] is False and replica.inputs["storageEncrypted"] is True
    assert replica.inputs["kmsKeyId"] == KEY_ARN


# ---- Cache ----


def cache(spec: model.Cache, production: bool = True) -> Callable[[], object]:
    def build() -> Cache:
        network = vpc()
        return Cache(
            "shop",
            app_name="shop",
            spec=spec,
            node_type="cache.t4g.small",
            protect=True,
            production=production,
            vpc=network,
            subnet_ids=subnet_ids(network, "private"),
            clients={"worker": "sg-worker"},
            key_arn=KEY_ARN,
        )

    return build


@pytest.mark.parametrize(("high_availability", "nodes"), [(True, 2), (False, 1)])
def test_cache_alone_is_encrypted_authenticated_and_replicated_when_asked(high_availability: bool, nodes: int) -> None:
    rendering = render_component(cache(model.Cache(high_availability=high_availability)))
    group = rendering.one(REDIS)
    assert group.inputs["atRestEncryptionEnabled"] is True and group.inputs["kmsKeyId"] == KEY_ARN
    assert group.inputs["transitEncryptionEnabled"] is True
    assert group.inputs["authToken"] and "authToken" in group.secret_inputs
    assert group.inputs["numCacheClusters"] == nodes
    assert group.inputs["automaticFailoverEnabled"] is high_availability and group.inputs["multiAzEnabled"] is high_availability
    (clients,) = rendering.of_type(GROUP)
    assert ingress_sources(clients) == {(6379, "sg-worker")}


def test_cache_alone_keeps_a_week_of_snapshots_in_production_only() -> None:
    assert render_component(cache(model.Cache())).one(REDIS).inputs["snapshotRetentionLimit"] == 7
    assert render_component(cache(model.Cache(), production=False)).one(REDIS).inputs["snapshotRetentionLimit"] == 1


def test_cache_refuses_to_create_redis_for_an_external_one() -> None:
    with pytest.raises(ValueError, match="external"):
        render_component(cache(model.Cache(external_url_secret="REDIS_URL")))


# ---- Buckets ----


def buckets(specs: dict[str, model.Bucket], protect: bool = True) -> Rendering:
    return render_component(lambda: Buckets("shop", specs, protect=protect, key_arn=KEY_ARN))


def of_bucket(rendering: Rendering, type_: str, bucket: str) -> dict[str, Any]:
    return rendering.one(type_, f"shop-{bucket}").inputs


def test_buckets_alone_block_public_access_unless_declared_public() -> None:
    rendering = buckets({"uploads": model.Bucket(), "site": model.Bucket(public=True)})
    block = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
    keys = ("blockPublicAcls", "ignorePublicAcls", "blockPublicPolicy", "restrictPublicBuckets")
    assert all(of_bucket(rendering, block, "uploads")[k] is True for k in keys)
    site = of_bucket(rendering, block, "site")
    assert site["blockPublicAcls"] is True and site["ignorePublicAcls"] is True, "ACLs stay off even on a public bucket"
    assert site["blockPublicPolicy"] is False and site["restrictPublicBuckets"] is False

    def statements(bucket: str) -> dict[str, dict[str, Any]]:
        policy = inputs_json(of_bucket(rendering, "aws:s3/bucketPolicy:BucketPolicy", bucket)["policy"])
        return {s["Sid"]: s for s in policy["Statement"]}

    assert set(statements("uploads")) == {"DenyInsecureTransport"}
    public = statements("site")
    assert public["PublicRead"]["Action"] == "s3:GetObject" and public["PublicRead"]["Effect"] == "Allow"
    assert public["DenyInsecureTransport"]["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    tags = {name: (of_bucket(rendering, "aws:s3/bucket:Bucket", name).get("tags") or {}) for name in ("uploads", "site")}
    assert PUBLIC_READ_TAG in tags["site"] and PUBLIC_READ_TAG not in tags["uploads"]


def test_buckets_alone_encrypt_private_ones_with_the_given_key_and_version_as_declared() -> None:
    rendering = buckets({"uploads": model.Bucket(), "scratch": model.Bucket(versioning=False, expire_after_days=3)})
    sse = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
    for name in ("uploads", "scratch"):
        default = of_bucket(rendering, sse, name)["rules"][0]["applyServerSideEncryptionByDefault"]
        assert default == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": KEY_ARN}
    versioning = "aws:s3/bucketVersioning:BucketVersioning"
    assert of_bucket(rendering, versioning, "uploads")["versioningConfiguration"]["status"] == "Enabled"
    assert of_bucket(rendering, versioning, "scratch")["versioningConfiguration"]["status"] == "Suspended"
    rules = {
        r["id"]: r for r in of_bucket(rendering, "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration", "scratch")["rules"]
    }
    assert rules["expire-objects"]["expiration"]["days"] == 3 and "expire-old-versions" not in rules


@pytest.mark.parametrize("protect", [True, False])
def test_buckets_alone_are_protected_when_asked(protect: bool) -> None:
    assert buckets({"uploads": model.Bucket()}, protect=protect).one("aws:s3/bucket:Bucket").protect is protect


# ---- Edge ----

ROUTES = [
    Route("web", "/", 3000, "/"),
    Route("api", "/api", 8000, "/health"),
    Route("admin", "/api/admin", 8001, "/admin/health"),
    Route("docs", "/docs", 8002, "/docs/health"),
]


def edge(routes: list[Route], domain: model.Domain | None, production: bool = True) -> Rendering:
    def build() -> Edge:
        network = vpc()
        balancer = aws.ec2.SecurityGroup("lb", vpc_id=network.id)
        return Edge("shop", routes, domain, production, network, subnet_ids(network, "public"), balancer)

    return render_component(build)


def served_by(rendering: Rendering, listener: Resource, path: str) -> str:
    """The service the load balancer sends `path` to: the first rule by priority whose pattern matches, else the default."""
    service_of = {tg.urn: route.service for route in ROUTES for tg in rendering.of_type(TARGET_GROUP) if tg.inputs["port"] == route.port}
    rules = sorted((r for r in rendering.of_type(RULE) if r.parent == listener.urn), key=lambda r: r.inputs["priority"])
    for rule in rules:
        patterns = rule.inputs["conditions"][0]["pathPattern"]["values"]
        if any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns):
            (target,) = rule.property_dependencies["actions"]
            return service_of[target]
    (target,) = listener.property_dependencies["defaultActions"]
    return service_of[target]


@pytest.mark.parametrize("order", [ROUTES, ROUTES[::-1], [ROUTES[1], ROUTES[3], ROUTES[0], ROUTES[2]]])
def test_edge_alone_routes_the_most_specific_path_first_whatever_the_order_given(order: list[Route]) -> None:
    rendering = edge(order, model.Domain(name="shop.example.com", zone="example.com"))
    https = rendering.one(LISTENER, "shop-https")
    expected = {
        "/": "web",
        "/index.html": "web",
        "/api": "api",
        "/api/orders/1": "api",
        "/api/admin": "admin",
        "/api/admin/users": "admin",
        "/apiary": "web",
        "/docs/intro": "docs",
    }
    assert {path: served_by(rendering, https, path) for path in expected} == expected
    assert all("/" not in c["pathPattern"]["values"] for r in rendering.of_type(RULE) for c in r.inputs["conditions"]), "`/` is the default"
    health = {tg.inputs["port"]: tg.inputs["healthCheck"]["path"] for tg in rendering.of_type(TARGET_GROUP)}
    assert health == {route.port: route.health_path for route in ROUTES}


def test_edge_alone_with_a_domain_redirects_http_to_https_on_a_validated_certificate() -> None:
    rendering = edge(ROUTES[:2], model.Domain(name="shop.example.com", zone="example.com"))
    listeners = {listener.inputs["port"]: listener.inputs for listener in rendering.of_type(LISTENER)}
    assert set(listeners) == {80, 443}
    (redirect,) = listeners[80]["defaultActions"]
    assert redirect["type"] == "redirect" and redirect["redirect"]["protocol"] == "HTTPS" and redirect["redirect"]["port"] == "443"
    assert listeners[443]["protocol"] == "HTTPS" and "TLS13" in listeners[443]["sslPolicy"]
    assert rendering.one("aws:acm/certificate:Certificate").inputs["domainName"] == "shop.example.com"
    records = {r.inputs["name"]: r.inputs for r in rendering.of_type("aws:route53/record:Record")}
    assert records["shop.example.com"]["type"] == "A", "the domain points at the load balancer"
    assert rendering.one("aws:wafv2/webAclAssociation:WebAclAssociation")


def test_edge_alone_without_a_domain_serves_plain_http_and_says_so() -> None:
    rendering = edge(ROUTES[:2], None)
    (listener,) = rendering.of_type(LISTENER)
    assert listener.inputs["port"] == 80 and listener.inputs["defaultActions"][0]["type"] == "forward"
    assert not rendering.of_type("aws:acm/certificate:Certificate")
    assert any("plain HTTP" in warning for warning in rendering.warnings)


def test_edge_alone_without_a_catch_all_answers_404_and_guards_deletion_in_production_only() -> None:
    rendering = edge(ROUTES[1:2], model.Domain(name="shop.example.com"), production=False)
    default = rendering.one(LISTENER, "shop-https").inputs["defaultActions"][0]
    assert default["type"] == "fixed-response" and default["fixedResponse"]["statusCode"] == "404"
    assert rendering.one("aws:lb/loadBalancer:LoadBalancer").inputs["enableDeletionProtection"] is False
    assert edge(ROUTES[1:2], None).one("aws:lb/loadBalancer:LoadBalancer").inputs["enableDeletionProtection"] is True


def test_edge_refuses_two_services_on_one_path() -> None:
    with pytest.raises(ValueError, match="each path once"):
        edge([Route("api", "/api", 8000, "/health"), Route("v2", "/api", 8001, "/health")], None)


# ---- Registry, AppSecrets, Alarms ----


def test_registry_alone_builds_only_build_services_into_immutable_scanned_repositories() -> None:
    services = {
        "api": model.Service(kind="http", port=8000, build=model.Build(context=".")),
        "worker": model.Service(kind="worker", image="ghcr.io/example/worker:1.0.0"),
    }
    rendering = render_component(lambda: Registry("shop", "shop", services, "1.2.3", "arm64", protect=True, key_arn=KEY_ARN))
    (repository,) = rendering.of_type("aws:ecr/repository:Repository")
    assert repository.inputs["name"].startswith("shop") and repository.inputs["name"].endswith("/api")
    assert repository.inputs["imageTagMutability"] == "IMMUTABLE" and repository.inputs["imageScanningConfiguration"]["scanOnPush"]
    assert repository.inputs["encryptionConfigurations"] == [{"encryptionType": "KMS", "kmsKey": KEY_ARN}]
    (image,) = rendering.of_type("docker:index/image:Image")
    assert image.inputs["imageName"].endswith(":1.2.3") and image.inputs["build"]["platform"] == "linux/arm64"


def test_registry_refuses_to_build_without_a_version() -> None:
    services = {"api": model.Service(kind="http", port=8000, build=model.Build(context="."))}
    with pytest.raises(ValueError, match="version"):
        render_component(lambda: Registry("shop", "shop", services, None, "x86_64", protect=True, key_arn=KEY_ARN))


def test_app_secrets_alone_generate_or_take_values_encrypt_them_and_keep_deleted_ones_longer_in_production() -> None:
    secrets = {"SECRET_KEY": model.Secret(generate=True), "SENTRY_DSN": model.Secret()}

    def build(production: bool) -> Callable[[], object]:
        values = {"SENTRY_DSN": pulumi.Output.secret("https://sentry.example/1")}
        return lambda: AppSecrets("shop", "shop", secrets, values, protect=True, production=production, key_arn=KEY_ARN)

    rendering = render_component(build(production=True))
    stored = rendering.of_type("aws:secretsmanager/secret:Secret")
    assert len(stored) == 2 and all(s.inputs["kmsKeyId"] == KEY_ARN and s.inputs["recoveryWindowInDays"] == 30 for s in stored)
    assert all("secretString" in v.secret_inputs for v in rendering.of_type("aws:secretsmanager/secretVersion:SecretVersion"))
    assert len(rendering.of_type("random:index/randomPassword:RandomPassword")) == 1, "only SECRET_KEY is generated"
    development = render_component(build(production=False)).of_type("aws:secretsmanager/secret:Secret")
    assert {s.inputs["recoveryWindowInDays"] for s in development} == {7}


def test_alarms_alone_mail_the_given_address_at_the_given_thresholds() -> None:
    alerts = model.Alerts(email="ops@example.com", cpu_percent=60, error_rate_percent=2)

    def build() -> Alarms:
        alarms = Alarms("shop", alerts, "123456789012", protect=False, events=False)
        alarms.load_balancer(pulumi.Output.from_input("app/shop/0123"), {}, scaled_to_zero=set())
        alarms.watch(Watched(cluster_name="shop", service_names={"api": pulumi.Output.from_input("shop-api")}))
        return alarms

    rendering = render_component(build)
    assert rendering.one("aws:sns/topicSubscription:TopicSubscription").inputs["endpoint"] == "ops@example.com"
    assert rendering.one("aws:sns/topic:Topic").inputs["kmsMasterKeyId"], "notifications are encrypted"
    alarms = {a.name: a.inputs for a in rendering.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    assert alarms["shop-api-cpu"]["threshold"] == 60 and alarms["shop-5xx-rate"]["threshold"] == 2

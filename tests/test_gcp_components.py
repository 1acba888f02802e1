"""Each GCP component built alone from its narrow arguments, with stand-ins for what other components would give it.

What these check holds whatever app the component ends up in: the properties users rely on (a private-only
database, TLS 1.2 and Cloud Armor on the edge, buckets closed unless declared public), not values copied from
a render.
"""

from __future__ import annotations

from collections.abc import Callable

import pulumi
import pulumi_gcp as gcp
import pytest

from components.gcp.apis import ProjectApis, required_apis
from components.gcp.buckets import Buckets
from components.gcp.cache import Cache
from components.gcp.database import Database
from components.gcp.edge import Edge
from components.gcp.network import Network
from components.gcp.observability import Monitoring
from components.gcp.registry import Registry
from components.gcp.secrets import AppSecrets
from stacks import model
from stacks.offline import Rendering, Resource
from tests.harness import render_component

SETTINGS = model.GcpSettings(project="shipyard-test", region="europe-west1")
REGION = SETTINGS.region

NETWORK = "gcp:compute/network:Network"
SQL_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"
SECRET_VERSION = "gcp:secretmanager/secretVersion:SecretVersion"
REDIS = "gcp:redis/instance:Instance"
BUCKET = "gcp:storage/bucket:Bucket"
BUCKET_MEMBER = "gcp:storage/bucketIAMMember:BucketIAMMember"
BACKEND = "gcp:compute/backendService:BackendService"
SECURITY_POLICY = "gcp:compute/securityPolicy:SecurityPolicy"
URL_MAP = "gcp:compute/uRLMap:URLMap"
FORWARDING_RULE = "gcp:compute/globalForwardingRule:GlobalForwardingRule"


def by_urn(rendering: Rendering, urn: str) -> Resource:
    return next(r for r in rendering.resources if r.urn == urn)


def sources(rendering: Rendering, resource: Resource, key: str) -> list[Resource]:
    """The resources an input's value comes from."""
    return [by_urn(rendering, urn) for urn in resource.property_dependencies.get(key, [])]


def with_network(build: Callable[[gcp.compute.Network, list[pulumi.Resource]], object]) -> Callable[[], object]:
    """A stand-in VPC and private-services peering, as components/gcp/network.py would hand a data store."""

    def run() -> object:
        network = gcp.compute.Network("vpc", auto_create_subnetworks=False)
        peering = gcp.servicenetworking.Connection(
            "peering", network=network.id, service="servicenetworking.googleapis.com", reserved_peering_ranges=["range"]
        )
        return build(network, [peering])

    return run


def secret_values(rendering: Rendering) -> dict[str, Resource]:
    return {r.name: r for r in rendering.of_type(SECRET_VERSION)}


# ---- project APIs ----


def test_apis_follow_what_the_app_uses_and_are_never_disabled_on_destroy() -> None:
    bare = required_apis(database=False, managed_cache=False, scheduled_jobs=False, dns_zone=False)
    assert "run.googleapis.com" in bare
    assert not {"servicenetworking.googleapis.com", "sqladmin.googleapis.com", "redis.googleapis.com"} & set(bare)
    # A managed cache alone still needs the peering that private service access rides on.
    assert "servicenetworking.googleapis.com" in required_apis(database=False, managed_cache=True, scheduled_jobs=False, dns_zone=False)

    apis = required_apis(database=True, managed_cache=False, scheduled_jobs=True, dns_zone=True)
    rendering = render_component(lambda: ProjectApis("app", apis))
    enabled = {r.inputs["service"]: r.inputs for r in rendering.of_type("gcp:projects/service:Service")}
    assert set(enabled) == set(apis)
    assert all(inputs["disableOnDestroy"] is False and inputs["disableDependentServices"] is False for inputs in enabled.values())


# ---- network ----


def test_network_alone_is_custom_mode_with_private_google_access_flow_logs_and_nat() -> None:
    built: list[Network] = []
    rendering = render_component(lambda: built.append(Network("app", SETTINGS, private_services=False)))
    assert rendering.one(NETWORK).inputs["autoCreateSubnetworks"] is False
    subnet = rendering.one("gcp:compute/subnetwork:Subnetwork").inputs
    assert subnet["ipCidrRange"] == SETTINGS.subnet_cidr and subnet["region"] == REGION
    assert subnet["privateIpGoogleAccess"] is True and subnet["logConfig"]
    assert rendering.one("gcp:compute/routerNat:RouterNat")
    # Nothing to peer with: no reserved range, no peering, and workloads wait only for NAT.
    assert not rendering.of_type("gcp:servicenetworking/connection:Connection")
    assert not rendering.of_type("gcp:compute/globalAddress:GlobalAddress")
    (network,) = built
    assert network.private_services is None
    assert [type(r) for r in network.egress] == [gcp.compute.RouterNat]


def test_network_alone_peers_for_private_services_and_removes_the_peering_on_delete() -> None:
    built: list[Network] = []
    rendering = render_component(lambda: built.append(Network("app", SETTINGS, private_services=True)))
    reserved = rendering.one("gcp:compute/globalAddress:GlobalAddress").inputs
    assert reserved["purpose"] == "VPC_PEERING" and reserved["addressType"] == "INTERNAL"
    peering = rendering.one("gcp:servicenetworking/connection:Connection")
    # A destroy can delete the network afterwards: an abandoned peering would block it.
    assert peering.inputs["deletionPolicy"] == "REMOVE_PEERING"
    assert [r.type for r in sources(rendering, peering, "network")] == [NETWORK]
    (network,) = built
    # Workloads start only once they can reach Cloud SQL and Memorystore over the peering.
    assert network.private_services in network.egress


# ---- database ----


def database(spec: model.Database, *, protect: bool = True, production: bool = True) -> Rendering:
    return render_component(
        with_network(lambda network, peering: Database("app", "app", spec, SETTINGS, protect, production, network, peering))
    )


def test_database_alone_has_a_private_ip_only_requires_tls_and_keeps_pitr_backups() -> None:
    rendering = database(model.Database())
    instance = rendering.one(SQL_INSTANCE)
    ip = instance.inputs["settings"]["ipConfiguration"]
    assert ip["ipv4Enabled"] is False, "no public IP"
    assert ip["sslMode"] == "ENCRYPTED_ONLY"
    assert NETWORK in [r.type for r in sources(rendering, instance, "settings")], "its private IP is on the VPC it was given"
    backups = instance.inputs["settings"]["backupConfiguration"]
    assert backups["enabled"] is True and backups["pointInTimeRecoveryEnabled"] is True
    assert instance.inputs["region"] == REGION
    # It is created only after the peering it gets its private address through.
    assert rendering.one("gcp:servicenetworking/connection:Connection").urn in instance.dependencies


def test_database_alone_is_protected_twice_and_its_credentials_are_secrets() -> None:
    rendering = database(model.Database())
    instance = rendering.one(SQL_INSTANCE)
    assert instance.protect and instance.inputs["deletionProtection"] is True
    assert instance.inputs["settings"]["deletionProtectionEnabled"] is True
    assert rendering.one("gcp:sql/user:User").protect, "the login the services use is protected with the data"
    values = secret_values(rendering)
    assert {"app-database-url", "app-database-password"} <= set(values)
    assert all("secretData" in v.secret_inputs for v in values.values())
    assert values["app-database-url"].inputs["secretData"].endswith("sslmode=require")


def test_database_alone_keeps_backups_after_deletion_only_in_production() -> None:
    kept = database(model.Database()).one(SQL_INSTANCE).inputs["settings"]
    assert kept["retainBackupsOnDelete"] is True and kept["finalBackupConfig"]["enabled"] is True
    dropped = database(model.Database(), protect=False, production=False).one(SQL_INSTANCE)
    assert "retainBackupsOnDelete" not in dropped.inputs["settings"] and "finalBackupConfig" not in dropped.inputs["settings"]
    assert not dropped.protect


def test_database_alone_takes_the_tier_override_from_the_settings() -> None:
    settings = SETTINGS.model_copy(update={"database_tier": "db-custom-2-8192"})
    rendering = render_component(
        with_network(lambda network, peering: Database("app", "app", model.Database(), settings, True, True, network, peering))
    )
    assert rendering.one(SQL_INSTANCE).inputs["settings"]["tier"] == "db-custom-2-8192"


# ---- cache ----


def test_cache_alone_is_private_with_auth_tls_and_a_replica() -> None:
    rendering = render_component(
        with_network(lambda network, peering: Cache("app", "app", model.Cache(memory_gb=2), REGION, True, network, peering))
    )
    redis = rendering.one(REDIS)
    assert redis.inputs["connectMode"] == "PRIVATE_SERVICE_ACCESS"
    assert [r.type for r in sources(rendering, redis, "authorizedNetwork")] == [NETWORK]
    assert redis.inputs["authEnabled"] is True and redis.inputs["transitEncryptionMode"] == "SERVER_AUTHENTICATION"
    assert redis.inputs["tier"] == "STANDARD_HA" and redis.inputs["memorySizeGb"] == 2
    assert redis.inputs["persistenceConfig"]["persistenceMode"] == "RDB"
    assert redis.protect
    url = secret_values(rendering)["app-redis-url"]
    assert "secretData" in url.secret_inputs and url.inputs["secretData"].startswith("rediss://")


def test_cache_alone_refuses_an_external_redis() -> None:
    external = model.Cache(external_url_secret="REDIS_URL")
    with pytest.raises(Exception, match="external cache"):
        render_component(with_network(lambda network, peering: Cache("app", "app", external, REGION, True, network, peering)))


# ---- buckets ----


def test_a_private_bucket_alone_enforces_public_access_prevention_and_grants_nobody() -> None:
    rendering = render_component(lambda: Buckets("app", "app", REGION, {"uploads": model.Bucket()}, protect=True))
    bucket = rendering.one(BUCKET)
    assert bucket.inputs["publicAccessPrevention"] == "enforced"
    assert bucket.inputs["uniformBucketLevelAccess"] is True
    assert bucket.inputs["forceDestroy"] is False and bucket.protect
    assert "public-read" not in bucket.inputs["labels"]
    assert not rendering.of_type(BUCKET_MEMBER)
    # Versioned, with old versions expired rather than kept for ever.
    assert bucket.inputs["versioning"]["enabled"] is True
    assert any("daysSinceNoncurrentTime" in rule["condition"] for rule in bucket.inputs["lifecycleRules"])


def test_a_public_bucket_alone_lets_anyone_read_objects_by_name_but_not_list_them() -> None:
    buckets = {"assets": model.Bucket(public=True), "uploads": model.Bucket()}
    rendering = render_component(lambda: Buckets("app", "app", REGION, buckets, protect=True))
    public = rendering.one(BUCKET, "app-assets")
    assert public.inputs["publicAccessPrevention"] == "inherited" and public.inputs["labels"]["public-read"] == "true"
    (grant,) = rendering.of_type(BUCKET_MEMBER)
    assert grant.inputs["member"] == "allUsers" and grant.inputs["role"] == "roles/storage.legacyObjectReader"
    assert [r.name for r in sources(rendering, grant, "bucket")] == ["app-assets"]
    assert not grant.protect, "`public: false` must be able to delete the grant"
    assert rendering.one(BUCKET, "app-uploads").inputs["publicAccessPrevention"] == "enforced"


# ---- edge ----


def edge(domain: model.Domain, routes: list[tuple[str, str]], cdn: frozenset[str] = frozenset({"web"})) -> Rendering:
    def build() -> object:
        services = {
            name: gcp.cloudrunv2.Service(name, location=REGION, template={"containers": [{"image": "example.com/app:1"}]})
            for name, _ in routes
        }
        return Edge("app", domain, REGION, routes, services, cdn=cdn)

    return render_component(build)


ROUTES = [("api", "/api"), ("web", "/")]
DOMAIN = model.Domain(name="app.example.com", zone="example-zone")


def test_edge_alone_puts_cloud_armor_in_front_of_every_backend() -> None:
    rendering = edge(DOMAIN, ROUTES)
    policy = rendering.one(SECURITY_POLICY)
    backends = rendering.of_type(BACKEND)
    assert len(backends) == len(ROUTES)
    for backend in backends:
        assert sources(rendering, backend, "securityPolicy") == [policy], backend.name
    actions = [rule["action"] for rule in policy.inputs["rules"]]
    assert "deny(403)" in actions and "rate_based_ban" in actions
    assert any("evaluatePreconfiguredWaf('sqli" in rule["match"].get("expr", {}).get("expression", "") for rule in policy.inputs["rules"])


def test_edge_alone_serves_https_with_tls_1_2_or_later_and_a_certificate_for_the_domain() -> None:
    rendering = edge(DOMAIN, ROUTES)
    proxy = rendering.one("gcp:compute/targetHttpsProxy:TargetHttpsProxy")
    (ssl_policy,) = sources(rendering, proxy, "sslPolicy")
    assert ssl_policy.inputs["minTlsVersion"] == "TLS_1_2"
    (certificate,) = sources(rendering, proxy, "sslCertificates")
    assert certificate.inputs["managed"]["domains"] == [DOMAIN.name]
    https = next(r for r in rendering.of_type(FORWARDING_RULE) if r.inputs["portRange"] == "443")
    assert sources(rendering, https, "target") == [proxy]


def test_edge_alone_redirects_http_to_https_and_serves_nothing_over_http() -> None:
    rendering = edge(DOMAIN, ROUTES)
    http = next(r for r in rendering.of_type(FORWARDING_RULE) if r.inputs["portRange"] == "80")
    (http_proxy,) = sources(rendering, http, "target")
    (redirect,) = sources(rendering, http_proxy, "urlMap")
    assert redirect.inputs["defaultUrlRedirect"]["httpsRedirect"] is True
    assert "defaultService" not in redirect.inputs and "pathMatchers" not in redirect.inputs


def test_edge_alone_routes_paths_to_their_service_and_everything_else_to_the_catch_all() -> None:
    rendering = edge(DOMAIN, ROUTES)
    backends = {r.name: r for r in rendering.of_type(BACKEND)}
    url_map = next(r for r in rendering.of_type(URL_MAP) if "hostRules" in r.inputs)
    assert url_map.inputs["hostRules"][0]["hosts"] == [DOMAIN.name]
    assert sources(rendering, url_map, "defaultService") == [backends["app-web"]]
    (matcher,) = url_map.inputs["pathMatchers"]
    (rule,) = matcher["pathRules"]
    assert rule["paths"] == ["/api", "/api/*"]
    # Only the service that asked (here the web front end) is cached at the edge.
    assert backends["app-web"].inputs["enableCdn"] is True and backends["app-api"].inputs["enableCdn"] is False


def test_edge_alone_points_the_zone_at_its_address_or_warns_without_a_zone() -> None:
    with_zone = edge(DOMAIN, ROUTES)
    record = with_zone.one("gcp:dns/recordSet:RecordSet")
    address = with_zone.one("gcp:compute/globalAddress:GlobalAddress")
    assert record.inputs["name"] == f"{DOMAIN.name}." and record.inputs["type"] == "A"
    assert sources(with_zone, record, "rrdatas") == [address]
    without = edge(model.Domain(name="app.example.com"), ROUTES)
    assert not without.of_type("gcp:dns/recordSet:RecordSet")
    assert any("A record for app.example.com" in w for w in without.warnings)


def test_edge_alone_refuses_routes_that_do_not_match_its_services() -> None:
    def build() -> object:
        web = gcp.cloudrunv2.Service("web", location=REGION, template={"containers": [{"image": "example.com/app:1"}]})
        return Edge("app", DOMAIN, REGION, ROUTES, {"web": web})

    with pytest.raises(Exception, match="each path goes to one service"):
        render_component(build)


# ---- the rest: secrets, registry, monitoring ----


def test_app_secrets_alone_are_scoped_to_the_app_and_kept_secret() -> None:
    specs = {"SESSION_KEY": model.Secret(generate=True), "STRIPE_KEY": model.Secret()}
    rendering = render_component(lambda: AppSecrets("app", "shop", specs, {"STRIPE_KEY": pulumi.Output.secret("sk_test")}, protect=True))
    ids = {r.inputs["secretId"] for r in rendering.of_type("gcp:secretmanager/secret:Secret")}
    assert all(i.lower().startswith("shop") for i in ids) and len(ids) == len(specs)
    assert all("secretData" in v.secret_inputs for v in rendering.of_type(SECRET_VERSION))


def test_registry_alone_keeps_tags_immutable_and_passes_given_images_through() -> None:
    built: list[Registry] = []
    services = {"web": model.Service(kind="http", port=8080, image="europe-west1-docker.pkg.dev/p/r/web:1.0.0")}
    rendering = render_component(lambda: built.append(Registry("app", SETTINGS, services, None, protect=True)))
    repository = rendering.one("gcp:artifactregistry/repository:Repository")
    assert repository.inputs["dockerConfig"]["immutableTags"] is True and repository.protect
    assert built[0].images == {"web": services["web"].image}


def test_monitoring_alone_probes_health_through_the_domain_and_pages_the_on_call_address() -> None:
    specs = {"web": model.Service(kind="http", port=8080, image="example.com/web:1")}

    def build() -> object:
        web = gcp.cloudrunv2.Service("web", location=REGION, template={"containers": [{"image": "example.com/web:1"}]})
        alerts = model.Alerts(email="oncall@example.com")
        return Monitoring("app", SETTINGS.project, alerts, DOMAIN, specs, {"web": web})

    rendering = render_component(build)
    check = rendering.one("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig").inputs
    assert check["monitoredResource"]["labels"] == {"project_id": SETTINGS.project, "host": DOMAIN.name}
    assert check["httpCheck"]["useSsl"] is True and check["httpCheck"]["path"] == "/health"
    channel = rendering.one("gcp:monitoring/notificationChannel:NotificationChannel")
    policies = rendering.of_type("gcp:monitoring/alertPolicy:AlertPolicy")
    assert policies and all(sources(rendering, p, "notificationChannels") == [channel] for p in policies)

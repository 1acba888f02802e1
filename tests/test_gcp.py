"""Properties of the GCP rendering that users rely on, on the committed gcp-prod stack and in-test configs."""

from __future__ import annotations

from typing import Any

import pytest

from stacks.offline import Rendering
from tests.harness import render_app, stack_app

RUN_SERVICE = "gcp:cloudrunv2/service:Service"
BASIC_ROLES = {"roles/owner", "roles/editor", "roles/viewer"}


def envs(container: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    plain = {e["name"]: e["value"] for e in container["envs"] if "value" in e}
    secret = {e["name"]: e["valueSource"]["secretKeyRef"] for e in container["envs"] if "valueSource" in e}
    return plain, secret


def test_apis_are_enabled_and_never_disabled_on_destroy(gcp_prod: Rendering) -> None:
    apis = {r.inputs["service"]: r.inputs for r in gcp_prod.of_type("gcp:projects/service:Service")}
    for api in ("run", "sqladmin", "redis", "cloudscheduler", "artifactregistry", "secretmanager", "servicenetworking", "compute"):
        assert apis[f"{api}.googleapis.com"]["disableOnDestroy"] is False


def test_network_is_private_with_flow_logs_nat_and_a_peering_a_destroy_removes(gcp_prod: Rendering) -> None:
    assert gcp_prod.one("gcp:compute/network:Network").inputs["autoCreateSubnetworks"] is False
    subnet = gcp_prod.one("gcp:compute/subnetwork:Subnetwork").inputs
    assert subnet["privateIpGoogleAccess"] is True and subnet["logConfig"]
    connection = gcp_prod.one("gcp:servicenetworking/connection:Connection").inputs
    # Cloud SQL holds the connection's addresses a while after its own deletion: the peering is removed instead, so the
    # network can be deleted and a destroy (a pull-request stack's cleanup) finishes.
    assert connection["deletionPolicy"] == "REMOVE_PEERING"
    assert gcp_prod.one("gcp:compute/routerNat:RouterNat")


def test_cloud_sql_has_no_public_ip_is_regional_with_pitr_and_protected(gcp_prod: Rendering) -> None:
    db = gcp_prod.one("gcp:sql/databaseInstance:DatabaseInstance")
    settings = db.inputs["settings"]
    assert settings["ipConfiguration"]["ipv4Enabled"] is False
    assert settings["ipConfiguration"]["sslMode"] == "ENCRYPTED_ONLY"
    assert settings["availabilityType"] == "REGIONAL"
    backups = settings["backupConfiguration"]
    assert backups["enabled"] and backups["pointInTimeRecoveryEnabled"]
    assert backups["backupRetentionSettings"]["retainedBackups"] >= 7
    assert db.inputs["deletionProtection"] is True and settings["deletionProtectionEnabled"] is True
    assert db.inputs["databaseVersion"] == "POSTGRES_15"
    flags = {f["name"]: f["value"] for f in settings["databaseFlags"]}
    assert all(flags[f] == "on" for f in ("log_connections", "log_disconnections", "log_lock_waits", "log_checkpoints"))
    assert settings["maintenanceWindow"]["day"] == 7
    assert db.protect


def test_database_user_password_is_generated_and_stored_in_secret_manager(gcp_prod: Rendering) -> None:
    user = gcp_prod.one("gcp:sql/user:User")
    assert user.inputs["password"], "a generated password is set"
    secrets = {s.inputs["secretId"] for s in gcp_prod.of_type("gcp:secretmanager/secret:Secret")}
    assert {"pmis-database-url-gcp-prod", "pmis-database-password-gcp-prod"} <= secrets


def test_memorystore_is_standard_ha_with_auth_tls_and_persistence(gcp_prod: Rendering) -> None:
    redis = gcp_prod.one("gcp:redis/instance:Instance")
    assert redis.inputs["tier"] == "STANDARD_HA"
    assert redis.inputs["authEnabled"] is True
    assert redis.inputs["transitEncryptionMode"] == "SERVER_AUTHENTICATION"
    assert redis.inputs["connectMode"] == "PRIVATE_SERVICE_ACCESS"
    assert redis.inputs["persistenceConfig"]["persistenceMode"] == "RDB"
    assert redis.protect


def test_http_services_have_sizes_scaling_probes_gen2_and_load_balancer_ingress(gcp_prod: Rendering) -> None:
    services = {s.name: s.inputs for s in gcp_prod.of_type(RUN_SERVICE)}
    api = services["pmis-api"]
    template = api["template"]
    assert (template["scaling"]["minInstanceCount"], template["scaling"]["maxInstanceCount"]) == (5, 100)
    assert (
        services["pmis-web"]["template"]["scaling"]["minInstanceCount"],
        services["pmis-web"]["template"]["scaling"]["maxInstanceCount"],
    ) == (1, 50)
    (container,) = template["containers"]
    assert container["resources"]["limits"] == {"cpu": "1", "memory": "1024Mi"}
    assert container["startupProbe"]["httpGet"]["path"] == "/health" and container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert template["executionEnvironment"] == "EXECUTION_ENVIRONMENT_GEN2"
    assert template["maxInstanceRequestConcurrency"] == 80
    assert template["vpcAccess"]["egress"] == "PRIVATE_RANGES_ONLY"
    for service in services.values():
        assert service["ingress"] == "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER"
        assert service["deletionProtection"] is False


def test_secrets_reach_containers_only_through_secret_manager(gcp_prod: Rendering) -> None:
    api = gcp_prod.one(RUN_SERVICE, "pmis-api").inputs["template"]["containers"][0]
    plain, secret = envs(api)
    assert {"DATABASE_URL", "DATABASE_PASSWORD", "REDIS_URL", "REDIS_CA_CERT", "SECRET_KEY"} <= set(secret)
    assert not any(marker in name for name in plain for marker in ("PASSWORD", "TOKEN", "SECRET"))
    assert not any("postgresql://" in str(v) or "rediss://" in str(v) for v in plain.values())
    assert all(ref["version"] for ref in secret.values())


def test_secret_access_is_bound_per_secret_not_on_the_project(gcp_prod: Rendering) -> None:
    project_roles = {m.inputs["role"] for m in gcp_prod.of_type("gcp:projects/iAMMember:IAMMember")}
    assert "roles/secretmanager.secretAccessor" not in project_roles
    secret_bindings = gcp_prod.of_type("gcp:secretmanager/secretIamMember:SecretIamMember")
    assert secret_bindings and all(b.inputs["role"] == "roles/secretmanager.secretAccessor" for b in secret_bindings)
    web_account = "serviceAccount:pmis-web@project.iam.gserviceaccount.com"
    assert not any(b.inputs["member"] == web_account for b in secret_bindings), "web reads no secrets"


def test_no_basic_roles_and_no_default_compute_account(gcp_prod: Rendering) -> None:
    roles = [m.inputs["role"] for m in gcp_prod.resources if m.type.endswith("IAMMember") or m.type.endswith("IamMember")]
    assert not BASIC_ROLES & set(roles)
    # Workloads reach Cloud SQL at its private IP with a password: no project-wide connector role.
    assert "roles/cloudsql.client" not in roles
    for resource in gcp_prod.of_type(RUN_SERVICE) + gcp_prod.of_type("gcp:cloudrunv2/workerPool:WorkerPool"):
        account = resource.inputs["template"]["serviceAccount"]
        assert account.endswith("@project.iam.gserviceaccount.com") and "compute@developer" not in account


def test_worker_is_a_worker_pool_with_no_ingress_and_no_public_invoker(gcp_prod: Rendering) -> None:
    pool = gcp_prod.one("gcp:cloudrunv2/workerPool:WorkerPool").inputs
    assert pool["scaling"] == {"scalingMode": "MANUAL", "manualInstanceCount": 2}
    assert "ingress" not in pool and pool["deletionProtection"] is False
    assert not any(r.type.startswith("gcp:cloudrunv2/workerPoolIam") for r in gcp_prod.resources)
    # The public services answer anyone through the load balancer with Cloud Run's invoker check off (no allUsers grant,
    # which an organisation's domain-restricted sharing refuses); nothing else is opened.
    anonymous = {s.inputs["name"] for s in gcp_prod.of_type(RUN_SERVICE) if s.inputs["invokerIamDisabled"]}
    assert anonymous == {"pmis-api-gcp-prod", "pmis-web-gcp-prod"}
    everyone = {"allUsers", "allAuthenticatedUsers"}
    assert not [m for m in gcp_prod.resources if m.type.endswith("IamMember") and m.inputs.get("member") in everyone]


def test_scheduler_runs_the_job_at_midnight_utc_with_an_oauth_token(gcp_prod: Rendering) -> None:
    job = gcp_prod.one("gcp:cloudrunv2/job:Job", "pmis-check-overdue-tasks").inputs
    task = job["template"]["template"]
    assert task["maxRetries"] == 3 and task["timeout"] == "120s" and job["deletionProtection"] is False
    assert task["containers"][0]["args"] == ["python", "-m", "app.jobs.check_overdue_tasks"]
    trigger = gcp_prod.one("gcp:cloudscheduler/job:Job").inputs
    assert (trigger["schedule"], trigger["timeZone"]) == ("0 0 * * *", "UTC")
    target = trigger["httpTarget"]
    assert (
        target["uri"]
        == "https://run.googleapis.com/v2/projects/pmis-production/locations/us-central1/jobs/pmis-check-overdue-tasks-gcp-prod:run"
    )
    assert target["httpMethod"] == "POST"
    assert target["oauthToken"]["serviceAccountEmail"] == "pmis-scheduler-gcp-prod@project.iam.gserviceaccount.com"
    assert "oidcToken" not in target
    assert trigger["retryConfig"]["retryCount"] == 3


def test_the_invoker_may_run_only_the_jobs(gcp_prod: Rendering) -> None:
    invoker = "serviceAccount:pmis-scheduler-gcp-prod@project.iam.gserviceaccount.com"
    grants = [r for r in gcp_prod.resources if r.inputs.get("member") == invoker]
    assert [(g.type, g.inputs["role"]) for g in grants] == [("gcp:cloudrunv2/jobIamMember:JobIamMember", "roles/run.invoker")]


def test_buckets_are_uniform_private_versioned(gcp_prod: Rendering) -> None:
    bucket = gcp_prod.one("gcp:storage/bucket:Bucket")
    assert bucket.inputs["uniformBucketLevelAccess"] is True
    assert bucket.inputs["publicAccessPrevention"] == "enforced"
    assert bucket.inputs["versioning"] == {"enabled": True}
    assert bucket.inputs["lifecycleRules"][0]["condition"]["daysSinceNoncurrentTime"] == 30
    assert bucket.protect


def test_registry_has_cleanup_policies(gcp_prod: Rendering) -> None:
    repo = gcp_prod.one("gcp:artifactregistry/repository:Repository")
    assert repo.inputs["format"] == "DOCKER" and repo.inputs["cleanupPolicies"] and repo.protect


def test_edge_is_https_with_tls12_armor_cdn_and_api_routing(gcp_prod: Rendering) -> None:
    assert gcp_prod.one("gcp:compute/sSLPolicy:SSLPolicy").inputs["minTlsVersion"] == "TLS_1_2"
    assert gcp_prod.one("gcp:compute/managedSslCertificate:ManagedSslCertificate").inputs["managed"]["domains"] == ["app.example.com"]
    backends = {b.name: b.inputs for b in gcp_prod.of_type("gcp:compute/backendService:BackendService")}
    assert backends["pmis-web"]["enableCdn"] is True and backends["pmis-api"]["enableCdn"] is False
    assert all(b["securityPolicy"] for b in backends.values())
    armor = gcp_prod.one("gcp:compute/securityPolicy:SecurityPolicy").inputs["rules"]
    expressions = " ".join(r["match"].get("expr", {}).get("expression", "") for r in armor)
    assert "sqli-v33-stable" in expressions and "xss-v33-stable" in expressions
    assert any(r["action"] == "rate_based_ban" for r in armor)
    maps = {m.name: m.inputs for m in gcp_prod.of_type("gcp:compute/uRLMap:URLMap")}
    (rule,) = maps["pmis"]["pathMatchers"][0]["pathRules"]
    assert rule["paths"] == ["/api", "/api/*"] and rule["service"].startswith("pmis-api")
    assert maps["pmis"]["defaultService"].startswith("pmis-web")
    assert maps["pmis-redirect"]["defaultUrlRedirect"]["httpsRedirect"] is True
    ports = {r.inputs["portRange"] for r in gcp_prod.of_type("gcp:compute/globalForwardingRule:GlobalForwardingRule")}
    assert ports == {"80", "443"}
    assert gcp_prod.one("gcp:dns/recordSet:RecordSet").inputs["name"] == "app.example.com."


def test_monitoring_has_uptime_checks_and_alerts_on_errors_and_latency(gcp_prod: Rendering) -> None:
    uptime = gcp_prod.one("gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig").inputs
    assert uptime["httpCheck"]["path"] == "/" and uptime["monitoredResource"]["labels"]["host"] == "app.example.com"
    policies = {p.name: p.inputs for p in gcp_prod.of_type("gcp:monitoring/alertPolicy:AlertPolicy")}
    assert policies["pmis-api-5xx-rate"]["conditions"][0]["conditionThreshold"]["thresholdValue"] == 0.05
    assert policies["pmis-api-latency-p95"]["conditions"][0]["conditionThreshold"]["thresholdValue"] == 500
    assert gcp_prod.one("gcp:monitoring/notificationChannel:NotificationChannel").inputs["labels"] == {"email_address": "ops@example.com"}


def test_outputs_name_endpoints_and_no_secrets(gcp_prod: Rendering) -> None:
    outputs = gcp_prod.outputs
    assert outputs["url"] == "https://app.example.com"
    assert {"serviceUrls", "databaseConnectionName", "cacheHost", "registryUrl"} <= set(outputs)
    assert "rediss://" not in str(outputs) and "password" not in str(outputs).lower()


@pytest.fixture(scope="module")
def gcp_dev() -> Rendering:
    app = stack_app("gcp-prod")
    app["profile"] = "development"
    for key in ("backupRetentionDays", "highAvailability"):
        app["database"].pop(key, None)
    app["cache"].pop("highAvailability", None)
    return render_app(app)


def test_development_profile_renders_smaller_and_unprotected(gcp_dev: Rendering) -> None:
    db = gcp_dev.one("gcp:sql/databaseInstance:DatabaseInstance")
    assert db.inputs["settings"]["availabilityType"] == "ZONAL" and db.inputs["deletionProtection"] is False and not db.protect
    assert gcp_dev.one("gcp:redis/instance:Instance").inputs["tier"] == "BASIC"


def test_five_http_services_render_five_negs_and_routes() -> None:
    services = {
        name: {"kind": "http", "image": f"ghcr.io/techvault/{name}:2.1.0", "port": port, "routes": [route], "cpu": 1, "memory": 512}
        for name, port, route in (
            ("frontend", 3000, "/"),
            ("gateway", 5000, "/api"),
            ("auth", 5001, "/api/auth"),
            ("products", 5002, "/api/products"),
            ("payments", 5003, "/api/payments"),
        )
    }
    rendering = render_app(
        {
            "name": "techvault",
            "cloud": "gcp",
            "gcp": {"project": "techvault-prod"},
            "services": services,
            "domain": {"name": "shop.example.com"},
        }
    )
    assert len(rendering.of_type("gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup")) == 5
    url_map = rendering.one("gcp:compute/uRLMap:URLMap", "techvault").inputs
    paths = [rule["paths"][0] for rule in url_map["pathMatchers"][0]["pathRules"]]
    assert len(paths) == 4 and paths[-1] == "/api"
    assert any("domain.zone is not set" in w for w in rendering.warnings)


def test_without_a_domain_services_are_public_on_run_app_with_a_warning() -> None:
    app = stack_app("gcp-prod")
    del app["domain"]
    del app["services"]["web"]["cdn"]  # the CDN sits on the load balancer (tests/test_edge_access.py)
    rendering = render_app(app)
    assert rendering.of_type("gcp:compute/uRLMap:URLMap") == []
    assert {s.inputs["ingress"] for s in rendering.of_type(RUN_SERVICE)} == {"INGRESS_TRAFFIC_ALL"}
    assert rendering.outputs["url"].endswith(".run.app")
    assert any("no domain is set" in w for w in rendering.warnings)


def test_workloads_wait_for_their_secret_and_bucket_grants(gcp_prod: Rendering) -> None:
    api = gcp_prod.one(RUN_SERVICE, "pmis-api")
    reads = [b for b in gcp_prod.of_type("gcp:secretmanager/secretIamMember:SecretIamMember") if b.name.startswith("pmis-api-reads-")]
    assert reads and all(b.urn in api.dependencies for b in reads)
    job = gcp_prod.one("gcp:cloudrunv2/job:Job", "pmis-check-overdue-tasks")
    job_reads = [b for b in gcp_prod.of_type("gcp:secretmanager/secretIamMember:SecretIamMember") if b.name.startswith("pmis-check")]
    assert job_reads and all(b.urn in job.dependencies for b in job_reads)


def test_dns_zone_given_by_domain_name_is_resolved_to_the_managed_zone(gcp_prod: Rendering) -> None:
    # The stack says `zone: example.com`; Cloud DNS records name the managed zone (`example-com` in the mock project).
    assert gcp_prod.one("gcp:dns/recordSet:RecordSet").inputs["managedZone"] == "example-com"


def test_scheduler_retries_are_capped_at_cloud_schedulers_limit() -> None:
    app = stack_app("gcp-prod")
    app["jobs"]["check-overdue-tasks"]["retries"] = 8
    rendering = render_app(app)
    assert rendering.one("gcp:cloudscheduler/job:Job").inputs["retryConfig"]["retryCount"] == 5
    job = rendering.one("gcp:cloudrunv2/job:Job", "pmis-check-overdue-tasks").inputs
    assert job["template"]["template"]["maxRetries"] == 8


def test_a_public_service_without_a_reachable_health_path_is_reported(gcp_prod: Rendering) -> None:
    assert any("services.api: no uptime check" in w for w in gcp_prod.warnings)

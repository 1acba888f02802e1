"""The Docker renderer (`cloud: docker`), read as a real deploy on one engine would run it."""

from __future__ import annotations

import base64
import hashlib
import os
import stat
import subprocess
from pathlib import Path
from typing import Any

import pytest

from components.docker.app import release_succeeded
from components.docker.schedule import RUNNER
from stacks.offline import Rendering, Resource
from tests.harness import config_error, render_shared, render_stack, stack_app

CONTAINER = "docker:index/container:Container"
PLANTED = "planted-sentry-dsn-value"


def local(**changes: Any) -> dict[str, Any]:
    app = stack_app("local")
    app.update(changes)
    return app


def with_private_service() -> dict[str, Any]:
    """`local` plus a private service the api calls, and a supplied secret the proxy must never see."""
    app = local()
    app["services"]["pricing"] = {"kind": "http", "image": "ghcr.io/example/pricing:1.0.0", "port": 9000, "public": False}
    app["services"]["api"]["calls"] = ["pricing"]
    app["secrets"]["SENTRY_DSN"] = {}
    app["secretValues"] = {"SENTRY_DSN": PLANTED}
    app["services"]["worker"]["secrets"] = ["SECRET_KEY", "SENTRY_DSN"]
    return app


def container(rendering: Rendering, name: str) -> Resource:
    return rendering.one(CONTAINER, name)


def upload(resource: Resource, file: str) -> dict[str, Any]:
    (found,) = [u for u in resource.inputs.get("uploads") or [] if u["file"] == file]
    return dict(found)


def networks(rendering: Rendering, resource: Resource) -> dict[str, list[str]]:
    """Network name -> the aliases the container has there."""
    return {n["name"]: n.get("aliases") or [] for n in resource.inputs["networksAdvanced"]}


def env(resource: Resource) -> dict[str, str]:
    return dict(line.split("=", 1) for line in resource.inputs.get("envs") or [])


def test_the_proxy_routes_most_specific_first_and_never_to_a_private_service() -> None:
    rendering = render_shared(with_private_service(), "local", ("secretValues",))
    caddyfile = upload(container(rendering, "pmis-proxy"), "/etc/caddy/Caddyfile")["content"]
    assert "\t@route0 path /api /api/*\n" in caddyfile
    api, web = caddyfile.index("reverse_proxy @route0 api-1:8000 {"), caddyfile.index("reverse_proxy web-1:3000 {")
    assert api < web, "the catch-all comes last"
    assert "health_uri /health" in caddyfile and "pricing" not in caddyfile
    assert caddyfile.startswith("{\n\tadmin off\n}\n\n:8080 {\n")
    # The api reaches the private service on a network only the two of them are on.
    pricing, api_container = container(rendering, "pmis-pricing-1"), container(rendering, "pmis-api-1")
    assert networks(rendering, pricing)["pmis-local-calls-pricing"] == ["pricing"]
    assert "pmis-local-calls-pricing" in networks(rendering, api_container)
    assert env(api_container)["PRICING_URL"] == "http://pricing:9000"
    for other in ("pmis-web-1", "pmis-worker-1", "pmis-proxy"):
        assert "pmis-local-calls-pricing" not in networks(rendering, container(rendering, other)), other
    calls = rendering.one("docker:index/network:Network", "pmis-calls-pricing")
    assert calls.inputs["internal"] is True


def test_a_websocket_service_keeps_its_stream_timeout_and_affinity_at_the_proxy() -> None:
    app = local()
    app["services"]["web"]["websocket"] = {"timeoutSeconds": 900}
    caddyfile = upload(container(render_shared(app, "local"), "pmis-proxy"), "/etc/caddy/Caddyfile")["content"]
    web = caddyfile[caddyfile.index("reverse_proxy web-1:3000 {") :]
    assert "\t\t\tlb_policy cookie\n\t\t\tstream_timeout 900s\n" in web


def test_a_domain_gets_https_on_80_and_443_with_hsts() -> None:
    app = local(domain={"name": "app.example.com"})
    del app["docker"]["httpPort"]
    rendering = render_shared(app, "local")
    proxy = container(rendering, "pmis-proxy")
    caddyfile = upload(proxy, "/etc/caddy/Caddyfile")["content"]
    assert "\napp.example.com {\n" in caddyfile and "Strict-Transport-Security" in caddyfile
    assert sorted((p["internal"], p["external"], p.get("protocol", "tcp")) for p in proxy.inputs["ports"]) == [
        (80, 80, "tcp"),
        (443, 443, "tcp"),
        (443, 443, "udp"),
    ]


def test_no_data_port_is_published_and_only_the_proxy_listens_on_the_host() -> None:
    rendering = render_stack("local")
    published = {c.name for c in rendering.of_type(CONTAINER) if c.inputs.get("ports")}
    assert published == {"pmis-proxy"}
    assert container(rendering, "pmis-proxy").inputs["ports"] == [{"internal": 8080, "external": 8080}]
    for store in ("database", "cache"):
        assert rendering.one("docker:index/network:Network", f"pmis-{store}").inputs["internal"] is True
    egress = rendering.one("docker:index/network:Network", "pmis-egress")
    assert egress.inputs["options"] == {"com.docker.network.bridge.enable_icc": "false"}


def test_secrets_never_reach_the_proxy() -> None:
    rendering = render_shared(with_private_service(), "local", ("secretValues",))
    proxy = container(rendering, "pmis-proxy")
    assert "envs" not in proxy.inputs and not proxy.secret_inputs
    assert list(networks(rendering, proxy)) == ["pmis-local-edge"], "the proxy reaches no data store and no private service"
    assert PLANTED not in str(proxy.inputs)
    worker = container(rendering, "pmis-worker-1")
    assert env(worker)["SENTRY_DSN"] == PLANTED and "envs" in worker.secret_inputs


def test_data_lives_on_protected_named_volumes_with_tls() -> None:
    production = render_shared(local(profile="production", protect=True), "local")
    for store, path in (("postgres", "/var/lib/postgresql/data"), ("redis", "/data")):
        volume = production.one("docker:index/volume:Volume", f"pmis-{store}")
        assert volume.protect and volume.inputs["name"] == f"pmis-local-{store}"
        mounted = container(production, f"pmis-{store}").inputs["volumes"]
        assert mounted == [{"volumeName": f"pmis-local-{store}", "containerPath": path}]
        key = upload(container(production, f"pmis-{store}"), "/etc/shipyard/tls/server.key")
        assert (key["owner"], key["permissions"]) == ("999", "0600")
    postgres = container(production, "pmis-postgres")
    assert "ssl=on" in postgres.inputs["command"] and postgres.inputs["wait"] is True
    assert "envs" in postgres.secret_inputs
    api = container(production, "pmis-api-1")
    assert env(api)["DATABASE_URL"].endswith("@postgres:5432/pmis?sslmode=require")
    assert env(api)["REDIS_URL"].startswith("rediss://:") and "ssl_ca_certs=/etc/shipyard/data-ca.pem" in env(api)["REDIS_URL"]
    assert upload(api, "/etc/shipyard/data-ca.pem")["content"].startswith("-----BEGIN CERTIFICATE-----")
    # A development stack does not protect its volumes.
    assert not render_stack("local").one("docker:index/volume:Volume", "pmis-postgres").protect


def test_the_release_step_runs_first_and_gates_every_service_and_job() -> None:
    rendering = render_stack("local")
    release = container(rendering, "pmis-migrate")
    assert (release.inputs["attach"], release.inputs["mustRun"], release.inputs["restart"]) == (True, False, "no")
    postgres, redis = container(rendering, "pmis-postgres"), container(rendering, "pmis-redis")
    assert {postgres.urn, redis.urn} <= set(release.dependencies)
    for name in ("pmis-api-1", "pmis-worker-1", "pmis-web-1", "pmis-check-overdue-tasks"):
        workload = container(rendering, name)
        assert release.urn in workload.property_dependencies["labels"], name
        assert {"label": "app.shipyard.release", "value": "pmis-migrate-id"} in workload.inputs["labels"], name
    assert release_succeeded("pmis-local-migrate", 0, "abc") == "abc"
    with pytest.raises(RuntimeError, match="exited with 3; read its output with `docker logs pmis-local-migrate`"):
        release_succeeded("pmis-local-migrate", 3, "abc")


def test_services_run_min_replicas_with_health_checks_and_wait_for_them() -> None:
    rendering = render_shared(
        local(
            services={**stack_app("local")["services"], "web": {**stack_app("local")["services"]["web"], "scaling": {"min": 2, "max": 2}}}
        ),
        "local",
    )
    assert sorted(c.name for c in rendering.of_type(CONTAINER) if c.name.startswith("pmis-web-")) == ["pmis-web-1", "pmis-web-2"]
    caddyfile = upload(container(rendering, "pmis-proxy"), "/etc/caddy/Caddyfile")["content"]
    assert "reverse_proxy web-1:3000 web-2:3000 {" in caddyfile
    web = container(rendering, "pmis-web-2")
    assert web.inputs["restart"] == "unless-stopped" and web.inputs["wait"] is True
    probe = web.inputs["healthcheck"]["tests"]
    assert probe[0] == "CMD-SHELL" and "curl -fsS -o /dev/null http://127.0.0.1:3000/ ||" in probe[1]
    worker = container(rendering, "pmis-worker-1")
    assert worker.inputs["healthcheck"]["tests"] == ["CMD", "celery", "-A", "app.worker", "inspect", "ping"]
    assert worker.inputs["stopTimeout"] == 120 and worker.inputs["logOpts"] == {"max-size": "10m", "max-file": "5"}


def test_a_job_runs_on_its_cron_in_its_time_zone_with_retries_and_timeout() -> None:
    app = local()
    app["jobs"]["check-overdue-tasks"] |= {"schedule": "30 2 * * 1-5", "timeZone": "Europe/Berlin"}
    rendering = render_shared(app, "local")
    run = container(rendering, "pmis-check-overdue-tasks")
    assert (run.inputs["start"], run.inputs["mustRun"]) == (False, False)
    assert env(run)["JOB_TIMEOUT_SECONDS"] == "120"
    scheduler = container(rendering, "pmis-check-overdue-tasks-schedule")
    assert upload(scheduler, "/etc/crontabs/root")["content"] == (
        "30 2 * * 1-5 /usr/local/bin/run-job pmis-local-check-overdue-tasks 120 3 > /proc/1/fd/1 2>&1\n"
    )
    assert scheduler.inputs["envs"] == ["TZ=Europe/Berlin"] and scheduler.inputs["entrypoints"] == ["crond", "-f"]
    zone = upload(scheduler, "/usr/share/zoneinfo/Europe/Berlin")
    assert base64.b64decode(zone["contentBase64"]).startswith(b"TZif")
    assert upload(scheduler, "/usr/local/bin/run-job")["executable"] is True
    assert "envs" not in scheduler.secret_inputs, "the scheduler holds no secret: the job container has them"


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"database": {"version": 15, "highAvailability": True}}, "database.highAvailability: one Docker host has no standby"),
        ({"database": {"readReplica": True}}, "database.readReplica:"),
        ({"database": {"backupRetentionDays": 7}}, "database.backupRetentionDays: the Docker renderer takes no automated backups"),
        ({"cache": {"highAvailability": True}}, "cache.highAvailability:"),
        ({"buckets": {"uploads": {}}}, "buckets: the Docker renderer has no object storage yet"),
        ({"alerts": {"email": "ops@example.com"}}, "alerts: the Docker renderer sets up no alarms or channels; remove email"),
        ({"wafMode": "count"}, "wafMode:"),
        ({"domain": {"name": "app.example.com"}}, "docker.httpPort: with a domain the proxy serves 443"),
        ({"docker": {"host": "tcp://203.0.113.10:2375"}}, "docker.host:"),
        (
            {"jobs": {"nightly": {"schedule": "0 0 * * 7", "service": "api", "command": ["x"]}}},
            "jobs.nightly.schedule: '7' in the day-of-week",
        ),
        (
            {"jobs": {"nightly": {"schedule": "0 0 L * *", "service": "api", "command": ["x"]}}},
            "jobs.nightly.schedule: 'L' in the day-of-month field: busybox crond has no 'L'",
        ),
    ],
)
def test_what_one_host_cannot_honour_is_refused_with_its_key(change: dict[str, Any], expected: str) -> None:
    assert expected in config_error(local(**change))


def test_a_web_service_cannot_scale_to_zero_and_autoscaling_is_a_warning() -> None:
    app = local()
    app["services"]["web"]["scaling"] = {"min": 1, "max": 1, "cpuTarget": 60}
    assert "services.web.scaling.cpuTarget: one Docker host does not autoscale" in config_error(app)
    app["services"]["web"]["scaling"] = {"min": 0, "max": 2}
    assert "services.web.scaling.min: one Docker host does not scale to zero" in config_error(app)
    app["services"]["web"]["scaling"] = {"min": 1, "max": 3}
    warnings = render_shared(app, "local").warnings
    assert any("services.web.scaling.max: one Docker host does not autoscale; web runs 1 replica(s)" in w for w in warnings)


# ---- the job runner script, against a stand-in `docker`


def run_job(tmp_path: Path, failures: int, retries: int) -> tuple[int, list[str]]:
    """Run run-job.sh with a `docker` that fails its first `failures` starts; return its exit code and the calls."""
    calls = tmp_path / "calls"
    fake = tmp_path / "docker"
    fake.write_text(
        f'#!/bin/sh\necho "$*" >> {calls}\nif [ "$1" = start ] && [ "$(grep -c ^start {calls})" -le {failures} ]; then exit 7; fi\nexit 0\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    environment = {**os.environ, "PATH": f"{tmp_path}:{os.environ['PATH']}", "RETRY_DELAY_SECONDS": "0", "TMPDIR": str(tmp_path)}
    done = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        ["/bin/sh", str(RUNNER), "job-1", "30", str(retries)], env=environment, capture_output=True, text=True, cwd=tmp_path
    )
    return done.returncode, calls.read_text().splitlines() if calls.exists() else []


def test_the_runner_retries_a_failed_run_and_stops_it_each_time(tmp_path: Path) -> None:
    code, calls = run_job(tmp_path, failures=2, retries=3)
    assert code == 0
    assert calls == ["start -a job-1", "stop -t 10 job-1", "start -a job-1", "stop -t 10 job-1", "start -a job-1"]


def test_the_runner_gives_up_after_its_retries_with_the_jobs_exit_code(tmp_path: Path) -> None:
    code, calls = run_job(tmp_path, failures=10, retries=1)
    assert code == 7
    assert [c for c in calls if c.startswith("start")] == ["start -a job-1"] * 2


def test_a_built_image_and_an_external_redis_are_wired_as_on_the_clouds() -> None:
    app = local(version="1.4.2")
    app["services"]["api"] = {**app["services"]["api"], "build": {"context": "api", "target": "runtime"}}
    del app["services"]["api"]["image"]
    app["cache"] = {"externalUrlSecret": "UPSTASH_URL"}
    app["secrets"]["UPSTASH_URL"] = {}
    app["secretValues"] = {"UPSTASH_URL": "rediss://default:planted@example.upstash.io:6379"}
    rendering = render_shared(app, "local", ("secretValues",))
    built = rendering.one("docker:index/remoteImage:RemoteImage", "pmis-api")
    assert built.inputs["name"] == "pmis-api:1.4.2" and built.inputs["build"]["context"] == "api"
    assert built.inputs["build"]["target"] == "runtime" and built.inputs["keepLocally"] is True
    api = container(rendering, "pmis-api-1")
    assert api.inputs["image"] == "sha256:" + hashlib.sha256(b"pmis-api:1.4.2").hexdigest()
    assert env(api)["REDIS_URL"] == "rediss://default:planted@example.upstash.io:6379" and "REDIS_CA_CERT" not in env(api)
    assert "pmis-cache" not in {n.name for n in rendering.of_type("docker:index/network:Network")}
    assert [c.name for c in rendering.of_type(CONTAINER) if c.name == "pmis-redis"] == []


def test_the_migrate_command_leaves_the_release_step_to_pulumi_up(capsys: pytest.CaptureFixture[str]) -> None:
    from stacks import migrate

    assert migrate.main(["run", "local"]) == 0
    assert "`pulumi up` runs the release step itself" in capsys.readouterr().err


def test_every_container_starts_after_what_it_reads() -> None:
    """The engine creates a container once its inputs and `depends_on` resolve, and it runs as soon as it exists."""
    from stacks.plan import start_dependencies

    rendering = render_stack("local")
    postgres, redis, release = (container(rendering, n) for n in ("pmis-postgres", "pmis-redis", "pmis-migrate"))
    secret_key = rendering.one("random:index/randomPassword:RandomPassword", "pmis-secret-key")
    certificate = rendering.one("tls:index/locallySignedCert:LocallySignedCert", "pmis-server")
    for store in (postgres, redis):
        assert certificate.urn in start_dependencies(rendering, store), store.name
    for name in ("pmis-migrate", "pmis-api-1", "pmis-worker-1", "pmis-check-overdue-tasks"):
        workload = container(rendering, name)
        wanted = {postgres.urn, redis.urn, secret_key.urn} | ({release.urn} if workload is not release else set())
        assert wanted - start_dependencies(rendering, workload) == set(), name
    scheduler = container(rendering, "pmis-check-overdue-tasks-schedule")
    assert container(rendering, "pmis-check-overdue-tasks").urn in start_dependencies(rendering, scheduler)

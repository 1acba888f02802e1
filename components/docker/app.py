"""The whole application on one Docker engine, mirroring components/aws/app.py and components/gcp/app.py."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_docker as docker

from components.docker.images import app_image
from components.docker.network import Networks
from components.docker.proxy import Proxy, Upstream
from components.docker.schedule import scheduler, scheduler_image
from components.docker.stores import PostgresContainer, RedisContainer
from components.docker.tls import certificates
from components.docker.wiring import CA_FILE, Stores, Wiring, container_wiring
from components.docker.workload import STOP_SECONDS, Attached, Spec, container, http_probe
from components.naming import scoped
from components.passwords import app_secret_value, secret_slug
from stacks import connections
from stacks.model import App, Job, build_owners
from stacks.wiring import needs

# PostgreSQL's own default; raised when the workloads can open more.
DEFAULT_MAX_CONNECTIONS = 100


def release_succeeded(name: object, code: object, identifier: object) -> str:
    """The release container's ID if it exited 0; otherwise the deploy fails here, naming where its output is."""
    if code != 0:
        raise RuntimeError(f"the release step exited with {code}; read its output with `docker logs {name}`")
    return str(identifier)


def release_gate(release: docker.Container) -> pulumi.Output[str]:
    """The release container's ID once it has exited 0. Services carry it as a label: they are created only after a
    successful release, and a new release rolls them."""
    return pulumi.Output.all(release.name, release.exit_code, release.id).apply(lambda args: release_succeeded(*args))


class DockerApp(pulumi.ComponentResource):
    outputs: dict[str, pulumi.Input[object]]

    def __init__(self, app: App, secret_values: Mapping[str, pulumi.Output[str]], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("shipyard:docker:App", app.name, None, opts)
        settings = app.docker
        assert settings is not None
        name = app.name
        child = pulumi.ResourceOptions(parent=self)
        managed_cache = app.cache if app.cache is not None and app.cache.managed else None
        called = sorted({callee for svc in app.services.values() for callee in svc.calls})
        networks = Networks(name, app.database is not None, managed_cache is not None, called, bool(app.public_services), opts=child)

        certs = certificates(name, self) if app.database is not None or managed_cache is not None else None
        database = None
        if app.database is not None:
            assert certs is not None and networks.database is not None
            max_connections = max(DEFAULT_MAX_CONNECTIONS, connections.total(app))
            database = PostgresContainer(name, app.database, certs, networks.database, max_connections, app.protect, opts=child)
        cache = None
        if managed_cache is not None:
            assert certs is not None and networks.cache is not None
            cache = RedisContainer(name, managed_cache, certs, networks.cache, CA_FILE, app.protect, opts=child)

        secrets = {
            secret: app_secret_value(secret_slug(name, secret), secret, spec, secret_values, self) for secret, spec in app.secrets.items()
        }
        stores = Stores(
            secrets=secrets,
            egress=networks.egress,
            database_secrets={"url": database.url, "password": database.password} if database else {},
            database_network=networks.database,
            cache_secrets={"url": cache.url, "ca": cache.ca} if cache else {},
            cache_network=networks.cache,
            ca_pem=certs.ca_pem if certs else None,
            database_needs=[database.container] if database else [],
            cache_needs=[cache.container] if cache else [],
            service_urls={c: f"http://{c}:{app.services[c].port}" for c in called},
            call_networks=networks.calls,
        )
        owners = build_owners(app.services)
        images = {
            svc_name: app_image(f"{name}-{svc_name}", svc_name, svc, app.version, self).image_id
            for svc_name, svc in app.services.items()
            if svc.build is None or owners[svc_name] == svc_name
        }
        # A service with the same build as an earlier one runs that image, built once.
        images |= {svc_name: images[owner] for svc_name, owner in owners.items() if owner != svc_name}

        def wire(service: str, job: Job | None = None, release: bool = False) -> Wiring:
            return container_wiring(needs(app, service, job, release), stores)

        labels: dict[str, pulumi.Input[str]] = {}
        release_container = None
        if app.migrate is not None:
            release = app.migrate
            svc = app.services[release.service]
            spec = Spec(
                images[release.service], release.command, release.cpu, release.memory, wire(release.service, release=True), svc.user
            )
            # Runs to its end while `pulumi up` waits (attach), once per new image or wiring: its inputs replace it.
            release_container = container(
                f"{name}-migrate",
                scoped(name, "migrate"),
                spec,
                [],
                self,
                attach=True,
                must_run=False,
                restart="no",
                create_timeout=release.timeout_seconds,
            )
            labels["app.shipyard.release"] = release_gate(release_container)

        upstreams: dict[str, Upstream] = {}
        replicas: dict[str, list[docker.Container]] = {}
        for svc_name, svc in app.services.items():
            spec = Spec(
                images[svc_name],
                [*(svc.command or []), *(svc.args or [])] or None,
                svc.cpu,
                svc.memory,
                wire(svc_name),
                svc.user,
                svc.read_only_root_filesystem,
                svc.stop_timeout_seconds or STOP_SECONDS[svc.kind],
            )
            health = http_probe(svc.port, svc.effective_health_path) if svc.kind == "http" and svc.port else None
            if svc.health_command is not None:
                health = ["CMD", *svc.health_command]
            replicas[svc_name] = []
            for index in range(1, svc.instances.min + 1):
                attached = []
                if svc.is_public and networks.edge is not None:
                    attached.append(Attached(networks.edge, [f"{svc_name}-{index}"]))
                if svc_name in networks.calls:
                    attached.append(Attached(networks.calls[svc_name], [svc_name]))
                replicas[svc_name].append(
                    container(
                        f"{name}-{svc_name}-{index}",
                        scoped(name, svc_name, str(index)),
                        spec,
                        attached,
                        self,
                        health=health,
                        labels={"app.shipyard.service": svc_name, **labels},
                    )
                )
            if svc.is_public:
                addresses = tuple(f"{svc_name}-{i}:{svc.port}" for i in range(1, svc.instances.min + 1))
                websocket = svc.websocket
                upstreams[svc_name] = Upstream(
                    svc_name,
                    addresses,
                    svc.effective_health_path,
                    bool(websocket and websocket.affinity),
                    websocket.timeout_seconds if websocket else None,
                )

        jobs: dict[str, docker.Container] = {}
        if app.jobs:
            cli = scheduler_image(name, self)
            for job_name, job in app.jobs.items():
                svc = app.services[job.service]
                spec = Spec(images[job.service], job.command, job.cpu, job.memory, wire(job.service, job), svc.user)
                # Created stopped: its scheduler starts it on the schedule.
                run = container(
                    f"{name}-{job_name}",
                    scoped(name, job_name),
                    spec,
                    [],
                    self,
                    labels={"app.shipyard.job": job_name, **labels},
                    start=False,
                    must_run=False,
                    restart="no",
                )
                scheduler(f"{name}-{job_name}", name, job_name, job, run, cli, self)
                jobs[job_name] = run

        proxy = None
        if upstreams:
            assert networks.edge is not None
            proxy = Proxy(name, app, upstreams, networks.edge, settings.http_port, opts=child)

        self.outputs = {
            "url": proxy.url if proxy else None,
            "containers": {n: [c.name for c in cs] for n, cs in replicas.items()},
            "jobs": {n: j.name for n, j in jobs.items()},
            "migration": {"container": release_container.name} if release_container else None,
        }
        self.register_outputs(self.outputs)

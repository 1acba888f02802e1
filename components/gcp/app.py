"""The whole application on GCP, composed from one component per concern, mirroring components/aws/app.py."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_gcp as gcp

from components.gcp.apis import ProjectApis, required_apis
from components.gcp.buckets import Buckets
from components.gcp.cache import Cache
from components.gcp.calls import invoker_grant, run_url
from components.gcp.connections import max_connections
from components.gcp.dashboard import Dashboard
from components.gcp.database import Database
from components.gcp.edge import Edge
from components.gcp.identity import WorkloadIdentity
from components.gcp.job import ScheduledJob, cloud_run_job
from components.gcp.limits import database_tier
from components.gcp.naming import scoped, service_account_id
from components.gcp.network import Network
from components.gcp.observability import Monitoring, Watched
from components.gcp.registry import Registry
from components.gcp.secrets import AppSecrets
from components.gcp.service import HttpService, WorkerPool
from components.gcp.wiring import Stores, run_wiring
from components.gcp.workload import Wiring, container, vpc_egress
from stacks.model import App, Job
from stacks.wiring import needs


class GcpApp(pulumi.ComponentResource):
    outputs: dict[str, pulumi.Input[object]]

    def __init__(self, app: App, secret_values: Mapping[str, pulumi.Output[str]], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("shipyard:gcp:App", app.name, None, opts)
        settings = app.gcp
        assert settings is not None
        name, project, region = app.name, settings.project, settings.region
        child = pulumi.ResourceOptions(parent=self)

        managed_cache = app.cache if app.cache is not None and app.cache.managed else None
        enabled = required_apis(
            database=app.database is not None,
            managed_cache=managed_cache is not None,
            scheduled_jobs=bool(app.jobs),
            dns_zone=app.domain is not None and bool(app.domain.zone),
            topics=bool(app.topics),
            # Behind the user's own proxy the certificates are Certificate Manager's, authorized by DNS.
            certificate_manager=app.domain is not None and bool(app.allow_from),
        )
        apis = ProjectApis(name, enabled, opts=child)
        # Everything else waits for the APIs it calls.
        after_apis = pulumi.ResourceOptions(parent=self, depends_on=[apis])
        network = Network(name, settings, app.database is not None or managed_cache is not None, opts=after_apis)
        private = [network.private_services] if network.private_services is not None else []
        registry = Registry(name, settings, app.services, app.version, app.protect, opts=after_apis)
        secrets = AppSecrets(name, name, app.secrets, secret_values, app.protect, opts=after_apis)
        database = (
            Database(
                name,
                name,
                app.database,
                settings,
                app.protect,
                app.production,
                network.network,
                private,
                opts=after_apis,
                max_connections=max_connections(database_tier(app) or ""),
                replicas_read=any(svc.database_replica for svc in app.services.values()),
            )
            if app.database
            else None
        )
        cache = (
            Cache(name, name, managed_cache, region, app.protect, network.network, private, opts=after_apis)
            if managed_cache is not None
            else None
        )
        buckets = Buckets(name, name, region, app.buckets, app.protect, opts=after_apis, project=project)

        called = sorted({callee for svc in app.services.values() for callee in svc.calls})
        # Looked up only when a service calls another (it is the one part of a run.app URL a name does not give) or a
        # bucket is a site (it names Cloud CDN's fill agent, the site bucket's one reader).
        project_number = (
            gcp.organizations.get_project_output(project_id=project, opts=pulumi.InvokeOptions(parent=self)).number
            if called or app.sites
            else ""
        )
        # Pub/Sub topics the services publish to (`grants.publish`); who may publish is each workload's grant.
        topics = {t: gcp.pubsub.Topic(f"{name}-{t}", name=scoped(name, t), opts=after_apis) for t in app.topics}
        stores = Stores(
            secrets=secrets.refs,
            buckets=buckets.buckets,
            egress=network.egress,
            database_secrets={
                "url": database.url,
                "password": database.password,
                **({"replica_url": database.replica_url} if database.replica_url else {}),
                **({"replica_urls": database.replica_urls} if database.replica_urls else {}),
            }
            if database
            else {},
            database_host=database.instance.private_ip_address if database else None,
            database_replica_hosts=pulumi.Output.all(*database.replica_hosts).apply(",".join) if database and database.replicas else None,
            database_needs=[database.user, database.database] if database else [],
            topics=topics,
            project=project,
            cache_secrets={"url": cache.url, "ca": cache.ca_certificate} if cache else {},
            cache_needs=[cache.instance] if cache else [],
            service_urls={c: run_url(f"{name}-{c}", project_number, region) for c in called},
        )
        callers: list[tuple[WorkloadIdentity, str]] = []  # each workload's identity, and the service whose calls it makes

        def wire(service: str, identity: WorkloadIdentity, job: Job | None = None, release: bool = False) -> Wiring:
            callers.append((identity, service))
            return run_wiring(needs(app, service, job, release), stores, identity)

        def egress(service: str) -> dict[str, object]:
            # A caller's requests to `run.app` must come from the VPC, where a private (internal-ingress) service takes
            # them: route all its egress through the VPC (internet-bound traffic leaves through Cloud NAT).
            return vpc_egress(network.network.id, network.subnet.id, all_traffic=bool(app.services[service].calls))

        http: dict[str, gcp.cloudrunv2.Service] = {}
        workers: dict[str, gcp.cloudrunv2.WorkerPool] = {}
        for svc_name, svc in app.services.items():
            workload = f"{name}-{svc_name}"
            identity = WorkloadIdentity(workload, name, svc_name, project, opts=after_apis)
            wired = wire(svc_name, identity)
            spec = container(registry.images[svc_name], svc.command, svc.args, svc.cpu, svc.memory, wired)
            if svc.kind == "http":
                behind_load_balancer = app.domain is not None and svc.is_public
                http[svc_name] = HttpService(
                    workload,
                    svc,
                    region,
                    spec,
                    egress(svc_name),
                    identity,
                    behind_load_balancer,
                    wired.needs,
                    opts=after_apis,
                    volumes=wired.volumes(),
                ).service
            else:
                workers[svc_name] = WorkerPool(
                    workload, svc, region, spec, egress(svc_name), identity, wired.needs, opts=after_apis, volumes=wired.volumes()
                ).pool

        jobs: dict[str, gcp.cloudrunv2.Job] = {}
        if app.jobs:
            invoker = gcp.serviceaccount.Account(
                f"{name}-scheduler",
                account_id=service_account_id(name, "scheduler"),
                display_name=f"{name} scheduler",
                description="Cloud Scheduler runs the app's Cloud Run jobs as this account; it may do nothing else",
                opts=after_apis,
            )
            for job_name, job in app.jobs.items():
                workload = f"{name}-{job_name}"
                svc = app.services[job.service]
                identity = WorkloadIdentity(workload, name, job_name, project, opts=after_apis)
                job_wiring = wire(job.service, identity, job)
                spec = container(registry.images[job.service], job.command, None, job.cpu, job.memory, job_wiring)
                jobs[job_name] = ScheduledJob(
                    workload,
                    job,
                    project,
                    region,
                    spec,
                    egress(job.service),
                    identity,
                    invoker,
                    job_wiring.needs,
                    job_wiring.volumes(),
                    opts=after_apis,
                ).job

        migration: dict[str, object] | None = None
        if app.migrate is not None:
            release = app.migrate
            svc = app.services[release.service]
            # Runs as the service it migrates for, with the same database access; the deploy runs it before services roll.
            identity = WorkloadIdentity(f"{name}-migrate", name, "migrate", project, opts=after_apis)
            release_wiring = wire(release.service, identity, release=True)
            spec = container(registry.images[release.service], release.command, None, release.cpu, release.memory, release_wiring)
            migrate_job = cloud_run_job(
                f"{name}-migrate",
                region,
                identity,
                spec,
                egress(release.service),
                0,
                release.timeout_seconds,
                release_wiring.needs,
                self,
                release_wiring.volumes(),
            )
            migration = {"job": migrate_job.name, "region": region, "project": project}

        # Each declared call: the caller's identity may invoke the callee, and no one else is granted.
        for identity, service in callers:
            for callee in app.services[service].calls:
                invoker_grant(callee, http[callee], region, identity)

        public = {n: s for n, s in http.items() if app.services[n].is_public}
        routes = app.routes_most_specific_first()
        edge = (
            Edge(
                name,
                app.domain,
                region,
                routes,
                public,
                opts=after_apis,
                waf_mode=app.waf_mode,
                production=app.production,
                cdn=frozenset(n for n, svc in app.public_services.items() if svc.cdn),
                allow_from=app.allow_from,
                client_ip_header=app.client_ip_header if app.allow_from else None,
                host_routes=app.host_routes(),
                sites={n: (site, buckets.buckets[n]) for n, site in app.sites.items()},
                project_number=project_number,
            )
            if app.domain is not None and (public or app.sites)
            else None
        )
        if edge is None and public:
            pulumi.log.warn(
                "no domain is set: services are reachable only at their run.app URLs, without Cloud Armor or CDN. "
                "Set `domain` for the load balancer.",
                resource=self,
            )
        watched = Watched(
            region=region,
            workers={n: (pool, app.services[n].instances.min) for n, pool in workers.items()},
            jobs=jobs,
            database=database.instance if database else None,
            database_max_connections=max_connections(database_tier(app) or "") if app.database else None,
            cache=cache.instance if cache else None,
        )
        webhook = app.alerts.webhook_secret
        Monitoring(
            name,
            project,
            app.alerts,
            app.domain,
            app.services,
            http,
            opts=after_apis,
            watched=watched,
            # The URL is a supplied secret: its value comes from the stack's encrypted secretValues, never the plain config.
            webhook_url=secret_values[webhook] if webhook else None,
        )
        dashboard = Dashboard(name, project, http, watched, opts=after_apis)

        catch_all = [n for n, path in app.routes_most_specific_first() if path == "/"]
        self.outputs = {
            "url": edge.url if edge else (http[catch_all[0]].uri if catch_all else None),
            "loadBalancerIp": edge.address.address if edge else None,
            "serviceUrls": {n: s.uri for n, s in http.items()},
            "workerPools": {n: w.name for n, w in workers.items()},
            "jobs": {n: j.name for n, j in jobs.items()},
            "databaseConnectionName": database.instance.connection_name if database else None,
            **({"databaseReplicaAddresses": database.replica_hosts} if database and database.replicas else {}),
            "cacheHost": cache.instance.host if cache else None,
            "registryUrl": registry.url,
            "buckets": {n: b.name for n, b in buckets.buckets.items()},
            # The URL map whose Cloud CDN cache to invalidate after uploading a site's build (`gcloud compute url-maps
            # invalidate-cdn-cache`; AWS exports cdnDomainName likewise). Only with sites: other stacks' outputs are unchanged.
            **({"cdnUrlMap": edge.url_map.name} if edge is not None and app.sites else {}),
            # Behind the user's own proxy without a zone: the DNS authorization records to create at their DNS provider.
            **(
                {"certificateDnsRecords": edge.certificate_dns_records}
                if edge is not None and edge.certificate_dns_records is not None
                else {}
            ),
            "migration": migration,
            "dashboardUrl": dashboard.url,
        }
        self.register_outputs(self.outputs)

"""The whole application on AWS, composed from one component per concern."""

from __future__ import annotations

from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.aws.buckets import Buckets
from components.aws.cache import Cache, smallest_node_type
from components.aws.cdn import LOAD_BALANCER_ORIGIN, Behaviour, Cdn, site_origin
from components.aws.connections import max_connections
from components.aws.dashboard import Dashboard
from components.aws.database import Database
from components.aws.discovery import Discovery
from components.aws.edge import Edge, Route
from components.aws.firewall import CLOUDFRONT_SUFFIX, protection_rules, web_acl
from components.aws.job import ScheduledJob
from components.aws.limits import database_class
from components.aws.logs import AccessLogs, app_key_policy
from components.aws.network import Network
from components.aws.observability import Alarms, Watched, WatchedJob
from components.aws.registry import Registry
from components.aws.release import LoadBalancerRole
from components.aws.secrets import AppSecrets
from components.aws.security import SecurityGroups
from components.aws.service import FargateService, Release
from components.aws.task import Container, FargateTask, Wiring
from components.aws.topics import Topics
from components.aws.wiring import Stores, ecs_wiring
from components.naming import scoped
from components.passwords import generated_password
from components.stateful import keep
from stacks.model import App, Job, Service
from stacks.wiring import needs

# Time between SIGTERM and SIGKILL: ECS's default (30 s) for http services, which the load balancer drains first;
# Fargate's maximum (120 s) for workers, so a Celery warm shutdown finishes its tasks on every deploy and scale-in.
# Source: Amazon ECS developer guide, task definition parameters, `stopTimeout` (Fargate: up to 120 seconds).
STOP_TIMEOUT_SECONDS = {"http": 30, "worker": 120}


def stop_timeout(svc: Service) -> int:
    return svc.stop_timeout_seconds or STOP_TIMEOUT_SECONDS[svc.kind]


def cdn_behaviours(app: App) -> list[Behaviour]:
    """What CloudFront does under each path: the services' paths go to the load balancer, cached for `cdn` services (one
    answer per path: components/aws/limits.py refuses a path cached on one host and not on another), the sites' to their
    buckets; most specific first."""
    paths = {path: app.services[svc].cdn for svc, path in app.routes_most_specific_first()}
    behaviours = [Behaviour(path, LOAD_BALANCER_ORIGIN, cached) for path, cached in paths.items()]
    behaviours += [Behaviour(site.path, site_origin(bucket), True) for bucket, site in app.sites.items()]
    return sorted(behaviours, key=lambda b: (-len(b.path), b.path))


class AwsApp(pulumi.ComponentResource):
    outputs: dict[str, pulumi.Input[object]]

    def __init__(self, app: App, secret_values: Mapping[str, pulumi.Output[str]], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("shipyard:aws:App", app.name, None, opts)
        settings = app.aws
        assert settings is not None
        name = app.name
        child = pulumi.ResourceOptions(parent=self)
        account_id = aws.get_caller_identity_output(opts=pulumi.InvokeOptions(parent=self)).account_id
        partition = aws.get_partition_output(opts=pulumi.InvokeOptions(parent=self)).partition

        key = aws.kms.Key(
            name,
            description=f"{name}: data at rest (database, cache, secrets, buckets, logs)",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            # Inline, so every log group that names the key is created after CloudWatch Logs may use it.
            policy=app_key_policy(account_id, settings.region, self),
            opts=keep(self, app.protect),
        )
        aws.kms.Alias(name, name=f"alias/{scoped(name)}", target_key_id=key.key_id, opts=pulumi.ResourceOptions(parent=key))
        network = Network(name, settings, settings.log_retention_days, opts=child, log_key_arn=key.arn)
        # With CloudFront in front (`cdn`, sites), the load balancer's web ACL knows it by a secret header.
        origin_secret = pulumi.Output.secret(generated_password(f"{name}-origin", self).result) if app.uses_cdn else None
        groups = SecurityGroups(
            name,
            network.vpc,
            workloads=[*app.services, *app.jobs],
            load_balanced={n: svc.port for n, svc in app.public_services.items() if svc.port is not None},
            opts=child,
            allow_from=app.allow_from,
        )
        secrets = AppSecrets(
            name, app.name, app.secrets, secret_values, protect=app.protect, production=app.production, key_arn=key.arn, opts=child
        )

        def clients(need: str) -> dict[str, pulumi.Input[str]]:
            users = [n for n, s in app.services.items() if getattr(s, need)]
            users += [j for j, job in app.jobs.items() if getattr(app.services[job.service], need)]
            return {u: groups.workloads[u].id for u in users}

        database = (
            Database(
                name,
                app_name=app.name,
                spec=app.database,
                instance_class=database_class(app) or "",
                max_connections=max_connections(database_class(app) or ""),
                protect=app.protect,
                vpc=network.vpc,
                subnet_ids=network.private_subnet_ids,
                clients=clients("database"),
                key_arn=key.arn,
                opts=child,
            )
            if app.database
            else None
        )
        cache = (
            Cache(
                name,
                app_name=app.name,
                spec=app.cache,
                node_type=settings.cache_node_type or smallest_node_type(app.cache.memory_gb),
                protect=app.protect,
                production=app.production,
                vpc=network.vpc,
                subnet_ids=network.private_subnet_ids,
                clients=clients("cache"),
                key_arn=key.arn,
                opts=child,
            )
            if app.cache and app.cache.managed
            else None
        )
        buckets = Buckets(name, app.buckets, protect=app.protect, key_arn=key.arn, opts=child)
        topics = Topics(name, app.topics, key.arn, opts=child) if app.topics else None
        registry = Registry(
            name, app.name, app.services, app.version, settings.architecture, protect=app.protect, key_arn=key.arn, opts=child
        )
        # A service declared private is never attached to the internet-facing load balancer.
        routes = [
            Route(
                svc_name,
                path,
                app.services[svc_name].port or 0,
                app.services[svc_name].effective_health_path,
                app.services[svc_name].websocket,
                tuple(app.services[svc_name].hosts or ()),
            )
            for svc_name, path in app.routes_most_specific_first()
        ]
        # The load balancer's access logs and the buckets' server access logs, in a bucket of their own.
        access_logs = (
            AccessLogs(name, settings.region, account_id, buckets.buckets, load_balancer=bool(routes), protect=app.protect, opts=child)
            if routes or buckets.buckets
            else None
        )
        edge = (
            Edge(
                name,
                routes,
                domain=app.domain,
                production=app.production,
                vpc=network.vpc,
                public_subnet_ids=network.public_subnet_ids,
                security_group=groups.load_balancer,
                opts=child,
                access_logs=access_logs,
                waf_mode=app.waf_mode,
                log_retention_days=settings.log_retention_days,
                log_key_arn=key.arn,
                shifting=frozenset(n for n, svc in app.public_services.items() if svc.rollout.shifts_traffic),
                client_ip_header=app.client_ip_header if app.allow_from else None,
                origin_secret=origin_secret,
                behind_proxy=bool(app.allow_from),
            )
            if routes
            else None
        )
        cdn = None
        if edge is not None and app.domain is not None and origin_secret is not None:
            # The rate limit and the managed rules on the distribution, where they see the viewer and every request.
            cdn_acl = (
                web_acl(
                    f"{name}{CLOUDFRONT_SUFFIX}",
                    protection_rules(app.waf_mode == "count"),
                    settings.log_retention_days,
                    self,
                    cloudfront=True,
                )
                if app.waf_mode != "off"
                else None
            )
            cdn = Cdn(
                name,
                app.domain,
                cdn_behaviours(app),
                edge.load_balancer.dns_name,
                origin_secret,
                {n: (buckets.buckets[n], site) for n, site in app.sites.items()},
                edge.validation_fqdns,
                opts=child,
                web_acl_arn=cdn_acl.arn if cdn_acl else None,
            )
            records = edge.point_names_at(cdn.distribution.domain_name, cdn.distribution.hosted_zone_id, cdn=True)
            edge.guard(after=records or [cdn.distribution])
            buckets.admit_cdn(cdn.site_reader)
        # Made before the services: a release ECS shifts is rolled back by the load balancer's alarms.
        alarms = Alarms(name, app.alerts, account_id, protect=app.protect, events=bool(app.jobs), opts=child)
        release_alarms = (
            alarms.load_balancer(
                edge.load_balancer.arn_suffix,
                {
                    svc: [
                        group.arn_suffix,
                        *([edge.alternate_target_groups[svc].arn_suffix] if svc in edge.alternate_target_groups else []),
                    ]
                    for svc, group in edge.target_groups.items()
                },
                {n for n, svc in app.services.items() if svc.instances.min == 0},
            )
            if edge
            else {}
        )
        load_balancer_role = LoadBalancerRole(name, partition, account_id, opts=child) if edge and edge.alternate_target_groups else None

        cluster = aws.ecs.Cluster(name, settings=[{"name": "containerInsights", "value": "enhanced"}], opts=child)

        # Who calls whom: every workload that runs a calling service's image (the service, its jobs, the release step).
        runs = {**{n: n for n in app.services}, **{j: job.service for j, job in app.jobs.items()}}
        callers_of: dict[str, dict[str, pulumi.Input[str]]] = {}
        for workload, service_name in runs.items():
            for callee in app.services[service_name].calls:
                callers_of.setdefault(callee, {})[workload] = groups.workloads[workload].id
        discovery = (
            Discovery(
                name,
                app.name,
                network.vpc,
                {callee: (app.services[callee].port or 0, callers) for callee, callers in callers_of.items()},
                opts=child,
            )
            if callers_of
            else None
        )

        stores = Stores(
            secrets=secrets.stored,
            buckets=buckets.buckets,
            kms_key_arn=key.arn,
            egress=network.private_egress,
            database_credentials=database.credentials if database else None,
            database_host=database.instance.address if database else None,
            database_replica_hosts=pulumi.Output.all(*[r.address for r in database.replicas]).apply(",".join)
            if database and database.replicas
            else None,
            cache_connection=cache.connection if cache else None,
            service_urls={c: discovery.url(c, app.services[c].port or 0) for c in discovery.registries} if discovery else {},
            topics=topics.topics if topics else {},
            arn_prefix=lambda service: pulumi.Output.concat("arn:", partition, f":{service}:{settings.region}:", account_id, ":"),
        )

        def wiring(service: str, job: Job | None = None, release: bool = False) -> Wiring:
            return ecs_wiring(needs(app, service, job, release), stores, registry.pull_arns[service])

        watched = Watched(cluster_name=cluster.name, cluster_arn=cluster.arn)
        service_names: dict[str, pulumi.Output[str]] = {}
        for svc_name, svc in app.services.items():
            workload = f"{name}-{svc_name}"
            task = FargateTask(
                workload,
                Container(
                    registry.images[svc_name],
                    svc.command,
                    svc.args,
                    svc.cpu,
                    svc.memory,
                    svc.port,
                    svc.user,
                    stop_timeout=stop_timeout(svc),
                    read_only_root_filesystem=svc.read_only_root_filesystem,
                    health_command=svc.health_command,
                    exec_enabled=settings.ecs_exec,
                ),
                wiring(svc_name),
                settings.architecture,
                settings.log_retention_days,
                opts=child,
                # `stacks.release rollback` deploys the revision before the current one.
                keep_revisions=svc.is_public and svc.rollout.shifts_traffic,
            )
            target_group = edge.target_groups.get(svc_name) if edge else None
            service = FargateService(
                workload,
                svc,
                task,
                cluster,
                network.task_subnet_ids,
                groups.workloads[svc_name],
                target_group,
                routing=edge.routing if edge and target_group else [],
                opts=child,
                discovery=discovery.registries.get(svc_name) if discovery else None,
                callers=discovery.callers.get(svc_name) if discovery else None,
                exec_enabled=settings.ecs_exec,
                public_address=network.tasks_public,
                release=Release(
                    edge.alternate_target_groups[svc_name], edge.production_rules[svc_name], load_balancer_role, release_alarms[svc_name]
                )
                if edge and load_balancer_role and svc_name in edge.alternate_target_groups
                else None,
            )
            service_names[svc_name] = service.service.name
            if target_group is not None:
                watched.target_group_suffixes[svc_name] = target_group.arn_suffix
            if svc.instances.min == 0:
                watched.scaled_to_zero.add(svc_name)
        watched.service_names = service_names

        for job_name, job in app.jobs.items():
            svc = app.services[job.service]
            workload = f"{name}-{job_name}"
            job_wiring = wiring(job.service, job)
            task = FargateTask(
                workload,
                Container(
                    registry.images[job.service],
                    job.command,
                    None,
                    job.cpu,
                    job.memory,
                    user=svc.user,
                    read_only_root_filesystem=svc.read_only_root_filesystem,
                    exec_enabled=settings.ecs_exec,
                ),
                job_wiring,
                settings.architecture,
                settings.log_retention_days,
                opts=child,
            )
            scheduled = ScheduledJob(
                workload,
                job,
                task,
                cluster,
                network.task_subnet_ids,
                groups.workloads[job_name],
                account_id,
                opts=child,
                public_address=network.tasks_public,
            )
            watched.jobs[job_name] = WatchedJob(scheduled.state_machine.arn, task.definition.family, scheduled.dead_letters.name)

        if edge is not None:
            watched.load_balancer_suffix = edge.load_balancer.arn_suffix
        if database is not None and app.database is not None:
            watched.database_id = database.instance.identifier
            watched.database_storage_gb = app.database.storage_gb
            watched.database_max_connections = max_connections(database_class(app) or "")
        if cache is not None and app.cache is not None:
            watched.cache_group_id = cache.group.id
            watched.cache_nodes = 2 if app.cache.high_availability else 1
        alarms.watch(watched)
        dashboard = Dashboard(name, watched, opts=child)

        migration: dict[str, object] | None = None
        if app.migrate is not None:
            release = app.migrate
            # A one-off task with the service's image and access; the deploy runs it before services roll.
            migrate_task = FargateTask(
                f"{name}-migrate",
                Container(
                    registry.images[release.service],
                    release.command,
                    None,
                    release.cpu,
                    release.memory,
                    user=app.services[release.service].user,
                    read_only_root_filesystem=app.services[release.service].read_only_root_filesystem,
                ),
                wiring(release.service, release=True),
                settings.architecture,
                settings.log_retention_days,
                opts=child,
            )
            migration = {
                "cluster": cluster.name,
                "taskDefinition": migrate_task.definition.arn,
                "subnets": network.task_subnet_ids,
                "securityGroups": [groups.workloads[release.service].id],
                **({"assignPublicIp": "ENABLED"} if network.tasks_public else {}),
                "timeoutSeconds": release.timeout_seconds,
            }

        self.outputs = {
            "url": edge.url if edge else None,
            "loadBalancerDnsName": edge.load_balancer.dns_name if edge else None,
            # The id is what an invalidation names (README, "CDN, static sites and access lists").
            **({"cdnDomainName": cdn.distribution.domain_name, "cdnDistributionId": cdn.distribution.id} if cdn else {}),
            "clusterName": cluster.name,
            "serviceNames": service_names,
            "databaseEndpoint": database.instance.address if database else None,
            **({"databaseReplicaEndpoints": [r.address for r in database.replicas]} if database and database.replicas else {}),
            "cacheEndpoint": cache.group.primary_endpoint_address if cache else None,
            "buckets": {n: b.bucket for n, b in buckets.buckets.items()},
            "alarmTopicArn": alarms.topic.arn,
            "dashboardUrl": dashboard.url,
            "repositoryUrls": {n: r.repository_url for n, r in registry.repositories.items()},
            "migration": migration,
        }
        self.register_outputs(self.outputs)

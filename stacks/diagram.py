"""A Mermaid diagram of a rendered stack: the edge, the workloads, the data stores and who reads what.

    venv/bin/python -m stacks.diagram aws-prod     # print one stack's diagram
    venv/bin/python -m stacks.diagram --write      # rewrite the diagrams README.md embeds
    venv/bin/python -m stacks.diagram --check      # exit 1 when README.md's diagrams are stale

Everything drawn comes from the render (the load balancer, its routes, WAF / Cloud Armor, CDN, sizes, instance
classes, schedules) or from the model the render was made from (instance ranges, and which workload reads which
store: `stacks.wiring.needs`, the same decision the renderers map). Node ids are stable (`svc_api`, `job_nightly`,
`db`, `bucket_uploads`), so a diff of the diagram shows what changed. README.md holds each committed stack's
diagram between `<!-- BEGIN diagram STACK -->` and `<!-- END diagram STACK -->`; tests/test_diagram.py fails
when they are out of date.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from components.aws.cdn import site_origin
from stacks.model import App
from stacks.offline import ROOT, Rendering, Resource
from stacks.wiring import Needs, needs

README = ROOT / "README.md"
COMMAND = "venv/bin/python -m stacks.diagram --write"


def begin_marker(stack: str) -> str:
    return f"<!-- BEGIN diagram {stack}: generated from the render by `{COMMAND}` -->"


def end_marker(stack: str) -> str:
    return f"<!-- END diagram {stack} -->"


def node_id(prefix: str, name: str) -> str:
    return f"{prefix}_{re.sub(r'[^A-Za-z0-9]', '_', name)}"


def _label(*parts: str) -> str:
    text = "<br/>".join(p for p in parts if p)
    return '"' + text.replace('"', "#quot;") + '"'


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0


@dataclass
class _Graph:
    rendering: Rendering
    app: App
    lines: list[str] = field(default_factory=list)
    edges: list[str] = field(default_factory=list)

    def resource(self, type_: str, name: str) -> Resource | None:
        found = [r for r in self.rendering.of_type(type_) if r.name == name]
        return found[0] if found else None

    def named(self, workload: str, *types: str) -> Resource | None:
        for type_ in types:
            found = self.resource(type_, f"{self.app.name}-{workload}")
            if found is not None:
                return found
        return None

    def deps(self, resource: Resource, key: str, type_: str) -> list[Resource]:
        by_urn = {r.urn: r for r in self.rendering.resources}
        return [by_urn[u] for u in resource.property_dependencies.get(key, []) if u in by_urn and by_urn[u].type == type_]

    def by_id(self, value: Any, type_: str) -> Resource | None:
        """The resource an input refers to by ID or ARN; offline IDs are `<logical name>-id`, ARNs end in the name."""
        for r in self.rendering.of_type(type_):
            if value in (f"{r.name}-id", r.inputs.get("name")) or (isinstance(value, str) and value.endswith(f":{r.name}")):
                return r
        return None

    def workload_of(self, resource: Resource) -> str | None:
        prefix = f"{self.app.name}-"
        return resource.name[len(prefix) :] if resource.name.startswith(prefix) else None


def _collapse(paths: Iterable[str]) -> list[str]:
    """`/api` and `/api/*` are one route, `/api`."""
    out: list[str] = []
    for path in paths:
        base = path[:-2] if path.endswith("/*") else path
        base = base or "/"
        if base not in out:
            out.append(base)
    return out


# ---- the edge, read from the render


@dataclass
class _Edge:
    balancer: str = ""
    waf: str = ""
    waf_first: bool = False  # the WAF is in front of the CDN (CloudFront's own web ACL), not between it and the balancer
    domain: str = ""
    cdn: set[str] = field(default_factory=set)  # services behind the CDN
    routes: dict[str, list[str]] = field(default_factory=dict)  # service -> paths
    front: str = ""  # a CDN in front of the whole edge (CloudFront)
    sites: dict[str, str] = field(default_factory=dict)  # bucket -> its path, served through the CDN


def _aws_edge(g: _Graph) -> _Edge | None:
    balancers = [r for r in g.rendering.of_type("aws:lb/loadBalancer:LoadBalancer") if not r.inputs.get("internal")]
    if not balancers:
        return None
    edge = _Edge(balancer="Application Load Balancer")
    acls = g.rendering.of_type("aws:wafv2/webAcl:WebAcl")
    # Behind CloudFront the rules that protect are on the distribution (scope CLOUDFRONT), in front of it; the load
    # balancer's own only checks that a request came through it.
    at_the_edge = [a for a in acls if a.inputs.get("scope") == "CLOUDFRONT"]
    if at_the_edge or (acls and g.rendering.of_type("aws:wafv2/webAclAssociation:WebAclAssociation")):
        rules = (at_the_edge or acls)[0].inputs.get("rules") or []
        edge.waf = f"AWS WAF<br/>{len(rules)} rule groups"
        edge.waf_first = bool(at_the_edge)
    aliases = [r for r in g.rendering.of_type("aws:route53/record:Record") if r.inputs.get("aliases")]
    edge.domain = str(aliases[0].inputs.get("name", "")).rstrip(".") if aliases else ""
    for distribution in g.rendering.of_type("aws:cloudfront/distribution:Distribution"):
        # CloudFront in front of everything: which paths it caches is the model's (`cdn`), which buckets it serves the
        # distribution's origins.
        edge.front = "CloudFront"
        edge.cdn = {n for n, svc in g.app.public_services.items() if svc.cdn}
        origins = {str(o.get("originId")) for o in distribution.inputs.get("origins") or []}
        edge.sites = {n: site.path for n, site in g.app.sites.items() if site_origin(n) in origins}
    services = g.rendering.of_type("aws:ecs/service:Service")

    def service_of(group: Resource) -> str | None:
        for svc in services:
            if group.urn in svc.property_dependencies.get("loadBalancers", []):
                return g.workload_of(svc)
        return None

    for listener in g.rendering.of_type("aws:lb/listener:Listener"):
        for group in g.deps(listener, "defaultActions", "aws:lb/targetGroup:TargetGroup"):
            name = service_of(group)
            if name:
                edge.routes.setdefault(name, []).append("/")
    for rule in g.rendering.of_type("aws:lb/listenerRule:ListenerRule"):
        paths = [p for c in rule.inputs.get("conditions") or [] for p in ((c.get("pathPattern") or {}).get("values") or [])]
        for group in g.deps(rule, "actions", "aws:lb/targetGroup:TargetGroup"):
            name = service_of(group)
            if name:
                edge.routes.setdefault(name, []).extend(paths)
    return edge


def _gcp_edge(g: _Graph) -> _Edge | None:
    maps = [r for r in g.rendering.of_type("gcp:compute/uRLMap:URLMap") if r.inputs.get("defaultService") or r.inputs.get("pathMatchers")]
    if not maps:
        return None
    edge = _Edge(balancer="External Application Load Balancer")
    policies = g.rendering.of_type("gcp:compute/securityPolicy:SecurityPolicy")
    if policies:
        edge.waf = f"Cloud Armor<br/>{len(policies[0].inputs.get('rules') or [])} rules"
    records = g.rendering.of_type("gcp:dns/recordSet:RecordSet")
    edge.domain = str(records[0].inputs.get("name", "")).rstrip(".") if records else ""
    backends = g.rendering.of_type("gcp:compute/backendService:BackendService")
    for backend in backends:
        if backend.inputs.get("enableCdn") and g.workload_of(backend):
            edge.cdn.add(str(g.workload_of(backend)))
    # A site is a backend bucket with Cloud CDN on the bucket the model serves.
    served = {str(b.inputs.get("bucketName")) for b in g.rendering.of_type("gcp:compute/backendBucket:BackendBucket")}
    buckets = {r.name: r for r in g.rendering.of_type("gcp:storage/bucket:Bucket")}
    edge.sites = {
        n: site.path
        for n, site in g.app.sites.items()
        if f"{g.app.name}-{n}" in buckets and str(buckets[f"{g.app.name}-{n}"].inputs.get("name")) in served
    }

    def service_of(value: Any) -> str | None:
        backend = g.by_id(value, "gcp:compute/backendService:BackendService")
        return g.workload_of(backend) if backend else None

    url_map = maps[0]
    for matcher in url_map.inputs.get("pathMatchers") or []:
        for rule in matcher.get("pathRules") or []:
            name = service_of(rule.get("service"))
            if name:
                edge.routes.setdefault(name, []).extend(rule.get("paths") or [])
        name = service_of(matcher.get("defaultService"))
        if name:
            edge.routes.setdefault(name, []).append("/")
    name = service_of(url_map.inputs.get("defaultService"))
    if name and "/" not in edge.routes.get(name, []):
        edge.routes.setdefault(name, []).append("/")
    return edge


def _docker_edge(g: _Graph) -> _Edge | None:
    """The proxy's routes, read from the Caddyfile the render uploads into it."""
    proxy = g.resource("docker:index/container:Container", f"{g.app.name}-proxy")
    if proxy is None:
        return None
    edge = _Edge(balancer="Caddy reverse proxy", domain=g.app.domain.name if g.app.domain else "")
    text = next((u.get("content", "") for u in proxy.inputs.get("uploads") or [] if u.get("file") == "/etc/caddy/Caddyfile"), "")
    matchers = dict(re.findall(r"^\s*@(\S+) path (.+)$", text, re.MULTILINE))
    for matcher, upstream in re.findall(r"^\s*reverse_proxy(?: @(\S+))? (\S+)", text, re.MULTILINE):
        service = re.sub(r"-\d+:\d+$", "", upstream)
        edge.routes.setdefault(service, []).extend(matchers[matcher].split() if matcher else ["/"])
    return edge


DOCKER_CONTAINER = "docker:index/container:Container"


def _container(g: _Graph, workload: str) -> Resource | None:
    """A workload's container on Docker: a service's first replica, or the job's or the release step's own."""
    return g.named(f"{workload}-1", DOCKER_CONTAINER) or g.named(workload, DOCKER_CONTAINER)


# ---- workloads and stores


def _size(g: _Graph, workload: str) -> str:
    task = g.named(workload, "aws:ecs/taskDefinition:TaskDefinition")
    if task is not None:
        cpu, memory = _number(task.inputs.get("cpu")) / 1024, _number(task.inputs.get("memory")) / 1024
        return f"Fargate {cpu:g} vCPU / {memory:g} GB"
    run = g.named(workload, "gcp:cloudrunv2/service:Service", "gcp:cloudrunv2/workerPool:WorkerPool", "gcp:cloudrunv2/job:Job")
    if run is not None:
        template = run.inputs.get("template") or {}
        template = template.get("template", template) if run.type == "gcp:cloudrunv2/job:Job" else template
        limits = ((template.get("containers") or [{}])[0].get("resources") or {}).get("limits") or {}
        kind = {"gcp:cloudrunv2/service:Service": "Cloud Run", "gcp:cloudrunv2/workerPool:WorkerPool": "worker pool"}.get(
            run.type, "Cloud Run job"
        )
        return f"{kind} {limits.get('cpu', '1')} vCPU / {limits.get('memory', '512Mi')}"
    container = _container(g, workload)
    if container is not None:
        return f"container {container.inputs.get('cpus', '')} vCPU / {_number(container.inputs.get('memory')):g} MiB"
    return ""


def _present(g: _Graph, workload: str) -> bool:
    types = (
        "aws:ecs/service:Service",
        "aws:scheduler/schedule:Schedule",
        "aws:ecs/taskDefinition:TaskDefinition",
        "gcp:cloudrunv2/service:Service",
        "gcp:cloudrunv2/workerPool:WorkerPool",
        "gcp:cloudrunv2/job:Job",
    )
    return g.named(workload, *types) is not None or _container(g, workload) is not None


def _docker_store(g: _Graph, what: str) -> tuple[str, Resource] | None:
    """A data store container and the version of its official image (`postgres:15` -> 15)."""
    container = g.resource(DOCKER_CONTAINER, f"{g.app.name}-{what}")
    image = g.resource("docker:index/remoteImage:RemoteImage", f"{g.app.name}-{what}")
    if container is None or image is None:
        return None
    return str(image.inputs.get("name", "")).partition(":")[2], container


def _database_label(g: _Graph) -> tuple[str, str] | None:
    rds = [r for r in g.rendering.of_type("aws:rds/instance:Instance") if not r.inputs.get("replicateSourceDb")]
    if rds:
        r = rds[0]
        ha = "Multi-AZ" if r.inputs.get("multiAz") else "Single-AZ"
        return f"PostgreSQL {r.inputs.get('engineVersion', '')}", f"{r.inputs.get('instanceClass', '')} · {ha}"
    sql = [r for r in g.rendering.of_type("gcp:sql/databaseInstance:DatabaseInstance") if not r.inputs.get("masterInstanceName")]
    if sql:
        r = sql[0]
        settings = r.inputs.get("settings") or {}
        version = str(r.inputs.get("databaseVersion", "")).replace("POSTGRES_", "")
        return f"PostgreSQL {version}", f"{settings.get('tier', '')} · {settings.get('availabilityType', '')}"
    docker = _docker_store(g, "postgres")
    if docker is not None:
        return f"PostgreSQL {docker[0]}", "container · volume"
    return None


def _replica(g: _Graph) -> bool:
    return any(r.inputs.get("replicateSourceDb") for r in g.rendering.of_type("aws:rds/instance:Instance")) or any(
        r.inputs.get("masterInstanceName") for r in g.rendering.of_type("gcp:sql/databaseInstance:DatabaseInstance")
    )


def _cache_label(g: _Graph) -> tuple[str, str] | None:
    groups = g.rendering.of_type("aws:elasticache/replicationGroup:ReplicationGroup")
    if groups:
        r = groups[0]
        return (
            f"Redis {r.inputs.get('engineVersion', '')}",
            f"{r.inputs.get('nodeType', '')} x {_number(r.inputs.get('numCacheClusters')):g}",
        )
    redis = g.rendering.of_type("gcp:redis/instance:Instance")
    if redis:
        r = redis[0]
        version = str(r.inputs.get("redisVersion", "")).replace("REDIS_", "").replace("_", ".")
        return f"Redis {version}", f"{r.inputs.get('tier', '')} · {_number(r.inputs.get('memorySizeGb')):g} GB"
    docker = _docker_store(g, "redis")
    if docker is not None and g.app.cache is not None:
        return f"Redis {docker[0]}", f"container · volume · {g.app.cache.memory_gb:g} GB"
    if g.app.cache is not None and g.app.cache.external_url_secret:
        return "Redis (external)", f"URL in secret {g.app.cache.external_url_secret}"
    return None


def _cron_label(g: _Graph, job_name: str) -> str:
    job = g.app.jobs[job_name]
    return f"{job.schedule} {job.time_zone}"


def _instances_label(g: _Graph, name: str) -> str:
    svc = g.app.services[name]
    worker_pool = g.named(name, "gcp:cloudrunv2/workerPool:WorkerPool")
    if worker_pool is not None:
        count = _number((worker_pool.inputs.get("scaling") or {}).get("manualInstanceCount"))
        return f"{count:g} instances"
    if g.app.cloud == "docker":
        low = len(
            [r for r in g.rendering.of_type(DOCKER_CONTAINER) if re.fullmatch(rf"{re.escape(g.app.name)}-{re.escape(name)}-\d+", r.name)]
        )
        return f"{low} replica{'s' if low != 1 else ''}"
    low, high = svc.instances.min, svc.instances.max
    return f"{low} instance{'s' if low != 1 else ''}" if low == high else f"{low}-{high} instances"


def _store_edges(g: _Graph, source: str, need: Needs, reads_cache: bool, style: str) -> None:
    if need.database:
        g.edges.append(f"  {source} {style} db")
    if reads_cache:
        g.edges.append(f"  {source} {style} cache")
    for bucket in need.buckets:
        g.edges.append(f"  {source} {style} {node_id('bucket', bucket)}")
    external = g.app.cache.external_url_secret if g.app.cache is not None else None
    for secret in need.app_secrets:
        if secret != external or not reads_cache:
            g.edges.append(f"  {source} -.-> {node_id('secret', secret)}")


def diagram(rendering: Rendering, app: App) -> str:
    """The stack as a Mermaid flowchart (the text inside a ```mermaid fence)."""
    g = _Graph(rendering, app)
    out = g.lines
    out.append("flowchart LR")
    edge = {"aws": _aws_edge, "gcp": _gcp_edge, "docker": _docker_edge}[app.cloud](g)
    entry = ""
    if edge is not None:
        out.append('  users(("Internet"))')
        out.append('  subgraph edge["Edge"]')
        if edge.front:
            out.append(f"    cdn[[{_label(edge.front, edge.domain)}]]")
        if edge.waf:
            out.append(f"    waf{{{{{_label(edge.waf)}}}}}")
        out.append(f"    lb[{_label(edge.balancer, '' if edge.front else edge.domain)}]")
        if (edge.cdn or edge.sites) and not edge.front:
            out.append(f"    cdn[[{_label('Cloud CDN')}]]")
        out.append("  end")
        entry = "lb"
        if edge.front and edge.waf_first:
            g.edges += ["  users --> waf", "  waf --> cdn", "  cdn --> lb"]
        else:
            first = "cdn" if edge.front else "users"
            if edge.front:
                g.edges.append("  users --> cdn")
            g.edges += [f"  {first} --> waf", "  waf --> lb"] if edge.waf else [f"  {first} --> lb"]

    services = {n: s for n, s in sorted(app.services.items()) if _present(g, n)}
    jobs = {n: j for n, j in sorted(app.jobs.items()) if _present(g, n)}
    out.append('  subgraph workloads["Workloads"]')
    for name, svc in services.items():
        kind = ("http" if svc.is_public else "http, private") if svc.kind == "http" else "worker"
        text = _label(f"{name} ({kind})", _size(g, name), _instances_label(g, name))
        out.append(f"    {node_id('svc', name)}[{text}]" if svc.kind == "http" else f"    {node_id('svc', name)}({text})")
    for name in jobs:
        out.append(f"    {node_id('job', name)}[/{_label(f'{name} (job)', _size(g, name))}/]")
    release = app.migrate is not None and _present(g, "migrate")
    if release:
        out.append(f"    release[/{_label('migrate (release step)', _size(g, 'migrate'))}/]")
    out.append("  end")
    if jobs:
        scheduler = {"aws": "EventBridge Scheduler", "gcp": "Cloud Scheduler", "docker": "busybox crond"}[app.cloud]
        out.append(f"  scheduler([{_label(scheduler)}])")

    out.append('  subgraph data["Data stores"]')
    database = _database_label(g)
    if database:
        out.append(f"    db[({_label(*database)})]")
        if _replica(g):
            out.append(f"    db_replica[({_label('read replica')})]")
            g.edges.append("  db -.-> db_replica")
    cache = _cache_label(g)
    if cache:
        out.append(f"    cache[({_label(*cache)})]")
    for bucket in sorted(app.buckets):
        out.append(f"    {node_id('bucket', bucket)}[({_label(f'bucket {bucket}')})]")
    external = app.cache.external_url_secret if app.cache is not None else None
    for secret in sorted(app.secrets):
        if secret != external or cache is None:
            out.append(f"    {node_id('secret', secret)}>{_label(f'secret {secret}')}]")
    out.append("  end")

    if edge is not None:
        for name in sorted(edge.routes):
            if name not in services:
                continue
            paths = ", ".join(_collapse(sorted(edge.routes[name], key=lambda p: (p == "/", p))))
            target = node_id("svc", name)
            if name in edge.cdn and edge.front:
                g.edges.append(f'  {entry} -- "{paths}, cached" --> {target}')
            elif name in edge.cdn:
                g.edges += [f'  {entry} -- "{paths}" --> cdn', f"  cdn --> {target}"]
            else:
                g.edges.append(f'  {entry} -- "{paths}" --> {target}')
        for bucket, path in sorted(edge.sites.items()):
            # CloudFront reads the bucket itself; on GCP the load balancer's backend bucket, through Cloud CDN.
            g.edges += (
                [f'  cdn -- "{path}" --> {node_id("bucket", bucket)}']
                if edge.front
                else [f'  {entry} -- "{path}" --> cdn', f"  cdn --> {node_id('bucket', bucket)}"]
            )
    for name in jobs:
        g.edges.append(f'  scheduler -- "{_cron_label(g, name)}" --> {node_id("job", name)}')
    for name, svc in services.items():
        for callee in getattr(svc, "calls", []) or []:
            if callee in services:
                g.edges.append(f'  {node_id("svc", name)} -- "calls" --> {node_id("svc", callee)}')
    for name, svc in services.items():
        _store_edges(g, node_id("svc", name), needs(app, name), svc.cache and cache is not None, "-->")
    for name, job in jobs.items():
        _store_edges(g, node_id("job", name), needs(app, job.service, job), app.services[job.service].cache and cache is not None, "-->")
    if release and app.migrate is not None:
        service = app.migrate.service
        _store_edges(g, "release", needs(app, service, release=True), app.services[service].cache and cache is not None, "-->")
    return "\n".join([*out, *g.edges]) + "\n"


def fenced(text: str) -> str:
    return f"```mermaid\n{text}```\n"


# ---- README.md


class DiagramError(Exception):
    """README.md lacks a stack's markers."""


def render_readme(text: str, diagrams: dict[str, str]) -> str:
    """`text` with each stack's block between its markers replaced by its diagram."""
    for stack, body in sorted(diagrams.items()):
        pattern = re.compile(
            re.escape(f"<!-- BEGIN diagram {stack}") + r"[^\n]*-->\n.*?" + re.escape(end_marker(stack)),
            re.DOTALL,
        )
        found = pattern.search(text)
        if found is None:
            raise DiagramError(
                f"README.md: no markers for {stack}; its diagram sits between\n{begin_marker(stack)}\nand\n{end_marker(stack)}"
            )
        block = f"{begin_marker(stack)}\n\n{fenced(body)}\n{end_marker(stack)}"
        text = text[: found.start()] + block + text[found.end() :]
    return text


def committed_diagrams(stacks: Sequence[str] | None = None) -> dict[str, str]:
    from stacks.config import load
    from stacks.offline import committed_stacks, render, stack_config

    result = {}
    for stack in stacks or committed_stacks():
        config, secret_keys = stack_config(stack)
        result[stack] = diagram(render(stack), load(config, secret_keys).app)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    from stacks.offline import committed_stacks

    parser = argparse.ArgumentParser(prog="python -m stacks.diagram", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("stack", nargs="?", choices=committed_stacks(), help="print this stack's diagram")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true", help="rewrite the diagrams in README.md")
    group.add_argument("--check", action="store_true", help="exit 1 when README.md's diagrams are stale")
    args = parser.parse_args(argv)
    diagrams = committed_diagrams([args.stack] if args.stack else None)
    if not (args.write or args.check):
        for stack, body in diagrams.items():
            print(f"{stack}:\n{fenced(body)}")
        return 0
    text = README.read_text()
    updated = render_readme(text, diagrams)
    if args.check:
        if updated != text:
            print(f"README.md: diagrams are stale; run `{COMMAND}`")
            return 1
        return 0
    if updated != text:
        README.write_text(updated)
        print("wrote README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The one public entry: Caddy (a Docker Official Image) serving the model's path routing on one port.

With `domain`, Caddy answers on 80 and 443 and gets and renews the certificate itself (ACME, HTTP-01); 80
redirects to HTTPS. Without one it serves plain HTTP on `docker.httpPort`. Private services have no route here, and
the proxy is on the edge network only: it reaches no data store and holds no secret.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_docker as docker

from components.docker.images import CADDY, official
from components.docker.workload import LOG_OPTIONS
from components.naming import scoped
from stacks.model import App


@dataclass(frozen=True)
class Upstream:
    """A public service as the proxy sees it: its replicas' addresses and how it is checked."""

    service: str
    addresses: tuple[str, ...]  # `<service>-<n>:<port>`
    health_path: str
    sticky: bool
    # `websocket.timeoutSeconds`: how long a streaming (WebSocket) connection may stay open; None for no limit.
    stream_seconds: int | None = None


def caddyfile(app: App, upstreams: dict[str, Upstream], http_port: int) -> str:
    """The Caddyfile: routes most specific first inside one `route` block, which keeps them in the order written
    (Caddy's own directive sorting does not apply there) and stops at the first `reverse_proxy` that matches."""
    site = app.domain.name if app.domain is not None else f":{http_port}"
    lines = ["{", "\tadmin off", "}", "", f"{site} {{"]
    if app.domain is not None:
        lines.append('\theader Strict-Transport-Security "max-age=31536000"')
    routes = app.routes_most_specific_first()
    for index, (_, path) in enumerate(routes):
        if path != "/":
            lines.append(f"\t@route{index} path {path} {path}/*")
    lines.append("\troute {")
    for index, (service, path) in enumerate(routes):
        upstream = upstreams[service]
        matcher = "" if path == "/" else f" @route{index}"
        lines.append(f"\t\treverse_proxy{matcher} {' '.join(upstream.addresses)} {{")
        # Active checks take a failing replica out of rotation; a request is retried on another for 5 s.
        lines += [
            f"\t\t\thealth_uri {upstream.health_path}",
            "\t\t\thealth_interval 10s",
            "\t\t\tlb_try_duration 5s",
        ]
        if upstream.sticky:
            lines.append("\t\t\tlb_policy cookie")
        if upstream.stream_seconds is not None:
            # Caddy's reverse_proxy `stream_timeout` (Caddy 2.7+, "Streaming"): open streams are closed after it.
            lines.append(f"\t\t\tstream_timeout {upstream.stream_seconds}s")
        lines.append("\t\t}")
    if not any(path == "/" for _, path in routes):
        lines.append("\t\trespond 404")
    lines += ["\t}", "}", ""]
    return "\n".join(lines)


class Proxy(pulumi.ComponentResource):
    def __init__(
        self,
        name: str,
        app: App,
        upstreams: dict[str, Upstream],
        edge: docker.Network,
        http_port: int,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("shipyard:docker:Proxy", name, None, opts)
        image = official(f"{name}-proxy", CADDY, self)
        # Certificates and ACME account: kept across replacements, so a redeploy does not ask Let's Encrypt again.
        data = docker.Volume(f"{name}-proxy-data", name=scoped(name, "proxy-data"), opts=pulumi.ResourceOptions(parent=self))
        if app.domain is not None:
            ports = [
                docker.ContainerPortArgs(internal=80, external=80),
                docker.ContainerPortArgs(internal=443, external=443),
                docker.ContainerPortArgs(internal=443, external=443, protocol="udp"),  # HTTP/3
            ]
        else:
            ports = [docker.ContainerPortArgs(internal=http_port, external=http_port)]
        self.container = docker.Container(
            f"{name}-proxy",
            name=scoped(name, "proxy"),
            image=image.image_id,
            uploads=[docker.ContainerUploadArgs(file="/etc/caddy/Caddyfile", content=caddyfile(app, upstreams, http_port))],
            volumes=[docker.ContainerVolumeArgs(volume_name=data.name, container_path="/data")],
            ports=ports,
            networks_advanced=[docker.ContainerNetworksAdvancedArgs(name=edge.name, aliases=["proxy"])],
            restart="unless-stopped",
            # Binding 80 and 443 is all the root it needs.
            capabilities=docker.ContainerCapabilitiesArgs(drops=["ALL"], adds=["NET_BIND_SERVICE"]),
            security_opts=["no-new-privileges:true"],
            log_driver="json-file",
            log_opts=LOG_OPTIONS,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.url = f"https://{app.domain.name}" if app.domain is not None else f"http://localhost:{http_port}"
        self.register_outputs({})

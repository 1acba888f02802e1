"""What a Cloud Run container is given (settings, secret references) and how it reaches the VPC."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pulumi

from components.gcp.secrets import SecretRef


@dataclass
class SecretFile:
    """A secret the container reads as a file: `<directory>/<filename>`, from volume `volume`."""

    volume: str
    directory: str
    filename: str
    ref: SecretRef


@dataclass
class Wiring:
    env: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    secrets: dict[str, SecretRef] = field(default_factory=dict)
    # What must exist before an instance starts: Cloud Run checks its IAM grants when it deploys a revision,
    # and the container connects to the database user, the cache and the private routes as it starts.
    needs: list[pulumi.Resource] = field(default_factory=list)
    files: list[SecretFile] = field(default_factory=list)

    def volumes(self) -> list[dict[str, Any]]:
        """The template's volumes for `files`: each a Secret Manager secret, pinned to its version."""
        return [
            {"name": f.volume, "secret": {"secret": f.ref.secret.secret_id, "items": [{"version": f.ref.version, "path": f.filename}]}}
            for f in self.files
        ]

    def container_env(self) -> list[dict[str, Any]]:
        plain = [{"name": k, "value": v} for k, v in sorted(self.env.items())]
        secret = [
            {"name": k, "value_source": {"secret_key_ref": {"secret": ref.secret.secret_id, "version": ref.version}}}
            for k, ref in sorted(self.secrets.items())
        ]
        return plain + secret


def container(
    image: pulumi.Input[str], command: list[str] | None, args: list[str] | None, cpu: float, memory: int, wiring: Wiring
) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "image": image,
        "envs": wiring.container_env(),
        "resources": {"limits": {"cpu": f"{cpu:g}", "memory": f"{memory}Mi"}},
    }
    # The model's command and args replace the image's CMD, as on AWS; the ENTRYPOINT still runs.
    full = [*(command or []), *(args or [])]
    if full:
        spec["args"] = full
    if wiring.files:
        spec["volume_mounts"] = [{"name": f.volume, "mount_path": f.directory} for f in wiring.files]
    return spec


def vpc_egress(network: pulumi.Input[str], subnet: pulumi.Input[str], all_traffic: bool = False) -> dict[str, Any]:
    """Direct VPC egress: private ranges (Cloud SQL, Memorystore) go through the VPC; with `all_traffic`, everything
    does (a caller of an internal-ingress service must reach `run.app` from the VPC), and the internet via Cloud NAT."""
    return {
        "network_interfaces": [{"network": network, "subnetwork": subnet}],
        "egress": "ALL_TRAFFIC" if all_traffic else "PRIVATE_RANGES_ONLY",
    }

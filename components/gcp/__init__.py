"""The GCP renderer: Cloud Run services, worker pools and jobs, Cloud SQL, Memorystore, Cloud Scheduler."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_gcp as gcp

from components.gcp.app import GcpApp
from components.gcp.defaults import with_defaults
from components.gcp.limits import validate
from stacks.config import Stack

__all__ = ["deploy", "validate", "with_defaults"]


def deploy(stack: Stack) -> dict[str, Any]:
    app = stack.app
    assert app.gcp is not None
    # An explicit provider: project and region come from the model, and every resource is labelled.
    provider = gcp.Provider(
        "gcp",
        project=app.gcp.project,
        region=app.gcp.region,
        default_labels={"app": app.name, "stack": pulumi.get_stack().lower(), "managed-by": "pulumi"},
    )
    gcp_app = GcpApp(app, stack.secret_values, opts=pulumi.ResourceOptions(providers=[provider]))
    return {k: v for k, v in gcp_app.outputs.items() if v is not None}

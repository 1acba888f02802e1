"""Options for resources that hold data: they survive a mistaken rename or destroy."""

from __future__ import annotations

import pulumi


def keep(parent: pulumi.Resource, protect: bool, **extra: object) -> pulumi.ResourceOptions:
    """`protect` makes `pulumi destroy` and accidental replacement fail until it is lifted on purpose."""
    return pulumi.ResourceOptions(parent=parent, protect=protect, **extra)  # type: ignore[arg-type]

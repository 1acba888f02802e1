"""How a route's path becomes the patterns the clouds' path matchers take."""

from __future__ import annotations


def path_patterns(route: str) -> list[str]:
    """A route takes its path and everything under it; `/` takes everything. The ALB's path conditions, CloudFront's path
    patterns and the GCP URL map's path rules all read `*` as "anything" at the end of a path, so one form serves them."""
    return ["/*"] if route == "/" else [route, f"{route}/*"]

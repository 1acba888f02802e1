"""The cloud-neutral description of one application.

Everything here is plain data read from the stack config. It names what the
application needs (services, jobs, a database, a cache, buckets) in terms a
developer uses, and nothing of AWS or GCP beyond the two small settings blocks
that pick a region and override derived sizes. Cloud-specific limits are
checked by each renderer's own `validate` step.
"""

from __future__ import annotations

import ipaddress
import math
import re
import types
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel

from stacks import cron

# `\Z`, not `$`: `$` also matches before a trailing newline, which let "web\n" through.
DNS_NAME = re.compile(r"^[a-z]([a-z0-9-]*[a-z0-9])?\Z")
ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")
SECRET_LOOKING_NAME = re.compile(r"(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)", re.I)
# Names the renderers inject; a user value would silently shadow the wiring.
RESERVED_ENV = frozenset(
    {
        "PORT",
        "DATABASE_URL",
        "DATABASE_HOST",
        "DATABASE_PORT",
        "DATABASE_NAME",
        "DATABASE_USER",
        "DATABASE_PASSWORD",
        "DATABASE_REPLICA_URL",
        "DATABASE_REPLICA_URLS",
        "DATABASE_REPLICA_HOSTS",
        "REDIS_URL",
        "APP_NAME",
        "APP_ENV",
        "REDIS_CA_CERT",
        "JOB_TIMEOUT_SECONDS",
    }
)
# The stack names its own resources `<app>-<word>`; a service or job named like one would collide with it.
RESERVED_WORKLOAD_NAMES = frozenset(
    {"load-balancer", "database", "cache", "migrate", "scheduler", "default", "alias", "edge", "http", "https",
     "redirect", "password", "credentials", "connection", "flow-logs", "private-services", "5xx-rate"}
)  # fmt: skip
RESERVED_WORKLOAD_PREFIXES = ("database-", "cache-", "redis-", "private-", "public-", "nat-", "certificate-")
BUCKET_ENV_PREFIX = "BUCKET_"
TOPIC_ENV_PREFIX = "TOPIC_"


def bucket_env_name(bucket: str) -> str:
    """The variable that carries a bucket's cloud name to the services that use it: `uploads` -> BUCKET_UPLOADS."""
    return f"{BUCKET_ENV_PREFIX}{bucket.upper().replace('-', '_')}"


def topic_env_name(topic: str) -> str:
    """The variable that carries a topic's cloud name to the services that publish to it: `orders` -> TOPIC_ORDERS."""
    return f"{TOPIC_ENV_PREFIX}{topic.upper().replace('-', '_')}"


def _not_reserved_env(name: str) -> None:
    if name in RESERVED_ENV or name.startswith((BUCKET_ENV_PREFIX, TOPIC_ENV_PREFIX)):
        raise ModelError(
            name,
            f"is set by the stack itself; reserved names: {', '.join(sorted(RESERVED_ENV))}, {BUCKET_ENV_PREFIX}*, {TOPIC_ENV_PREFIX}*",
        )


MAX_SERVICE_NAME = 20
INT32_MAX = 2**31 - 1
MAX_CERTIFICATE_NAME = 64
DNS_ZONE = re.compile(r"^([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\.?\Z")
MANAGED_ZONE_NAME = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?\Z")
# PostgreSQL's reserved key words (PostgreSQL docs, Appendix C "SQL Key Words", the "reserved" entries of the
# PostgreSQL column); RDS refuses them as DBName ("Can't be a word reserved by the specified database engine").
POSTGRES_RESERVED = frozenset({
    "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "binary", "both", "case", "cast",
    "check", "collate", "collation", "column", "concurrently", "constraint", "create", "cross", "current_catalog", "current_date",
    "current_role", "current_schema", "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc",
    "distinct", "do", "else", "end", "except", "false", "fetch", "for", "foreign", "freeze", "from", "full", "grant", "group",
    "having", "ilike", "in", "initially", "inner", "intersect", "into", "is", "isnull", "join", "lateral", "leading", "left", "like",
    "limit", "localtime", "localtimestamp", "natural", "not", "notnull", "null", "offset", "on", "only", "or", "order", "outer",
    "overlaps", "placing", "primary", "references", "returning", "right", "select", "session_user", "similar", "some", "symmetric",
    "system_user", "table", "tablesample", "then", "to", "trailing", "true", "union", "unique", "user", "using", "variadic",
    "verbose", "when", "where", "window", "with"
})  # fmt: skip
MAX_SECRET_NAME = 64
MAX_APP_NAME = 16


class ModelError(ValueError):
    """A rule of the model was broken; `path` is the config key path it concerns."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


# ---- values that are credentials whatever their name: formats their issuers document

CREDENTIAL_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    # IAM user guide, "Unique identifiers": access key ids start AKIA (long-term) or ASIA (temporary).
    ("an AWS access key id", re.compile(r"(?<![A-Z0-9])(AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])")),
    # RFC 3986 userinfo `user:password@` in a URL ("postgres://app:hunter2@db/app", "redis://:pw@cache"); a `$`
    # placeholder the application expands itself is not a password.
    ("a URL with a password", re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s/@:]*:(?!\$)[^\s/@]+@")),
    # RFC 7468 (PEM): "-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", ...
    ("a private key", re.compile(r"-----BEGIN ([A-Z0-9]+ )*PRIVATE KEY-----")),
    # GitHub docs, "About authentication to GitHub" (token prefixes); Slack, Stripe and Google API key formats.
    ("a GitHub token", re.compile(r"(?<![A-Za-z0-9])(gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{22,})")),
    ("a Slack token", re.compile(r"(?<![A-Za-z0-9])xox[abposr]-[A-Za-z0-9-]{10,}")),
    ("a Stripe secret key", re.compile(r"(?<![A-Za-z0-9])[rs]k_live_[A-Za-z0-9]{16,}")),
    ("a Google API key", re.compile(r"(?<![A-Za-z0-9])AIza[0-9A-Za-z_-]{35}")),
)
REDACTED = "[redacted]"


def credential_kind(text: str) -> str | None:
    """What credential `text` holds ("a URL with a password"), or None."""
    return next((kind for kind, pattern in CREDENTIAL_FORMATS if pattern.search(text)), None)


def redact(text: str) -> str:
    """`text` with every credential-looking part replaced: errors and warnings never print one."""
    for _, pattern in CREDENTIAL_FORMATS:
        text = pattern.sub(REDACTED, text)
    return text


def _no_credential(value: str, where: str) -> None:
    kind = credential_kind(value)
    if kind is not None:
        raise ModelError(
            where,
            f"holds what looks like a credential ({kind}), which would sit in plain text in the cloud's console and state; "
            "declare a secret under `secrets`, set its value with `pulumi config set --secret --path 'secretValues.NAME' VALUE`, "
            "and list it in the service's `secrets` (the value is not shown here)",
        )


# ---- numbers and true/false written where the model wants text


def _number_as_text(value: Any) -> Any:
    """A number or true/false where the model wants text, as the engine hands it over: its JSON text (`4` -> "4",
    `true` -> "true", `1.5` -> "1.5"; the engine writes 1.0 as 1). YAML reads `WORKERS: 4` and `user: 1000` as numbers."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    return value


def _is_text(annotation: Any) -> bool:
    annotation = _without_none(annotation)
    if annotation is str:
        return True
    return get_origin(annotation) is Literal and all(isinstance(arg, str) for arg in get_args(annotation))


def _without_none(annotation: Any) -> Any:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


@cache
def _text_shapes(model: type[BaseModel]) -> dict[str, str]:
    """Keys (as written and by field name) of `model` that hold text: "one" value, a "list" of them, or a "map" to them."""
    shapes: dict[str, str] = {}
    for name, info in model.model_fields.items():
        annotation = _without_none(info.annotation)
        origin, args = get_origin(annotation), get_args(annotation)
        shape = None
        if _is_text(annotation):
            shape = "one"
        elif origin is list and args and _is_text(args[0]):
            shape = "list"
        elif origin is dict and len(args) == 2 and _is_text(args[1]):
            shape = "map"
        if shape is not None:
            shapes[name] = shapes[info.alias or name] = shape
    return shapes


# ---- image references


# The grammar of github.com/distribution/reference (reference.go), parsed by docker-image-py, which mirrors it:
# name[:tag][@digest], the name lowercase path components with an optional registry host, at most 255 characters.
IMAGE_TAG = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}\Z")
IMAGE_REFERENCE_ALLOWED = (
    "allowed: a reference such as 'ghcr.io/org/app:1.2.3' or 'org/app@sha256:<64 hex digits>': an optional registry host, "
    "lowercase path components of letters, digits and single '.', '_', '__' or '-' between them, an optional tag of 1-128 "
    "letters, digits, '_', '.' and '-' not starting with '.' or '-', and an optional digest"
)


def image_problem(reference: str) -> str | None:
    """What is wrong with an image reference, in words, or None when the registries' grammar takes it."""
    from docker_image import reference as grammar  # type: ignore[import-untyped]

    if not reference:
        return f"is empty; {IMAGE_REFERENCE_ALLOWED}"
    if any(c.isspace() or not c.isprintable() for c in reference):
        return f"{reference!r} holds a space, a line break or a control character; {IMAGE_REFERENCE_ALLOWED}"
    rest, _, digest = reference.partition("@")
    last = rest.rsplit("/", 1)[-1]
    if ":" in last:
        tag = last.split(":", 1)[1]
        if not tag:
            return f"{reference!r} has an empty tag after ':'; {IMAGE_REFERENCE_ALLOWED}"
        if len(tag) > 128:
            return f"{reference!r} has a tag of {len(tag)} characters; tags are at most 128"
        if not IMAGE_TAG.match(tag):
            return f"{reference!r} has the tag {tag!r}; tags are letters, digits, '_', '.' and '-', not starting with '.' or '-'"
    if "@" in reference and not re.match(r"^(sha256:[0-9a-f]{64}|sha384:[0-9a-f]{96}|sha512:[0-9a-f]{128})\Z", digest):
        return f"{reference!r} has a malformed digest; allowed: sha256:<64>, sha384:<96> or sha512:<128> lowercase hex digits"
    try:
        grammar.Reference.parse(reference)
    except grammar.NameContainsUppercase:
        return f"{reference!r} has upper case in its repository path; repository paths are lowercase"
    except grammar.NameTooLong:
        return f"{reference!r} has a repository name over 255 characters"
    except Exception:  # the parser's own errors say "invalid reference format" and no more
        return f"{reference!r} is not an image reference; {IMAGE_REFERENCE_ALLOWED}"
    return None


class Strict(BaseModel):
    """Keys are camelCase like the rest of Pulumi config; unknown keys are errors.

    The stack config is validated by its camelCase keys only (`stacks.config.load` passes `by_name=False`, so
    `health_path` is an unknown key there); the program's own code may still build models by field name."""

    model_config = ConfigDict(extra="forbid", frozen=True, alias_generator=to_camel, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _numbers_as_text(cls, data: Any) -> Any:
        """A number or true/false where a key takes text is read as its text, as the engine hands it over."""
        if not isinstance(data, dict):
            return data
        shapes = _text_shapes(cls)
        fixed: dict[Any, Any] = {}
        for key, value in data.items():
            shape = shapes.get(key) if isinstance(key, str) else None
            if shape == "one":
                value = _number_as_text(value)
            elif shape == "list" and isinstance(value, list):
                value = [_number_as_text(item) for item in value]
            elif shape == "map" and isinstance(value, dict):
                value = {k: _number_as_text(v) for k, v in value.items()}
            fixed[key] = value
        return fixed


def _dns_name(value: str, max_len: int) -> str:
    if len(value) > max_len or not DNS_NAME.match(value):
        raise ValueError(
            f"{value!r} is not a valid name; use 1-{max_len} lowercase letters, digits and '-', "
            "starting with a letter and not ending with '-'"
        )
    return value


# Characters of a path both load balancers match as written: RFC 3986 path characters that the ALB's path patterns
# take ("A-Z, a-z, 0-9, _ - . $ / ~ \" ' @ : + &", ELB docs, "Path conditions"; `&` must be written `&amp;` there, so not
# here). Not `*` and `?` (ALB wildcards), not `?` and `#` (the query and fragment: the GCP URL map matches the path
# before them and refuses both in a path rule), not `%` (an escape the clients send as the character it stands for).
URL_PATH = re.compile(r"^(/[A-Za-z0-9._~$@:+-]*)+\Z")
URL_PATH_ALLOWED = (
    "allowed: an absolute path such as '/api', of ASCII letters, digits and - . _ ~ $ @ : + between single '/', "
    "without '?', '#', '*', '%'-escapes, spaces, empty or '.'/'..' segments"
)


def _url_path(value: str) -> str:
    segments = value.split("/")[1:]
    if not URL_PATH.match(value) or any(s in (".", "..") for s in segments) or "" in segments[:-1]:
        raise ValueError(f"{value!r} is not a path the load balancers match as written; {URL_PATH_ALLOWED}")
    return value


Cpu = Annotated[float, Field(gt=0, le=16)]
MemoryMiB = Annotated[int, Field(ge=128, le=131072)]


def _clean_command(values: list[str] | None) -> None:
    for index, value in enumerate(values or []):
        _no_credential(value, f"[{index}]")


class Build(Strict):
    """Build the image from source with Docker; the stack pushes it to its own registry."""

    context: str = Field(description="Directory sent to Docker, relative to the project")
    dockerfile: str = Field(default="Dockerfile", description="Dockerfile path, relative to `context`")
    target: str | None = Field(default=None, description="Build stage to stop at; default: the last stage")
    args: dict[str, str] = Field(
        default={},
        description="Build arguments (`--build-arg`); they stay in the image's history, so secret-looking names and "
        "credential values are refused",
    )

    @field_validator("args")
    @classmethod
    def _no_secrets_in_args(cls, args: dict[str, str]) -> dict[str, str]:
        for name, value in args.items():
            if SECRET_LOOKING_NAME.search(name):
                raise ModelError(
                    name,
                    "looks like a secret, and a build argument stays in the image's history for anyone who can pull it; "
                    "give the running container the secret instead (`secrets`)",
                )
            _no_credential(value, name)
        return args


class Scaling(Strict):
    min: int = Field(
        default=1,
        ge=0,
        le=1000,
        description="Fewest instances; GCP worker pools run exactly this many. 0 for an http service: GCP scales it to zero "
        "and back; AWS starts it with no task and CPU scaling never adds one (it is off). Workers take 1 or more: with 0 "
        "neither cloud ever runs one",
    )
    max: int = Field(default=1, ge=1, le=1000, description="Most instances; the cloud scales between `min` and `max`")
    cpu_target: int = Field(
        default=70, ge=10, le=95, description="Target average CPU %, scale out above it (AWS; Cloud Run scales on its own signals)"
    )

    @model_validator(mode="after")
    def _min_not_above_max(self) -> Scaling:
        if self.min > self.max:
            raise ModelError("min", f"{self.min} is greater than max ({self.max}); min must be <= max")
        return self


class WebSocket(Strict):
    """Long-lived connections (WebSockets, server-sent events): the timeouts, affinity and draining that keep them open."""

    timeout_seconds: int = Field(
        default=3600,
        ge=1,
        le=86400,
        description="How long a connection may stay open. AWS: the load balancer's idle timeout (at most 4000); "
        "GCP: Cloud Run's request timeout (at most 3600)",
    )
    affinity: bool = Field(
        default=True, description="Send a client back to the instance it used: target-group stickiness on AWS, session affinity on GCP"
    )
    drain_seconds: int | None = Field(
        default=None,
        ge=0,
        le=3600,
        description="AWS: how long a stopping task keeps its open connections (the target group's deregistration delay). "
        "Cloud Run has no connection draining, so GCP refuses it",
        json_schema_extra={"docs_default": "`300` on AWS"},
    )


ROLLOUT_STRATEGIES = ("rolling", "bluegreen", "canary", "linear")
# What each strategy takes, and its defaults: minutes are the clouds' range (ECS bakeTimeInMinutes and the canary and
# linear intervals allow 0-1440); a percent is whole, as Cloud Run's traffic split is.
ROLLOUT_DEFAULTS: dict[str, dict[str, int]] = {
    "rolling": {},
    "bluegreen": {"bake_minutes": 10},
    "canary": {"percent": 10, "interval_minutes": 10, "bake_minutes": 10},
    "linear": {"percent": 20, "interval_minutes": 5, "bake_minutes": 10},
}


# The shortest a step or bake of a release may be watched in production: the clouds' metrics arrive a minute or more late,
# and a release is rolled back on 2 bad minutes of 3.
RELEASE_WATCH_MINUTES = 3


class Rollout(Strict):
    """How a new version of an http service takes over its traffic, and how long the old one is kept to fall back to."""

    strategy: Literal["rolling", "bluegreen", "canary", "linear"] = Field(
        default="rolling",
        description="`rolling` replaces instances a few at a time; `bluegreen` starts the new version beside the old and moves "
        "all traffic at once; `canary` moves `percent` first, the rest after `intervalMinutes`; `linear` moves `percent` every "
        "`intervalMinutes`. A failed health check or an alarm rolls back",
    )
    percent: int | None = Field(
        default=None,
        ge=1,
        le=99,
        description="canary: the share of traffic the new version gets first; linear: the share added at each step (3-50)",
        json_schema_extra={"docs_default": "`10` (canary), `20` (linear)"},
    )
    interval_minutes: int | None = Field(
        default=None,
        ge=0,
        le=1440,
        description="canary: how long the canary runs before the rest of the traffic moves; linear: the time between steps. "
        "At least 3 in production, for the alarms to see the new version",
        json_schema_extra={"docs_default": "`10` (canary), `5` (linear)"},
    )
    bake_minutes: int | None = Field(
        default=None,
        ge=0,
        le=1440,
        description="After all traffic has moved, the old version is kept this long, watched by the alarms, for an instant "
        "rollback. At least 3 in production",
        json_schema_extra={"docs_default": "`10`"},
    )

    @model_validator(mode="after")
    def _keys_of_the_strategy(self) -> Rollout:
        takes = ROLLOUT_DEFAULTS[self.strategy]
        for key in ("percent", "interval_minutes", "bake_minutes"):
            if getattr(self, key) is not None and key not in takes:
                allowed = [s for s, keys in ROLLOUT_DEFAULTS.items() if key in keys]
                raise ModelError(to_camel(key), f"strategy {self.strategy} takes no {to_camel(key)}; it is for {' and '.join(allowed)}")
        if self.strategy == "linear" and self.percent is not None and not 3 <= self.percent <= 50:
            raise ModelError("percent", f"{self.percent}% a step: linear moves 3 to 50% a step (more is a canary or blue/green)")
        return self

    def setting(self, key: str) -> int:
        """`percent`, `interval_minutes` or `bake_minutes` as set, or the strategy's default."""
        value = getattr(self, key)
        return int(value if value is not None else ROLLOUT_DEFAULTS[self.strategy][key])

    @property
    def shifts_traffic(self) -> bool:
        return self.strategy != "rolling"

    @property
    def steps(self) -> list[tuple[int, int]]:
        """(percent of the traffic on the new version, minutes it is watched there), in order; the last step is 100 % and
        the bake. Rolling moves no traffic in steps: none."""
        if self.strategy == "rolling":
            return []
        bake = self.setting("bake_minutes")
        if self.strategy == "bluegreen":
            return [(100, bake)]
        share, interval = self.setting("percent"), self.setting("interval_minutes")
        if self.strategy == "canary":
            return [(share, interval), (100, bake)]
        return [(percent, interval) for percent in range(share, 100, share)] + [(100, bake)]

    @property
    def minutes(self) -> int:
        """How long moving the traffic and baking take, from the new version being ready to the old one stopping."""
        return sum(minutes for _, minutes in self.steps)


def build_owners(services: Mapping[str, Service]) -> dict[str, str]:
    """For each service that builds, the service whose build it is: the first (in config order) with the same `build`.

    Services with one `build` (an API, its worker and its beat from one Dockerfile) share one image, built and pushed
    once, and each runs it by digest."""
    first: dict[str, str] = {}
    owners: dict[str, str] = {}
    for name, svc in services.items():
        if svc.build is not None:
            owners[name] = first.setdefault(svc.build.model_dump_json(), name)
    return owners


# An e-mail identity as SES verifies it: a domain, or one address (SES developer guide, "Verified identities").
EMAIL_IDENTITY = re.compile(r"^([A-Za-z0-9._%+-]+@)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}\Z")
# A parameter's name as Parameter Store takes it: letters, digits, `_ . - /`, at most 2048 (AWS Systems Manager user guide,
# "Parameter naming constraints"); GCP narrows it further (components/gcp/limits.py).
PARAMETER_NAME = re.compile(r"^[A-Za-z0-9_./-]{1,2048}\Z")


class Grants(Strict):
    """Other cloud services a service may use, each one named; nothing broader, no free-form actions."""

    publish: list[str] = Field(
        default=[], description="Topics of the stack (`topics`) it publishes to, each received as `TOPIC_<NAME>` (SNS / Pub/Sub)"
    )
    send_email_from: list[str] = Field(
        default=[],
        description="AWS: the SES identities (a verified domain, or an address) it sends e-mail as; GCP has no e-mail service",
    )
    read_parameters: list[str] = Field(
        default=[],
        description="Existing parameters it reads by name, not managed by the stack: SSM Parameter Store on AWS, Secret "
        "Manager secrets on GCP",
    )

    @field_validator("publish", "send_email_from", "read_parameters")
    @classmethod
    def _each_once(cls, values: list[str], info: ValidationInfo) -> list[str]:
        if len(set(values)) < len(values):
            raise ValueError("list each once")
        pattern = {"send_email_from": EMAIL_IDENTITY, "read_parameters": PARAMETER_NAME}.get(info.field_name or "")
        for index, value in enumerate(values):
            if pattern is not None and not pattern.match(value):
                kind = "a domain or an e-mail address" if pattern is EMAIL_IDENTITY else "a parameter name of letters, digits and _ . - /"
                raise ModelError(f"[{index}]", f"{value!r} is not {kind}")
        return values


def call_env_name(service: str) -> str:
    """The variable that carries a called service's address: `auth` -> AUTH_URL."""
    return f"{service.upper().replace('-', '_')}_URL"


class Service(Strict):
    """A long-running process: `http` receives traffic on its routes, `worker` receives none."""

    kind: Literal["http", "worker"] = Field(description="`http` receives traffic on a route; `worker` receives none")
    image: str | None = Field(
        default=None,
        description="Registry reference (exactly one of `image` and `build`) in the registries' grammar (lowercase path, "
        "tag of 1-128 characters, `sha256:` digest of 64 hex digits; at most 255 characters on AWS), pinned by tag or "
        "digest in production. AWS: an image in a private ECR repository gets a pull grant on it. GCP: Artifact Registry, "
        "or public images on Docker Hub or ghcr.io; other registries are refused",
    )
    build: Build | None = Field(
        default=None, description="Build with pulumi-docker, push to ECR / Artifact Registry as `:<version>`, deploy by digest"
    )
    command: list[str] | None = Field(
        default=None,
        description="Replaces the image's CMD, followed by `args` (the image's ENTRYPOINT still runs); no credential values",
    )
    args: list[str] | None = Field(default=None, description="Appended to `command`; together they replace the image's CMD")
    cpu: Cpu = Field(
        default=0.5,
        description="vCPU; checked against Fargate / Cloud Run sizes (Cloud Run's gen2 environment takes whole CPUs)",
        json_schema_extra={"docs_default": "`0.5` on AWS, `1` on GCP"},
    )
    memory: MemoryMiB = Field(default=1024, description="MiB; checked against Fargate / Cloud Run sizes")
    scaling: Scaling = Field(default=Scaling(), description="Instance range; a singleton worker always runs one")
    env: dict[str, str] = Field(
        default={},
        description="Plain settings; names the stack sets, names the cloud sets (Cloud Run's `K_SERVICE`, `CLOUD_RUN_*`; "
        "ECS's credential and metadata variables), secret-looking names (`*PASSWORD*`, `*TOKEN*`, `*SECRET*`, `*API_KEY*`…) "
        "and credential values (an AWS access key id, a URL with a password) are refused. A number or `true` is taken as "
        "its text. At most 1000 variables, and the cloud's size limits",
        json_schema_extra={"docs_key": "NAME"},
    )
    secrets: list[str] = Field(default=[], description="Declared secrets the service receives as environment variables, each once")
    database: bool = Field(
        default=False, description="Receive `DATABASE_URL` and `DATABASE_*` (URL and password as secrets) and network access"
    )
    database_replica: bool = Field(
        default=False,
        description="Receive `DATABASE_REPLICA_URL` (a secret: the first read replica), `DATABASE_REPLICA_URLS` (a secret: "
        "each replica's URL, comma-separated) and `DATABASE_REPLICA_HOSTS`; needs `database` and `database.readReplica`",
    )
    cache: bool = Field(default=False, description="Receive `REDIS_URL` (a secret; `REDIS_CA_CERT` too when managed) and network access")
    buckets: list[str] = Field(default=[], description="Buckets to receive as `BUCKET_<NAME>`, with read/write access; each once")
    grants: Grants = Field(default=Grants(), description="Other cloud services it may use, each named; see `grants` below")
    user: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$",
        description="AWS: run as this non-root user (root refused, by name or as uid 0 in any spelling: `0`, `00`, "
        "`0:1000`). GCP refuses it: Cloud Run runs the image's USER, so set it in the Dockerfile",
        json_schema_extra={"docs_default": "the image's USER", "docs_type": "`uid`, `uid:gid` or a name the image defines"},
    )
    # http only
    port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description="http only: the port the container listens on; `PORT` is set to it",
        json_schema_extra={"docs_default": "required for http"},
    )
    routes: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Public http only: path prefixes on the load balancer (`/api` serves `/api` and `/api/*`); the most "
        "specific wins, and two services may not share one. ASCII letters, digits and `-._~$@:+` between single `/`; no "
        "`?`, `#`, `*` or `%`-escapes; at most 126 characters on AWS",
        json_schema_extra={"docs_default": "`[/]`", "docs_type": "list of paths"},
    )
    calls: list[str] = Field(
        default=[],
        description="http services this one calls: it gets network access to each and `<NAME>_URL` with an address that works "
        "on its cloud (AWS: `http://<name>.<app>-<stack>.internal:<port>`; GCP: the service's URL, called with an ID token)",
    )
    websocket: WebSocket | None = Field(
        default=None, description="http only: the service holds long-lived connections (WebSockets); see `websocket` below"
    )
    health_path: str | None = Field(
        default=None,
        description="http only: health check path, of the same characters as a route (no query); at most 1024 characters on AWS",
        json_schema_extra={"docs_default": "`/health`", "docs_type": "path"},
    )
    public: bool | None = Field(
        default=None,
        description="http only: reachable from the internet. `false` keeps it off the load balancer (AWS: no target group, "
        "no inbound rule; GCP: internal-only ingress, Cloud Run's invoker check kept on) and takes no `route`. A public GCP "
        "service has the invoker check off (Google's recommended way to serve anyone; an organisation policy restricting "
        "domains refuses the other way, an `allUsers` grant)",
        json_schema_extra={"docs_default": "`true`"},
    )
    concurrency: int | None = Field(
        default=None,
        ge=1,
        le=1000,
        description="http only: requests per Cloud Run instance (AWS does not use it)",
        json_schema_extra={"docs_default": "`80` on GCP"},
    )
    rollout: Rollout = Field(
        default=Rollout(),
        description="http only, to change it: how a new version takes over the traffic (blue/green, canary, linear); see `rollout` below",
    )
    hosts: list[str] | None = Field(
        default=None,
        description="http only, public: the host names of `domain` (its name and aliases) its routes answer on; on those "
        "hosts its paths come before those of services without `hosts`",
        json_schema_extra={"docs_default": "every name of `domain`"},
    )
    cdn: bool = Field(
        default=False,
        description="http only, public: cache its answers at the edge as its Cache-Control headers allow (GCP: Cloud CDN on "
        "its backend; AWS: CloudFront in front of the whole domain, caching this service's paths only). Needs `domain`",
    )
    # worker only
    singleton: bool = Field(default=False, description="Worker only: exactly one instance, never two during a rollout (Celery beat)")
    # shutting down, connecting
    stop_timeout_seconds: int | None = Field(
        default=None,
        ge=1,
        le=120,
        description="Time between SIGTERM and SIGKILL, for a warm shutdown (Celery finishing its tasks). AWS: up to 120 "
        "(Fargate's limit). GCP: Cloud Run gives 10 and cannot change it, so a larger value is refused",
        json_schema_extra={"docs_default": "`120` for workers and `30` for http services on AWS; `10` on GCP"},
    )
    database_connections: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Database connections one instance holds at most (its pool size, across its processes). Every "
        "workload's instances times this must fit under the database's `max_connections`, which the stack sets",
    )
    health_command: list[str] | None = Field(
        default=None,
        min_length=1,
        description="Worker only: a command that exits 0 while the worker is healthy (e.g. `[celery, -A, app, inspect, "
        "ping]`). AWS: the container health check, and a failing task is replaced. GCP: refused, worker pools have no "
        "health checks",
    )
    read_only_root_filesystem: bool = Field(
        default=False,
        description="Mount the container's root filesystem read-only (write to `/tmp` only). AWS: the task's "
        "`readonlyRootFilesystem`, with a task-local `/tmp` that Fargate creates owned by root, mode 0755; a non-root "
        '`user` can write it only if the image declares `VOLUME ["/tmp"]`, whose permissions Fargate then copies (ECS '
        'developer guide, "Use bind mounts"). Not with `aws.ecsExec`. GCP: refused, Cloud Run has no such setting',
    )

    @field_validator("health_path")
    @classmethod
    def _absolute_path(cls, value: str | None) -> str | None:
        if value is not None:
            _url_path(value)
        return value

    @field_validator("routes")
    @classmethod
    def _route_paths(cls, values: list[str] | None) -> list[str] | None:
        for index, value in enumerate(values or []):
            try:
                _url_path(value)
            except ValueError as exc:
                raise ModelError(f"[{index}]", str(exc)) from None
            if values and [v.rstrip("/") or "/" for v in values].count(value.rstrip("/") or "/") > 1:
                raise ModelError(f"[{index}]", f"{value!r} is listed twice")
        return values

    @field_validator("calls", "buckets", "secrets")
    @classmethod
    def _distinct_calls(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            if values.count(value) > 1:
                raise ModelError(f"[{index}]", f"{value!r} is listed twice; list each once")
        return values

    @field_validator("command", "args")
    @classmethod
    def _no_credentials_in_command(cls, values: list[str] | None) -> list[str] | None:
        _clean_command(values)
        return values

    @field_validator("image")
    @classmethod
    def _image_reference(cls, value: str | None) -> str | None:
        problem = None if value is None else image_problem(value)
        if problem is not None:
            raise ValueError(problem)
        return value

    @field_validator("user")
    @classmethod
    def _not_root(cls, value: str | None) -> str | None:
        # Root by number too: '00' and '0000:1000' are uid 0.
        uid = None if value is None else value.split(":")[0]
        if uid is not None and (uid == "root" or (uid.isdigit() and int(uid) == 0)):
            raise ValueError("containers do not run as root (uid 0, by name or number); give a non-root user such as '1000' or '1000:1000'")
        return value

    @field_validator("env")
    @classmethod
    def _env_names(cls, env: dict[str, str]) -> dict[str, str]:
        for name in env:
            if not ENV_NAME.match(name):
                raise ModelError(name, "not a valid environment variable name; use letters, digits and '_', not starting with a digit")
            _not_reserved_env(name)
            if SECRET_LOOKING_NAME.search(name):
                raise ModelError(
                    name,
                    "looks like a secret but is given as a plain value; declare it under `secrets` and "
                    "list it in this service's `secrets` instead",
                )
            _no_credential(env[name], name)
        return env

    @model_validator(mode="after")
    def _kind_rules(self) -> Service:
        if (self.image is None) == (self.build is None):
            raise ModelError("image", "give exactly one of `image` (a registry reference) or `build` (a Docker build)")
        if self.kind == "http":
            if self.port is None:
                raise ModelError("port", "an http service needs the port it listens on (1-65535)")
        else:
            if self.cdn or self.hosts is not None:
                raise ModelError("cdn" if self.cdn else "hosts", "only http services take this key; a worker receives no traffic")
            for key in ("port", "routes", "health_path", "public", "concurrency", "websocket"):
                if getattr(self, key) is not None:
                    raise ModelError(to_camel(key), "only http services take this key; a worker receives no traffic")
            if not self.singleton and self.scaling.min == 0:
                raise ModelError(
                    "scaling.min",
                    "a worker with min 0 never runs: on AWS its ECS service starts with no task and CPU-based scaling cannot "
                    "add one (no task, no CPU figure), and a GCP worker pool runs exactly `min` instances; allowed: 1 to max",
                )
            if self.rollout.shifts_traffic:
                raise ModelError(
                    "rollout.strategy",
                    f"{self.rollout.strategy} shifts traffic, and a worker receives none: a worker rolls (new instances start "
                    "before old ones stop, and one that fails to start is rolled back); allowed: rolling",
                )
            pinned = (self.scaling.min, self.scaling.max) == (1, 1)
            if self.singleton and "scaling" in self.model_fields_set and not pinned:
                raise ModelError("scaling", "a singleton worker runs exactly one instance; use min: 1, max: 1 or drop `scaling`")
        if self.kind == "http" and self.public is False and self.hosts is not None:
            raise ModelError("hosts", "a private service (public: false) is not on the load balancer, so it answers on no host")
        if self.kind == "http" and self.public is False and self.cdn:
            raise ModelError("cdn", "a private service (public: false) is not on the load balancer, so no CDN is in front of it")
        if self.kind == "http" and self.public is False and self.routes is not None:
            raise ModelError("routes", "a private service (public: false) is not on the load balancer, so it takes no routes")
        if self.health_command is not None and self.kind != "worker":
            raise ModelError("healthCommand", "only workers take a health command; an http service is checked on its healthPath")
        if self.singleton and self.kind != "worker":
            raise ModelError("singleton", "only workers can be singletons")
        return self

    @property
    def effective_routes(self) -> list[str]:
        """The path prefixes it serves on the load balancer, without trailing '/' (the catch-all is `/`)."""
        return [route.rstrip("/") or "/" for route in self.routes or ["/"]]

    @property
    def effective_health_path(self) -> str:
        return self.health_path or "/health"

    @property
    def is_public(self) -> bool:
        return self.kind == "http" and self.public is not False

    @property
    def instances(self) -> Scaling:
        """The instance range, with a singleton pinned to exactly one."""
        return Scaling(min=1, max=1, cpu_target=self.scaling.cpu_target) if self.singleton else self.scaling


class Job(Strict):
    """A scheduled run of a service's image with its own command."""

    schedule: str = Field(
        description="5-field cron: minute hour day-of-month month day-of-week, e.g. `0 0 * * *`",
        json_schema_extra={"docs_type": "5-field cron"},
    )
    time_zone: str = Field(
        default="UTC",
        description="Time zone the schedule is read in: a name of the IANA time zone database (`Europe/Berlin`), not a "
        "system name such as `localtime`",
        json_schema_extra={"docs_type": "IANA name"},
    )
    service: str = Field(
        description="The job runs this service's image, with its secrets and database/cache/bucket wiring",
        json_schema_extra={"docs_type": "service name"},
    )
    command: list[str] = Field(min_length=1, description="Replaces the image's CMD (the image's ENTRYPOINT still runs)")
    timeout_seconds: int = Field(
        default=600,
        ge=10,
        le=86400,
        description="A run still going after this long is stopped and fails (GCP: the Cloud Run task timeout; AWS: the Step "
        "Functions state timeout); also told to the job as `JOB_TIMEOUT_SECONDS`",
    )
    retries: int = Field(
        default=3,
        ge=0,
        le=10,
        description="Retries of a failed or timed-out run (GCP: the task's retries; AWS: the Step Functions state's, a "
        "minute apart and doubling up to 3 minutes: 60, 120, 180 s)",
    )
    cpu: Cpu = Field(default=0.25, description="vCPU, as for services", json_schema_extra={"docs_default": "`0.25` on AWS, `1` on GCP"})
    memory: MemoryMiB = Field(default=512, description="MiB, as for services")

    @field_validator("schedule")
    @classmethod
    def _cron(cls, value: str) -> str:
        cron.parse(value)
        return value

    @field_validator("command")
    @classmethod
    def _no_credentials_in_command(cls, values: list[str]) -> list[str]:
        _clean_command(values)
        return values

    @field_validator("time_zone")
    @classmethod
    def _zone(cls, value: str) -> str:
        if value not in _time_zones():
            raise ValueError(f"{value!r} is not an IANA time zone such as 'UTC' or 'Europe/Berlin'")
        return value


@cache
def _time_zones() -> frozenset[str]:
    """The IANA time zone database's names, from the tzdata package's list (its `zones` file): EventBridge Scheduler and
    Cloud Scheduler take these. Not the system's own files, which add `localtime` and `posixrules`; not `Factory`."""
    return frozenset(resources.files("tzdata").joinpath("zones").read_text().split()) - {"Factory"}


class Migration(Strict):
    """The release step: a one-off run of a service's image that must succeed before services roll."""

    service: str = Field(
        description="Runs with this service's image, secrets and network access", json_schema_extra={"docs_type": "service name"}
    )
    command: list[str] = Field(min_length=1, description="Replaces the image's CMD; a non-zero exit fails the deploy")
    timeout_seconds: int = Field(default=900, ge=10, le=86400, description="The run is stopped, and fails, after this long")
    cpu: Cpu = Field(default=0.5, description="vCPU, as for services", json_schema_extra={"docs_default": "`0.5` on AWS, `1` on GCP"})
    memory: MemoryMiB = Field(default=1024, description="MiB, as for services")

    @field_validator("command")
    @classmethod
    def _no_credentials_in_command(cls, values: list[str]) -> list[str]:
        _clean_command(values)
        return values


def is_mutable_reference(image: str) -> bool:
    """True when `image` names no fixed content: no digest, and no tag or the tag `latest`."""
    if "@sha256:" in image:
        return False
    last = image.rsplit("/", 1)[-1]
    return ":" not in last or last.rsplit(":", 1)[1] == "latest"


# Both clouds allow more (RDS for PostgreSQL: 15 per source; Cloud SQL: 10 per primary): a bound on cost.
MAX_READ_REPLICAS = 5


class Database(Strict):
    """PostgreSQL. `size` is neutral; each cloud maps it to an instance class or tier."""

    version: Literal[13, 14, 15, 16, 17] = Field(
        default=15,
        description="PostgreSQL major version. AWS refuses one past its RDS end of standard support and warns 180 days "
        "before; see [Major version upgrade](#major-version-upgrade)",
    )
    size: Literal["small", "medium", "large", "xlarge"] = Field(
        default="medium",
        description="Each cloud maps it to an instance class or tier (AWS `medium`: db.m7g.large); "
        "`aws.databaseInstanceClass` / `gcp.databaseTier` override it",
    )
    name: str = Field(
        default="app",
        pattern=r"^[a-z][a-z0-9_]{0,30}$",
        description="The database created in the instance: 1-31 of `a-z0-9_`, starting with a letter; not a PostgreSQL "
        "reserved word (RDS refuses them) nor `template0`/`template1`, and on GCP not `postgres`, which Cloud SQL already has",
    )
    storage_gb: int = Field(default=20, ge=20, le=16384, description="Disk size in GB at creation")
    max_storage_gb: int = Field(
        default=200,
        ge=20,
        le=65536,
        description="Storage autoscaling ceiling in GB: the cloud grows the disk up to it and a later `storageGb` change is "
        "ignored, so raise this instead (AWS: equal to `storageGb` turns autoscaling off)",
    )
    high_availability: bool = Field(default=True, description="A standby in a second zone (Multi-AZ / REGIONAL)")
    backup_retention_days: int = Field(default=7, ge=1, le=35, description="Days of automated backups; at least 7 in production")
    # An integer that also takes `true` (one) and `false` (none), as the key did when it offered one replica.
    read_replica: int = Field(
        default=0,
        ge=0,
        le=MAX_READ_REPLICAS,
        description=f"How many read replicas (0-{MAX_READ_REPLICAS}; `true` is one); services with `databaseReplica` read from them",
        json_schema_extra={"docs_default": "`false`"},
    )
    deletion_protection: bool = Field(default=True, description="The cloud's own deletion protection on the instance")

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value in POSTGRES_RESERVED or value in ("template0", "template1"):
            raise ValueError(
                f"{value!r} is a PostgreSQL reserved word or template database, which RDS refuses as the database name "
                "(CreateDBInstance, DBName); choose another, e.g. 'app'"
            )
        return value

    @property
    def replicas(self) -> int:
        return int(self.read_replica)

    @model_validator(mode="after")
    def _storage(self) -> Database:
        if self.max_storage_gb < self.storage_gb:
            raise ModelError("maxStorageGb", f"{self.max_storage_gb} is below storageGb ({self.storage_gb})")
        return self


class Cache(Strict):
    """Redis, managed by the stack, or an external one whose URL is an app secret."""

    version: Literal["6", "7"] = Field(default="7", description="Redis major version")
    memory_gb: float = Field(
        default=1,
        ge=0.5,
        le=300,
        description="Memory in GB. AWS: the smallest node type that holds it; GCP: a whole number of GB, 1-300",
    )
    high_availability: bool = Field(default=True, description="A replica in a second zone, with automatic failover")
    external_url_secret: str | None = Field(
        default=None,
        description="Name of a declared, supplied (not generated) secret holding the URL of an external Redis (e.g. Upstash)",
        json_schema_extra={"docs_default": "none: a managed Redis", "docs_type": "secret name"},
    )

    @property
    def managed(self) -> bool:
        return self.external_url_secret is None


class Site(Strict):
    """A bucket's objects served on the domain through the CDN: a front end's build, or media."""

    path: str = Field(
        default="/",
        description="Where on the domain its objects answer, on every name of `domain` (the longest matching path wins, a "
        "site's or a service's); an object's key is its URL path without the first `/` (`/app/main.js` is `app/main.js`)",
        json_schema_extra={"docs_type": "path"},
    )
    single_page: bool = Field(
        default=False,
        description="A single-page app: a path under `path` without an object answers `<path>/index.html` (the app's router "
        "reads the URL). AWS: a CloudFront Function rewrites paths whose last segment has no `.`; GCP: a 403 or 404 "
        "from the bucket (403 for a missing object: Cloud CDN may read objects, not list them) answers `index.html` with "
        "200 (the URL map's custom error response)",
    )

    @field_validator("path")
    @classmethod
    def _site_path(cls, value: str) -> str:
        if value != "/" and value.endswith("/"):
            raise ValueError(f"{value!r} ends in '/'; write the path without it ({value.rstrip('/')!r}): it covers what is under it")
        return _url_path(value)

    @property
    def index(self) -> str:
        """The object a single-page app's paths answer with."""
        return f"{self.path.rstrip('/')}/index.html"


class Bucket(Strict):
    versioning: bool = Field(default=True, description="Keep earlier versions of overwritten and deleted objects")
    expire_after_days: int | None = Field(
        default=None,
        ge=1,
        le=INT32_MAX,
        description="Delete objects this many days after they are written (1 to 2147483647: the S3 and GCS lifecycle APIs "
        "take a 32-bit integer)",
    )
    noncurrent_expire_after_days: int | None = Field(
        default=30,
        ge=1,
        le=INT32_MAX,
        description="With versioning, delete earlier versions this many days after they are replaced (1 to 2147483647)",
    )
    public: bool = Field(
        default=False,
        description="Anyone may read its objects (public-read); the policy pack accepts only that. On GCP this grants "
        "`allUsers`, which an organisation policy restricting domains or enforcing public access prevention refuses: serve "
        "such objects as a `site` instead",
    )
    site: Site | None = Field(
        default=None,
        description="Serve its objects on the domain through the CDN (CloudFront with origin access control on AWS, a Cloud "
        "CDN backend bucket on GCP), the bucket staying private: only the CDN reads it. Cached for an hour at the edge; "
        "after uploading a new build, invalidate (README, CDN, static sites and access lists). Needs `domain`",
        json_schema_extra={"docs_default": "none: not served"},
    )

    @model_validator(mode="after")
    def _private_site(self) -> Bucket:
        if self.site is not None and self.public:
            raise ModelError(
                "public", "a site's bucket stays private and only the CDN reads it; remove public (its objects are served at site.path)"
            )
        return self


class Secret(Strict):
    """An application secret. Its value is generated, or set with `pulumi config set --secret`."""

    generate: bool = Field(default=False, description="The stack generates the value; otherwise it comes from `secretValues`")
    length: int = Field(default=48, ge=16, le=256, description="Characters in a generated value")


# ACM's default quota of names on one certificate (ACM quotas: "Domain names per ACM certificate", 10); Google-managed
# certificates take up to 100.
MAX_DOMAIN_ALIASES = 9
HOST_NAME = r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$"


class Domain(Strict):
    name: str = Field(
        max_length=253,
        pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$",
        description="Host name the public services answer on, with a managed certificate; at most 64 characters, the "
        "certificate's common name (ACM and Google-managed certificates alike)",
        json_schema_extra={"docs_type": "host name"},
    )
    zone: str | None = Field(
        default=None,
        description="Route 53 hosted zone / Cloud DNS managed zone that holds the record: its DNS name, which `name` must be "
        "in (`example.com` for `app.example.com`); on GCP also its managed zone name (`example-com`)",
        json_schema_extra={"docs_default": "none: create the DNS records yourself (the render warns)"},
    )
    aliases: list[str] = Field(
        default=[],
        max_length=MAX_DOMAIN_ALIASES,
        description="More host names on the same certificate and load balancer (`api.example.com` beside `app.example.com`), "
        "in `zone` too when it is set; a service's `hosts` picks among them",
    )

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    @field_validator("aliases")
    @classmethod
    def _alias_names(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            if len(value) > 253 or not re.match(HOST_NAME, value):
                raise ModelError(f"[{index}]", f"{value!r} is not a host name such as 'api.example.com'")
        if len(set(values)) < len(values):
            raise ValueError("list each name once")
        return values

    @field_validator("name")
    @classmethod
    def _certificate_name(cls, value: str) -> str:
        # X.509 caps a common name at 64 characters (RFC 5280, ub-common-name); ACM's RequestCertificate: "The first
        # domain name you enter cannot exceed 64 octets, including periods". Google-managed certificates use it too.
        if len(value) > MAX_CERTIFICATE_NAME:
            raise ValueError(
                f"{value!r} has {len(value)} characters; a certificate's name takes at most {MAX_CERTIFICATE_NAME} (use a "
                "shorter host name)"
            )
        return value

    @field_validator("zone")
    @classmethod
    def _zone_name(cls, value: str | None) -> str | None:
        if value is not None and not (DNS_ZONE.match(value) or MANAGED_ZONE_NAME.match(value)):
            raise ValueError(
                f"{value!r} is not a zone; allowed: its DNS name such as 'example.com' (a trailing '.' may follow), or on GCP "
                "a managed zone name: 1-63 of a-z, 0-9 and '-', starting with a letter"
            )
        return value

    @model_validator(mode="after")
    def _name_in_zone(self) -> Domain:
        if self.name in self.aliases:
            raise ModelError("aliases", f"{self.name!r} is the domain's name already")
        if self.zone is not None and "." in self.zone:
            zone = self.zone.rstrip(".").lower()
            for key, value in [("name", self.name), *((f"aliases[{i}]", a) for i, a in enumerate(self.aliases))]:
                if value != zone and not value.endswith(f".{zone}"):
                    raise ModelError(key, f"{value!r} is not in the zone {zone!r}; the zone holds only names ending in '.{zone}'")
        return self


# A Slack workspace id and a channel id, as AWS Chatbot takes them.
SLACK_CHANNEL = re.compile(r"^[A-Z0-9]{1,255}/[A-Za-z0-9]{1,255}\Z")


class Alerts(Strict):
    email: str | None = Field(
        default=None,
        description="Where alarms are sent, a plain address (`ops@example.com`, no display name); without it they only show in the console",
        json_schema_extra={"docs_type": "e-mail"},
    )
    latency_p95_ms: int = Field(
        default=500,
        ge=10,
        le=3_600_000,
        description="Alarm when an http service's p95 latency exceeds this (ms; at most 3600000, an hour, the longest either "
        "cloud lets a request run)",
    )
    error_rate_percent: float = Field(
        default=5,
        gt=0,
        le=100,
        description="Alarm when more than this % of requests are answered 5xx (AWS: by the service or by the load balancer itself)",
    )
    cpu_percent: int = Field(
        default=80, ge=10, le=100, description="Alarm when a service's, a worker's, the database's or the cache's CPU exceeds this %"
    )
    memory_percent: int = Field(
        default=80, ge=10, le=100, description="Alarm when a service's, a worker's, the database's or the cache's memory exceeds this %"
    )
    connections_percent: int = Field(
        default=80,
        ge=10,
        le=100,
        description="Alarm when the database holds more than this % of its `max_connections` (of 500 where the stack does "
        "not know the instance class's or tier's)",
    )
    webhook_secret: str | None = Field(
        default=None,
        description="GCP: name of a declared, supplied secret holding a webhook URL that alerts are also posted to (a "
        "`webhook_tokenauth` channel; Cloud Monitoring's JSON, not a Slack message). AWS refuses it: use `slackChannel`",
        json_schema_extra={"docs_type": "secret name"},
    )
    slack_channel: str | None = Field(
        default=None,
        description="AWS: `<workspace id>/<channel id>` (e.g. `T07EA123LEP/C07EZ1ABC23`) of a Slack channel alarms are "
        "also posted to, by AWS Chatbot; authorise the workspace in the Chatbot console first. GCP refuses it: use `webhookSecret`",
        json_schema_extra={"docs_type": "string"},
    )

    @field_validator("email")
    @classmethod
    def _plain_address(cls, value: str | None) -> str | None:
        from email_validator import EmailNotValidError, validate_email

        if value is not None:
            try:
                validate_email(value, check_deliverability=False)  # syntax only: no network
            except EmailNotValidError as exc:
                raise ValueError(f"{value!r} is not a plain e-mail address such as 'ops@example.com': {exc}") from None
        return value

    @field_validator("slack_channel")
    @classmethod
    def _slack_ids(cls, value: str | None) -> str | None:
        # Chatbot's SlackTeamId and SlackChannelId: letters and digits (AWS::Chatbot::SlackChannelConfiguration).
        if value is not None and not SLACK_CHANNEL.match(value):
            raise ValueError(
                f"{value!r} is not `<workspace id>/<channel id>`, e.g. 'T07EA123LEP/C07EZ1ABC23' (the workspace id from the "
                "Chatbot console, the channel id from the channel's link in Slack)"
            )
        return value


# `is_private` alone also admits IPv6, loopback, link-local and reserved ranges, which no VPC or subnet can use.
PRIVATE_RANGES = tuple(ipaddress.IPv4Network(block) for block in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"))


@cache
def aws_regions() -> frozenset[str]:
    """The regions of the pinned provider SDK's `Region` enum (pulumi_aws/_enums.py)."""
    from pulumi_aws._enums import Region  # type: ignore[import-untyped,unused-ignore]

    return frozenset(region.value for region in Region)


MAX_ALLOW_FROM = 50


def _source_range(value: str) -> str:
    """A public source range as the clouds' firewalls take it: a network address with its prefix, IPv4 or IPv6."""
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        raise ValueError(f"{value!r} is not a network such as '173.245.48.0/20' or '2400:cb00::/32' (host bits unset)") from None
    if "/" not in value:
        raise ValueError(f"{value!r} has no prefix length; write the range as '173.245.48.0/20'")
    return value


def _cidr(value: str) -> str:
    if "/" not in value:
        raise ValueError(f"{value!r} has no prefix length; write the block as '10.0.0.0/16'")
    try:
        net = ipaddress.IPv4Network(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a CIDR block such as '10.0.0.0/16'") from None
    if not any(net.subnet_of(block) for block in PRIVATE_RANGES):
        raise ValueError(f"{value!r} is not a private range (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16)")
    return value


class AwsSettings(Strict):
    region: str = Field(default="us-east-1", description="AWS region: one the provider SDK lists (pulumi_aws's `Region`)")
    vpc_cidr: str = Field(default="10.0.0.0/16", description="The VPC's range: a private /16 to /24, with its prefix length")
    availability_zones: int = Field(
        default=2, le=3, description="Zones the subnets, NAT gateways and tasks spread over: 2 or 3", json_schema_extra={"docs_type": "int"}
    )
    single_nat: bool = Field(default=False, description="One NAT gateway for all zones instead of one per zone")
    public_tasks: bool = Field(
        default=False,
        description="Run tasks in the public subnets with a public IPv4 address each (billed per hour) instead of behind NAT "
        "gateways: no NAT gateway at all. Their security groups still admit nothing but the load balancer. Refused in "
        "production (the policy pack too); databases and caches stay in the private subnets",
    )
    architecture: Literal["x86_64", "arm64"] = Field(default="x86_64", description="CPU architecture of the tasks and of built images")
    log_retention_days: Literal[7, 14, 30, 60, 90, 180, 365, 731] = Field(
        default=30, description="Days CloudWatch keeps container logs and VPC flow logs"
    )
    database_instance_class: str | None = Field(
        default=None,
        pattern=r"^db\.[a-z0-9]+\.[a-z0-9]+$",
        description="RDS instance class instead of the one `database.size` maps to; a family RDS for PostgreSQL offers and "
        "one of its sizes (a table in components/aws/limits.py)",
        json_schema_extra={"docs_default": "derived from `database.size`"},
    )
    ecs_exec: bool = Field(
        default=False,
        description="Allow `aws ecs execute-command` into running tasks (ECS Exec), for debugging; off by default",
    )
    cache_node_type: str | None = Field(
        default=None,
        pattern=r"^cache\.[a-z0-9]+\.[a-z0-9]+$",
        description="ElastiCache node type instead of the smallest that holds `cache.memoryGb`; a current-generation Redis "
        "node type (a table in components/aws/limits.py)",
        json_schema_extra={"docs_default": "derived from `cache.memoryGb`"},
    )

    _cidr_ok = field_validator("vpc_cidr")(classmethod(lambda cls, v: _cidr(v)))

    @field_validator("availability_zones")
    @classmethod
    def _two_zones_at_least(cls, value: int) -> int:
        # ELB API, CreateLoadBalancer: an Application Load Balancer takes subnets in at least two zones; RDS: a DB subnet
        # group must cover at least two zones (RDS user guide, "Working with a DB instance in a VPC").
        if value < 2:
            raise ValueError(
                "an Application Load Balancer and an RDS subnet group each need subnets in two zones; "
                "allowed: 2 or 3 (a development stack already runs one NAT gateway, a single-zone database and one cache node)"
            )
        return value

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str) -> str:
        regions = aws_regions()
        if value not in regions:
            raise ValueError(f"{value!r} is not an AWS region; allowed: {', '.join(sorted(regions))}")
        return value


class DockerSettings(Strict):
    """One Docker engine: the local one, or a single server's reached over SSH."""

    host: str | None = Field(
        default=None,
        pattern=r"^(unix|ssh)://[^\s]+$",
        description="The Docker engine to deploy to: `ssh://deploy@203.0.113.10` for one server (the SSH user must be "
        "allowed to use Docker there), or a `unix://` socket. `tcp://` is refused: an engine listening on TCP gives root on "
        "the host to whoever reaches the port",
        json_schema_extra={"docs_default": "`DOCKER_HOST`, else the local engine's socket"},
    )
    http_port: int = Field(
        default=8080,
        ge=1,
        le=65535,
        description="Host port the reverse proxy serves plain HTTP on when no `domain` is set (with a domain it takes 80 "
        "and 443, which a certificate needs)",
    )

    @field_validator("host")
    @classmethod
    def _no_credentials_in_host(cls, value: str | None) -> str | None:
        if value is not None:
            _no_credential(value, "host")
        return value


class GcpSettings(Strict):
    project: str = Field(pattern=r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$", description="Project ID the stack deploys into")
    region: str = Field(
        default="us-central1",
        pattern=r"^[a-z]+-[a-z]+\d+$",
        description="GCP region, one where Cloud Run runs (a table in components/gcp/limits.py)",
    )
    subnet_cidr: str = Field(
        default="10.10.0.0/20",
        description="The subnet's range: a private block with its prefix length, /26 or larger (Cloud Run's Direct VPC egress "
        "takes addresses 16 at a time, two per instance, and needs at least a /26)",
    )
    database_tier: str | None = Field(
        default=None,
        pattern=r"^db-[A-Za-z0-9-]+$",
        description="Cloud SQL tier instead of the one `database.size` maps to: `db-f1-micro`, `db-g1-small`, "
        "`db-custom-<vCPUs>-<MiB>` within Cloud SQL's custom machine rules, or a predefined tier (components/gcp/limits.py)",
        json_schema_extra={"docs_default": "derived from `database.size`"},
    )

    _cidr_ok = field_validator("subnet_cidr")(classmethod(lambda cls, v: _cidr(v)))


# Inputs an override may not touch, by words in their names: encryption, protection and deletion safeguards,
# backups, network exposure, access policies and credentials follow the model's own keys and the policy pack.
GUARDED_INPUT = re.compile(
    r"encrypt|kms|protect|deletion|delete|destroy|retain|snapshot|backup|public|internal|ipv4|ipconfig|ingress|egress|"
    r"cidr|ssl|tls|auth|polic|iam|role|principal|member|password|secret|token|credential|key",
    re.I,
)
OVERRIDE_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)*\Z")


class Override(Strict):
    """The escape hatch: set inputs the model does not express on resources the program creates."""

    type: str = Field(
        # pydantic matches `pattern` with Rust's regex, where `$` is the end of the text (no trailing newline).
        pattern=r"^[a-z0-9-]+:[A-Za-z0-9/._-]+:[A-Za-z0-9]+$",
        description="Pulumi type token of the resources to change, e.g. `aws:rds/instance:Instance`",
    )
    name: str | None = Field(
        default=None, description="logical name of the one resource to change; every resource of the type when omitted"
    )
    set: dict[str, Any] = Field(min_length=1, description="input path (camelCase, `.` between nested keys) -> value")

    @field_validator("set")
    @classmethod
    def _paths(cls, values: dict[str, Any]) -> dict[str, Any]:
        for path in values:
            if not OVERRIDE_PATH.match(path):
                raise ModelError(path, "not an input path; use camelCase input names joined by '.', e.g. settings.diskType")
            if isinstance(values[path], str):
                _no_credential(values[path], path)
            if GUARDED_INPUT.search(path):
                raise ModelError(
                    path,
                    "overrides may not change encryption, protection, deletion safeguards, backups, network exposure, access "
                    "policies or credentials; these follow the model's own keys (e.g. protect, database.deletionProtection, "
                    "buckets.<name>.public) and the policy pack",
                )
        return values


# What `profile: development` turns down when the stack does not say otherwise.
DEVELOPMENT_DEFAULTS: dict[str, Any] = {
    "protect": False,
    "database": {"highAvailability": False, "deletionProtection": False, "backupRetentionDays": 1},
    "cache": {"highAvailability": False},
    "aws": {"singleNat": True},
}


class App(Strict):
    """One application, rendered to the cloud named by `cloud`."""

    name: str = Field(description="Application name, 1-16 of `a-z0-9-` without `--`; prefixes every cloud resource name")
    cloud: Literal["aws", "gcp", "docker"] = Field(
        description="Where the application runs: `docker` is one Docker engine, on a laptop or a single server"
    )
    profile: Literal["production", "development"] = Field(
        default="production",
        description="`development` turns down HA, deletion protection, backup retention, `protect` and NAT gateways where "
        'the stack does not set them (the defaults marked "in development")',
    )
    protect: bool = Field(default=True, description="Pulumi `protect` on databases, caches, secrets, keys, registries and buckets")
    services: dict[str, Service] = Field(min_length=1, description="Long-running processes; names are 1-20 of `a-z0-9-`")
    jobs: dict[str, Job] = Field(default={}, description="Scheduled jobs; named like services, and not after one")
    migrate: Migration | None = Field(default=None, description="Release step, run with a service's image and access before services roll")
    version: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$",
        description="Tag of the images the stack builds (e.g. 1.4.2 or a commit SHA)",
        json_schema_extra={"docs_default": "none (required when a service has `build`)"},
    )
    allow_mutable_tags: bool = Field(
        default=False, description="Let production run mutable image references (`:latest`, untagged, `version: latest`)"
    )
    database: Database | None = Field(default=None, description="PostgreSQL; omit for none")
    cache: Cache | None = Field(default=None, description="Redis, managed or external; omit for none")
    buckets: dict[str, Bucket] = Field(default={}, description="Object storage; names are 1-20 of `a-z0-9-`")
    topics: list[str] = Field(
        default=[],
        description="Message topics the stack makes (SNS on AWS, Pub/Sub on GCP), for services' `grants.publish`; names are 1-20 "
        "of `a-z0-9-`",
    )
    secrets: dict[str, Secret] = Field(
        default={},
        description="Application secrets; names are environment variable names, at most 64 characters",
        json_schema_extra={"docs_key": "NAME"},
    )
    domain: Domain | None = Field(default=None, description="Public domain; turns on HTTPS")
    waf_mode: Literal["block", "count", "off"] = Field(
        default="block",
        description="What the web application firewall in front of the load balancer does with a request its rules match "
        "(managed rules, rate limit; AWS WAF and Cloud Armor alike). `count` only logs and counts it (AWS WAF count action, "
        "Cloud Armor preview), to try the rules on live traffic before they block; production warns while it is set. `off`: no "
        "web application firewall and no rate limit, for development only (refused in production, and by the policy pack)",
    )
    allow_from: list[str] = Field(
        default=[],
        max_length=MAX_ALLOW_FROM,
        description="Source ranges (CIDR, IPv4 or IPv6) the load balancer admits; empty: anywhere. For a CDN of your own in "
        "front of the domain (e.g. CloudFlare's published ranges): the load balancer then answers no one else",
    )
    client_ip_header: str = Field(
        default="X-Forwarded-For",
        pattern=r"^[A-Za-z0-9-]{1,64}$",
        description="With `allowFrom`: the header in which the CDN passes the client's address, for the rate limit. Prefer "
        "one the CDN overwrites (CloudFlare: `CF-Connecting-IP`); a client can forge the first address of X-Forwarded-For",
    )
    alerts: Alerts = Field(default=Alerts(), description="Alarm thresholds and where alarms go")
    aws: AwsSettings | None = Field(
        default=None,
        description="AWS settings (only with `cloud: aws`)",
        json_schema_extra={"docs_default": "its keys' defaults with `cloud: aws`"},
    )
    gcp: GcpSettings | None = Field(
        default=None, description="GCP settings (only with `cloud: gcp`)", json_schema_extra={"docs_default": "required with `cloud: gcp`"}
    )
    docker: DockerSettings | None = Field(
        default=None,
        description="Docker settings (only with `cloud: docker`)",
        json_schema_extra={"docs_default": "its keys' defaults with `cloud: docker`"},
    )
    overrides: list[Override] = Field(
        default=[], description="Typed per-resource input overrides, for what the model cannot express (see README, Escape hatch)"
    )

    @model_validator(mode="before")
    @classmethod
    def _profile_defaults(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for cloud in ("aws", "docker"):
            if data.get("cloud") == cloud and data.get(cloud) is None:
                # Every setting of these clouds has a default, so the block is optional.
                data = {**data, cloud: {}}
        if data.get("profile") == "development":
            defaults = DEVELOPMENT_DEFAULTS
            if data.get("cloud") == "docker":
                # One host has no deletion protection or managed backups to turn down (the renderer refuses both keys).
                defaults = {**defaults, "database": {"highAvailability": False}}
            data = _merge_defaults(data, defaults)
        return data

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        _dns_name(value, MAX_APP_NAME)
        # The name starts every resource name. Database and cache identifiers refuse two hyphens in a row, and DNS
        # reserves "--" at the third and fourth characters (IDNA's xn--), so no cloud-neutral name carries one.
        if "--" in value:
            raise ValueError(f"{value!r} contains '--'; allowed: 1-{MAX_APP_NAME} lowercase letters, digits and single '-' between them")
        return value

    @field_validator("topics")
    @classmethod
    def _topic_names(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            try:
                _dns_name(value, MAX_SERVICE_NAME)
            except ValueError as exc:
                raise ModelError(f"[{index}]", str(exc)) from None
        if len(set(values)) < len(values):
            raise ValueError("list each topic once")
        return values

    @field_validator("allow_from")
    @classmethod
    def _source_ranges(cls, values: list[str]) -> list[str]:
        for index, value in enumerate(values):
            try:
                _source_range(value)
            except ValueError as exc:
                raise ModelError(f"[{index}]", str(exc)) from None
        if len(set(values)) < len(values):
            raise ValueError("list each range once")
        return values

    @field_validator("services", "jobs", "buckets")
    @classmethod
    def _names(cls, items: dict[str, Any], info: ValidationInfo) -> dict[str, Any]:
        for name in items:
            try:
                _dns_name(name, MAX_SERVICE_NAME)
            except ValueError as exc:
                raise ModelError(name, str(exc)) from None
            reserved = name in RESERVED_WORKLOAD_NAMES or name.startswith(RESERVED_WORKLOAD_PREFIXES)
            if info.field_name != "buckets" and reserved:
                raise ModelError(
                    name,
                    f"{name!r} is reserved for the stack's own resources; reserved: {', '.join(sorted(RESERVED_WORKLOAD_NAMES))} "
                    f"and names starting {', '.join(RESERVED_WORKLOAD_PREFIXES)}",
                )
        return items

    @field_validator("alerts")
    @classmethod
    def _alert_channels(cls, alerts: Alerts, info: ValidationInfo) -> Alerts:
        """Chat channels: each cloud takes the one it can deliver to, and a webhook URL is a supplied secret."""
        cloud, secrets = info.data.get("cloud"), info.data.get("secrets")
        if alerts.slack_channel is not None and cloud == "gcp":
            raise ModelError(
                "slackChannel",
                "AWS Chatbot's Slack channel is AWS only; on GCP post alerts to a webhook with webhookSecret (a declared secret "
                "holding its URL)",
            )
        name = alerts.webhook_secret
        if name is None:
            return alerts
        if cloud == "aws":
            raise ModelError(
                "webhookSecret",
                "SNS cannot post to a chat webhook (it sends its own JSON and waits for the endpoint to confirm the "
                "subscription); on AWS use slackChannel (AWS Chatbot)",
            )
        if isinstance(secrets, dict):
            declared = secrets.get(name)
            if declared is None:
                raise ModelError("webhookSecret", f"{name!r} is not declared under `secrets`; declared: {', '.join(secrets) or 'none'}")
            if declared.generate:
                raise ModelError(
                    "webhookSecret",
                    f"{name!r} is generated by the stack, but a webhook URL comes from the chat tool: declare it without "
                    f"`generate` and set it with `pulumi config set --secret --path 'secretValues.{name}' URL`",
                )
        return alerts

    @field_validator("secrets")
    @classmethod
    def _secret_names(cls, items: dict[str, Secret], info: ValidationInfo) -> dict[str, Secret]:
        cache = info.data.get("cache")
        # The secret that holds an external Redis URL may be called REDIS_URL: it is what that variable carries.
        external = cache.external_url_secret if isinstance(cache, Cache) else None
        for name in items:
            if not ENV_NAME.match(name) or len(name) > MAX_SECRET_NAME:
                raise ModelError(name, f"secret names are environment variable names: 1-{MAX_SECRET_NAME} letters, digits and '_'")
            if name != external:
                _not_reserved_env(name)
            # Cloud secret names are case-insensitive here: `A_B` and `a_b` would be one secret.
            same = [other for other in items if other != name and other.lower() == name.lower()]
            if same:
                raise ModelError(name, f"differs from {same[0]!r} only in case; secret names must differ in more than case")
        return items

    @model_validator(mode="after")
    def _references(self) -> App:
        settings = {"aws": self.aws, "gcp": self.gcp, "docker": self.docker}
        if self.cloud == "gcp" and self.gcp is None:
            raise ModelError("gcp", "cloud is gcp, so the gcp settings block (at least `project`) is required")
        for other in settings:
            if other != self.cloud and settings[other] is not None:
                raise ModelError(other, f"settings for {other} given while cloud is {self.cloud}; remove the block")
        for name in self.jobs:
            if name in self.services:
                raise ModelError(f"jobs.{name}", f"the name {name!r} is already a service; names are shared by services and jobs")
        self._check_routes()
        self._check_sites()
        self._check_hosts_answer()
        self._check_calls()
        self._check_service_refs()
        for name, job in self.jobs.items():
            if job.service not in self.services:
                raise ModelError(f"jobs.{name}.service", f"{job.service!r} is not a service; known: {', '.join(self.services)}")
        if self.migrate is not None and self.migrate.service not in self.services:
            raise ModelError("migrate.service", f"{self.migrate.service!r} is not a service; known: {', '.join(self.services)}")
        self._check_images()
        if self.domain is not None and not self.public_services:
            raise ModelError("domain", "a domain is set but no public http service serves it")
        external = self.cache.external_url_secret if self.cache else None
        if external is not None and external not in self.secrets:
            raise ModelError("cache.externalUrlSecret", f"{external!r} is not declared under `secrets`")
        if external is not None and self.secrets[external].generate:
            raise ModelError(
                "cache.externalUrlSecret",
                f"{external!r} is generated by the stack, but an external Redis URL comes from its provider; declare it "
                f"without `generate` and set it with `pulumi config set --secret --path 'secretValues.{external}' URL`",
            )
        if self.profile == "production" and self.database is not None and self.database.backup_retention_days < 7:
            raise ModelError(
                "database.backupRetentionDays", "production keeps backups at least 7 days (7-35); use profile: development for less"
            )
        if "client_ip_header" in self.model_fields_set and not self.allow_from:
            raise ModelError(
                "clientIpHeader", "it names the client behind a CDN of your own, which `allowFrom` admits; set allowFrom or remove it"
            )
        if self.profile == "production" and self.waf_mode == "off":
            raise ModelError(
                "wafMode", "production keeps its web application firewall; allowed: block or count (profile: development for off)"
            )
        if self.profile == "production" and self.aws is not None and self.aws.public_tasks:
            raise ModelError(
                "aws.publicTasks",
                "production keeps its tasks in private subnets behind NAT; use profile: development for public tasks",
            )
        for name, svc in self.services.items():
            for key in ("interval_minutes", "bake_minutes"):
                minutes = svc.rollout.setting(key) if key in ROLLOUT_DEFAULTS[svc.rollout.strategy] else None
                if self.profile == "production" and minutes is not None and minutes < RELEASE_WATCH_MINUTES:
                    raise ModelError(
                        f"services.{name}.rollout.{to_camel(key)}",
                        f"{minutes} min is too short for the alarms to see the new version before its traffic moves on "
                        f"(they need {RELEASE_WATCH_MINUTES}); allowed in production: {RELEASE_WATCH_MINUTES}-1440, or "
                        "profile: development for less",
                    )
        return self

    def _check_images(self) -> None:
        built = [name for name, svc in self.services.items() if svc.build is not None]
        if built and self.version is None:
            raise ModelError("version", f"services {', '.join(built)} are built by the stack and need a version to tag them (e.g. 1.4.2)")
        if self.version == "latest" and self.production and not self.allow_mutable_tags:
            raise ModelError("version", "'latest' is a mutable tag; production images are pinned (set allowMutableTags: true to opt out)")
        if not self.production or self.allow_mutable_tags:
            return
        for name, svc in self.services.items():
            if svc.image is not None and is_mutable_reference(svc.image):
                raise ModelError(
                    f"services.{name}.image",
                    f"{svc.image!r} is a mutable reference; production images are pinned: name:1.2.3 or name@sha256:<digest> "
                    "(set allowMutableTags: true to opt out)",
                )

    def _check_routes(self) -> None:
        names = self.domain.names if self.domain is not None else []
        for name, svc in self.public_services.items():
            for index, host in enumerate(svc.hosts or []):
                if host not in names:
                    raise ModelError(
                        f"services.{name}.hosts[{index}]",
                        f"{host!r} is not a name of `domain`; allowed: {', '.join(names) or 'none (set domain and its aliases)'}",
                    )
        # A path is routed to one service: among the services without `hosts`, and on each host among those with it.
        groups: dict[str | None, dict[str, str]] = {}
        for name, svc in self.public_services.items():
            for index, route in enumerate(svc.effective_routes):
                scopes: list[str | None] = list(svc.hosts) if svc.hosts else [None]
                for scope in scopes:
                    seen = groups.setdefault(scope, {})
                    if route in seen:
                        raise ModelError(
                            f"services.{name}.routes[{index}]",
                            f"{route!r} is already served by {seen[route]!r}"
                            + (f" on {scope}" if scope else "")
                            + "; a path is routed to one service",
                        )
                    seen[route] = name

    def _check_sites(self) -> None:
        taken = {route: f"service {name!r}" for name, svc in self.public_services.items() for route in svc.effective_routes}
        for name, site in self.sites.items():
            key = f"buckets.{name}.site"
            if self.domain is None:
                raise ModelError(key, "a site is served on the domain, through the CDN on the load balancer; set `domain`")
            if self.allow_from:
                raise ModelError(key, "the CDN answers from its cache before the load balancer's access list (`allowFrom`); remove one")
            if site.path in taken:
                raise ModelError(f"{key}.path", f"{site.path!r} is already served by {taken[site.path]}; a path is routed to one place")
            taken[site.path] = f"bucket {name!r}"
        for name, svc in self.public_services.items():
            if svc.cdn and self.domain is None:
                raise ModelError(f"services.{name}.cdn", "the CDN fronts the load balancer's domain; set `domain`, or remove cdn")
            if svc.cdn and self.allow_from:
                raise ModelError(
                    f"services.{name}.cdn",
                    "the CDN answers from its cache before the load balancer's access list (`allowFrom`); with a CDN of your "
                    "own in front, remove cdn (or allowFrom)",
                )

    @property
    def sites(self) -> dict[str, Site]:
        """Buckets served on the domain through the CDN."""
        return {name: bucket.site for name, bucket in self.buckets.items() if bucket.site is not None}

    @property
    def uses_cdn(self) -> bool:
        return bool(self.sites) or any(svc.cdn for svc in self.public_services.values())

    def host_routes(self) -> dict[str, list[tuple[str, str]]]:
        """For each name of `domain`: (service, path) of the routes it answers, most specific first. On a host, the services
        bound to it (`hosts`) come first: a path of theirs takes every request under it, so a shared route it covers is
        not answered there (AWS orders their listener rules first; GCP's path matcher for the host leaves those out)."""
        assert self.domain is not None
        answered: dict[str, list[tuple[str, str]]] = {}
        for host in self.domain.names:
            own = [(n, p) for n, p in self.routes_most_specific_first() if host in (self.public_services[n].hosts or [])]
            prefixes = [p for _, p in own]
            shared = [
                (n, p)
                for n, p in self.routes_most_specific_first()
                if self.public_services[n].hosts is None and not any(_covers(prefix, p) for prefix in prefixes)
            ]
            answered[host] = sorted(own + shared, key=lambda item: (-len(item[1]), item[0], item[1]))
        return answered

    def _check_hosts_answer(self) -> None:
        if self.domain is None or not self.public_services:
            return
        for index, (host, answered) in enumerate(self.host_routes().items()):
            if not answered:
                key = "domain.name" if index == 0 else f"domain.aliases[{index - 1}]"
                raise ModelError(key, f"{host!r} answers no route: every public service is bound to other hosts (`hosts`)")

    def _check_calls(self) -> None:
        for name, svc in self.services.items():
            for index, callee in enumerate(svc.calls):
                key = f"services.{name}.calls[{index}]"
                target = self.services.get(callee)
                if target is None:
                    raise ModelError(key, f"{callee!r} is not a service; known: {', '.join(self.services)}")
                if callee == name:
                    raise ModelError(key, "a service does not call itself through the network")
                if target.kind != "http":
                    raise ModelError(key, f"{callee!r} is a worker and takes no calls; only http services do")
                variable = call_env_name(callee)
                if variable in svc.env or variable in svc.secrets:
                    raise ModelError(key, f"the call delivers {variable}, which this service also sets itself; remove one")

    def _check_service_refs(self) -> None:
        for name, svc in self.services.items():
            if svc.database and self.database is None:
                raise ModelError(f"services.{name}.database", "the service needs a database but no `database` block is configured")
            if svc.database_replica and not (svc.database and self.database is not None and self.database.replicas):
                raise ModelError(
                    f"services.{name}.databaseReplica",
                    "reading from the replicas needs `database: true` on the service and `database.readReplica` (true, or 1-"
                    f"{MAX_READ_REPLICAS}) on the stack",
                )
            if svc.cache and self.cache is None:
                raise ModelError(f"services.{name}.cache", "the service needs a cache but no `cache` block is configured")
            for i, topic in enumerate(svc.grants.publish):
                if topic not in self.topics:
                    raise ModelError(
                        f"services.{name}.grants.publish[{i}]", f"{topic!r} is not a topic; known: {', '.join(self.topics) or 'none'}"
                    )
            for i, bucket in enumerate(svc.buckets):
                if bucket not in self.buckets:
                    raise ModelError(
                        f"services.{name}.buckets[{i}]", f"{bucket!r} is not a bucket; known: {', '.join(self.buckets) or 'none'}"
                    )
            for i, secret in enumerate(svc.secrets):
                if secret not in self.secrets:
                    raise ModelError(
                        f"services.{name}.secrets[{i}]",
                        f"{secret!r} is not declared under `secrets`; declared: {', '.join(self.secrets) or 'none'}",
                    )
                if secret in svc.env:
                    raise ModelError(f"services.{name}.env.{secret}", "also listed in `secrets`; a name is either plain or secret")
                if svc.cache and self.cache is not None and secret == self.cache.external_url_secret:
                    raise ModelError(
                        f"services.{name}.secrets[{i}]",
                        f"{secret!r} is the external Redis URL, which `cache: true` already delivers as REDIS_URL; remove it here",
                    )

    @property
    def http_services(self) -> dict[str, Service]:
        return {n: s for n, s in self.services.items() if s.kind == "http"}

    @property
    def public_services(self) -> dict[str, Service]:
        """http services reachable from the internet, through the edge; only they take a route there."""
        return {n: s for n, s in self.services.items() if s.is_public}

    @property
    def workers(self) -> dict[str, Service]:
        return {n: s for n, s in self.services.items() if s.kind == "worker"}

    @property
    def production(self) -> bool:
        return self.profile == "production"

    @property
    def identity_env(self) -> dict[str, str]:
        """What every workload is told about the app it belongs to."""
        return {"APP_NAME": self.name, "APP_ENV": self.profile}

    def routes_most_specific_first(self) -> list[tuple[str, str]]:
        """(service, path) of every public route, ordered for path routing: longest first, the catch-all `/` last."""
        routes = [(name, route) for name, svc in self.public_services.items() for route in svc.effective_routes]
        return sorted(routes, key=lambda item: (-len(item[1]), item[0], item[1]))


def _covers(prefix: str, path: str) -> bool:
    """A route's path prefix takes `path`: the same path, one under it, or everything for `/`."""
    return prefix == "/" or path == prefix or path.startswith(f"{prefix}/")


def _merge_defaults(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """Fill keys the stack left out; blocks the stack did not configure stay absent."""
    merged = dict(data)
    for key, value in defaults.items():
        current = merged.get(key)
        if isinstance(value, dict):
            if isinstance(current, dict):
                merged[key] = {**value, **current}
        else:
            merged.setdefault(key, value)
    return merged

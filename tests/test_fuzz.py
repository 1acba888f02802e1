"""Property-based tests of the stack config.

- One mutation of a valid config (a wrong type, an out-of-range number, an unknown key, a missing
  required key, a hostile string or name) always ends in `ConfigError`, never another exception, and
  every problem is one printable line that starts with its key path.
- Arbitrary values anywhere, in both forms the loader takes (objects, and the engine's JSON text),
  end the same way or load.
- A refused config is refused before the program registers a single resource.
- Random valid apps of both clouds load and pass their cloud's limits; a few AWS ones render.

The tests are derandomized and keep no example database, so CI runs the same examples every time.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import math
import shutil
import tempfile
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path as FilePath
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from annotated_types import Ge, Gt, Le, Lt
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from components.aws.limits import RESERVED_NAME_PREFIXES
from components.gcp.limits import GOOGLE_LIKE
from stacks.config import PROJECT, ConfigError, Stack, load, top_level_keys
from stacks.model import RESERVED_ENV, RESERVED_WORKLOAD_NAMES, RESERVED_WORKLOAD_PREFIXES, SECRET_LOOKING_NAME, App
from stacks.offline import ROOT, Resource, StackFileError, stack_config
from tests.harness import render_app

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

Path = tuple[str | int, ...]  # a key path; files use pathlib.Path as FilePath

# Every block and every kind of value, so that mutations reach every level of the model.
RICH_AWS: dict[str, Any] = {
    "name": "shop",
    "cloud": "aws",
    "profile": "production",
    "protect": True,
    "version": "1.0.0",
    "services": {
        "web": {
            "kind": "http",
            "image": "ghcr.io/example/web:1.0.0",
            "command": ["serve"],
            "args": ["--port", "8080"],
            "cpu": 0.5,
            "memory": 1024,
            "scaling": {"min": 1, "max": 2, "cpuTarget": 70},
            "env": {"LOG_LEVEL": "info"},
            "secrets": ["API_TOKEN"],
            "database": True,
            "cache": True,
            "buckets": ["media"],
            "port": 8080,
            "routes": ["/"],
            "healthPath": "/health",
            "public": True,
            "concurrency": 80,
        },
        "worker": {
            "kind": "worker",
            "build": {"context": ".", "dockerfile": "Dockerfile", "target": "worker", "args": {"VARIANT": "worker"}},
            "singleton": True,
        },
    },
    "jobs": {
        "nightly": {
            "schedule": "0 0 * * *",
            "timeZone": "UTC",
            "service": "web",
            "command": ["report"],
            "timeoutSeconds": 600,
            "retries": 3,
            "cpu": 0.25,
            "memory": 512,
        }
    },
    "database": {
        "version": 15,
        "size": "medium",
        "name": "app",
        "storageGb": 20,
        "maxStorageGb": 200,
        "highAvailability": True,
        "backupRetentionDays": 7,
        "readReplica": False,
        "deletionProtection": True,
    },
    "cache": {"version": "7", "memoryGb": 1, "highAvailability": True},
    "buckets": {"media": {"versioning": True, "expireAfterDays": 365, "noncurrentExpireAfterDays": 30, "public": False}},
    "secrets": {"API_TOKEN": {"generate": True, "length": 48}},
    "domain": {"name": "app.example.com", "zone": "example.com"},
    "alerts": {"email": "ops@example.com", "latencyP95Ms": 500, "errorRatePercent": 5, "cpuPercent": 80},
    "aws": {
        "region": "us-east-1",
        "vpcCidr": "10.0.0.0/16",
        "availabilityZones": 2,
        "singleNat": False,
        "architecture": "x86_64",
        "logRetentionDays": 30,
        "databaseInstanceClass": "db.m7g.large",
        "cacheNodeType": "cache.t4g.small",
    },
}
RICH_GCP: dict[str, Any] = {
    **{k: v for k, v in RICH_AWS.items() if k != "aws"},
    "cloud": "gcp",
    "profile": "development",
    "gcp": {"project": "my-project-1", "region": "us-central1", "subnetCidr": "10.10.0.0/20", "databaseTier": "db-custom-2-7680"},
}
BASES = {"aws": RICH_AWS, "gcp": RICH_GCP}
MINIMAL: dict[str, Any] = {
    "name": "shop",
    "cloud": "aws",
    "services": {"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080}},
}

TOP_LEVEL_KEYS = frozenset(top_level_keys())

# Each payload alone makes a name, a reference or any other checked string invalid.
SHELL = ("; rm -rf /", "$(x)", "`id`", "| sh", "&& reboot", "> /etc/passwd")
YAMLISH = ("!!python/object:os.system", "{a: b}", "[a, b]", "*anchor", "&anchor x", "key: value", "--- ", "# note")
CONTROL = ("\n", "\r\n", "\t", "\x00", "\x1b[2J", "\u202e", "\u200b", "\u2028", " ")
UNICODE = ("é", "Ω", "🚀", "\uff57\uff45\uff42", "e\u0301", "İ")
LONG = ("A" * 300, "é" * 5000)
PAYLOADS = SHELL + YAMLISH + CONTROL + UNICODE + LONG
SAFE = "abcdefghijklmnopqrstuvwxyz0123456789-./"  # no quotes or brackets: text form must not decode into a valid value
BOOL_WORDS = {"0", "1", "t", "f", "y", "n", "yes", "no", "on", "off", "true", "false"}


def hostile(payloads: tuple[str, ...] = PAYLOADS, around: str = SAFE) -> st.SearchStrategy[str]:
    """Text with a hostile payload somewhere in it, often next to an otherwise valid value."""
    side = st.text(alphabet=around, max_size=8)
    return st.builds(lambda pre, payload, post: pre + payload + post, side, st.sampled_from(payloads), side)


def _numberish(text: str) -> bool:
    """Text that pydantic's lax mode turns into a number or a bool (it strips whitespace first)."""
    if text.strip().lower() in BOOL_WORDS:
        return True
    try:
        float(text)
    except ValueError:
        return False
    return True


TEXT_NOT_A_NUMBER = hostile().filter(lambda text: not _numberish(text))
JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers() | st.sampled_from([-(2**63), 2**64, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    hostile() | st.text(alphabet=SAFE + "\"'{}[]:,*!&", max_size=20),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(alphabet=SAFE, max_size=6) | hostile(), inner, max_size=3),
    max_leaves=8,
)


# ---- the model's slots, found by walking a base config along the pydantic models ----


@dataclass(frozen=True)
class Slot:
    """One place in a config: its path and what the model expects there."""

    path: Path
    kind: str  # str, int, float, bool, literal, map, list, model
    nullable: bool
    type_: Any
    lower: tuple[float, bool] | None = None  # (bound, inclusive)
    upper: tuple[float, bool] | None = None

    @property
    def dotted(self) -> str:
        return dotted(self.path)


def dotted(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [a for a in get_args(annotation) if a is not type(None)]
        assert len(rest) == 1, f"a union this test does not know: {annotation!r}"
        return rest[0], True
    return annotation, False


def _kind(type_: Any) -> str:
    origin = get_origin(type_)
    if origin is Literal:
        return "literal"
    if origin in (dict, list):
        return "map" if origin is dict else "list"
    if isinstance(type_, type) and issubclass(type_, BaseModel):
        return "model"
    if type_ in (bool, int, float, str):
        return str(type_.__name__)
    raise AssertionError(f"a field type this test does not know: {type_!r}")


def _slot(annotation: Any, metadata: list[Any], path: Path) -> Slot:
    type_, nullable = _unwrap(annotation)
    lower = upper = None
    for rule in metadata:
        if isinstance(rule, Ge | Gt):
            lower = (float(rule.ge if isinstance(rule, Ge) else rule.gt), isinstance(rule, Ge))  # type: ignore[arg-type]
        elif isinstance(rule, Le | Lt):
            upper = (float(rule.le if isinstance(rule, Le) else rule.lt), isinstance(rule, Le))  # type: ignore[arg-type]
    return Slot(path, _kind(type_), nullable, type_, lower, upper)


def slots(model: type[BaseModel], value: dict[str, Any], path: Path = ()) -> Iterator[Slot]:
    fields = {info.alias or name: info for name, info in model.model_fields.items()}
    for key, item in value.items():
        yield from _slots_of(_slot(fields[key].annotation, fields[key].metadata, (*path, key)), item)


def _slots_of(slot: Slot, item: Any) -> Iterator[Slot]:
    yield slot
    if slot.kind == "model":
        yield from slots(slot.type_, item, slot.path)
    elif slot.kind == "map":
        for key, value in item.items():
            yield from _slots_of(_slot(get_args(slot.type_)[1], [], (*slot.path, key)), value)
    elif slot.kind == "list":
        for index, value in enumerate(item):
            yield from _slots_of(_slot(get_args(slot.type_)[0], [], (*slot.path, index)), value)


SLOTS = {cloud: [Slot((), "model", False, App), *slots(App, base)] for cloud, base in BASES.items()}


def _matches(path: Path, pattern: Path) -> bool:
    return len(path) == len(pattern) and all(p == "*" or p == part for part, p in zip(path, pattern, strict=True))


# Strings the model checks (a format, or a reference to something declared); the rest are free text.
CHECKED_STRINGS: tuple[Path, ...] = (
    ("name",),
    ("services", "*", "secrets", "*"),
    ("services", "*", "buckets", "*"),
    ("jobs", "*", "service"),
    ("jobs", "*", "timeZone"),
    ("database", "name"),
    ("domain", "name"),
    ("aws", "region"),
    ("aws", "vpcCidr"),
    ("aws", "databaseInstanceClass"),
    ("aws", "cacheNodeType"),
    ("gcp", "project"),
    ("gcp", "region"),
    ("gcp", "subnetCidr"),
    ("gcp", "databaseTier"),
)
URL_PATHS: tuple[Path, ...] = (("services", "*", "routes", 0), ("services", "*", "healthPath"))
SCHEDULES: tuple[Path, ...] = (("jobs", "*", "schedule"),)
# Maps whose keys are names the model checks (`build.args` and `secretValues` keys are free).
NAMED_MAPS: tuple[Path, ...] = (("services",), ("jobs",), ("buckets",), ("secrets",), ("services", "*", "env"))
NAME_LIMITS: dict[Path, int] = {("name",): 16, ("services",): 20, ("jobs",): 20, ("buckets",): 20}


def _at(app: dict[str, Any], path: Path) -> Any:
    node: Any = app
    for part in path:
        node = node[part]
    return node


def _set(app: dict[str, Any], path: Path, value: Any) -> None:
    _at(app, path[:-1])[path[-1]] = value


def _rename(app: dict[str, Any], path: Path, old: str, new: str) -> None:
    _set(app, path, {new if k == old else k: v for k, v in _at(app, path).items()})


# ---- mutations: each returns a broken app and the key path its error must name ----


@dataclass
class Mutation:
    app: dict[str, Any]
    path: str  # some problem starts with it ("" when any top-level path will do)
    unknown_top_level_key: str | None = None

    def __repr__(self) -> str:  # what hypothesis prints for a failing example
        return f"Mutation(path={self.path!r}, app={json.dumps(self.app, ensure_ascii=False, default=str)[:600]})"


def _pick(draw: st.DrawFn, cloud: str | None, keep: Any) -> tuple[dict[str, Any], Slot]:
    cloud = cloud or draw(st.sampled_from(sorted(BASES)))
    candidates = [s for s in SLOTS[cloud] if keep(s)]
    return copy.deepcopy(BASES[cloud]), draw(st.sampled_from(candidates))


def _wrong_values(slot: Slot) -> st.SearchStrategy[Any]:
    """Values of a JSON kind the slot refuses; pydantic's lax mode accepts the others (bools as 0/1, numeric text), and
    a text slot takes a number or true/false as its text, as the engine hands it over."""
    numbers = st.integers() | st.floats()
    containers = st.lists(JSON_SCALARS, max_size=3) | st.dictionaries(st.text(alphabet=SAFE, max_size=5), JSON_SCALARS, max_size=3)
    options = {
        "str": containers,
        "int": TEXT_NOT_A_NUMBER | containers | st.floats(allow_infinity=False, allow_nan=False).filter(lambda f: not f.is_integer()),
        "float": TEXT_NOT_A_NUMBER | containers,
        "bool": TEXT_NOT_A_NUMBER | containers | st.integers().filter(lambda i: i not in (0, 1)) | st.sampled_from([0.5, -2.5]),
        "literal": TEXT_NOT_A_NUMBER | containers,
        "map": hostile() | st.booleans() | numbers | st.lists(JSON_SCALARS, max_size=3),
        "model": hostile() | st.booleans() | numbers | st.lists(JSON_SCALARS, max_size=3),
        "list": hostile() | st.booleans() | numbers | st.dictionaries(st.text(alphabet=SAFE, max_size=5), JSON_SCALARS, max_size=3),
    }[slot.kind]
    return options if slot.nullable else options | st.none()


@st.composite
def wrong_type(draw: st.DrawFn, cloud: str | None = None) -> Mutation:
    app, slot = _pick(draw, cloud, lambda s: s.path)
    _set(app, slot.path, draw(_wrong_values(slot)))
    return Mutation(app, slot.dotted)


def _beyond(slot: Slot) -> st.SearchStrategy[Any]:
    whole = slot.kind == "int"
    options: list[st.SearchStrategy[Any]] = [st.sampled_from([math.inf, -math.inf])]
    if slot.kind == "int" or slot.lower or slot.upper:
        options.append(st.just(math.nan))
    if slot.lower:
        bound, inclusive = slot.lower
        below = st.integers(max_value=math.ceil(bound) - 1 if inclusive else math.floor(bound))
        options.append(below if whole else st.floats(max_value=bound, exclude_max=inclusive, allow_nan=False))
    if slot.upper:
        bound, inclusive = slot.upper
        above = st.integers(min_value=math.floor(bound) + 1 if inclusive else math.ceil(bound))
        options.append(above if whole else st.floats(min_value=bound, exclude_min=inclusive, allow_nan=False))
    return st.one_of(options)


def _numeric(slot: Slot) -> bool:
    if slot.kind == "literal":
        return all(type(v) is int for v in get_args(slot.type_))
    return slot.kind in ("int", "float") and bool(slot.lower or slot.upper or slot.kind == "int")


@st.composite
def out_of_range(draw: st.DrawFn, cloud: str | None = None) -> Mutation:
    app, slot = _pick(draw, cloud, _numeric)
    if slot.kind == "literal":
        allowed = get_args(slot.type_)
        value = draw(st.integers().filter(lambda v: v not in allowed) | st.sampled_from([math.nan, math.inf, -math.inf]))
    else:
        value = draw(_beyond(slot))
    _set(app, slot.path, value)
    return Mutation(app, slot.dotted)


def _field_names(model: type[BaseModel]) -> set[str]:
    # Keys as written (camelCase) only: a field's Python name (`health_path`) is an unknown key in the config.
    return {info.alias or name for name, info in model.model_fields.items()}


@st.composite
def unknown_key(draw: st.DrawFn, cloud: str | None = None) -> Mutation:
    app, slot = _pick(draw, cloud, lambda s: s.kind == "model")
    known = set(TOP_LEVEL_KEYS) if not slot.path else _field_names(slot.type_)
    typos = st.sampled_from(sorted(known)).map(lambda k: k + "s")
    key = draw((typos | st.text(alphabet=SAFE + "_:$ ", max_size=12) | hostile()).filter(lambda k: k not in known))
    _at(app, slot.path)[key] = draw(JSON_SCALARS)
    return Mutation(app, slot.dotted, unknown_top_level_key=None if slot.path else key)


def _required(slot: Slot, block: dict[str, Any], cloud: str) -> list[str]:
    """Keys of `block` it cannot do without: pydantic-required, plus the model's rules."""
    model = slot.type_
    keys = [info.alias or name for name, info in model.model_fields.items() if info.is_required()]
    if model is App and cloud == "gcp":
        keys.append("gcp")
    if block.get("kind") == "http":
        keys.append("port")
    if "kind" in block:
        keys.append("image" if "image" in block else "build")
    return [k for k in keys if k in block]


@st.composite
def missing_key(draw: st.DrawFn, cloud: str | None = None) -> Mutation:
    cloud = cloud or draw(st.sampled_from(sorted(BASES)))
    app, slot = _pick(draw, cloud, lambda s: s.kind == "model" and _required(s, _at(BASES[cloud], s.path), cloud))
    block = _at(app, slot.path)
    key = draw(st.sampled_from(_required(slot, block, cloud)))
    del block[key]
    return Mutation(app, slot.dotted or key)


@st.composite
def hostile_string(draw: st.DrawFn, cloud: str | None = None) -> Mutation:
    def checked(s: Slot) -> bool:
        patterns = CHECKED_STRINGS + URL_PATHS + SCHEDULES
        literal_text = s.kind == "literal" and all(isinstance(v, str) for v in get_args(s.type_))
        return literal_text or (s.kind == "str" and any(_matches(s.path, p) for p in patterns))

    app, slot = _pick(draw, cloud, checked)
    if any(_matches(slot.path, p) for p in URL_PATHS):
        value = "/" + draw(hostile((*CONTROL, "*")))  # other characters are fine in a URL path
    elif any(_matches(slot.path, p) for p in SCHEDULES):
        value = draw(hostile(SHELL + YAMLISH + UNICODE + LONG + ("\x00", "\u200b"), around="0123456789* ,/-"))
    else:
        value = draw(hostile())
    _set(app, slot.path, value)
    return Mutation(app, slot.dotted)


@st.composite
def hostile_name(draw: st.DrawFn, cloud: str | None = None) -> Mutation:
    """The application's name, or a key the user chose (a service, job, bucket, secret or env name), made invalid."""
    cloud = cloud or draw(st.sampled_from(sorted(BASES)))
    app = copy.deepcopy(BASES[cloud])
    path: Path = draw(st.sampled_from([("name",), *[p for p in NAMED_MAPS if "*" not in p], ("services", "web", "env")]))
    limit = NAME_LIMITS.get(path)
    too_long = st.integers(limit + 1, 300).map(lambda n: "a" * n) if limit else st.nothing()
    new = draw(hostile() | too_long)
    if path == ("name",):
        app["name"] = new
        return Mutation(app, "name")
    old = draw(st.sampled_from(sorted(_at(app, path))))
    _rename(app, path, old, new)
    return Mutation(app, dotted(path))


def mutations(cloud: str | None = None) -> st.SearchStrategy[Mutation]:
    return st.one_of(
        wrong_type(cloud), out_of_range(cloud), unknown_key(cloud), missing_key(cloud), hostile_string(cloud), hostile_name(cloud)
    )


# ---- loading and checking ----


def raw(app: dict[str, Any], as_text: bool) -> dict[str, Any]:
    """The config map the program reads: objects, or as the engine passes it (JSON text, plain text for strings)."""
    if not as_text:
        return {f"{PROJECT}:{k}": v for k, v in app.items()}
    return {f"{PROJECT}:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in app.items()}


def refused(config: dict[str, Any], unknown_top_level_key: str | None = None) -> ConfigError:
    """Load a config that must be refused; any exception other than ConfigError fails the test as it is."""
    with pytest.raises(ConfigError) as caught:
        load(config)
    assert_problems_name_key_paths(caught.value, unknown_top_level_key)
    return caught.value


def assert_problems_name_key_paths(error: ConfigError, unknown_top_level_key: str | None = None) -> None:
    assert error.problems, "a ConfigError with no problems"
    heads = {*TOP_LEVEL_KEYS, "(top level)"}
    if unknown_top_level_key is not None:
        # Pulumi's path syntax quotes a key that would not read as one: `["a b"]`.
        heads |= {unknown_top_level_key, f"[{json.dumps(unknown_top_level_key)}]"}
    for problem in error.problems:
        assert problem.isprintable(), f"not one printable line: {problem!r}"
        assert any(problem.startswith(head + sep) for head in heads for sep in (": ", ".", "[")), f"no key path: {problem!r}"


def check_refused(mutation: Mutation, as_text: bool) -> None:
    error = refused(raw(mutation.app, as_text), mutation.unknown_top_level_key)
    assert any(p.startswith(mutation.path) for p in error.problems), f"no problem names {mutation.path!r}: {error.problems}"


# ---- 1. refused, with the key path, as a ConfigError ----


def test_the_rich_bases_are_valid() -> None:
    for base in BASES.values():
        for as_text in (False, True):
            assert isinstance(load(raw(base, as_text)), Stack)


@settings(FUZZ, max_examples=60)
@given(mutation=mutations(), as_text=st.booleans())
@example(mutation=Mutation({**MINIMAL, "services": {"web\n": MINIMAL["services"]["web"]}}, "services"), as_text=False)
@example(mutation=Mutation({**MINIMAL, "name": "shop\n"}, "name"), as_text=True)
@example(mutation=Mutation({**MINIMAL, "services": "[" * 100_000}, "services"), as_text=True)
@example(mutation=Mutation({**MINIMAL, "": 1}, "", unknown_top_level_key=""), as_text=False)
def test_a_mutated_config_is_refused_with_the_key_path(mutation: Mutation, as_text: bool) -> None:
    check_refused(mutation, as_text)


@settings(FUZZ, max_examples=50)
@given(
    cloud=st.sampled_from(sorted(BASES)),
    data=st.data(),
    as_text=st.booleans(),
    secret_values=st.none() | JSON_VALUES,
    secret_flag=st.booleans(),
)
def test_arbitrary_values_anywhere_load_or_end_in_a_config_error(
    cloud: str, data: st.DataObject, as_text: bool, secret_values: Any, secret_flag: bool
) -> None:
    app = copy.deepcopy(BASES[cloud])
    for _ in range(data.draw(st.integers(1, 3))):
        slot = data.draw(st.sampled_from([s for s in SLOTS[cloud] if s.path]))
        try:
            _set(app, slot.path, data.draw(JSON_VALUES))
        except (KeyError, IndexError, TypeError):  # an earlier replacement removed the place
            continue
    config = raw(app, as_text)
    if secret_values is not None:
        config[f"{PROJECT}:secretValues"] = secret_values
    try:
        load(config, [f"{PROJECT}:secretValues"] if secret_flag else [])
    except ConfigError as error:
        assert_problems_name_key_paths(error)


@settings(FUZZ, max_examples=50)
@given(key=st.sampled_from(sorted(TOP_LEVEL_KEYS)), text=hostile() | st.text(alphabet=SAFE + "\"'{}[]:,*!&\n", max_size=30))
def test_any_engine_text_for_a_key_loads_or_is_refused_with_a_key_path(key: str, text: str) -> None:
    config = raw(RICH_AWS, as_text=True) | {f"{PROJECT}:{key}": text}
    try:
        load(config, [f"{PROJECT}:secretValues"])
    except ConfigError as error:
        assert_problems_name_key_paths(error)


PRIVATE_RANGES = [ipaddress.IPv4Network(n) for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16")]


@settings(FUZZ, max_examples=75)
@given(
    network=st.builds(
        lambda address, prefix: ipaddress.ip_network((address, prefix), strict=False), st.ip_addresses(v=4), st.integers(0, 32)
    )
    | st.builds(lambda address, prefix: ipaddress.ip_network((address, prefix), strict=False), st.ip_addresses(v=6), st.integers(0, 128))
    | st.sampled_from([ipaddress.ip_network(n) for n in ("10.0.0.0/16", "172.16.0.0/12", "127.0.0.0/16", "169.254.0.0/16", "fd00::/16")]),
    cloud=st.sampled_from(["aws", "gcp"]),
)
def test_network_ranges_are_private_ipv4(network: ipaddress.IPv4Network | ipaddress.IPv6Network, cloud: str) -> None:
    """Only the RFC 1918 ranges the error message names; IPv6, loopback, link-local and reserved ranges are refused."""
    app = copy.deepcopy(BASES[cloud])
    key = "vpcCidr" if cloud == "aws" else "subnetCidr"
    app[cloud][key] = str(network)
    private = isinstance(network, ipaddress.IPv4Network) and any(network.subnet_of(r) for r in PRIVATE_RANGES)
    if private:
        load(raw(app, as_text=True))
    else:
        error = refused(raw(app, as_text=True))
        assert any(p.startswith(f"{cloud}.{key}: ") for p in error.problems), error.problems


# ---- 2. refused before any resource is registered ----


FARGATE = {0.25: (512, 1024, 2048), 0.5: (1024, 2048, 3072, 4096), 1: tuple(range(2048, 8193, 1024))}


@st.composite
def aws_limit_violation(draw: st.DrawFn) -> Mutation:
    """Valid for the model, refused by the AWS renderer's own limits."""
    app = copy.deepcopy(RICH_AWS)
    where = draw(st.sampled_from([("services", "web"), ("jobs", "nightly")]))
    what = draw(st.sampled_from(["size", "cpu", "network", "schedule"]))
    if what == "size":
        cpu = draw(st.sampled_from(sorted(FARGATE)))
        memory = draw(st.integers(128, 131072).filter(lambda m: m not in FARGATE[cpu] and not (cpu == 1 and m % 1024 == 0 and m <= 8192)))
        _at(app, where).update(cpu=cpu, memory=memory)
        return Mutation(app, f"{dotted(where)}.memory")
    if what == "cpu":
        _at(app, where)["cpu"] = draw(st.floats(min_value=0.01, max_value=16).filter(lambda c: c not in (0.25, 0.5, 1, 2, 4, 8, 16)))
        return Mutation(app, f"{dotted(where)}.cpu")
    if what == "network":
        prefix = draw(st.integers(8, 15) | st.integers(25, 30))
        app["aws"]["vpcCidr"] = str(ipaddress.ip_network(("10.0.0.0", prefix), strict=False))
        return Mutation(app, "aws.vpcCidr")
    app["jobs"]["nightly"]["schedule"] = f"0 0 {draw(st.integers(1, 28))} * {draw(st.integers(0, 6))}"
    return Mutation(app, "jobs.nightly.schedule")


@settings(FUZZ, max_examples=12)
@given(mutation=mutations("aws") | aws_limit_violation())
def test_a_refused_config_registers_nothing(mutation: Mutation) -> None:
    registered: list[Resource] = []
    with pytest.raises(ConfigError) as caught:
        render_app(mutation.app, recorded=registered)
    assert registered == [], f"registered before the error: {[r.name for r in registered]}"
    assert_problems_name_key_paths(caught.value, mutation.unknown_top_level_key)
    assert any(p.startswith(mutation.path) for p in caught.value.problems), caught.value.problems


# ---- 3. valid apps load, pass their cloud's limits, and render ----


def names(alphabet: str, first: str, max_size: int) -> st.SearchStrategy[str]:
    return st.builds(lambda a, b: a + b, st.sampled_from(first), st.text(alphabet=alphabet, max_size=max_size - 1))


DNS_NAMES = names("abcdefghijklmnopqrstuvwxyz0123456789-", "abcdefghijklmnopqrstuvwxyz", 20).filter(
    lambda n: not n.endswith("-") and "--" not in n and not GOOGLE_LIKE.search(n)
)
# App names every cloud takes: none of AWS's reserved prefixes (in `<app>-...` names), nothing GCP keeps for Google.
APP_NAMES = DNS_NAMES.filter(lambda n: len(n) <= 16 and not f"{n}-".startswith(tuple(RESERVED_NAME_PREFIXES)) and not n.startswith("goog"))
# Services and jobs may not take the names the stack gives its own resources.
WORKLOAD_NAMES = DNS_NAMES.filter(lambda n: n not in RESERVED_WORKLOAD_NAMES and not n.startswith(RESERVED_WORKLOAD_PREFIXES))
# Upper case only: names differing only in case are refused (cloud secret names fold case).
ENV_NAMES = names("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", "ABCDEFGHIJKLMNOPQRSTUVWXYZ_", 16).filter(
    lambda n: n not in RESERVED_ENV and not SECRET_LOOKING_NAME.search(n)
)
CLOUD_RUN = {1: (512, 4096), 2: (512, 8192), 4: (2048, 16384)}


def sizes(cloud: str) -> st.SearchStrategy[dict[str, Any]]:
    if cloud == "aws":
        pairs = [(cpu, memory) for cpu, memories in FARGATE.items() for memory in memories]
        return st.sampled_from(pairs).map(lambda p: {"cpu": p[0], "memory": p[1]})
    return st.sampled_from(sorted(CLOUD_RUN)).flatmap(
        lambda cpu: st.integers(*CLOUD_RUN[cpu]).map(lambda memory: {"cpu": cpu, "memory": memory})
    )


def cron() -> st.SearchStrategy[str]:
    minute = st.integers(0, 59).map(str) | st.sampled_from(["*", "*/5", "*/15", "0,30"])
    hour = st.integers(0, 23).map(str) | st.sampled_from(["*", "*/6", "9-17"])
    month = st.integers(1, 12).map(str) | st.just("*")
    # EventBridge cannot restrict both day fields, so at most one of them is.
    days = st.tuples(st.integers(1, 28).map(str), st.just("*")) | st.tuples(st.just("*"), st.integers(0, 6).map(str) | st.just("1-5"))
    return st.builds(lambda m, h, d, mo: f"{m} {h} {d[0]} {mo} {d[1]}", minute, hour, days, month)


@st.composite
def valid_apps(draw: st.DrawFn, cloud: str) -> dict[str, Any]:
    profile = draw(st.sampled_from(["production", "development"]))
    app: dict[str, Any] = {"name": draw(APP_NAMES), "cloud": cloud, "profile": profile}
    if cloud == "gcp":
        app["gcp"] = {"project": "my-project-1", "subnetCidr": draw(st.sampled_from(["10.10.0.0/20", "192.168.0.0/24"]))}
    elif draw(st.booleans()):
        app["aws"] = {"availabilityZones": draw(st.sampled_from([2, 3])), "architecture": draw(st.sampled_from(["x86_64", "arm64"]))}
    if draw(st.booleans()):
        app["database"] = {"size": draw(st.sampled_from(["small", "medium"])), "backupRetentionDays": draw(st.integers(7, 35))}
    if draw(st.booleans()):
        # Memorystore takes whole GB; ElastiCache node types start below 1 GB.
        app["cache"] = {"memoryGb": draw(st.sampled_from([0.5, 1, 3] if cloud == "aws" else [1, 3]))}
    buckets = draw(st.lists(DNS_NAMES.filter(lambda b: not GOOGLE_LIKE.search(f"{app['name']}-{b}")), max_size=2, unique=True))
    app["buckets"] = {b: {"versioning": draw(st.booleans())} for b in buckets}
    secrets = draw(st.lists(ENV_NAMES, max_size=2, unique=True))
    app["secrets"] = {s: {"generate": True} for s in secrets}

    count = draw(st.integers(1, 5))
    service_names = draw(st.lists(WORKLOAD_NAMES, min_size=count, max_size=count, unique=True))
    kinds = draw(st.lists(st.sampled_from(["http", "worker"]), min_size=count, max_size=count))
    routes = iter(draw(st.permutations(["/", *(f"/{n}" for n in service_names[1:])])))
    app["services"] = {}
    for name, kind in zip(service_names, kinds, strict=True):
        svc: dict[str, Any] = {"kind": kind, "image": f"ghcr.io/example/{name}:1.0.{draw(st.integers(0, 9))}", **draw(sizes(cloud))}
        if kind == "http":
            svc |= {"port": draw(st.integers(1, 65535)), "public": draw(st.booleans())}
            if svc["public"]:  # a private service is not on the load balancer and takes no route
                svc["routes"] = [next(routes)]
        elif draw(st.booleans()):
            svc["singleton"] = True
        # A worker needs an instance: with min 0 neither cloud ever runs one.
        low = draw(st.integers(0 if kind == "http" else 1, 3))
        if not svc.get("singleton"):
            high = draw(st.integers(max(low, 1), 5))
            # Cloud Run worker pools run a fixed count: min equals max there.
            svc["scaling"] = {"min": high, "max": high} if cloud == "gcp" and kind == "worker" else {"min": low, "max": high}
        svc["env"] = draw(st.dictionaries(ENV_NAMES, st.text(alphabet=SAFE + " =:", max_size=10), max_size=2))
        svc["database"] = "database" in app and draw(st.booleans())
        svc["cache"] = "cache" in app and draw(st.booleans())
        svc["buckets"] = draw(st.lists(st.sampled_from(buckets), unique=True)) if buckets else []
        svc["secrets"] = [s for s in (draw(st.lists(st.sampled_from(secrets), unique=True)) if secrets else []) if s not in svc["env"]]
        app["services"][name] = svc

    job_names = draw(st.lists(WORKLOAD_NAMES.filter(lambda n: n not in app["services"]), max_size=2, unique=True))
    app["jobs"] = {
        job: {
            "schedule": draw(cron()),
            "timeZone": draw(st.sampled_from(["UTC", "Europe/Berlin", "America/New_York"])),
            "service": draw(st.sampled_from(service_names)),
            "command": ["python", "-m", job],
            **draw(sizes(cloud)),
        }
        for job in job_names
    }
    if any(s.get("public") for s in app["services"].values()) and draw(st.booleans()):
        app["domain"] = {"name": f"{app['name']}.example.com"}
    return app


def check_loads(app: dict[str, Any], as_text: bool) -> App:
    model = load(raw(app, as_text)).app
    assert sorted(model.services) == sorted(app["services"])
    assert {n: s.kind for n, s in model.services.items()} == {n: s["kind"] for n, s in app["services"].items()}
    assert sorted(model.jobs) == sorted(app["jobs"])
    routes = [route for s in model.public_services.values() for route in s.effective_routes]
    assert len(routes) == len(set(routes))
    return model


@settings(FUZZ, max_examples=30)
@given(app=valid_apps("aws"), as_text=st.booleans())
def test_valid_aws_apps_load_and_pass_the_fargate_limits(app: dict[str, Any], as_text: bool) -> None:
    from components.aws.limits import validate

    validate(check_loads(app, as_text))


@settings(FUZZ, max_examples=30)
@given(app=valid_apps("gcp"), as_text=st.booleans())
def test_valid_gcp_apps_load_and_pass_the_cloud_run_limits(app: dict[str, Any], as_text: bool) -> None:
    from components.gcp.limits import validate

    validate(check_loads(app, as_text))


@settings(FUZZ, max_examples=3)
@given(app=valid_apps("aws"))
def test_valid_aws_apps_render_without_duplicate_urns(app: dict[str, Any]) -> None:
    rendering = render_app(app)  # checks for duplicate URNs itself
    assert len(rendering.of_type("aws:ecs/service:Service")) == len(app["services"])
    assert len(rendering.of_type("aws:scheduler/schedule:Schedule")) == len(app["jobs"])


@settings(FUZZ, max_examples=3)
@given(app=valid_apps("gcp"))
def test_valid_gcp_apps_render_without_duplicate_urns(app: dict[str, Any]) -> None:
    rendering = render_app(app)  # checks for duplicate URNs itself
    services = rendering.of_type("gcp:cloudrunv2/service:Service") + rendering.of_type("gcp:cloudrunv2/workerPool:WorkerPool")
    assert len(services) == len(app["services"])


# ---- 4. the four classes of bad input, each kept fixed: crashes, echoed secrets, invalid values, false alarms


def _stack_file_outcome(text: bytes) -> str | None:
    """Read a stack file as `python -m stacks.render` does, up to the model: None when it loads, else the error text.
    Any exception other than StackFileError or ConfigError is a crash and fails the test as it is."""
    with tempfile.TemporaryDirectory() as scratch:
        root = FilePath(scratch)
        shutil.copy(ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
        (root / "Pulumi.t.yaml").write_bytes(text)
        try:
            config, secret_keys = stack_config("t", root)
            load(config, secret_keys)
        except StackFileError as exc:
            assert str(exc).isprintable(), f"not one printable line: {exc}"
            return str(exc)
        except ConfigError as error:
            # The file may name any key: each problem is one printable line that starts with its key path.
            assert all(p.isprintable() and ": " in p and not p.startswith(" ") for p in error.problems), error.problems
            return str(error)
    return None


COMMITTED_LINES = (ROOT / "Pulumi.aws-prod.yaml").read_text().splitlines()
# YAML the Pulumi CLI reads in its own way, or refuses: tags, anchors and aliases, merge keys, YAML 1.1 words, dates,
# numbers beyond float, non-text keys, flow collections, nesting, control bytes.
YAML_PIECES = (
    "!!binary aGVsbG8=", "!!python/object:os.system {}", "!custom x", "!!set {a}", "!!int abc", "!!float 1", "!!str 12",
    "&a [*a]", "&b {k: *b}", "*undefined", "{<<: {a: 1}, b: 2}", "<<: 5", "[&c x, *c, *c]", "yes", "on", "N", "~",
    "2024-05-01", "2024-05-01T10:00:00Z", "12:30", "1e400", "-1e400", ".inf", ".NaN", "0x1F", "0o17", "017", "1_000",
    "99999999999999999999999", "? [a, b]\n      : c", "? {a: b}\n      : c", "123: x", "true: x", "null: x", "'': x", "[" * 300,
    "[" * 3000 + "]" * 3000, "{a: [{b: [{c: []}]}]}", "- a\n- b", "\t- x", "key: 'unterminated", '"\\x00"', "|\n  text",
    "---\nmore: 1", "...", "%YAML 1.1", "# comment only",
)  # fmt: skip
YAML_BYTES = (b"\xff", b"\xfe\xff", b"\x00", b"\xc3", b"\xef\xbb\xbf", b"\x1b[2J", b"\r", b"\xe2\x80\xa8")


@settings(FUZZ, max_examples=30)
@given(
    index=st.integers(0, len(COMMITTED_LINES)),
    indent=st.sampled_from(["", "  ", "    ", "      "]),
    key=st.sampled_from(["", "shipyard:version: ", "shipyard:services: ", "config: ", "x: ", "- "]),
    piece=st.sampled_from(YAML_PIECES),
    replace=st.booleans(),
    raw_bytes=st.none() | st.sampled_from(YAML_BYTES),
)
@example(index=0, indent="", key="", piece="- a\n- b", replace=True, raw_bytes=None)
def test_any_stack_file_loads_or_ends_in_a_clear_error(
    index: int, indent: str, key: str, piece: str, replace: bool, raw_bytes: bytes | None
) -> None:
    """Class 1, crashes: a committed stack file with one odd piece of YAML (or bytes) anywhere ends without a traceback."""
    lines = [line.encode() for line in COMMITTED_LINES]
    inserted = (indent + key + piece).encode() if raw_bytes is None else (indent + key).encode() + raw_bytes
    lines[index : index + (1 if replace else 0)] = [inserted]
    _stack_file_outcome(b"\n".join(lines) + b"\n")


NUMERIC_SLOTS = [s for cloud in BASES for s in SLOTS[cloud] if s.kind in ("int", "float")]


def _models(model: type[BaseModel]) -> Iterator[type[BaseModel]]:
    yield model
    for info in model.model_fields.values():
        for arg in [info.annotation, *get_args(info.annotation), *(a for b in get_args(info.annotation) for a in get_args(b))]:
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                yield from _models(arg)


def test_every_number_in_the_model_has_an_upper_bound() -> None:
    """Class 1, crashes: a number without a ceiling (`1e400`, 10**30) reached the renderers and overflowed there.
    Every numeric key of every block, whether or not the fuzzing bases set it."""
    unbounded = set()
    for model in _models(App):
        for name, info in model.model_fields.items():
            slot = _slot(info.annotation, info.metadata, (model.__name__, name))
            if slot.kind in ("int", "float") and slot.upper is None:
                unbounded.add(f"{model.__name__}.{name}")
    assert not unbounded, f"numbers without an upper bound: {sorted(unbounded)}"


@settings(FUZZ, max_examples=40)
@given(
    slot=st.sampled_from(NUMERIC_SLOTS),
    huge=st.integers(31, 400).map(lambda k: 10**k) | st.sampled_from([2**31, 2**63, 2**64, 1e300, "1e400", "-1e400"]),
    as_text=st.booleans(),
)
def test_huge_numbers_are_refused_at_their_key(slot: Slot, huge: Any, as_text: bool) -> None:
    cloud = next(c for c in BASES if slot in SLOTS[c])
    app = copy.deepcopy(BASES[cloud])
    _set(app, slot.path, huge)
    error = refused(raw(app, as_text))
    assert any(p.startswith(slot.dotted) for p in error.problems), error.problems


# Where secret values sit: a planted value there is never printed, whatever else is wrong with the config.
PLANTED = "planted-7Qx2Vw9Zk"


@st.composite
def planted_secrets(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    app = copy.deepcopy(draw(st.sampled_from([RICH_AWS, RICH_GCP])))
    value = draw(st.sampled_from([PLANTED, [PLANTED], {"v": PLANTED}, f"https://u:{PLANTED}@x.io", f"{PLANTED}\n"]))
    place = draw(st.sampled_from(["secretValues", "secrets", "env", "args", "plain-values"]))
    name = draw(st.sampled_from(["SENTRY_DSN", "API_TOKEN", "DB_PASSWORD", "STRIPE_SECRET", "X"]))
    secret_keys = [f"{PROJECT}:secretValues"] if draw(st.booleans()) else []
    if place == "secretValues":
        app["secrets"][name] = {}
        app["secretValues"] = {name: value}
    elif place == "secrets":
        app["secrets"][name] = value
    elif place == "env":
        app["services"]["web"]["env"][draw(st.sampled_from(["API_KEY", "DB_PASSWORD", "AUTH_TOKEN", "MY_SECRET"]))] = value
    elif place == "args":
        app["services"]["worker"]["build"]["args"]["NPM_TOKEN"] = value
    else:  # a credential-looking value anywhere plain
        where: Path = draw(
            st.sampled_from([("services", "web", "env", "DB_URL"), ("services", "web", "command", 0), ("jobs", "nightly", "command", 0)])
        )
        _set(app, where, f"postgres://app:{PLANTED}@db/app")
    if draw(st.booleans()):  # and something else wrong too
        mutation = draw(mutations())
        app = {**mutation.app, **{k: v for k, v in app.items() if k in ("secrets", "secretValues")}}
    return app, secret_keys


@settings(FUZZ, max_examples=50)
@given(planted=planted_secrets(), as_text=st.booleans())
def test_a_planted_secret_is_never_printed(planted: tuple[dict[str, Any], list[str]], as_text: bool) -> None:
    """Class 2, echoed secrets: values under `secrets`, `secretValues` and secret-looking names never reach a message."""
    app, secret_keys = planted
    try:
        load(raw(app, as_text), secret_keys)
    except ConfigError as error:
        text = str(error)
        assert PLANTED not in text and PLANTED.replace("-", "") not in text.replace("-", ""), text


# Image references: the grammar's pieces, put together valid, then broken in one of the ways the issue names.
PATH_COMPONENT = st.from_regex(r"\A[a-z0-9]{1,6}([._]|__|-{1,2})?[a-z0-9]{1,6}\Z")
TAGS = st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}\Z")
REGISTRIES = st.sampled_from(["", "ghcr.io/", "docker.io/", "localhost:5000/", "123456789012.dkr.ecr.us-east-1.amazonaws.com/"])


@st.composite
def image_references(draw: st.DrawFn) -> str:
    name = draw(REGISTRIES) + "/".join(draw(st.lists(PATH_COMPONENT, min_size=1, max_size=3)))
    tag = draw(st.none() | TAGS)
    digest = draw(st.none() | st.text(alphabet="0123456789abcdef", min_size=64, max_size=64))
    return name + (f":{tag}" if tag else "") + (f"@sha256:{digest}" if digest else "")


BREAKS: dict[str, Callable[[str], str]] = {
    "empty": lambda ref: "",
    "upper case": lambda ref: ref.split("/")[0] + "/Upper/" + ref.split("/")[-1] if "/" in ref else ref.upper(),
    "space": lambda ref: ref.replace(":", " :", 1) if ":" in ref else ref + " x",
    "trailing newline": lambda ref: ref + "\n",
    "empty tag": lambda ref: ref.split("@")[0].split(":")[0] + ":" if "localhost" not in ref else "localhost:5000/a:",
    "tag starting with -": lambda ref: ref.split("@")[0].rsplit(":", 1)[0] + ":-1" if ":" in ref.split("/")[-1] else ref + ":-1",
    "long tag": lambda ref: ref.split("@")[0] + ("" if ":" in ref.split("/")[-1] else ":") + "t" * 129,
    "long name": lambda ref: "a" * 256,
    "short digest": lambda ref: ref.split("@")[0] + "@sha256:abc",
    "upper-case digest": lambda ref: ref.split("@")[0] + "@sha256:" + "A" * 64,
}


@settings(FUZZ, max_examples=40)
@given(reference=image_references(), broken=st.none() | st.sampled_from(sorted(BREAKS)), cloud=st.sampled_from(["aws", "gcp"]))
def test_image_references_follow_the_registries_grammar(reference: str, broken: str | None, cloud: str) -> None:
    """Class 3, invalid values: what a registry would refuse is refused at the key, and every valid reference loads."""
    app = copy.deepcopy(MINIMAL) | {"allowMutableTags": True}  # untagged references are valid, if not pinned
    app["services"]["web"]["image"] = BREAKS[broken](reference) if broken else reference
    if broken is None:
        assert load(raw(app, as_text=False)).app.services["web"].image == reference
    else:
        error = refused(raw(app, as_text=False))
        assert any(p.startswith("services.web.image: ") for p in error.problems), error.problems


ROUTE_OK = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._~$@:+-")


def _route_oracle(path: str) -> bool:
    """The route rule, said a second way: '/'-separated segments of the allowed characters, no '.'/'..', none empty
    but the last."""
    if not path.startswith("/"):
        return False
    segments = path[1:].split("/")
    return all(set(s) <= ROUTE_OK for s in segments) and all(s not in (".", "..") for s in segments) and "" not in segments[:-1]


@settings(FUZZ, max_examples=75)
@given(
    path=st.builds(lambda a, b: "/" + a + b, st.text(alphabet=[*sorted(ROUTE_OK), "/"], max_size=12), st.text(max_size=3))
    | st.sampled_from(["/api?x", "/a#b", "/caf%C3%A9", "/é", "/a//b", "/./a", "/a/..", "/*", "/a b", "/a\n", "/"]),
    key=st.sampled_from(["routes", "healthPath"]),
)
def test_paths_the_load_balancers_match_as_written_load_and_no_other(path: str, key: str) -> None:
    app = copy.deepcopy(MINIMAL)
    app["services"]["web"][key] = [path] if key == "routes" else path
    if _route_oracle(path):
        load(raw(app, as_text=False))
    else:
        error = refused(raw(app, as_text=False))
        assert any(p.startswith(f"services.web.{key}") for p in error.problems), error.problems


@settings(FUZZ, max_examples=40)
@given(zeros=st.integers(1, 8), gid=st.none() | st.integers(0, 65535))
def test_root_in_any_spelling_is_refused(zeros: int, gid: int | None) -> None:
    app = copy.deepcopy(MINIMAL)
    app["services"]["web"]["user"] = "0" * zeros + ("" if gid is None else f":{gid}")
    error = refused(raw(app, as_text=False))
    assert any(p.startswith("services.web.user: containers do not run as root") for p in error.problems)


CREDENTIALS = st.one_of(
    st.from_regex(r"\A(AKIA|ASIA)[A-Z0-9]{16}\Z"),
    st.builds(
        lambda scheme, user, password, host: f"{scheme}://{user}:{password}@{host}",
        st.sampled_from(["postgres", "redis", "https", "amqp", "mongodb+srv"]),
        st.text(alphabet="abcxyz", max_size=5),
        st.text(alphabet="abcXYZ123!*", min_size=1, max_size=10),
        st.sampled_from(["db", "cache:6379", "x.example.com/path"]),
    ),
)


@settings(FUZZ, max_examples=30)
@given(credential=CREDENTIALS, around=st.tuples(st.sampled_from(["", "url=", "--dsn="]), st.sampled_from(["", "/app", " x"])))
def test_a_credential_in_a_plain_value_is_refused_and_not_printed(credential: str, around: tuple[str, str]) -> None:
    value = around[0] + credential + around[1]
    for where in (("env", "DB"), ("command", None)):
        app = copy.deepcopy(MINIMAL)
        if where[0] == "env":
            app["services"]["web"]["env"] = {"DB": value}
        else:
            app["services"]["web"]["command"] = ["run", value]
        error = refused(raw(app, as_text=False))
        assert any("looks like a credential" in p for p in error.problems), error.problems
        assert credential not in str(error)


@settings(FUZZ, max_examples=30)
@given(
    name=st.sampled_from(["K_SERVICE", "K_REVISION", "K_CONFIGURATION"])
    | st.builds(lambda rest: "CLOUD_RUN_" + rest, st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ_", max_size=10)),
    as_secret=st.booleans(),
)
def test_variables_cloud_run_sets_are_refused_on_gcp(name: str, as_secret: bool) -> None:
    from components.gcp import limits, with_defaults

    app = copy.deepcopy(MINIMAL) | {"cloud": "gcp", "gcp": {"project": "my-project-1"}}
    app["services"]["web"]["cpu"] = 1
    if as_secret:
        app["secrets"] = {name: {"generate": True}}
        app["services"]["web"]["secrets"] = [name]
    else:
        app["services"]["web"]["env"] = {name: "x"}
    with pytest.raises(ConfigError) as caught:
        limits.validate(with_defaults(load(raw(app, as_text=False)).app))
    assert any(p.startswith("services.web.") and "set by Cloud Run" in p for p in caught.value.problems), caught.value.problems


@settings(FUZZ, max_examples=30)
@given(name=APP_NAMES, reserved=st.sampled_from(sorted(RESERVED_NAME_PREFIXES)), cloud=st.sampled_from(["aws", "gcp"]))
def test_names_the_clouds_reserve_are_refused_on_their_cloud(name: str, reserved: str, cloud: str) -> None:
    from components import aws, gcp

    renderer = aws if cloud == "aws" else gcp
    if cloud == "aws":
        candidate = (reserved + name)[:16].rstrip("-")
        app = copy.deepcopy(MINIMAL) | {"name": candidate}
    else:
        candidate = ("goog" + name)[:16].rstrip("-") if reserved < "s" else f"a-google-{name}"[:16].rstrip("-")
        app = copy.deepcopy(MINIMAL) | {"name": candidate, "cloud": "gcp", "gcp": {"project": "my-project-1"}}
        app["services"]["web"]["cpu"] = 1
    try:
        model = load(raw(app, as_text=False)).app
    except ConfigError as error:  # '--' and the like: the model's own name rule
        assert any(p.startswith("name: ") for p in error.problems)
        return
    with pytest.raises(ConfigError) as caught:
        renderer.validate(renderer.with_defaults(model))
    assert any(p.startswith("name: ") for p in caught.value.problems), caught.value.problems


GCP_LACKS = frozenset({"?", "L", "W", "15W", "LW", "1#2", "MON#1", "5L", "L5", "R", "H"})
SPECIAL_CRON = st.sampled_from(["?", "L", "W", "15W", "LW", "1#2", "MON#1", "5L", "L5", "R", "H", "*/2", "1-5/2", "MON-FRI/2", "0/3"])


@settings(FUZZ, max_examples=60)
@given(field=st.integers(0, 4), token=SPECIAL_CRON, cloud=st.sampled_from(["aws", "gcp"]))
def test_schedules_with_special_tokens_load_or_are_refused_at_their_key(field: int, token: str, cloud: str) -> None:
    """Class 3, schedules: '?', 'L', 'W', '#', 'R' and steps in any field, on either cloud: a clear problem at
    jobs.<name>.schedule or a schedule the cloud takes, never a crash. GCP refuses every extension it lacks."""
    from components import aws, gcp

    fields = ["0", "3", "*", "*", "*"]
    fields[field] = token
    app = copy.deepcopy(MINIMAL) | {"jobs": {"n": {"schedule": " ".join(fields), "service": "web", "command": ["x"]}}}
    if cloud == "gcp":
        app |= {"cloud": "gcp", "gcp": {"project": "my-project-1"}}
        app["services"]["web"]["cpu"] = 1
        app["jobs"]["n"]["cpu"] = 1
    renderer = aws if cloud == "aws" else gcp
    try:
        renderer.validate(renderer.with_defaults(load(raw(app, as_text=False)).app))
    except ConfigError as error:
        assert all(p.startswith("jobs.n.schedule: ") for p in error.problems), error.problems
        return
    assert cloud == "aws" or token not in GCP_LACKS, f"Cloud Scheduler has no {token!r}"


# Keys where text is wanted and any text is fine: a number or true/false written there is its text, as the engine
# hands it over; refusing it was a false alarm.
FREE_TEXT: tuple[Path, ...] = (
    ("version",),
    ("services", "web", "env", "LOG_LEVEL"),
    ("services", "web", "command", 0),
    ("services", "web", "args", 1),
    ("services", "worker", "build", "args", "VARIANT"),
    ("jobs", "nightly", "command", 0),
)


@settings(FUZZ, max_examples=40)
@given(
    path=st.sampled_from(FREE_TEXT),
    value=st.booleans() | st.integers(0, 10**12) | st.floats(0, 1e6, allow_nan=False).filter(lambda f: f > 0),
    as_text=st.booleans(),
)
def test_a_number_or_boolean_where_text_is_wanted_is_its_text(path: Path, value: Any, as_text: bool) -> None:
    """Class 4, false alarms: `version: 1.0`, `WORKERS: 4`, `DEBUG: true` load as the text the engine hands over."""
    app = copy.deepcopy(RICH_AWS)
    _set(app, path, value)
    model = load(raw(app, as_text)).app.model_dump(by_alias=True)
    expected = json.dumps(value) if not isinstance(value, float) or not value.is_integer() else str(int(value))
    if path == ("version",) and as_text:
        expected = str(value).lower() if isinstance(value, bool) else (str(value) if not isinstance(value, float) else repr(value))
    assert _at(model, path) == expected


@settings(FUZZ, max_examples=40)
@given(
    version=st.sampled_from(["1.0", "1.10", "20240501", "2024-05-01", "1e3", "0x10", "'007'", '"1.0"']),
    env=st.sampled_from(["4", "true", "yes", "0.5", "2024-05-01", "''", "~x", "-1"]),
    merge=st.booleans(),
)
def test_stack_files_the_cli_reads_load(version: str, env: str, merge: bool) -> None:
    """Class 4, false alarms: unquoted numbers, dates and YAML 1.1 words, and merge keys, load from a stack file."""
    worker = "    worker:\n      <<: *web\n      kind: worker\n      port: null\n" if merge else ""
    text = (
        "config:\n  shipyard:name: shop\n  shipyard:cloud: aws\n"
        f"  shipyard:version: {version}\n"
        "  shipyard:services:\n"
        "    web: &web {kind: http, image: 'ghcr.io/example/web:1.0.0', port: 8080, env: {LEVEL: " + env + "}}\n" + worker
    )
    outcome = _stack_file_outcome(text.encode())
    assert outcome is None or (merge and "services.worker.port" in outcome), outcome

"""Run the real program under Pulumi mocks: no CLI, no credentials, no network.

The Pulumi engine normally reads `Pulumi.yaml` and `Pulumi.<stack>.yaml` and
hands the config to the program; mocks do neither, so this module reads them
itself. The offline render (`python -m stacks.render`) and the test harness
both run stacks through `render()`, so what tests check is what users see.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import math
import re
import runpy
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

import pulumi
import yaml
from google.protobuf import json_format
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import resource as pulumi_resource_runtime
from pulumi.runtime import settings as pulumi_settings
from pulumi.runtime.proto import source_pb2
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT_ID = "123456789012"
SECRET_PLACEHOLDER = "[secret]"  # noqa: S105 - stands in for an encrypted value


@dataclass
class Resource:
    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    parent: str | None
    custom: bool
    protect: bool
    ignore_changes: list[str]
    retain_on_delete: bool
    secret_inputs: set[str] = field(default_factory=set)
    dependencies: list[str] = field(default_factory=list)
    # input name -> URNs its value comes from: what the engine waits for, and what a replacement makes unknown
    property_dependencies: dict[str, list[str]] = field(default_factory=dict)
    delete_before_replace: bool = False
    replace_on_changes: list[str] = field(default_factory=list)
    provider: str | None = None
    # operation -> how long the engine lets the provider take ("20m"), where the program sets it
    custom_timeouts: dict[str, str] = field(default_factory=dict)
    # `replacement_trigger`: the engine replaces the resource when this value changes
    replacement_trigger: Any = None

    @property
    def parent_name(self) -> str | None:
        return self.parent.split("::")[-1] if self.parent else None


@dataclass
class Rendering:
    stack: str
    resources: list[Resource]
    outputs: dict[str, Any]
    secret_outputs: set[str]
    warnings: list[str]
    duplicate_urns: list[str] = field(default_factory=list)

    def of_type(self, type_: str) -> list[Resource]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str, name: str | None = None) -> Resource:
        found = [r for r in self.of_type(type_) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_)]
            raise LookupError(f"expected one {type_} named {name!r}, found {len(found)} among {names}")
        return found[0]


class StackFileError(Exception):
    """A stack file is missing, not valid YAML, or not of the shape the Pulumi CLI reads."""


# The Pulumi CLI reads stack files with go-yaml v2 (sdk/go/common/encoding/marshal.go: types with yaml tags, as
# ProjectStack has, go to gopkg.in/yaml.v2) into config values (sdk/go/common/resource/config/value.go,
# `unmarshalValue`): a scalar is kept as the text written, and a map or list becomes JSON, with non-text keys
# turned into text. The loader below reads a stack file the same way, so offline renders see what `pulumi up` sees:
# YAML 1.1 words (`yes`, `on`) are booleans inside maps, unquoted dates and times stay text, merge keys (`<<`) merge,
# and a duplicate key is an error. Whatever the CLI would refuse, or this loader cannot follow, is refused here with
# the line and the key path.
MAX_DEPTH = 64
MAX_VALUES = 100_000
_PLAIN = "!shipyard/plain"  # the tag given to plain (unquoted, untagged) scalars, resolved below as go-yaml v2 resolves them
_TAG = "tag:yaml.org,2002:"
_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
_FALSE = frozenset({"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
_SPECIAL_FLOATS = {
    **dict.fromkeys((".nan", ".NaN", ".NAN"), math.nan),
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), math.inf),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), -math.inf),
}
_YAML_FLOAT = re.compile(r"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_DIGITS = {2: "01", 8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}
_INT64, _UINT64 = 2**63, 2**64


class _UniqueKeyLoader(yaml.SafeLoader):
    """Composes YAML into nodes, marking plain scalars for go-yaml v2's resolution (see `_Reader`)."""

    def resolve(self, kind: Any, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is yaml.ScalarNode and implicit[0]:
            return _PLAIN
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]


def _go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64), then ParseUint, after go-yaml drops '_': 0x, 0o, 0b and a leading 0 (octal)."""
    sign, body = (-1, text[1:]) if text[:1] == "-" else (1, text[1:] if text[:1] == "+" else text)
    base, digits = 10, body
    if body[:2].lower() in ("0x", "0o", "0b"):
        base, digits = {"x": 16, "o": 8, "b": 2}[body[1].lower()], body[2:]
    elif len(body) > 1 and body[0] == "0":
        base, digits = 8, body[1:]
    if not digits or any(c not in _DIGITS[base] for c in digits):
        return None
    value = sign * int(digits, base)
    return value if -_INT64 <= value < _UINT64 else None


def _plain_scalar(text: str) -> Any:
    """A plain scalar as go-yaml v2 resolves it into an interface{} (resolve.go): null, bool, int, float, else the text.
    Dates and times stay text: go-yaml v2 keeps them as strings when the target is an interface{}."""
    if text in _NULLS:
        return None
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    if text in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[text]
    if text[:1] not in tuple("+-.0123456789"):
        return text
    plain = text.replace("_", "")
    number = _go_int(plain) if plain[:1] != "." else None
    if number is not None:
        return number
    if _YAML_FLOAT.match(plain):
        value = float(plain)
        if math.isinf(value):  # strconv.ParseFloat reports a range error, and go-yaml keeps the text
            return text
        return value
    return text


class _Reader:
    """Turns composed nodes into plain data, as the Pulumi CLI would hand it to the program (see the note above)."""

    def __init__(self, file: str, cli_keys: bool = False) -> None:
        """`cli_keys`: keys as the Pulumi CLI turns them into text (a stack file); otherwise as written (any other file)."""
        self.file = file
        self.cli_keys = cli_keys
        self.count = 0

    def fail(self, node: yaml.Node, path: str, message: str) -> StackFileError:
        where = f" {path}:" if path else ""
        return StackFileError(_printable(f"{self.file}: line {node.start_mark.line + 1}:{where} {message}"))

    def value(self, node: yaml.Node, path: str, depth: int = 0, active: frozenset[int] = frozenset()) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise self.fail(node, path, f"more than {MAX_VALUES} values (aliases that repeat aliases?); a stack file is far smaller")
        if depth > MAX_DEPTH:
            raise self.fail(node, path, f"nested more than {MAX_DEPTH} levels deep; no setting is")
        if id(node) in active:
            raise self.fail(node, path, "an alias refers to the value that contains it")
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        kind = "seq" if isinstance(node, yaml.SequenceNode) else "map"
        if node.tag not in (f"{_TAG}{kind}", "!"):
            raise self.fail(node, path, f"the tag {node.tag.replace(_TAG, '!!')} is not one a stack file uses; write the plain value")
        inner = active | {id(node)}
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, f"{path}[{index}]", depth + 1, inner) for index, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        return {key: self.value(item, _join(path, key), depth + 1, inner) for key, item in self.pairs(node, path, inner)}

    def scalar(self, node: yaml.ScalarNode, path: str) -> Any:
        tag, text = node.tag, node.value
        if tag == _PLAIN:
            value = _plain_scalar(text)
        elif tag in (f"{_TAG}str", f"{_TAG}timestamp", "!"):
            return text
        elif tag in (f"{_TAG}int", f"{_TAG}float", f"{_TAG}bool", f"{_TAG}null"):
            value = _plain_scalar(text)
            kinds = {"int": (int,), "float": (int, float), "bool": (bool,), "null": (type(None),)}[tag[len(_TAG) :]]
            if type(value) not in kinds:
                raise self.fail(node, path, f"{text!r} is not a value of its tag {tag.replace(_TAG, '!!')}")
        elif tag == f"{_TAG}binary":
            raise self.fail(node, path, "a !!binary value is not a setting; write the text itself")
        else:
            raise self.fail(node, path, f"the tag {tag.replace(_TAG, '!!')} is not one a stack file uses; write the plain value")
        if isinstance(value, float):
            if not math.isfinite(value):
                raise self.fail(node, path, f"{text!r} is not a number the Pulumi CLI can store (it keeps config as JSON); write a number")
            # The CLI keeps maps as JSON: Go writes 1.0 as 1, which the program reads as an integer.
            if value.is_integer() and abs(value) < 1e21:
                return int(value)
        return value

    def key(self, node: yaml.Node, path: str) -> str:
        """A key as the CLI turns it into text (fmt's %v): `123` -> "123", `true` -> "true"."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, path, "a key is a list or a map; keys are names: write it as text")
        value = self.scalar(node, path)
        if not self.cli_keys:
            return str(node.value)
        if value is None:
            raise self.fail(node, path, "a key is empty (null); keys are names: write one")
        if isinstance(value, bool):
            named = "true" if value else "false"
            if node.value != named:  # the CLI would name it "true" or "false", not as written: say so rather than rename it
                raise self.fail(
                    node,
                    path,
                    f"the key {node.value} is a boolean to YAML 1.1, and the Pulumi CLI would name it {named!r}; quote it: '{node.value}'",
                )
            return named
        return value if isinstance(value, str) else str(value)

    def text(self, node: yaml.ScalarNode, path: str) -> str:
        """A top-level config value: the CLI keeps a scalar as the text written (an empty or null one as "")."""
        if node.tag in (_PLAIN, f"{_TAG}null") and node.value in _NULLS:
            return ""
        if (node.tag not in (_PLAIN, "!") and not node.tag.startswith(_TAG)) or node.tag == f"{_TAG}binary":
            self.scalar(node, path)  # refuses the tag
        return str(node.value)

    def pairs(
        self, node: yaml.MappingNode, path: str, active: frozenset[int] = frozenset(), text_keys: bool = False
    ) -> list[tuple[str, yaml.Node]]:
        """The map's own keys, then the keys merged in with `<<` that it does not set itself; a key set twice is an error.
        `text_keys`: keys as written (config keys, which the CLI reads as text), not as YAML types them."""
        own: dict[str, yaml.Node] = {}
        merged: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if key_node.tag == f"{_TAG}merge" or (key_node.tag == _PLAIN and key_node.value == "<<"):
                sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
                for source in sources:
                    if not isinstance(source, yaml.MappingNode) or id(source) in active:
                        raise self.fail(value_node, path, "'<<' merges a map or a list of maps")
                    for key, item in self.pairs(source, path, active | {id(source)}, text_keys):
                        merged.setdefault(key, item)
                continue
            if text_keys and isinstance(key_node, yaml.ScalarNode) and key_node.tag != f"{_TAG}binary":
                key = str(key_node.value)
            else:
                key = self.key(key_node, path)
            if key in own:
                raise self.fail(key_node, path, f"duplicate key {key!r}; the Pulumi CLI refuses a key set twice")
            own[key] = value_node
        return list(own.items()) + [(k, v) for k, v in merged.items() if k not in own]


def _printable(text: str) -> str:
    """One printable line: a control or invisible character the file holds is shown escaped (`\\ufeff`)."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode() for c in text)


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _compose(path: Path) -> yaml.Node | None:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise StackFileError(f"{path.name}: no such file") from None
    except OSError as exc:
        raise StackFileError(f"{path.name}: cannot be read ({exc.strerror})") from None
    try:
        text = data.removeprefix(b"\xef\xbb\xbf").decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise StackFileError(f"{path.name}: line {line}: byte 0x{data[exc.start]:02x} is not UTF-8; save the file as UTF-8") from None
    try:
        node: yaml.Node | None = yaml.compose(text, Loader=_UniqueKeyLoader)
        return node
    except yaml.YAMLError as exc:
        raise StackFileError(_printable(f"{path.name}: {' '.join(str(exc).split())}")) from None
    except RecursionError:
        raise StackFileError(f"{path.name}: nested too deeply to read; no setting is nested more than {MAX_DEPTH} levels") from None


def _document(path: Path, cli_keys: bool = False) -> tuple[_Reader, yaml.MappingNode | None]:
    """The file's top-level map (None for an empty file); anything else is refused."""
    node = _compose(path)
    reader = _Reader(path.name, cli_keys)
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _PLAIN and node.value in _NULLS):
        return reader, None
    if not isinstance(node, yaml.MappingNode):
        kind = "a list" if isinstance(node, yaml.SequenceNode) else "a single value"
        raise reader.fail(node, "", f"the file holds {kind}; a Pulumi file is a map of keys such as `config:`")
    return reader, node


def read_yaml(path: Path) -> dict[str, Any]:
    """A YAML file's top-level map as plain data, read as the Pulumi CLI reads it (see `_Reader`)."""
    reader, node = _document(path)
    if node is None:
        return {}
    result = reader.value(node, "")
    assert isinstance(result, dict)
    return result


def project_name(root: Path = ROOT) -> str:
    return str(read_yaml(root / "Pulumi.yaml")["name"])


def stack_config(stack: str, root: Path = ROOT) -> tuple[dict[str, Any], list[str]]:
    """The config map the engine would pass for `stack`: project defaults, then the stack file."""
    project = read_yaml(root / "Pulumi.yaml")
    name = project.get("name")
    if not isinstance(name, str) or not name:
        raise StackFileError("Pulumi.yaml: `name` is missing or not text")
    config: dict[str, Any] = {}
    defaults = project.get("config") or {}
    if not isinstance(defaults, dict):
        raise StackFileError("Pulumi.yaml: `config` is not a map of keys")
    for key, spec in defaults.items():
        if isinstance(spec, dict) and "default" in spec:
            config[_qualify(key, name)] = spec["default"]
    secret_keys: list[str] = []
    reader, document = _document(root / f"Pulumi.{stack}.yaml", cli_keys=True)
    top = dict(reader.pairs(document, "")) if document is not None else {}
    block = top.get("config")
    if block is not None and not (isinstance(block, yaml.ScalarNode) and block.tag == _PLAIN and block.value in _NULLS):
        if not isinstance(block, yaml.MappingNode):
            kind = "a list" if isinstance(block, yaml.SequenceNode) else "a single value"
            raise reader.fail(block, "config", f"holds {kind}; it is a map of settings (`shipyard:name: shop`, one a line)")
        for key, node in reader.pairs(block, "config", text_keys=True):
            full = _qualify(key, name)
            path = f"config.{key}"
            value = reader.text(node, path) if isinstance(node, yaml.ScalarNode) else reader.value(node, path, depth=1)
            # Encrypted values cannot be read offline; stand in a marked placeholder. `config set --secret --path`
            # encrypts one leaf of a map, and the engine then marks the whole key secret.
            value, encrypted = _without_ciphertext(value)
            if encrypted:
                secret_keys.append(full)
            config[full] = value
    if "environment" in top and reader.value(top["environment"], "environment"):
        _stand_in_environment_secrets(config, secret_keys, name)
    return config, secret_keys


def _without_ciphertext(value: Any) -> tuple[Any, bool]:
    """`value` with each `{secure: ...}` replaced by the placeholder, and whether there was one."""
    if isinstance(value, dict) and set(value) == {"secure"}:
        return SECRET_PLACEHOLDER, True
    if isinstance(value, dict):
        pairs = {k: _without_ciphertext(v) for k, v in value.items()}
        return {k: v for k, (v, _) in pairs.items()}, any(e for _, e in pairs.values())
    if isinstance(value, list):
        items = [_without_ciphertext(v) for v in value]
        return [v for v, _ in items], any(e for _, e in items)
    return value, False


def _stand_in_environment_secrets(config: dict[str, Any], secret_keys: list[str], project: str) -> None:
    """A stack that imports Pulumi ESC environments gets its secret values from them, which cannot be read
    offline: stand in a placeholder for each declared secret the stack file does not set itself."""
    declared = config.get(f"{project}:secrets")
    if not isinstance(declared, dict):
        return
    key = f"{project}:secretValues"
    values = config.get(key) if isinstance(config.get(key), dict) else {}
    assert isinstance(values, dict)
    for secret, spec in declared.items():
        if not (isinstance(spec, dict) and spec.get("generate")):
            values.setdefault(secret, SECRET_PLACEHOLDER)
    if values:
        config[key] = values
        if key not in secret_keys:
            secret_keys.append(key)


def _qualify(key: str, project: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def committed_stacks(root: Path = ROOT) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in root.glob("Pulumi.*.yaml"))


class CloudMocks(pulumi_mocks.Mocks):
    """Plausible provider answers: inputs echoed back plus the computed attributes the program reads."""

    def new_resource(self, args: pulumi_mocks.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        state = dict(args.inputs)
        name = args.name
        state.setdefault("name", name)
        if args.typ.startswith("aws:"):
            service = args.typ.split(":")[1].split("/")[0]
            state.setdefault("arn", f"arn:aws:{service}:us-east-1:{ACCOUNT_ID}:{name}")
        extra = _COMPUTED.get(args.typ)
        if extra:
            state.update(extra(name, args.inputs))
        return f"{name}-id", state

    def call(self, args: pulumi_mocks.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        answer = _CALLS.get(args.token)
        return (answer(args.args) if answer else dict(args.args)), []


_COMPUTED: dict[str, Any] = {
    "aws:lb/loadBalancer:LoadBalancer": lambda n, i: {
        "dnsName": f"{n}.elb.amazonaws.com",
        "zoneId": "Z35SXDOTRQ7X7K",
        "arnSuffix": f"app/{n}/0123",
    },
    "aws:lb/targetGroup:TargetGroup": lambda n, i: {"arnSuffix": f"targetgroup/{n}/0123"},
    "aws:rds/instance:Instance": lambda n, i: {
        "address": f"{n}.rds.amazonaws.com",
        "endpoint": f"{n}.rds.amazonaws.com:5432",
        "port": 5432,
        "identifier": n,
    },
    "aws:elasticache/replicationGroup:ReplicationGroup": lambda n, i: {
        "primaryEndpointAddress": f"master.{n}.cache.amazonaws.com",
        "readerEndpointAddress": f"replica.{n}.cache.amazonaws.com",
    },
    "aws:ecr/repository:Repository": lambda n, i: {"repositoryUrl": f"{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/{i.get('name', n)}"},
    # One validation option per name. ACM's are a set, in an order of its own: reversed here, so that code relying on
    # their position fails offline too.
    "aws:acm/certificate:Certificate": lambda n, i: {
        "domainValidationOptions": [
            {
                "domainName": host,
                "resourceRecordName": f"_x.{host}.",
                "resourceRecordType": "CNAME",
                "resourceRecordValue": "_y.acm-validations.aws.",
            }
            for host in reversed([i.get("domainName"), *(i.get("subjectAlternativeNames") or [])])
        ]
    },
    # Every distribution's alias target is CloudFront's hosted zone (AWS general reference, "Amazon CloudFront endpoints
    # and quotas": Z2FDTNDATAQYW2).
    "aws:cloudfront/distribution:Distribution": lambda n, i: {
        "domainName": f"d-{n}.cloudfront.net",
        "hostedZoneId": "Z2FDTNDATAQYW2",
        "arn": f"arn:aws:cloudfront::{ACCOUNT_ID}:distribution/{n}",
    },
    "aws:cloudfront/function:Function": lambda n, i: {"arn": f"arn:aws:cloudfront::{ACCOUNT_ID}:function/{i.get('name', n)}"},
    "aws:s3/bucket:Bucket": lambda n, i: {"bucket": i.get("bucket", n), "bucketRegionalDomainName": f"{n}.s3.amazonaws.com"},
    # The version reports its secret's ARN; the secret and its version share a logical name here.
    "aws:secretsmanager/secretVersion:SecretVersion": lambda n, i: {
        "secretArn": f"arn:aws:secretsmanager:us-east-1:{ACCOUNT_ID}:{n}",
        "versionId": f"{n}-version",
    },
    "aws:sqs/queue:Queue": lambda n, i: {"url": f"https://sqs.us-east-1.amazonaws.com/{ACCOUNT_ID}/{n}"},
    "gcp:cloudrunv2/service:Service": lambda n, i: {"uri": f"https://{i.get('name', n)}-abc123-uc.a.run.app"},
    "gcp:sql/databaseInstance:DatabaseInstance": lambda n, i: {
        "connectionName": f"project:region:{i.get('name', n)}",
        "privateIpAddress": "10.20.0.3",
        "selfLink": f"https://sqladmin/{n}",
    },
    "gcp:redis/instance:Instance": lambda n, i: {
        "host": "10.20.1.4",
        "port": 6378,
        "authString": "mock-auth",
        "serverCaCerts": [{"cert": "-----BEGIN CERTIFICATE-----mock"}],
    },
    "gcp:serviceaccount/account:Account": lambda n, i: {"email": f"{i.get('accountId', n)}@project.iam.gserviceaccount.com"},
    "gcp:compute/globalAddress:GlobalAddress": lambda n, i: {"address": "203.0.113.10"},
    "gcp:artifactregistry/repository:Repository": lambda n, i: {
        "registryUri": f"us-central1-docker.pkg.dev/project/{i.get('repositoryId', n)}"
    },
    "gcp:storage/bucket:Bucket": lambda n, i: {"url": f"gs://{i.get('name', n)}"},
    "docker:index/image:Image": lambda n, i: {
        "repoDigest": f"{str(i.get('imageName', n)).rsplit(':', 1)[0]}@sha256:{'0' * 64}",
        "baseImageName": i.get("imageName"),
    },
    "random:index/randomPassword:RandomPassword": lambda n, i: {"result": f"generated-{n}"},
    "random:index/randomId:RandomId": lambda n, i: {"hex": "0a1b2c3d", "b64Url": "CGsPPQ"},
    # The top `length` byte values: their standard base64 (the provider's `base64`) holds `+`, `/` and `=` padding.
    "random:index/randomBytes:RandomBytes": lambda n, i: {
        "base64": base64.b64encode(bytes(range(256 - int(i["length"]), 256))).decode(),
        "hex": bytes(range(256 - int(i["length"]), 256)).hex(),
    },
    # Docker: a pulled or built image's ID (content-addressed: a new reference is a new ID), and the exit code of a
    # container the provider waited on (`attach`): 0, a release that succeeded.
    "docker:index/remoteImage:RemoteImage": lambda n, i: {"imageId": "sha256:" + hashlib.sha256(str(i.get("name")).encode()).hexdigest()},
    "docker:index/container:Container": lambda n, i: {"exitCode": 0} if i.get("attach") else {},
    "tls:index/privateKey:PrivateKey": lambda n, i: {"privateKeyPem": f"-----BEGIN PRIVATE KEY-----\n{n}\n-----END PRIVATE KEY-----\n"},
    "tls:index/selfSignedCert:SelfSignedCert": lambda n, i: {"certPem": f"-----BEGIN CERTIFICATE-----\n{n}\n-----END CERTIFICATE-----\n"},
    "tls:index/certRequest:CertRequest": lambda n, i: {
        "certRequestPem": f"-----BEGIN CERTIFICATE REQUEST-----\n{n}\n-----END CERTIFICATE REQUEST-----\n"
    },
    "tls:index/locallySignedCert:LocallySignedCert": lambda n, i: {
        "certPem": f"-----BEGIN CERTIFICATE-----\n{n}\n-----END CERTIFICATE-----\n"
    },
    "gcp:secretmanager/secretVersion:SecretVersion": lambda n, i: {"version": "1"},
    # A FIXED_RECORD authorization's one record: a CNAME at _acme-challenge.<domain>, both names with their trailing dot,
    # the target unique to the authorization (Certificate Manager docs, "Domain authorizations"; the provider's
    # dns_resource_record name example `_acme-challenge.example.com`).
    "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": lambda n, i: {
        "dnsResourceRecords": [
            {
                "name": f"_acme-challenge.{i['domain']}.",
                "type": "CNAME",
                "data": f"{hashlib.sha256(str(i['domain']).encode()).hexdigest()[:12]}.7.authorize.certificatemanager.goog.",
            }
        ]
    },
    "gcp:secretmanager/secret:Secret": lambda n, i: {"secretId": i.get("secretId", n)},
}


def _availability_zones(args: dict[str, Any]) -> dict[str, Any]:
    """An account opted into a Local Zone, as `DescribeAvailabilityZones` answers it: the Local Zone sorts first
    (`us-east-1-bos-1a` < `us-east-1a`), and only the `opt-in-status` filter leaves it out (EC2 API reference,
    DescribeAvailabilityZones: Local and Wavelength Zones are `opted-in`, Availability Zones `opt-in-not-required`)."""
    zones = [("us-east-1-bos-1a", "use1-bos1-az1"), ("us-east-1a", "use1-az1"), ("us-east-1b", "use1-az2"), ("us-east-1c", "use1-az3")]
    wanted = [f.get("values", []) for f in args.get("filters") or [] if f.get("name") == "opt-in-status"]
    if wanted:
        zones = [z for z in zones if ("opted-in" if "-bos-" in z[0] else "opt-in-not-required") in wanted[0]]
    return {"names": [n for n, _ in zones], "zoneIds": [i for _, i in zones], "id": "us-east-1"}


_CALLS: dict[str, Any] = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": lambda a: _availability_zones(a),
    "aws:index/getCallerIdentity:getCallerIdentity": lambda a: {
        "accountId": ACCOUNT_ID,
        "arn": f"arn:aws:iam::{ACCOUNT_ID}:user/ci",
        "userId": "AIDA",
        "id": ACCOUNT_ID,
    },
    "aws:index/getPartition:getPartition": lambda a: {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws"},
    "aws:index/getRegion:getRegion": lambda a: {"name": "us-east-1", "region": "us-east-1", "id": "us-east-1"},
    "aws:route53/getZone:getZone": lambda a: {"zoneId": "Z0123456789ABC", "id": "Z0123456789ABC", "name": a.get("name")},
    # AWS-managed CloudFront policies are looked up by name; ids here stand in for AWS's fixed ones.
    "aws:cloudfront/getCachePolicy:getCachePolicy": lambda a: {"id": f"cache-{a.get('name')}", "name": a.get("name")},
    "aws:cloudfront/getOriginRequestPolicy:getOriginRequestPolicy": lambda a: {"id": f"origin-{a.get('name')}", "name": a.get("name")},
    "aws:cloudfront/getResponseHeadersPolicy:getResponseHeadersPolicy": lambda a: {
        "id": f"headers-{a.get('name')}",
        "name": a.get("name"),
    },
    "aws:ecr/getAuthorizationToken:getAuthorizationToken": lambda a: {
        "userName": "AWS",
        "password": "mock-token",
        "proxyEndpoint": f"https://{ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com",
        "id": "token",
    },
    "gcp:organizations/getProject:getProject": lambda a: {
        "number": "123456789",
        "projectId": a.get("projectId", "project"),
        "id": "project",
    },
    "gcp:dns/getManagedZones:getManagedZones": lambda a: {
        "managedZones": [
            {
                "dnsName": "example.com.",
                "name": "example-com",
                "visibility": "public",
                "id": "example-com",
                "managedZoneId": "1",
                "nameServers": [],
                "description": "",
                "project": "project",
            }
        ],
        "id": "zones",
    },
    "gcp:organizations/getClientConfig:getClientConfig": lambda a: {"accessToken": "mock-token", "project": "project", "id": "client"},
}


class _RecordingMonitor(pulumi_mocks.MockMonitor):
    """Keeps what `pulumi up` would send the engine: type, name, inputs, parent and options."""

    def __init__(self, mocks: CloudMocks, recorded: list[Resource]) -> None:
        super().__init__(mocks)
        self.recorded = recorded
        self.seen: set[str] = set()
        self.duplicates: list[str] = []

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        """The engine's URN: every ancestor's type, where Pulumi's mock monitor keeps only the parent's.

        Two resources of one type and name under different components are distinct to the engine; the
        duplicate check and every graph walk over URNs must see them as the engine does.
        Source: pulumi/pulumi sdk/go/common/resource/urn.go (NewURN: the parent's qualified type, then `$` and the type).
        """
        if parent:
            qualified = parent.split("::")[2]
            if qualified != "pulumi:pulumi:Stack":
                type_ = f"{qualified}${type_}"
        return "urn:pulumi:" + "::".join([pulumi.get_stack(), pulumi.get_project(), type_, name])

    def _transformed(self, request: Any) -> None:
        """Run the stack's transforms on a registration, as the engine does and Pulumi's mock monitor does not.

        The engine hands each transform the resource's inputs by their wire names (camelCase) and registers what it
        returns. Source: pulumi/pulumi sdk/python/lib/pulumi/runtime/_callbacks.py (`_transform`: properties are
        deserialized from the request, and the result is serialized back).
        """
        for transform in self._stack_transforms:
            props = json_format.MessageToDict(request.object, preserving_proto_field_name=True)
            args = pulumi.ResourceTransformArgs(
                custom=request.custom,
                type_=request.type,
                name=request.name,
                props=props,
                opts=pulumi.ResourceOptions(protect=request.protect),
            )
            result = transform(args)
            if result is None:
                continue
            assert isinstance(result, pulumi.ResourceTransformResult), "the offline harness runs synchronous transforms only"
            request.object.Clear()
            request.object.update(result.props)
            if result.opts.protect is not None:
                request.protect = result.opts.protect

    def RegisterResource(self, request: Any) -> Any:  # noqa: N802 - the gRPC method name
        if request.type != "pulumi:pulumi:Stack":
            self._transformed(request)
        response = super().RegisterResource(request)  # type: ignore[no-untyped-call]
        if request.type == "pulumi:pulumi:Stack":
            return response
        if response.urn in self.seen:
            self.duplicates.append(response.urn)
        self.seen.add(response.urn)
        raw = pulumi.runtime.rpc.deserialize_properties(request.object) if request.custom else {}
        inputs = {key: _reveal(value) for key, value in raw.items()}
        secret_inputs = {key for key, value in raw.items() if _holds_secret(value)}
        self.recorded.append(
            Resource(
                urn=response.urn,
                type=request.type,
                name=request.name,
                inputs=inputs,
                parent=request.parent or None,
                custom=request.custom,
                protect=bool(request.protect),
                ignore_changes=list(request.ignoreChanges),
                retain_on_delete=bool(request.retainOnDelete),
                secret_inputs=secret_inputs,
                dependencies=list(request.dependencies),
                property_dependencies={key: list(deps.urns) for key, deps in request.propertyDependencies.items()},
                delete_before_replace=bool(request.deleteBeforeReplace),
                replace_on_changes=list(request.replaceOnChanges),
                provider=request.provider or None,
                custom_timeouts={op: t for op in ("create", "update", "delete") if (t := getattr(request.customTimeouts, op))},
                replacement_trigger=json_format.MessageToDict(request.replacement_trigger)
                if request.HasField("replacement_trigger")
                else None,
            )
        )
        return response


def _is_secret_wrapper(value: Any) -> bool:
    return isinstance(value, dict) and value.get(pulumi.runtime.rpc._special_sig_key) == pulumi.runtime.rpc._special_secret_sig


def _reveal(value: Any) -> Any:
    """Inputs as the provider would see them; which ones were secret is kept in `secret_inputs`."""
    if _is_secret_wrapper(value):
        return _reveal(value["value"])
    if isinstance(value, dict):
        return {k: _reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_reveal(v) for v in value]
    return value


def _holds_secret(value: Any) -> bool:
    if _is_secret_wrapper(value):
        return True
    if isinstance(value, dict):
        return any(_holds_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_holds_secret(v) for v in value)
    return False


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render(
    stack: str,
    config: Mapping[str, Any] | None = None,
    secret_keys: list[str] | None = None,
    root: Path = ROOT,
    recorded: list[Resource] | None = None,
) -> Rendering:
    """Run `__main__.py` for `stack` under mocks and return everything it registered.

    `config` replaces the stack file (values may be objects; they are passed as the
    engine passes them, JSON text). Raises whatever the program raises; pass `recorded`
    to see what was registered before that.
    """
    if config is None:
        config, secret_keys = stack_config(stack, root)

    def program() -> None:
        runpy.run_path(str(root / "__main__.py"), run_name="__main__")

    return run_program(program, stack, config, secret_keys, project_name(root), recorded)


def run_program(
    program: Callable[[], None],
    stack: str = "test",
    config: Mapping[str, Any] | None = None,
    secret_keys: list[str] | None = None,
    project: str | None = None,
    recorded: list[Resource] | None = None,
) -> Rendering:
    """Run any Pulumi program function under the same mocks and recording: a whole stack, or one component alone."""
    engine_config = {k: v if isinstance(v, str) else json.dumps(v) for k, v in (config or {}).items()}
    pulumi.runtime.set_all_config(engine_config, list(secret_keys or []))
    pulumi_settings.ROOT.set(None)
    mocks = CloudMocks()
    monitor = _RecordingMonitor(mocks, recorded if recorded is not None else [])
    logger = logging.getLogger(f"shipyard.offline.{stack}")
    logger.propagate = False
    logger.handlers = [collect := _Collect()]
    pulumi.runtime.set_mocks(mocks, project=project or project_name(), stack=stack, preview=False, logger=logger, monitor=monitor)
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()
    # The SDK walks the Python stack for every resource to send the engine its source position, which only the
    # CLI's display uses; it is 40 % of an offline render, and nothing here reads it.
    with mock.patch.object(pulumi_resource_runtime, "_get_stack_trace", source_pb2.StackTrace):
        _sync_await(run_pulumi_func(program))
    stack_resource = pulumi_settings.get_root_resource()
    outputs: dict[str, Any] = {}
    secret_outputs: set[str] = set()
    for key, value in getattr(stack_resource, "outputs", {}).items():
        output = pulumi.Output.from_input(value)
        outputs[key] = _sync_await(output.future())
        if _sync_await(output.is_secret()):
            secret_outputs.add(key)
    return Rendering(stack, monitor.recorded, outputs, secret_outputs, collect.messages, monitor.duplicates)

"""Bad input, by class: every bad config ends in one clear error naming its key path, before any resource; nothing
valid is refused; no secret is ever printed.

1. Crashes: odd YAML shapes, keys, tags, bytes, nesting and numbers end in StackFileError or ConfigError, never a
   traceback; an error known only during the deployment (a GCP zone lookup) is still one line naming its key.
2. Secrets: values under `secrets`, `secretValues` and secret-looking names, and credential-looking values anywhere,
   are never printed: not in errors, warnings or the render's output.
3. Accepted but invalid: what the clouds would refuse at deploy time (or that would do harm) is refused here.
4. False alarms: what the Pulumi CLI reads fine (numbers for text, merge keys, YAML 1.1 words) loads.

tests/test_fuzz.py generalises each class with hypothesis.
"""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from stacks import render as render_command
from stacks.config import ConfigError, load
from stacks.offline import ROOT, SECRET_PLACEHOLDER, Rendering, StackFileError, read_yaml, render, stack_config
from tests.harness import config_error, render_app, stack_app

MINIMAL: dict[str, Any] = {
    "name": "shop",
    "cloud": "aws",
    "services": {"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080}},
}
GCP: dict[str, Any] = {
    "name": "shop",
    "cloud": "gcp",
    "gcp": {"project": "my-project-1"},
    "services": {"web": {"kind": "http", "image": "ghcr.io/example/web:1.0.0", "port": 8080, "cpu": 1}},
}
STACK_HEAD = "config:\n  shipyard:name: shop\n  shipyard:cloud: aws\n"
WEB = "  shipyard:services:\n    web: {kind: http, image: 'ghcr.io/example/web:1.0.0', port: 8080}\n"


def app(base: dict[str, Any] = MINIMAL, **changes: Any) -> dict[str, Any]:
    result = copy.deepcopy(base)
    result.update(copy.deepcopy(changes))
    return result


def web(base: dict[str, Any] = MINIMAL, **fields: Any) -> dict[str, Any]:
    result = app(base)
    result["services"]["web"].update(copy.deepcopy(fields))
    return result


def write(root: Path, text: str | bytes, stack: str = "t") -> None:
    shutil.copy(ROOT / "Pulumi.yaml", root / "Pulumi.yaml")
    path = root / f"Pulumi.{stack}.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())


def offline_render(root: Path, stack: str = "t") -> Rendering | str:
    """What `python -m stacks.render` does with a stack file: the rendering, or the error text it prints (exit 2).
    Any other exception is a crash, and fails the test as it is."""
    try:
        config, secret_keys = stack_config(stack, root)
        return render(stack, config=config, secret_keys=secret_keys)
    except (ConfigError, StackFileError) as exc:
        return str(exc)


def refused(root: Path, text: str | bytes) -> str:
    write(root, text)
    outcome = offline_render(root)
    assert isinstance(outcome, str), "the stack file was accepted"
    for line in outcome.splitlines():
        assert line.isprintable(), f"not printable: {line!r}"
    return outcome


def rendered(root: Path, text: str) -> Rendering:
    write(root, text)
    outcome = offline_render(root)
    assert not isinstance(outcome, str), outcome
    return outcome


# ---- 1. crashes: a clear error instead of a traceback


CRASHING_FILES: dict[str, tuple[str | bytes, str]] = {
    "stack file is a list": ("- config\n- shipyard:name\n", "the file holds a list"),
    "stack file is a scalar": ("just text\n", "the file holds a single value"),
    "config is a list": ("config:\n  - shipyard:name: shop\n", "line 2: config: holds a list"),
    "config is a string": ("config: shipyard\n", "config: holds a single value"),
    "a list as a key": (STACK_HEAD + WEB + "  shipyard:buckets:\n    ? [a, b]\n    : {}\n", "a key is a list or a map"),
    "a map as a key": (STACK_HEAD + WEB + "  shipyard:buckets:\n    ? {a: b}\n    : {}\n", "a key is a list or a map"),
    "lists nested thousands deep": (STACK_HEAD + "  shipyard:services: " + "[" * 5000 + "]" * 5000 + "\n", "nested"),
    "a binary scalar": (STACK_HEAD + WEB + "  shipyard:version: !!binary aGVsbG8=\n", "!!binary"),
    "a binary scalar in a map": (STACK_HEAD + "  shipyard:services:\n    web: {kind: !!binary aHR0cA==}\n", "!!binary"),
    "a python tag": (STACK_HEAD + "  shipyard:services: !!python/object:os.system {}\n", "tag"),
    "bytes that are not UTF-8": ((STACK_HEAD + WEB).encode() + b"  shipyard:version: \xff\xfe1\n", "not UTF-8"),
    "an alias inside itself": (STACK_HEAD + "  shipyard:services: &s {web: *s}\n", "an alias refers to the value that contains it"),
    "aliases that multiply": (
        STACK_HEAD
        + "  shipyard:buckets:\n"
        + "    a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        + "".join(f"    {chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 10)}]\n" for i in range(6)),
        "more than",
    ),
    "infinity in a map": (STACK_HEAD + WEB + "  shipyard:alerts: {latencyP95Ms: .inf}\n", "not a number the Pulumi CLI can store"),
    "two documents": (STACK_HEAD + "---\nconfig: {}\n", "single document"),
}


@pytest.mark.parametrize("case", list(CRASHING_FILES), ids=list(CRASHING_FILES))
def test_odd_yaml_ends_in_a_clear_error(tmp_path: Path, case: str) -> None:
    text, expected = CRASHING_FILES[case]
    message = refused(tmp_path, text)
    assert expected in message, message
    assert "Traceback" not in message


def test_keys_that_yaml_types_are_read_as_the_cli_reads_them(tmp_path: Path) -> None:
    """Non-text keys become their text, as the Pulumi CLI makes them (fmt's %v): then the model judges them."""
    message = refused(tmp_path, STACK_HEAD + WEB + "  shipyard:buckets: {123: {}, true: {}}\n")
    assert "buckets.123: '123' is not a valid name" in message, message
    assert "  - 123: unknown key; allowed: " in refused(tmp_path, STACK_HEAD + WEB + "  123: x\n")
    message = refused(tmp_path, STACK_HEAD + "  shipyard:services:\n    web:\n      kind: http\n      env: {ON: x}\n")
    assert "config.shipyard:services.web.env: the key ON is a boolean to YAML 1.1, and the Pulumi CLI would name it 'true'" in message


@pytest.mark.parametrize(
    ("line", "key"),
    [
        ("  shipyard:alerts: {latencyP95Ms: 1e400}", "alerts.latencyP95Ms"),
        ("  shipyard:alerts: {latencyP95Ms: 100000000000000000000000000000}", "alerts.latencyP95Ms"),
        ("  shipyard:buckets: {media: {expireAfterDays: 1e400}}", "buckets.media.expireAfterDays"),
        ("  shipyard:buckets: {media: {expireAfterDays: 2147483648}}", "buckets.media.expireAfterDays"),
        ("  shipyard:buckets: {media: {noncurrentExpireAfterDays: 99999999999999999999}}", "buckets.media.noncurrentExpireAfterDays"),
    ],
)
def test_huge_numbers_are_refused_before_the_renderers(tmp_path: Path, line: str, key: str) -> None:
    message = refused(tmp_path, STACK_HEAD + WEB + line + "\n")
    assert f"  - {key}: " in message, message


def test_an_error_known_only_during_the_deployment_is_one_line_naming_its_key() -> None:
    """The GCP zone lookup runs inside an apply: a ConfigError there is not wrapped as 'ValueError has risen'."""
    bad = stack_app("gcp-prod")
    bad["domain"] = {"name": "app.other.org", "zone": "other.org"}
    with pytest.raises(ConfigError) as caught:
        render_app(bad)
    assert caught.value.problems == [
        "domain.zone: no public Cloud DNS managed zone for other.org. in this project; allowed: the DNS name or the name of "
        "one of its public zones (example.com), or no zone (create the record yourself)"
    ]


def test_the_render_command_prints_the_error_without_a_traceback(capsys: pytest.CaptureFixture[str], monkeypatch: Any) -> None:
    monkeypatch.setattr(render_command, "render", lambda stack: (_ for _ in ()).throw(StackFileError("Pulumi.x.yaml: line 1: boom")))
    assert render_command.main(["aws-prod"]) == 2
    assert capsys.readouterr().err == "error: Pulumi.x.yaml: line 1: boom\n"


# ---- 2. secrets: never printed


PLANTED = "planted-Zq9xW3v7"  # a value no message may contain


def assert_not_printed(*texts: str) -> None:
    for text in texts:
        assert PLANTED not in text, f"a planted secret was printed: {text}"


@pytest.mark.parametrize(
    "bad",
    [
        app(secrets={"SENTRY_DSN": f"https://{PLANTED}@sentry.io/1"}),  # a value where the declaration goes
        app(secrets={"SENTRY_DSN": {"generate": PLANTED}}),
        app(secrets={"SENTRY_DSN": {}}, secretValues={"SENTRY_DSN": [PLANTED]}),
        web(env={"API_KEY": 98765432123}),
        web(env={"API_KEY": [PLANTED]}),
        web(env={"DB_PASSWORD": PLANTED}),
        web(env={"STRIPE": f"sk_live_{PLANTED.replace('-', '')}abcdefgh"}),
        web(env={"DATABASE": f"postgres://app:{PLANTED}@db.internal/app"}),
        web(build={"context": ".", "args": {"NPM_TOKEN": PLANTED}}, image=None),
        web(command=["run", f"--url=redis://:{PLANTED}@cache:6379"]),
        web(image=f"https://user:{PLANTED}@registry.example.com/app:1"),
        app(overrides=[{"type": "aws:rds/instance:Instance", "set": {"tags": f"mysql://root:{PLANTED}@x"}}]),
        app(secretValues={"X": PLANTED}, secrets={"X": {}}),  # stored in plain text
    ],
)
def test_a_refused_config_never_prints_a_secret(bad: dict[str, Any]) -> None:
    message = config_error(bad)
    assert_not_printed(message, message.replace("-", ""))
    if "98765432123" in json.dumps(bad):
        assert "98765432123" not in message


def test_a_secret_value_is_printed_nowhere_in_the_render(tmp_path: Path) -> None:
    good = app(secrets={"API_TOKEN": {}}, secretValues={"API_TOKEN": PLANTED})
    good["services"]["web"]["secrets"] = ["API_TOKEN"]
    rendering = render_app(good, secret_keys=["secretValues"])
    assert_not_printed(*rendering.warnings, render_command.text(rendering), json.dumps(render_command.as_dict(rendering), default=str))


def test_a_stack_file_with_a_plain_secret_value_is_refused_without_printing_it(tmp_path: Path) -> None:
    text = STACK_HEAD + WEB + f"  shipyard:secrets: {{SENTRY_DSN: {{}}}}\n  shipyard:secretValues:\n    SENTRY_DSN: {PLANTED}\n"
    message = refused(tmp_path, text)
    assert "secretValues: holds secret values but is stored in plain text" in message
    assert_not_printed(message)


# ---- 3. accepted but invalid: refused with the key path and what is allowed


def gcp_web(**fields: Any) -> dict[str, Any]:
    return web(GCP, **fields)


DIGEST = "0" * 64
INVALID: dict[str, tuple[dict[str, Any], str]] = {
    # image references (distribution's reference grammar)
    "empty image": (web(image=""), "services.web.image: is empty"),
    "upper-case image": (web(image="ghcr.io/Example/web:1.0.0"), "services.web.image: 'ghcr.io/Example/web:1.0.0' has upper case"),
    "image with a space": (web(image="ghcr.io/example/web 1.0"), "holds a space"),
    "image with a trailing newline": (web(image="ghcr.io/example/web:1.0.0\n"), "holds a space, a line break"),
    "image with an empty tag": (web(image="ghcr.io/example/web:"), "has an empty tag"),
    "tag starting with '-'": (web(image="ghcr.io/example/web:-1"), "has the tag '-1'"),
    "tag over 128 characters": (web(image="ghcr.io/example/web:" + "1" * 129), "a tag of 129 characters"),
    "reference over 255 characters": (web(image="ghcr.io/" + "a" * 250 + ":1"), "services.web.image: "),
    "malformed digest": (web(image="ghcr.io/example/web@sha256:abc"), "has a malformed digest"),
    # names the clouds reserve
    "AWS name starting sg-": (app(name="sg-shop"), "name: 'sg-shop' makes resource names start with 'sg-'"),
    "AWS name xn--": (app(name="xn--shop"), "name: "),
    "GCP name starting goog": (app(GCP, name="googshop"), "name: 'googshop' starts with 'goog'"),
    "GCP name with google": (app(GCP, name="my-g00gle"), "name: 'my-g00gle' contains 'google'"),
    # variables the platform sets
    "Cloud Run K_SERVICE": (gcp_web(env={"K_SERVICE": "x"}), "services.web.env.K_SERVICE: K_SERVICE is set by Cloud Run"),
    "Cloud Run CLOUD_RUN_*": (gcp_web(env={"CLOUD_RUN_TASK_INDEX": "1"}), "services.web.env.CLOUD_RUN_TASK_INDEX: "),
    "static AWS credentials over the task role": (
        web(env={"AWS_ACCESS_KEY_ID": "x"}),
        "services.web.env.AWS_ACCESS_KEY_ID: AWS_ACCESS_KEY_ID is set by ECS or read by the AWS SDKs before the task role",
    ),
    "ECS variable as a secret": (
        app(
            secrets={"AWS_CONTAINER_AUTHORIZATION_TOKEN": {"generate": True}},
            services={"web": {**MINIMAL["services"]["web"], "secrets": ["AWS_CONTAINER_AUTHORIZATION_TOKEN"]}},
        ),
        "services.web.secrets: AWS_CONTAINER_AUTHORIZATION_TOKEN is set by ECS",
    ),
    "ECS metadata URI": (web(env={"ECS_CONTAINER_METADATA_URI_V4": "/x"}), "services.web.env.ECS_CONTAINER_METADATA_URI_V4: "),
    # limits
    "ECS task definition size": (web(env={f"V{i}": "x" * 1000 for i in range(70)}), "services.web.env: the environment and command take"),
    "more than 1000 variables on Cloud Run": (gcp_web(env={f"V{i}": "x" for i in range(1000)}), "Cloud Run takes at most 1000"),
    "a Cloud Run variable over 32 KiB": (gcp_web(env={"BIG": "x" * 40000}), "services.web.env.BIG: 40000 bytes"),
    "route over the ALB's path pattern": (web(routes=["/" + "a" * 130]), "services.web.routes[0]: 131 characters"),
    "health path over 1024": (web(healthPath="/" + "a" * 1100), "services.web.healthPath: 1101 characters"),
    "lifecycle days over int32": (app(buckets={"media": {"expireAfterDays": 2**31}}), "buckets.media.expireAfterDays: "),
    # paths
    "route with ?": (web(routes=["/api?x=1"]), "services.web.routes[0]: '/api?x=1' is not a path"),
    "route with #": (web(routes=["/api#x"]), "services.web.routes[0]: "),
    "route with a %-escape": (web(routes=["/caf%C3%A9"]), "services.web.routes[0]: "),
    "route with non-ASCII": (web(routes=["/café"]), "services.web.routes[0]: "),
    "health path with a query": (web(healthPath="/health?full=1"), "services.web.healthPath: "),
    "route with a dot segment": (web(routes=["/api/../admin"]), "services.web.routes[0]: "),
    # users
    "root as 00": (web(user="00"), "services.web.user: containers do not run as root"),
    "root as 0000:1000": (web(user="0000:1000"), "services.web.user: containers do not run as root"),
    # domains
    "name outside its zone": (
        app(domain={"name": "app.example.com", "zone": "example.org"}),
        "domain.name: 'app.example.com' is not in the zone 'example.org'",
    ),
    "certificate name over 64": (app(domain={"name": "a" * 60 + ".example.com"}), "domain.name: "),
    "zone that is no DNS name": (
        app(domain={"name": "app.example.com", "zone": "exa mple.com"}),
        "domain.zone: 'exa mple.com' is not a zone",
    ),
    "GCP zone name on AWS": (app(domain={"name": "app.example.com", "zone": "example-com"}), "domain.zone: 'example-com' is a Cloud DNS"),
    # e-mail
    "display name in the alert address": (app(alerts={"email": "Ops <ops@example.com>"}), "alerts.email: "),
    "alert address without a dot": (app(alerts={"email": "ops@localhost"}), "alerts.email: 'ops@localhost' is not a plain e-mail"),
    # regions and sizes
    "AWS region that does not exist": (app(aws={"region": "us-east-9"}), "aws.region: 'us-east-9' is not an AWS region; allowed: "),
    "RDS class that does not exist": (
        app(aws={"databaseInstanceClass": "db.m7g.larg"}, database={}),
        "aws.databaseInstanceClass: 'db.m7g.larg' is not an instance type",
    ),
    "cache node type that does not exist": (
        app(aws={"cacheNodeType": "cache.x9.large"}, cache={}),
        "aws.cacheNodeType: 'cache.x9.large' is not an instance type",
    ),
    "GCP region that does not exist": (app(GCP, gcp={"project": "my-project-1", "region": "mars-north1"}), "gcp.region: 'mars-north1'"),
    "Cloud SQL tier that does not exist": (
        app(GCP, gcp={"project": "my-project-1", "databaseTier": "db-custom-3-7680"}, database={}),
        "gcp.databaseTier: 'db-custom-3-7680': a custom tier has 1 or an even number",
    ),
    # time zones
    "localtime": (
        app(jobs={"n": {"schedule": "0 0 * * *", "service": "web", "command": ["x"], "timeZone": "localtime"}}),
        "jobs.n.timeZone: 'localtime' is not an IANA time zone",
    ),
    "posixrules": (
        app(jobs={"n": {"schedule": "0 0 * * *", "service": "web", "command": ["x"], "timeZone": "posixrules"}}),
        "jobs.n.timeZone: ",
    ),
    # networks
    "subnet without a prefix length": (app(GCP, gcp={"project": "my-project-1", "subnetCidr": "10.10.0.0"}), "gcp.subnetCidr: "),
    "subnet too small for Direct VPC egress": (
        app(GCP, gcp={"project": "my-project-1", "subnetCidr": "10.10.0.0/30"}),
        "gcp.subnetCidr: a /30 holds too few addresses for Cloud Run's Direct VPC egress",
    ),
    "VPC without a prefix length": (app(aws={"vpcCidr": "10.0.0.0"}), "aws.vpcCidr: '10.0.0.0' has no prefix length"),
    # database and cache
    "database postgres on Cloud SQL": (app(GCP, database={"name": "postgres"}), "database.name: 'postgres' already exists"),
    "database named with a reserved word": (app(database={"name": "select"}), "database.name: 'select' is a PostgreSQL reserved word"),
    "external Redis URL in a generated secret": (
        app(cache={"externalUrlSecret": "REDIS_URL"}, secrets={"REDIS_URL": {"generate": True}}),
        "cache.externalUrlSecret: 'REDIS_URL' is generated by the stack",
    ),
    # duplicates
    "a bucket listed twice": (
        app(buckets={"uploads": {}}, services={"web": {**MINIMAL["services"]["web"], "buckets": ["uploads", "uploads"]}}),
        "services.web.buckets[0]: 'uploads' is listed twice",
    ),
    "a secret listed twice": (
        app(secrets={"A": {"generate": True}}, services={"web": {**MINIMAL["services"]["web"], "secrets": ["A", "A"]}}),
        "services.web.secrets[0]: 'A' is listed twice",
    ),
    # scaling
    "a worker with min 0": (
        app(services={**MINIMAL["services"], "w": {"kind": "worker", "image": "x:1", "scaling": {"min": 0, "max": 2}}}),
        "services.w.scaling.min: a worker with min 0 never runs",
    ),
    # credentials in plain values
    "an AWS access key id in env": (web(env={"AWS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"}), "looks like a credential (an AWS access key id)"),
    "a URL with a password in env": (web(env={"DB": "postgres://app:hunter2@db/app"}), "services.web.env.DB: holds what looks like"),
    "a private key in a command": (web(command=["run", "-----BEGIN RSA PRIVATE KEY-----"]), "services.web.command[1]: holds"),
    "a credential in a build argument": (
        web(image=None, build={"context": ".", "args": {"URL": "https://u:p4ss@x.io"}}),
        "services.web.build.args.URL: holds what looks like a credential",
    ),
    "a secret-looking build argument": (
        web(image=None, build={"context": ".", "args": {"NPM_TOKEN": "x"}}),
        "services.web.build.args.NPM_TOKEN: looks like a secret",
    ),
}


@pytest.mark.parametrize("case", list(INVALID), ids=list(INVALID))
def test_what_the_cloud_would_refuse_is_refused_first(case: str) -> None:
    bad, expected = INVALID[case]
    if "build" in bad["services"]["web"]:
        bad = {**bad, "version": "1.0.0"}
    message = config_error(bad)
    assert expected in message, message
    assert_not_printed(message)


# ---- 4. false alarms: valid config loads


def loaded(root: Path, text: str) -> Any:
    write(root, text)
    config, secret_keys = stack_config("t", root)
    return load(config, secret_keys).app


@pytest.mark.parametrize(("written", "version"), [("1.0", "1.0"), ("1.10", "1.10"), ("20240501", "20240501"), ("2024-05-01", "2024-05-01")])
def test_a_version_written_as_a_number_or_date_is_its_text(tmp_path: Path, written: str, version: str) -> None:
    assert loaded(tmp_path, STACK_HEAD + WEB + f"  shipyard:version: {written}\n").version == version


def test_numbers_and_yaml_words_where_text_is_wanted_are_their_text(tmp_path: Path) -> None:
    text = (
        STACK_HEAD
        + "  shipyard:cache: {version: 7}\n"
        + "  shipyard:services:\n"
        + "    web:\n"
        + "      kind: http\n      image: ghcr.io/example/web:1.0.0\n      port: 8080\n      user: 1000\n"
        + "      command: [sleep, 10]\n"
        + "      env: {WORKERS: 4, DEBUG: true, VERBOSE: yes, RATIO: 0.5, RELEASED: 2024-05-01, NOTHING: ''}\n"
    )
    model = loaded(tmp_path, text)
    svc = model.services["web"]
    assert model.cache.version == "7"
    assert svc.user == "1000" and svc.command == ["sleep", "10"]
    assert svc.env == {"WORKERS": "4", "DEBUG": "true", "VERBOSE": "true", "RATIO": "0.5", "RELEASED": "2024-05-01", "NOTHING": ""}


def test_yaml_merge_keys_merge(tmp_path: Path) -> None:
    text = (
        STACK_HEAD
        + "  shipyard:services:\n"
        + "    web: &svc {kind: http, image: 'ghcr.io/example/web:1.0.0', port: 8080, routes: [/]}\n"
        + "    api:\n      <<: *svc\n      routes: [/api]\n"
    )
    model = loaded(tmp_path, text)
    assert model.services["api"].image == "ghcr.io/example/web:1.0.0"
    assert model.services["api"].routes == ["/api"]


def test_an_empty_secret_values_map_is_no_plain_text_secret(tmp_path: Path) -> None:
    assert loaded(tmp_path, STACK_HEAD + WEB + "  shipyard:secretValues: {}\n").secrets == {}


def test_the_readme_path_form_of_a_secret_value_is_read_as_encrypted(tmp_path: Path) -> None:
    text = STACK_HEAD + WEB + "  shipyard:secrets: {SENTRY_DSN: {}}\n  shipyard:secretValues:\n    SENTRY_DSN:\n      secure: v1:abc\n"
    write(tmp_path, text)
    config, secret_keys = stack_config("t", tmp_path)
    assert config["shipyard:secretValues"] == {"SENTRY_DSN": SECRET_PLACEHOLDER}
    assert load(config, secret_keys).secret_values.keys() == {"SENTRY_DSN"}


def test_the_committed_stacks_read_as_before(tmp_path: Path) -> None:
    """The loader reads the committed files as a YAML 1.1 reader does where the CLI agrees with it."""
    for stack in ("aws-prod", "gcp-prod"):
        config, _ = stack_config(stack)
        plain = read_yaml(ROOT / f"Pulumi.{stack}.yaml")["config"]
        for key, value in plain.items():
            full = key if ":" in key else f"shipyard:{key}"
            assert config[full] == (value if isinstance(value, dict | list) else str(value)), key


def test_snake_case_keys_are_unknown() -> None:
    message = config_error(web(health_path="/up"))
    assert "services.web.health_path: unknown key; allowed: " in message and "healthPath" in message
    assert "services.web.scaling.cpu_target: unknown key" in config_error(web(scaling={"min": 1, "max": 2, "cpu_target": 50}))


def test_the_program_still_builds_models_by_field_name() -> None:
    from stacks.model import Cache, Scaling

    assert Scaling(min=1, max=2, cpu_target=50).cpu_target == 50
    assert Cache(external_url_secret="REDIS_URL").managed is False


@pytest.mark.parametrize(
    "good",
    [
        web(image="ghcr.io/example/web@sha256:" + DIGEST),
        web(image="123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/web:1.0.0"),
        web(image="localhost:5000/web:1.0.0_rc-1"),
        web(routes=["/api/v1", "/~user", "/a:b@c+d$e"]),
        web(user="1000:0"),
        web(env={"URL": "https://example.com/path?a=1", "REDIS": "redis://:${REDIS_PASSWORD}@cache:6379"}),
        app(domain={"name": "app.example.com", "zone": "Example.com."}),
        app(alerts={"email": "ops+alerts@example.co.uk"}),
        app(
            aws={"region": "eu-central-2", "databaseInstanceClass": "db.r7g.xlarge", "cacheNodeType": "cache.t4g.micro"},
            database={},
            cache={},
        ),
        app(
            GCP, gcp={"project": "my-project-1", "region": "europe-west10", "databaseTier": "db-custom-1-3840", "subnetCidr": "10.0.0.0/26"}
        ),
    ],
)
def test_valid_settings_near_the_rules_load_and_pass_their_cloud(good: dict[str, Any]) -> None:
    from components import aws, gcp
    from components.aws import limits as aws_limits
    from components.gcp import limits as gcp_limits

    model = load({f"shipyard:{k}": v for k, v in good.items()}).app
    if model.cloud == "aws":
        aws_limits.validate(aws.with_defaults(model))
    else:
        gcp_limits.validate(gcp.with_defaults(model))


def test_a_stack_file_renders_through_the_offline_loader(tmp_path: Path) -> None:
    text = yaml.safe_dump({"config": {f"shipyard:{k}": v for k, v in MINIMAL.items()}})
    assert rendered(tmp_path, text).of_type("aws:ecs/service:Service")

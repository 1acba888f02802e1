"""Read the stack config into the application model, or fail with every problem named.

All checks run here, before the program registers a single resource. Errors
name the config key path (`services.api.memory`) and what is allowed.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import UnionType
from typing import Any, Literal, Union, get_args, get_origin

import pulumi
from pydantic import BaseModel, ValidationError

from stacks.model import SECRET_LOOKING_NAME, App, ModelError, credential_kind, redact

PROJECT = "shipyard"
SECRET_VALUES_KEY = "secretValues"  # noqa: S105 - a config key name, not a secret


class ConfigError(pulumi.RunError):
    """Bad stack config. A RunError, so `pulumi up` prints the message without a traceback."""

    def __init__(self, problems: Iterable[str]) -> None:
        # Never print a credential, whatever check found the problem and whatever it quotes.
        self.problems = [redact(problem) for problem in problems]
        lines = "\n".join(f"  - {p}" for p in self.problems)
        noun = "problem" if len(self.problems) == 1 else "problems"
        super().__init__(f"invalid stack config ({len(self.problems)} {noun}):\n{lines}")


@dataclass(frozen=True)
class Stack:
    """A validated app plus the secret values the stack config supplies (never printed)."""

    app: App
    secret_values: Mapping[str, pulumi.Output[str]] = field(default_factory=dict)


def top_level_keys() -> dict[str, str]:
    """Config key (camelCase, as written in the stack file) -> description."""
    keys = {f.alias or name: (f.description or "") for name, f in App.model_fields.items()}
    keys[SECRET_VALUES_KEY] = "Values of declared secrets; set with `pulumi config set --secret --path`"
    return keys


def load(raw: Mapping[str, Any], secret_keys: Iterable[str] = ()) -> Stack:
    """Build the model from a flat Pulumi config map (`shipyard:services` -> JSON text or object)."""
    prefix = f"{PROJECT}:"
    secret_keys = set(secret_keys)
    allowed = top_level_keys()
    data: dict[str, Any] = {}
    problems: list[str] = []
    for full_key, value in raw.items():
        if not full_key.startswith(prefix):
            continue
        key = full_key[len(prefix) :]
        if key not in allowed:
            problems.append(f"{_path([key])}: unknown key; allowed: {', '.join(sorted(allowed))}")
            continue
        data[key] = _decode(value, key in TEXT_KEYS)
        too_deep = _too_deep(data[key], [key])
        if too_deep:
            problems.append(f"{too_deep}: nested more than {MAX_DEPTH} levels deep; no setting is")
    secret_values = data.pop(SECRET_VALUES_KEY, None)
    if problems:
        raise ConfigError(problems)
    try:
        # By the keys as written only: a field's Python name (`health_path`) is an unknown key in the config.
        app = App.model_validate(data, by_alias=True, by_name=False)
    except ValidationError as exc:
        raise ConfigError(_describe(exc)) from None
    except ModelError as exc:  # raised by a validator outside pydantic's wrapping
        raise ConfigError([str(exc)]) from None
    missing = _missing_values(app, secret_values)
    if missing:
        raise ConfigError(missing)
    return Stack(app, _secret_values(app, secret_values, f"{prefix}{SECRET_VALUES_KEY}" in secret_keys))


def from_pulumi() -> Stack:
    """Load the running stack's config, as the Pulumi engine hands it to the program."""
    from pulumi.runtime import config as runtime_config

    raw = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = [k for k in raw if runtime_config.is_config_secret(k)]
    secret_keys += runtime_config.get_config_secret_keys_env()
    return load(raw, secret_keys)


def _decode(value: Any, text: bool = False) -> Any:
    """The engine passes structured config as JSON text and scalars as the text written (`version: 1.10` as "1.10").
    A key that takes text keeps it as written; any other is read as JSON where it parses (`true`, `3`, `{...}`)."""
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except (ValueError, RecursionError):  # deeply nested text such as "[[[[..." exhausts the parser's stack
            return value
        # A key that takes text takes a JSON string's content ('"pmis"'), and any other text as written.
        return decoded if not text or isinstance(decoded, str) else value
    return value


MAX_DEPTH = 64


def _too_deep(value: Any, path: list[int | str], depth: int = 0) -> str | None:
    """The key path where `value` nests deeper than MAX_DEPTH (without recursing past it), or None."""
    stack: list[tuple[Any, list[int | str], int]] = [(value, path, depth)]
    while stack:
        item, where, level = stack.pop()
        if level > MAX_DEPTH:
            return _path([*where[: MAX_DEPTH // 8], "..."])
        if isinstance(item, dict):
            stack += [(v, [*where, str(k)], level + 1) for k, v in item.items()]
        elif isinstance(item, list):
            stack += [(v, [*where, i], level + 1) for i, v in enumerate(item)]
    return None


def _text_key(annotation: Any) -> bool:
    """A top-level key whose value is text (`name`, `version`): the engine's text is the value itself."""
    args = [a for a in get_args(annotation) if a is not type(None)] if get_origin(annotation) in (Union, UnionType) else [annotation]
    return len(args) == 1 and (args[0] is str or (get_origin(args[0]) is Literal and all(isinstance(a, str) for a in get_args(args[0]))))


TEXT_KEYS = frozenset(f.alias or name for name, f in App.model_fields.items() if _text_key(f.annotation))


def _secret_values(app: App, values: Any, is_secret: bool) -> dict[str, pulumi.Output[str]]:
    if values is None or values == {}:
        return {}
    key = SECRET_VALUES_KEY
    if not is_secret:
        raise ConfigError(
            [
                f"{key}: holds secret values but is stored in plain text; set each with "
                f"`pulumi config set --secret --path '{key}.NAME' VALUE`"
            ]
        )
    if not isinstance(values, dict):
        raise ConfigError([f"{key}: must be a map of secret name to value"])
    problems = []
    for name, value in values.items():
        declared = app.secrets.get(name)
        if declared is None:
            problems.append(f"{key}.{name}: not declared under `secrets`; declared: {', '.join(app.secrets) or 'none'}")
        elif declared.generate:
            problems.append(f"{key}.{name}: the secret is generated by the stack (generate: true); remove the value or the flag")
        elif not isinstance(value, str) or not value:
            problems.append(f"{key}.{name}: must be a non-empty string")
    if problems:
        raise ConfigError(problems)
    return {name: pulumi.Output.secret(value) for name, value in values.items()}


def _missing_values(app: App, supplied: Any) -> list[str]:
    """Declared, not generated, and without a value: a workload reading it would not start (no secret version exists)."""
    given = supplied if isinstance(supplied, dict) else {}
    return [
        f"{SECRET_VALUES_KEY}.{name}: the secret is declared but has no value, and a container cannot start without it; set it with "
        f"`pulumi config set --secret --path '{SECRET_VALUES_KEY}.{name}' VALUE`, or generate it (secrets.{name}.generate: true)"
        for name, spec in app.secrets.items()
        if not spec.generate and name not in given
    ]


def _describe(exc: ValidationError) -> list[str]:
    problems = []
    for error in exc.errors():
        loc = list(error["loc"])
        original = (error.get("ctx") or {}).get("error")
        if isinstance(original, ModelError):
            problems.append(f"{_path([*loc, original.path])}: {original.message}")
        elif error["type"] == "extra_forbidden":
            allowed = _allowed_keys(App, loc[:-1])
            problems.append(f"{_path(loc)}: unknown key; allowed: {', '.join(allowed)}")
        elif error["type"] == "missing":
            problems.append(f"{_path(loc)}: required key is missing")
        else:
            message = error["msg"].removeprefix("Value error, ")
            problems.append(f"{_path(loc)}: {message}{_got(loc, error.get('input'))}")
    return problems


# Blocks whose values are secrets: never printed, whatever is wrong with them.
SECRET_BLOCKS = frozenset({"secrets", SECRET_VALUES_KEY})


def _got(loc: Sequence[int | str], value: Any) -> str:
    """What was given, for a problem's message: a scalar, unless it sits where secrets do or looks like a credential."""
    secret_place = (bool(loc) and loc[0] in SECRET_BLOCKS) or any(isinstance(p, str) and SECRET_LOOKING_NAME.search(p) for p in loc)
    if secret_place:
        return " (the value is not shown: it sits where secrets do)"
    if isinstance(value, dict | list):
        return f" (got a {'map' if isinstance(value, dict) else 'list'})"
    if isinstance(value, str) and credential_kind(value):
        return " (the value is not shown: it looks like a credential)"
    return f" (got {_short(value)})"


def _path(parts: Sequence[int | str]) -> str:
    path = ""
    for part in parts:
        if isinstance(part, int):  # a list index; a key made of digits stays a key
            path += f"[{part}]"
        elif part.startswith("["):
            path += part
        else:
            key = _key(part)
            path += key if key.startswith("[") else f".{key}" if path else key
    return path or "(top level)"


def _key(name: str) -> str:
    """A key as a path segment, quoted as Pulumi paths quote keys (`["a b"]`) when it is empty or holds spaces
    or control characters, so that every problem stays one line that starts with its path."""
    if credential_kind(name):
        return '["[a key that looks like a credential]"]'
    if name and name.isprintable() and not any(c.isspace() for c in name):
        return name
    return f"[{json.dumps(name)}]"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(model: type[BaseModel], loc: Sequence[int | str]) -> list[str]:
    """The keys a block accepts, found by walking the model along the error's location."""
    current: Any = model
    skip_user_name = False
    for part in loc:
        if skip_user_name:  # the key of a map such as `services` is a name the user chose
            skip_user_name = False
            continue
        if current is None:
            return []
        fields = {f.alias or n: f for n, f in current.model_fields.items()}
        if part not in fields:
            return []
        annotation = fields[part].annotation
        current = _inner_model(annotation)
        skip_user_name = _is_map(annotation)
    if current is None:
        return []
    return sorted(f.alias or n for n, f in current.model_fields.items())


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    """Dig the model class out of `X | None` or `dict[str, X]`."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _is_map(annotation: Any) -> bool:
    return get_origin(annotation) is dict or any(_is_map(arg) for arg in get_args(annotation))

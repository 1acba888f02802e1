"""What each workload needs, decided once for every cloud: its environment, its secrets and its stores.

A renderer only maps these needs to its own references (an ARN, a Secret Manager version, an endpoint); it
decides no name and no source itself. The model's reserved names (`RESERVED_ENV`, `BUCKET_*`) are the
names this module hands out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from stacks.model import App, Job, Service, bucket_env_name, call_env_name, topic_env_name

DATABASE_PORT = 5432
DATABASE_USER = "app"


def replica_urls(password: str, hosts: list[str], dbname: str) -> list[str]:
    """One plain URL per replica, as both clouds' renderers store them (DATABASE_REPLICA_URL is the first, and
    DATABASE_REPLICA_URLS all of them, comma-separated: the generated password has no comma)."""
    return [f"postgresql://{DATABASE_USER}:{password}@{host}:{DATABASE_PORT}/{dbname}?sslmode=require" for host in hosts]


@dataclass(frozen=True)
class CloudValue:
    """A plain value only the cloud knows: the database's host, a bucket's cloud name, a called service's address."""

    store: Literal["database", "bucket", "service", "topic"]
    name: str = ""  # the bucket's or the called service's model name; for the database, "" (its host) or "replicas"


@dataclass(frozen=True)
class SecretValue:
    """Where a secret environment variable's value lives.

    `app`: the application secret `key`; `database`: `url`, `password`, `replica_url` or `replica_urls` of the stack's PostgreSQL
    credentials; `cache`: `url` or `ca` (the CA that signs the server's TLS certificate) of its Redis.
    """

    source: Literal["app", "database", "cache"]
    key: str


@dataclass(frozen=True)
class Needs:
    """Everything a workload is given. `env` and `secrets` are keyed by environment variable name."""

    env: dict[str, str | CloudValue] = field(default_factory=dict)
    secrets: dict[str, SecretValue] = field(default_factory=dict)
    database: bool = False
    # The stack's own Redis (network access and its credentials); an external one is just a secret.
    cache: bool = False
    buckets: tuple[str, ...] = ()
    # http services it calls: network access (and on GCP, the invoker grant) to each.
    calls: tuple[str, ...] = ()
    # `grants`: the stack's topics it publishes to, the e-mail identities it sends as, the parameters it reads.
    topics: tuple[str, ...] = ()
    email_identities: tuple[str, ...] = ()
    parameters: tuple[str, ...] = ()

    @property
    def app_secrets(self) -> list[str]:
        """The application secrets read, by their model names."""
        return sorted({s.key for s in self.secrets.values() if s.source == "app"})


def needs(app: App, service: str, job: Job | None = None, release: bool = False) -> Needs:
    """What the workload running `service`'s image gets: the service itself, one of its jobs (`job`), or the
    release step (`release`). They share the service's access; only the service listens on its port."""
    svc: Service = app.services[service]
    env: dict[str, str | CloudValue] = dict(app.identity_env)
    secrets = {name: SecretValue("app", name) for name in svc.secrets}
    if svc.kind == "http" and job is None and not release:
        env["PORT"] = str(svc.port)
    if job is not None:
        # Told to the job so it can stop itself in time where the platform does not enforce it.
        env["JOB_TIMEOUT_SECONDS"] = str(job.timeout_seconds)
    uses_database = svc.database and app.database is not None
    if uses_database and app.database is not None:
        env |= {
            "DATABASE_HOST": CloudValue("database"),
            "DATABASE_PORT": str(DATABASE_PORT),
            "DATABASE_NAME": app.database.name,
            "DATABASE_USER": DATABASE_USER,
        }
        secrets |= {"DATABASE_URL": SecretValue("database", "url"), "DATABASE_PASSWORD": SecretValue("database", "password")}
        if svc.database_replica:
            # A URL per replica, so the application spreads its reads (a multi-host URL would send them all to the first
            # replica, and most URL parsers refuse it); the first alone for an application that reads from one.
            env["DATABASE_REPLICA_HOSTS"] = CloudValue("database", "replicas")
            secrets["DATABASE_REPLICA_URL"] = SecretValue("database", "replica_url")
            secrets["DATABASE_REPLICA_URLS"] = SecretValue("database", "replica_urls")
    managed_cache = svc.cache and app.cache is not None and app.cache.managed
    if svc.cache and app.cache is not None:
        if app.cache.external_url_secret is not None:
            secrets["REDIS_URL"] = SecretValue("app", app.cache.external_url_secret)
        else:
            secrets |= {"REDIS_URL": SecretValue("cache", "url"), "REDIS_CA_CERT": SecretValue("cache", "ca")}
    for bucket in svc.buckets:
        env[bucket_env_name(bucket)] = CloudValue("bucket", bucket)
    for callee in svc.calls:
        env[call_env_name(callee)] = CloudValue("service", callee)
    for topic in svc.grants.publish:
        env[topic_env_name(topic)] = CloudValue("topic", topic)
    env |= svc.env
    return Needs(
        env,
        secrets,
        bool(uses_database),
        bool(managed_cache),
        tuple(svc.buckets),
        tuple(svc.calls),
        tuple(svc.grants.publish),
        tuple(svc.grants.send_email_from),
        tuple(svc.grants.read_parameters),
    )

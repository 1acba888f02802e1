"""Certificates for the load balancer behind a proxying CDN of the user's own (`allowFrom`): Certificate Manager
certificates authorized by DNS, served through a certificate map.

Why not the Google-managed certificate the edge uses otherwise: a Compute `ManagedSslCertificate` is authorized by the
load balancer, so it is issued only while the domain's public DNS resolves to the load balancer's address (Load
Balancing docs, "Use Google-managed SSL certificates"). Behind a proxied record (CloudFlare's orange cloud) the name
resolves to the CDN, so the certificate stays PROVISIONING (FAILED_NOT_VISIBLE), the load balancer has no certificate to
serve, and the CDN answers 525. A DNS authorization proves control of the domain with a CNAME under
`_acme-challenge.<name>` instead, which a proxy in front does not affect (Certificate Manager docs, "Domain
authorizations": DNS authorization).

One DNS authorization, one certificate and one map entry per name, as the edge keeps one Google-managed certificate per
name: `managed.domains` and `managed.dnsAuthorizations` are ForceNew (terraform-provider-google-beta
resource_certificate_manager_certificate.go), so a certificate for every name would be replaced, and re-issued, each time
an alias is added or removed. A map entry's `certificates` update in place; its `hostname` does not.

Every name is autonamed `<logical>-<7 hex>` (pulumi-gcp resources.go maps no name field for these types, so
SetAutonaming applies), within `CERTIFICATE_MANAGER_NAME_MAX`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from components.naming import host_slug, short_id
from stacks.engine_tables import AUTONAME_RANDOM_CHARS
from stacks.model import Domain

# Certificate Manager resource names: the provider documents 1-64 characters of [a-zA-Z][a-zA-Z0-9_-]* for certificates
# and DNS authorizations and no limit for maps and their entries; 63 lowercase RFC 1035 characters satisfy all of them.
CERTIFICATE_MANAGER_NAME_MAX = 63
AUTONAME_SUFFIX = 1 + AUTONAME_RANDOM_CHARS
# What `TargetHttpsProxy.certificateMap` takes: the map's id behind the service's name (Compute API, targetHttpsProxies
# certificateMap: "//certificatemanager.googleapis.com/projects/{project}/locations/{location}/certificateMaps/{name}").
CERTIFICATE_MAP_PREFIX = "//certificatemanager.googleapis.com/"
ACME_RECORD_TTL = 300


@dataclass
class DnsAuthorizedCertificates:
    """What the edge attaches and exports."""

    certificate_map: gcp.certificatemanager.CertificateMap
    # Every entry of the map: the HTTPS proxy waits for them, so it never serves a map without its names.
    entries: list[gcp.certificatemanager.CertificateMapEntry]
    authorizations: dict[str, gcp.certificatemanager.DnsAuthorization]
    certificates: dict[str, gcp.certificatemanager.Certificate]

    @property
    def map_reference(self) -> pulumi.Output[str]:
        return pulumi.Output.concat(CERTIFICATE_MAP_PREFIX, self.certificate_map.id)

    def dns_records(self) -> pulumi.Output[list[dict[str, str]]]:
        """The records each name's authorization needs, in the order of the domain's names: {host, name, type, data}."""
        return pulumi.Output.all(
            *[
                auth.dns_resource_records.apply(lambda records, host=host: [{"host": host, **_record(r)} for r in records or []])
                for host, auth in self.authorizations.items()
            ]
        ).apply(lambda per_host: [record for records in per_host for record in records])


def _record(record: gcp.certificatemanager.outputs.DnsAuthorizationDnsResourceRecord | dict[str, str]) -> dict[str, str]:
    if isinstance(record, dict):
        return {"name": str(record["name"]), "type": str(record["type"]), "data": str(record["data"])}
    return {"name": str(record.name), "type": str(record.type), "data": str(record.data)}


def acme_record_name(host: str) -> str:
    """Where a FIXED_RECORD authorization's CNAME lives (Certificate Manager docs, "Domain authorizations":
    `_acme-challenge.<domain>`); the record itself, with its target, is the authorization's `dnsResourceRecords`."""
    return f"_acme-challenge.{host}"


def logical_name(name: str, domain: Domain, host: str) -> str:
    """The domain's own name keeps the edge's name; an alias's is the edge's name and the host, shortened to leave room
    for the engine's suffix."""
    if host == domain.name:
        return name
    return short_id(f"{name}-{host_slug(host)}", CERTIFICATE_MANAGER_NAME_MAX - AUTONAME_SUFFIX)


def dns_authorized_certificates(
    name: str,
    domain: Domain,
    parent: pulumi.Resource,
    zone: pulumi.Input[str] | None = None,
) -> DnsAuthorizedCertificates:
    """A DNS-authorized Google-managed certificate for each of the domain's names, and a certificate map that serves
    each by SNI and the domain's own name to clients that send none. With `zone` (a Cloud DNS managed zone's name), each
    authorization's CNAME is created there; otherwise the caller exports `dns_records()` for the user to create."""
    child = pulumi.ResourceOptions(parent=parent)
    authorizations: dict[str, gcp.certificatemanager.DnsAuthorization] = {}
    certificates: dict[str, gcp.certificatemanager.Certificate] = {}
    for host in domain.names:
        logical = logical_name(name, domain, host)
        # FIXED_RECORD: one CNAME at _acme-challenge.<host>, the same for the authorization's whole life (the default for
        # the global location; named so the record the user creates is the one this documents).
        auth = gcp.certificatemanager.DnsAuthorization(
            logical,
            domain=host,
            type="FIXED_RECORD",
            description=f"{host}: domain control for its Google-managed certificate",
            opts=child,
        )
        records = []
        if zone is not None:
            # The authorization's own record (name with its trailing dot, CNAME, target), as Certificate Manager states
            # it; read at index 0: a FIXED_RECORD authorization has one.
            record = auth.dns_resource_records.apply(lambda rs: _record(rs[0]))
            records.append(
                gcp.dns.RecordSet(
                    f"{logical}-acme",
                    managed_zone=zone,
                    name=record.apply(lambda r: r["name"]),
                    type=record.apply(lambda r: r["type"]),
                    ttl=ACME_RECORD_TTL,
                    rrdatas=[record.apply(lambda r: r["data"])],
                    opts=pulumi.ResourceOptions(parent=auth),
                )
            )
        authorizations[host] = auth
        certificates[host] = gcp.certificatemanager.Certificate(
            logical,
            description=f"{host}, authorized by DNS",
            managed={"domains": [host], "dns_authorizations": [auth.id]},
            # Issued once the CNAME resolves; with a zone, created after it, so the first attempt can succeed.
            opts=pulumi.ResourceOptions(parent=parent, depends_on=records),
        )
    certificate_map = gcp.certificatemanager.CertificateMap(name, description=f"{domain.name}: one entry per name", opts=child)
    entries = [
        gcp.certificatemanager.CertificateMapEntry(
            logical_name(name, domain, host),
            map=certificate_map.name,
            hostname=host,
            certificates=[certificates[host].id],
            opts=pulumi.ResourceOptions(parent=certificate_map),
        )
        for host in domain.names
    ]
    # PRIMARY: served when the client sends no SNI or a name the map does not hold (Certificate Manager API,
    # CertificateMapEntry.Matcher), as the first of a proxy's `sslCertificates` is otherwise.
    entries.append(
        gcp.certificatemanager.CertificateMapEntry(
            f"{name}-primary",
            map=certificate_map.name,
            matcher="PRIMARY",
            certificates=[certificates[domain.name].id],
            opts=pulumi.ResourceOptions(parent=certificate_map),
        )
    )
    return DnsAuthorizedCertificates(certificate_map, entries, authorizations, certificates)


def proxy_warning(names: Sequence[str], in_zone: bool) -> str:
    """Behind the user's own proxy: what to set up at the proxy and, without a zone, at the DNS provider."""
    proxy = f"allowFrom: point {', '.join(names)} at your proxy and the proxy at the load balancer address (loadBalancerIp); "
    if in_zone:
        return proxy + "the stack creates only the certificates' DNS records in domain.zone, not the names' own."
    cnames = ", ".join(acme_record_name(host) for host in names)
    return proxy + (
        f"domain.zone is not set: create one CNAME for each name's certificate at your DNS provider, DNS only (not "
        f"proxied): {cnames}; their targets are in the stack output certificateDnsRecords. The certificates are issued "
        "once those resolve."
    )

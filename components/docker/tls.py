"""A private CA and one server certificate for the stack's PostgreSQL and Redis containers.

Connections to the data stores are encrypted on one host as on the clouds (`sslmode=require`, `rediss://` with the
CA), so the app's URLs and the stack's guarantees are the same everywhere. The keys exist only in the stack's
encrypted state and in the containers that use them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_tls as tls

# The names the data stores answer on: their network aliases.
SERVER_NAMES = ["postgres", "redis"]
CA_HOURS = 10 * 365 * 24
SERVER_HOURS = 2 * 365 * 24
# `pulumi up` in the last 30 days replaces the server certificate (and restarts the stores that present it).
RENEW_HOURS = 30 * 24


@dataclass
class Certificates:
    ca_pem: pulumi.Output[str]
    server_pem: pulumi.Output[str]
    server_key_pem: pulumi.Output[str]


def certificates(name: str, parent: pulumi.Resource) -> Certificates:
    # Never protected: a certificate is replaced to renew it, and the engine refuses to replace a protected resource.
    opts = pulumi.ResourceOptions(parent=parent, protect=False)
    ca_key = tls.PrivateKey(f"{name}-ca", algorithm="ECDSA", ecdsa_curve="P256", opts=opts)
    ca = tls.SelfSignedCert(
        f"{name}-ca",
        private_key_pem=ca_key.private_key_pem,
        subject={"common_name": f"{name} data stores CA"},
        is_ca_certificate=True,
        validity_period_hours=CA_HOURS,
        allowed_uses=["cert_signing", "crl_signing"],
        opts=opts,
    )
    key = tls.PrivateKey(f"{name}-server", algorithm="ECDSA", ecdsa_curve="P256", opts=opts)
    request = tls.CertRequest(
        f"{name}-server", private_key_pem=key.private_key_pem, subject={"common_name": "postgres"}, dns_names=SERVER_NAMES, opts=opts
    )
    server = tls.LocallySignedCert(
        f"{name}-server",
        cert_request_pem=request.cert_request_pem,
        ca_private_key_pem=ca_key.private_key_pem,
        ca_cert_pem=ca.cert_pem,
        validity_period_hours=SERVER_HOURS,
        early_renewal_hours=RENEW_HOURS,
        allowed_uses=["digital_signature", "key_encipherment", "server_auth"],
        opts=opts,
    )
    return Certificates(ca.cert_pem, server.cert_pem, pulumi.Output.secret(key.private_key_pem))

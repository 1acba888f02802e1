"""Engine rows for the random, docker and tls resources, and for the explicit providers, the stack creates.

Versions read: pulumi-random master (Aug 2026; installed 4.21.4) over terraform-provider-random (plugin framework,
internal/provider/resource_password.go and resource_id.go); pulumi-docker master (v5.1.0+, installed 5.2.0)
provider/provider.go and hybrid.go; pulumi-terraform-bridge pkg/tfbridge/provider.go (DiffConfig).

Providers: the bridge's DiffConfig replaces a provider only for config keys marked `ForcesProviderReplace`; pulumi-gcp,
pulumi-docker and pulumi-random mark none, and pulumi-aws v7 removed it from `region` (pulumi/pulumi-aws#5656, #3826).
So no provider input replaces the provider itself (a provider has no physical name either). What a changed provider
input does instead is per provider, noted on each row.
"""

from __future__ import annotations

from stacks.engine_tables import TypeRule

RANDOM = "terraform-provider-random internal/provider/"

RULES: dict[str, TypeRule] = {
    "docker:index/image:Image": TypeRule(
        # The image reference it pushes; the program's choice, never generated.
        name_key="imageName",
        # The native provider's Diff never returns replaces: every change (build, imageName, registry.server) is an
        # update, i.e. a rebuild and push; registry username/password changes are ignored.
        source="pulumi-docker provider/provider.go: dockerNativeProvider.Diff and diffUpdates (v4-style docker.Image)",
    ),
    # Docker, for `cloud: docker`. The bridged resources come from kreuzwerker/terraform-provider-docker
    # (internal/provider/resource_docker_*.go); pulumi-docker's resources.go maps docker_container with
    # DeleteBeforeReplace and sets autonaming (SetAutonaming(255, "-")), which the program does not rely on: it names
    # every container, network and volume `<app>-<stack>-<what>` so two stacks share one engine.
    "docker:index/container:Container": TypeRule(
        name_key="name",
        autonamed=True,
        # Docker's container name grammar (daemon/names: validContainerNamePattern).
        pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$",
        # Every input the program sets is ForceNew except restart, memory, cpus-as-shares and the retry count, which
        # resourceDockerContainerUpdate changes in place.
        replace_on=(
            "name",
            "image",
            "command",
            "entrypoints",
            "envs",
            "user",
            "cpus",
            "readOnly",
            "tmpfs",
            "stopTimeout",
            "init",
            "securityOpts",
            "logDriver",
            "logOpts",
            "networksAdvanced",
            "uploads",
            "labels",
            "healthcheck",
            "volumes",
            "ports",
            "capabilities",
            "shmSize",
            "start",
            "attach",
            "mustRun",
        ),
        delete_before_replace=True,
        source="terraform-provider-docker resource_docker_container.go (ForceNew fields) and "
        "resource_docker_container_funcs.go resourceDockerContainerUpdate (restart, max_retry_count, cpu_shares, memory, "
        "cpu_set, memory_swap); pulumi-docker provider/resources.go (DeleteBeforeReplace). unverified: mustRun, start and "
        "attach as ForceNew",
    ),
    "docker:index/network:Network": TypeRule(
        name_key="name",
        autonamed=True,
        pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$",
        replace_on=("name", "driver", "internal", "options", "labels", "ipamConfigs", "attachable", "ipv6"),
        source="unverified: terraform-provider-docker resource_docker_network.go (every attribute ForceNew)",
    ),
    "docker:index/volume:Volume": TypeRule(
        name_key="name",
        autonamed=True,
        pattern=r"^[a-zA-Z0-9][a-zA-Z0-9_.-]+$",
        replace_on=("name", "driver", "driverOpts", "labels"),
        source="unverified: terraform-provider-docker resource_docker_volume.go (every attribute ForceNew)",
    ),
    "docker:index/remoteImage:RemoteImage": TypeRule(
        # `name` is the image reference, the program's choice; a local image of that name is reused.
        replace_on=("name", "build", "pullTriggers", "triggers", "platform"),
        source="unverified: terraform-provider-docker resource_docker_image.go (name, build, pull_triggers, triggers and "
        "platform ForceNew; keep_locally and force_remove updatable)",
    ),
    # TLS, for the Docker data stores' certificates: terraform-provider-tls (plugin framework); every input of these
    # resources has a RequiresReplace plan modifier, and LocallySignedCert is also replaced inside early_renewal_hours.
    "tls:index/privateKey:PrivateKey": TypeRule(
        replace_on=("algorithm", "ecdsaCurve", "rsaBits"),
        source="terraform-provider-tls internal/provider/resource_private_key.go (RequiresReplace on every attribute)",
    ),
    "tls:index/selfSignedCert:SelfSignedCert": TypeRule(
        replace_on=("privateKeyPem", "subject", "isCaCertificate", "validityPeriodHours", "allowedUses", "dnsNames", "earlyRenewalHours"),
        source="terraform-provider-tls internal/provider/resource_self_signed_cert.go (RequiresReplace on every attribute)",
    ),
    "tls:index/certRequest:CertRequest": TypeRule(
        replace_on=("privateKeyPem", "subject", "dnsNames", "ipAddresses", "uris"),
        source="terraform-provider-tls internal/provider/resource_cert_request.go (RequiresReplace on every attribute)",
    ),
    "tls:index/locallySignedCert:LocallySignedCert": TypeRule(
        replace_on=(
            "certRequestPem",
            "caPrivateKeyPem",
            "caCertPem",
            "validityPeriodHours",
            "allowedUses",
            "earlyRenewalHours",
            "isCaCertificate",
        ),
        source="terraform-provider-tls internal/provider/resource_locally_signed_cert.go (RequiresReplace on every attribute)",
    ),
    "pulumi:providers:tls": TypeRule(source="pulumi-terraform-bridge DiffConfig; pulumi-tls sets no ForcesProviderReplace"),
    "pulumi:providers:aws": TypeRule(
        # pulumi-aws v7 (installed 7.51.1): changing `region` no longer cascades a replacement. Resources carry their own
        # `region` input, defaulted from the provider, so a provider region change shows on each resource instead.
        # Unverified: whether every aws resource's `region` forces replacement (TF aws v6 enhanced region support).
        source="pulumi-terraform-bridge pkg/tfbridge/provider.go configDiffer.DiffConfig; pulumi/pulumi-aws#5656 "
        "(ForcesProviderReplace on region removed in v7)",
    ),
    "pulumi:providers:docker": TypeRule(
        source="pulumi-docker provider/hybrid.go: DiffConfig delegates to the bridged provider, which marks no "
        "ForcesProviderReplace; config changes are updates",
    ),
    "pulumi:providers:gcp": TypeRule(
        # The provider itself is updated, not replaced. Its `project` and `region` are copied into each resource's ForceNew
        # `project`/`region` at plan time (tpgresource.DefaultProviderProject / DefaultProviderRegion), so changing them
        # replaces every resource that does not set its own. defaultLabels changes are in-place label updates.
        source="pulumi-terraform-bridge provider.go DiffConfig; pulumi-gcp resources.go sets no ForcesProviderReplace; "
        "terraform-provider-google-beta google-beta/tpgresource/utils.go DefaultProviderProject",
    ),
    "pulumi:providers:random": TypeRule(
        source="pulumi-terraform-bridge DiffConfig; pulumi-random provider/resources.go sets no ForcesProviderReplace",
    ),
    "random:index/randomBytes:RandomBytes": TypeRule(
        # keepers: RequiresReplace (not the IfValuesNotNull form RandomId uses). base64 and hex are Sensitive.
        replace_on=("keepers", "length"),
        source=f"{RANDOM}resource_bytes.go (terraform-provider-random ad788e2, Jun 2026): RequiresReplace on length and "
        "keepers; pulumi-random provider/resources.go (f64d872, Aug 2026): no name input, and computeRandomBytesID makes "
        "the base64 value the resource id",
    ),
    "random:index/randomId:RandomId": TypeRule(
        # keepers: RequiresReplaceIfValuesNotNull.
        replace_on=("byteLength", "keepers", "prefix"),
        source=f"{RANDOM}resource_id.go: RequiresReplace on byte_length and prefix",
    ),
    "random:index/randomPassword:RandomPassword": TypeRule(
        # Every input replaces: a new password. keepers: RequiresReplaceIfValuesNotNull; overrideSpecial: replace unless
        # the change is "" -> unset.
        replace_on=(
            "keepers",
            "length",
            "lower",
            "minLower",
            "minNumeric",
            "minSpecial",
            "minUpper",
            "number",
            "numeric",
            "overrideSpecial",
            "special",
            "upper",
        ),
        source=f"{RANDOM}resource_password.go: RequiresReplace plan modifiers on every input; pulumi-random "
        "provider/resources.go: no autonaming (no name input)",
    ),
}

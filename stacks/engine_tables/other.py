"""Engine rows for the random and docker resources, and for the explicit providers, the stack creates.

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

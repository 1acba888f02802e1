"""ECR: a repository per service the stack builds, scanned on push, with immutable tags."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from components.images import RegistryLogin, build_and_push
from components.naming import scoped
from components.stateful import keep
from stacks.model import Service, build_owners

KEEP_IMAGES = 30
PLATFORM = {"x86_64": "linux/amd64", "arm64": "linux/arm64"}
# A private ECR image: `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]`.
# Source: Amazon ECR user guide, "Private registry concepts" (registry URL format).
ECR_IMAGE = re.compile(r"^(?P<account>\d{12})\.dkr\.ecr(-fips)?\.(?P<region>[a-z0-9-]+)\.amazonaws\.com(\.cn)?/(?P<repository>[^:@]+)")


def ecr_repository_arn(image: str, partition: pulumi.Input[str]) -> pulumi.Output[str] | None:
    """The ARN of the private ECR repository `image` lives in, or None for other registries (public ones need no grant)."""
    match = ECR_IMAGE.match(image)
    if match is None:
        return None
    return pulumi.Output.concat("arn:", partition, ":ecr:", match["region"], ":", match["account"], ":repository/", match["repository"])


class Registry(pulumi.ComponentResource):
    """Builds and pushes each `build` service; `images` maps every service to the reference it runs."""

    repositories: dict[str, aws.ecr.Repository]
    images: dict[str, pulumi.Input[str]]
    # ECR repositories each service pulls from: the execution role is granted exactly these.
    pull_arns: dict[str, list[pulumi.Input[str]]]

    def __init__(
        self,
        name: str,
        app_name: str,
        services: Mapping[str, Service],
        version: str | None,
        architecture: str,
        protect: bool,
        key_arn: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        """A repository `<app_name>/<service>` for each service with `build`, its image tagged `version` for `architecture`;
        services with the same `build` share the first one's repository and image."""
        built = [svc_name for svc_name, svc in services.items() if svc.build is not None]
        if built and version is None:
            raise ValueError(f"services {', '.join(built)} are built here and need a version to tag their images")
        super().__init__("shipyard:aws:Registry", name, None, opts)
        self.repositories, self.images, self.pull_arns = {}, {}, {}
        partition = aws.get_partition_output(opts=pulumi.InvokeOptions(parent=self)).partition
        lifecycle = json.dumps(
            {
                "rules": [
                    {
                        "rulePriority": 1,
                        "description": f"keep the newest {KEEP_IMAGES} images",
                        "selection": {"tagStatus": "any", "countType": "imageCountMoreThan", "countNumber": KEEP_IMAGES},
                        "action": {"type": "expire"},
                    }
                ]
            }
        )
        owners = build_owners(services)
        for svc_name, svc in services.items():
            if svc.build is None:
                self.images[svc_name] = svc.image or ""
                arn = ecr_repository_arn(svc.image or "", partition)
                self.pull_arns[svc_name] = [arn] if arn is not None else []
                continue
            repository = aws.ecr.Repository(
                f"{name}-{svc_name}",
                name=scoped(app_name, svc_name, separator="/"),
                image_tag_mutability="IMMUTABLE",
                image_scanning_configuration={"scan_on_push": True},
                encryption_configurations=[{"encryption_type": "KMS", "kms_key": key_arn}],
                force_delete=False,
                opts=keep(self, protect),
            )
            aws.ecr.LifecyclePolicy(
                f"{name}-{svc_name}", repository=repository.name, policy=lifecycle, opts=pulumi.ResourceOptions(parent=repository)
            )
            self.repositories[svc_name] = repository
            if owners[svc_name] != svc_name:
                # The same build as an earlier service: its image, built and pushed once. The service keeps a repository of
                # its own all the same, so that sharing a build (or reordering services) never deletes one, which
                # `protect` and its images would refuse.
                self.images[svc_name] = self.images[owners[svc_name]]
                self.pull_arns[svc_name] = self.pull_arns[owners[svc_name]]
                continue
            token = aws.ecr.get_authorization_token_output(registry_id=repository.registry_id, opts=pulumi.InvokeOptions(parent=self))
            login = RegistryLogin(server=token.proxy_endpoint, username=token.user_name, password=token.password)
            assert version is not None  # checked above
            self.images[svc_name] = build_and_push(
                f"{name}-{svc_name}", svc.build, repository.repository_url, version, PLATFORM[architecture], login, repository
            )
            self.pull_arns[svc_name] = [repository.arn]
        self.register_outputs({n: r.repository_url for n, r in self.repositories.items()})

"""SNS topics the app publishes to (`topics`), encrypted with the app's key; who may publish is each service's grant."""

from __future__ import annotations

from collections.abc import Iterable

import pulumi
import pulumi_aws as aws


class Topics(pulumi.ComponentResource):
    topics: dict[str, aws.sns.Topic]

    def __init__(self, name: str, topics: Iterable[str], key_arn: pulumi.Input[str], opts: pulumi.ResourceOptions | None = None) -> None:
        """One topic per name, `<name>-<topic>-<random>`; messages at rest encrypted with `key_arn`."""
        super().__init__("shipyard:aws:Topics", name, None, opts)
        self.topics = {
            topic: aws.sns.Topic(f"{name}-{topic}", kms_master_key_id=key_arn, opts=pulumi.ResourceOptions(parent=self)) for topic in topics
        }
        self.register_outputs({topic: t.arn for topic, t in self.topics.items()})

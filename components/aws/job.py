"""A scheduled job: EventBridge Scheduler runs the job's own Fargate task on a cron schedule."""

from __future__ import annotations

import pulumi
import pulumi_aws as aws

from components.aws.iam import allow, service_role
from components.aws.schedule import to_eventbridge
from components.aws.task import FargateTask
from stacks.model import Job

# How long the scheduler keeps retrying a failed launch before the event goes to the dead-letter queue.
MAX_EVENT_AGE_SECONDS = 3600


class ScheduledJob(pulumi.ComponentResource):
    schedule: aws.scheduler.Schedule
    dead_letters: aws.sqs.Queue

    def __init__(
        self,
        name: str,
        job: Job,
        task: FargateTask,
        cluster: aws.ecs.Cluster,
        subnet_ids: list[pulumi.Output[str]],
        security_group: aws.ec2.SecurityGroup,
        account_id: pulumi.Input[str],
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        super().__init__("shipyard:aws:ScheduledJob", name, None, opts)
        self.dead_letters = aws.sqs.Queue(
            f"{name}-dead-letters",
            message_retention_seconds=14 * 24 * 3600,
            sqs_managed_sse_enabled=True,
            opts=pulumi.ResourceOptions(parent=self),
        )
        role, permissions = service_role(
            f"{name}-scheduler",
            "scheduler.amazonaws.com",
            [
                allow(["ecs:RunTask"], [task.definition.arn], ArnEquals={"ecs:cluster": cluster.arn}),
                allow(["iam:PassRole"], [task.execution_role.arn, task.task_role.arn]),
                allow(["sqs:SendMessage"], [self.dead_letters.arn]),
            ],
            parent=self,
            description=f"{name}: run this job's task, nothing else",
            source_account=account_id,
        )
        self.schedule = aws.scheduler.Schedule(
            name,
            schedule_expression=to_eventbridge(job.schedule),
            schedule_expression_timezone=job.time_zone,
            flexible_time_window={"mode": "OFF"},
            state="ENABLED",
            target={
                "arn": cluster.arn,
                "role_arn": role.arn,
                "ecs_parameters": {
                    "task_definition_arn": task.definition.arn,
                    "launch_type": "FARGATE",
                    "task_count": 1,
                    "network_configuration": {"subnets": subnet_ids, "security_groups": [security_group.id], "assign_public_ip": False},
                },
                "retry_policy": {"maximum_retry_attempts": job.retries, "maximum_event_age_in_seconds": MAX_EVENT_AGE_SECONDS},
                "dead_letter_config": {"arn": self.dead_letters.arn},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*permissions, *task.permissions]),
        )
        self.register_outputs({"schedule": self.schedule.name})

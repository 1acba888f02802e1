"""A scheduled job: EventBridge Scheduler starts a Step Functions workflow that runs the job's Fargate task and stops it
at the job's timeout.

Why Step Functions: ECS has no task timeout, so a job started directly by the scheduler (ECS RunTask) runs until it exits,
however long that is, and its exit code reaches nobody. A standard workflow with one `ecs:runTask.sync` state (the
`arn:<partition>:states:::ecs:runTask.sync` integration) waits for the task, fails the state when the task stops with a
non-zero exit code, and fails it with `States.Timeout` when it runs past the state's `TimeoutSeconds`; Step Functions then
stops the task it started (that is why the integration's policy grants `ecs:StopTask`, "you can only stop Amazon ECS
tasks that were started by Step Functions": Step Functions developer guide, "IAM policies for Amazon ECS/AWS Fargate").
The state's `Retry` runs a failed or timed-out run again, as Cloud Run retries a job's task. Its cost is a few state
transitions per run.

Alternatives weighed: a watchdog (a Lambda or a second schedule that lists and stops old tasks) is code of our own with
its own failure modes and acts late; a wrapper in the image (`timeout 600 cmd`) depends on every image shipping one and
on the entrypoint passing signals. The scheduler still retries a start that fails (throttling, a deleted state machine)
and sends what it cannot start to the dead-letter queue.

Sources: Step Functions developer guide, "Run Amazon ECS or Fargate tasks with Step Functions" (runTask.sync, PascalCase
parameters), "Handling errors in Step Functions workflows" (States.Timeout, States.TaskFailed, Retry fields), "IAM
policies for Amazon ECS/AWS Fargate" (RunTask, StopTask, DescribeTasks, the managed rule
StepFunctionsGetEventsForECSTaskRule); EventBridge Scheduler user guide, "Using templated targets" (a state machine
ARN as the target: StartExecution).
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.aws.iam import allow, service_role
from components.aws.schedule import to_eventbridge
from components.aws.task import FargateTask
from stacks.model import Job

# How long the scheduler keeps retrying a failed start before the event goes to the dead-letter queue.
MAX_EVENT_AGE_SECONDS = 3600
# The first retry of a failed run waits this long; each next one twice as long, at most RETRY_MAX_DELAY_SECONDS: 60, 120,
# 180 s, PMIS's backoff (Step Functions developer guide, "Handling errors in Step Functions workflows": Retry fields
# IntervalSeconds, BackoffRate, MaxDelaySeconds).
RETRY_INTERVAL_SECONDS = 60
RETRY_BACKOFF = 2.0
RETRY_MAX_DELAY_SECONDS = 180
# The state that runs the task; its failure names it in the execution's history.
RUN_STATE = "Run"
# Errors a run is retried on: a non-zero exit or a failed start (States.TaskFailed), and the timeout, which
# States.TaskFailed does not match.
RETRIED_ERRORS = ["States.TaskFailed", "States.Timeout"]


def definition(
    job: Job,
    partition: str,
    cluster_arn: str,
    task_definition_arn: str,
    subnet_ids: list[str],
    security_group_id: str,
    public_address: bool = False,
) -> dict[str, object]:
    """The workflow: run the task and wait for it, stop it after `timeoutSeconds`, retry a failed run `retries` times."""
    run: dict[str, object] = {
        "Type": "Task",
        "Comment": "Runs the job's task, waits for it to stop, and fails on a non-zero exit code",
        # The integration's ARN names the partition too (aws-us-gov, aws-cn).
        "Resource": f"arn:{partition}:states:::ecs:runTask.sync",
        "Parameters": {
            "Cluster": cluster_arn,
            "TaskDefinition": task_definition_arn,
            "LaunchType": "FARGATE",
            "PlatformVersion": "LATEST",
            "NetworkConfiguration": {
                "AwsvpcConfiguration": {
                    "Subnets": subnet_ids,
                    "SecurityGroups": [security_group_id],
                    "AssignPublicIp": "ENABLED" if public_address else "DISABLED",
                }
            },
        },
        "TimeoutSeconds": job.timeout_seconds,
        "End": True,
    }
    if job.retries:
        run["Retry"] = [
            {
                "ErrorEquals": RETRIED_ERRORS,
                "IntervalSeconds": RETRY_INTERVAL_SECONDS,
                "MaxAttempts": job.retries,
                "BackoffRate": RETRY_BACKOFF,
                "MaxDelaySeconds": RETRY_MAX_DELAY_SECONDS,
            }
        ]
    return {"Comment": "A scheduled job run with a timeout", "StartAt": RUN_STATE, "States": {RUN_STATE: run}}


class ScheduledJob(pulumi.ComponentResource):
    schedule: aws.scheduler.Schedule
    dead_letters: aws.sqs.Queue
    state_machine: aws.sfn.StateMachine

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
        public_address: bool = False,
    ) -> None:
        """`public_address`: the task runs in a public subnet (`aws.publicTasks`) and reaches the internet by its own address."""
        super().__init__("shipyard:aws:ScheduledJob", name, None, opts)
        invoke = pulumi.InvokeOptions(parent=self)
        partition = aws.get_partition_output(opts=invoke).partition
        region = aws.get_region_output(opts=invoke).region

        # The workflow's role: run this job's task in this cluster, watch and stop the tasks it started, nothing else.
        # Task ARNs carry the cluster's name (arn:...:task/<cluster>/<id>), which scopes StopTask and DescribeTasks
        # tighter than the documented "*".
        tasks_in_cluster = pulumi.Output.concat("arn:", partition, ":ecs:", region, ":", account_id, ":task/", cluster.name, "/*")
        managed_rule = pulumi.Output.concat(
            "arn:", partition, ":events:", region, ":", account_id, ":rule/StepFunctionsGetEventsForECSTaskRule"
        )
        runner_role, runner_permissions = service_role(
            f"{name}-runner",
            "states.amazonaws.com",
            [
                allow(["ecs:RunTask"], [task.definition.arn], ArnEquals={"ecs:cluster": cluster.arn}),
                allow(["ecs:DescribeTasks", "ecs:StopTask"], [tasks_in_cluster]),
                allow(["iam:PassRole"], [task.execution_role.arn, task.task_role.arn]),
                # The .sync integration learns that the task stopped from this EventBridge rule, which it manages itself.
                allow(["events:DescribeRule", "events:PutRule", "events:PutTargets"], [managed_rule]),
            ],
            parent=self,
            description=f"{name}: run this job's task and stop it at its timeout, nothing else",
            source_account=account_id,
        )
        self.state_machine = aws.sfn.StateMachine(
            name,
            type="STANDARD",
            role_arn=runner_role.arn,
            definition=pulumi.Output.all(
                partition=partition, cluster=cluster.arn, task_definition=task.definition.arn, subnets=subnet_ids, group=security_group.id
            ).apply(
                lambda v: json.dumps(
                    definition(job, v["partition"], v["cluster"], v["task_definition"], v["subnets"], v["group"], public_address),
                    sort_keys=True,
                )
            ),
            # A run started before the role's policy exists fails on its first call.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*runner_permissions, *task.permissions]),
        )

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
                allow(["states:StartExecution"], [self.state_machine.arn]),
                allow(["sqs:SendMessage"], [self.dead_letters.arn]),
            ],
            parent=self,
            description=f"{name}: start this job's workflow, nothing else",
            source_account=account_id,
        )
        self.schedule = aws.scheduler.Schedule(
            name,
            schedule_expression=to_eventbridge(job.schedule),
            schedule_expression_timezone=job.time_zone,
            flexible_time_window={"mode": "OFF"},
            state="ENABLED",
            target={
                # A state machine's ARN is the templated target for Step Functions StartExecution.
                "arn": self.state_machine.arn,
                "role_arn": role.arn,
                "retry_policy": {"maximum_retry_attempts": job.retries, "maximum_event_age_in_seconds": MAX_EVENT_AGE_SECONDS},
                "dead_letter_config": {"arn": self.dead_letters.arn},
            },
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*permissions, *runner_permissions, *task.permissions]),
        )
        self.register_outputs({"schedule": self.schedule.name, "stateMachine": self.state_machine.arn})

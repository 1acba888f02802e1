"""A Fargate task definition with its logs and two least-privilege roles; shared by services and jobs."""

from __future__ import annotations

from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.aws.iam import allow, service_role
from components.aws.limits import fargate_units
from components.naming import stack_slug

ARCHITECTURE = {"x86_64": "X86_64", "arm64": "ARM64"}


@dataclass
class Wiring:
    """What a workload is given: plain settings, secret references, and what its task role may touch."""

    env: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    # env name -> Secrets Manager reference (`arn` or `arn:json-key::`)
    secrets: dict[str, pulumi.Input[str]] = field(default_factory=dict)
    secret_arns: list[pulumi.Input[str]] = field(default_factory=list)
    bucket_arns: list[pulumi.Input[str]] = field(default_factory=list)
    # `grants`: the topics it publishes to, the SES identities it sends as, the SSM parameters it reads (ARNs).
    topic_arns: list[pulumi.Input[str]] = field(default_factory=list)
    email_identity_arns: list[pulumi.Input[str]] = field(default_factory=list)
    parameter_arns: list[pulumi.Input[str]] = field(default_factory=list)
    # ECR repositories the image is pulled from (none for images from other registries)
    repository_arns: list[pulumi.Input[str]] = field(default_factory=list)
    kms_key_arn: pulumi.Input[str] | None = None
    # What must exist before a task starts: it reads these (secret values, the database, the cache) or
    # needs them to pull its image (NAT routes). The task definition waits for them, so everything that
    # runs it does, and `pulumi up --target` on it brings them along.
    needs: list[pulumi.Resource] = field(default_factory=list)


@dataclass
class Container:
    image: pulumi.Input[str]
    command: list[str] | None
    args: list[str] | None
    cpu: float
    memory: int
    port: int | None = None
    user: str | None = None
    # Seconds between SIGTERM and SIGKILL (ECS's default is 30, Fargate's maximum 120).
    stop_timeout: int | None = None
    read_only_root_filesystem: bool = False
    # A worker's liveness: a command that exits 0 while it is healthy.
    health_command: list[str] | None = None
    # ECS Exec (`aws ecs execute-command`): the task role may open the SSM channels it uses.
    exec_enabled: bool = False


# ECS Exec needs these on "*": the ssmmessages actions take no resource-level permissions.
# Source: Amazon ECS developer guide, "Monitor Amazon ECS containers with ECS Exec" (IAM permissions required).
EXEC_ACTIONS = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel"]  # fmt: skip
# A container health check: every 30 s, 3 failures in a row mark it unhealthy, after a 60 s start period.
# Source: ECS API reference, HealthCheck (interval 5-300, retries 1-10, startPeriod 0-300).
HEALTH_CHECK = {"interval": 30, "timeout": 10, "retries": 3, "startPeriod": 60}
SCRATCH = "tmp"


class FargateTask(pulumi.ComponentResource):
    definition: aws.ecs.TaskDefinition
    execution_role: aws.iam.Role
    task_role: aws.iam.Role
    log_group: aws.cloudwatch.LogGroup

    def __init__(
        self,
        name: str,
        container: Container,
        wiring: Wiring,
        architecture: str,
        log_retention_days: int,
        opts: pulumi.ResourceOptions | None = None,
        keep_revisions: bool = False,
    ) -> None:
        """`keep_revisions`: a replaced revision stays registered (ACTIVE), so a rollback can deploy it again."""
        super().__init__("shipyard:aws:FargateTask", name, None, opts)
        # Encrypted with the app's key, whose policy lets CloudWatch Logs use it (components/aws/logs.py).
        self.log_group = aws.cloudwatch.LogGroup(
            name, retention_in_days=log_retention_days, kms_key_id=wiring.kms_key_arn, opts=pulumi.ResourceOptions(parent=self)
        )
        region = aws.get_region_output(opts=pulumi.InvokeOptions(parent=self)).region
        # `amazonaws.com`, or `amazonaws.com.cn` in the China partition.
        dns_suffix = aws.get_partition_output(opts=pulumi.InvokeOptions(parent=self)).dns_suffix

        # Execution role: what ECS needs to start the container: its logs and its own secrets.
        execution = [allow(["logs:CreateLogStream", "logs:PutLogEvents"], [pulumi.Output.concat(self.log_group.arn, ":*")])]
        if wiring.secret_arns:
            execution.append(allow(["secretsmanager:GetSecretValue"], list(wiring.secret_arns)))
        if wiring.repository_arns:
            execution.append(allow(["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], list(wiring.repository_arns)))
            # The registry login token is account-wide by design; it grants nothing by itself.
            execution.append(allow(["ecr:GetAuthorizationToken"], ["*"]))
        if wiring.kms_key_arn is not None:
            execution.append(
                allow(
                    ["kms:Decrypt"],
                    [wiring.kms_key_arn],
                    StringEquals={"kms:ViaService": pulumi.Output.concat("secretsmanager.", region, ".", dns_suffix)},
                )
            )
        self.execution_role, execution_policy = service_role(
            f"{name}-execution", "ecs-tasks.amazonaws.com", execution, self, f"{name}: start the task"
        )

        # Task role: what the application itself may do.
        task: list[dict[str, object]] = []

        def key_through(service: str) -> None:
            """The app's key, used only by `service` on the task's behalf (objects and messages encrypted with it)."""
            if wiring.kms_key_arn is not None:
                via = pulumi.Output.concat(service, ".", region, ".", dns_suffix)
                task.append(allow(["kms:Decrypt", "kms:GenerateDataKey"], [wiring.kms_key_arn], StringEquals={"kms:ViaService": via}))

        if wiring.bucket_arns:
            task.append(allow(["s3:ListBucket"], list(wiring.bucket_arns)))
            task.append(
                allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [pulumi.Output.concat(arn, "/*") for arn in wiring.bucket_arns])
            )
            key_through("s3")
        if wiring.topic_arns:
            task.append(allow(["sns:Publish"], list(wiring.topic_arns)))
            # A publisher to an encrypted topic needs the key too (SNS developer guide, "Encryption at rest").
            key_through("sns")
        if wiring.email_identity_arns:
            # SES v1 and v2 both authorize sending with these actions on the identity (SES developer guide, "Controlling
            # access to Amazon SES": resource-level permissions for sending).
            task.append(allow(["ses:SendEmail", "ses:SendRawEmail"], list(wiring.email_identity_arns)))
        if wiring.parameter_arns:
            # A SecureString under the AWS managed key `aws/ssm` needs no key grant: its policy admits the account's
            # principals through SSM. One under a key of the user's needs that key's policy to admit this role.
            task.append(allow(["ssm:GetParameter", "ssm:GetParameters"], list(wiring.parameter_arns)))
        if container.exec_enabled:
            task.append(allow(EXEC_ACTIONS, ["*"]))
        self.task_role, task_policy = service_role(
            f"{name}-task", "ecs-tasks.amazonaws.com", task, self, f"{name}: the application's own permissions"
        )

        definition = {
            "name": "app",
            "image": container.image,
            "essential": True,
            "privileged": False,
            # None keeps the image's own USER; the model refuses root.
            "user": container.user,
            # The model's command and args replace the image's CMD (its ENTRYPOINT, if any, still runs).
            "command": [*(container.command or []), *(container.args or [])] or None,
            "portMappings": [{"containerPort": container.port, "protocol": "tcp"}] if container.port else [],
            "environment": [{"name": k, "value": v} for k, v in sorted(wiring.env.items())],
            "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(wiring.secrets.items())],
            "linuxParameters": {"initProcessEnabled": True},
            "stopTimeout": container.stop_timeout,
            # Read-only root: the app writes to /tmp only, a task-local scratch volume.
            "readonlyRootFilesystem": True if container.read_only_root_filesystem else None,
            "mountPoints": [{"sourceVolume": SCRATCH, "containerPath": "/tmp"}] if container.read_only_root_filesystem else None,  # noqa: S108 - a task-local volume, not a shared /tmp
            "healthCheck": {"command": ["CMD", *container.health_command], **HEALTH_CHECK} if container.health_command else None,
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": self.log_group.name, "awslogs-region": region, "awslogs-stream-prefix": "app"},
            },
        }
        self.definition = aws.ecs.TaskDefinition(
            name,
            # Revisions of one family are one task definition: each stack keeps its own.
            family=f"{name}-{stack_slug()}",
            cpu=str(fargate_units(container.cpu)),
            memory=str(container.memory),
            network_mode="awsvpc",
            requires_compatibilities=["FARGATE"],
            runtime_platform={"operating_system_family": "LINUX", "cpu_architecture": ARCHITECTURE[architecture]},
            execution_role_arn=self.execution_role.arn,
            task_role_arn=self.task_role.arn,
            container_definitions=pulumi.Output.json_dumps([{k: v for k, v in definition.items() if v is not None}]),
            volumes=[{"name": SCRATCH}] if container.read_only_root_filesystem else None,
            # A deregistered (INACTIVE) revision cannot be deployed again (ECS API reference, DeregisterTaskDefinition).
            skip_destroy=True if keep_revisions else None,
            # Tasks started before these exist cannot read their secrets or pull their image.
            opts=pulumi.ResourceOptions(parent=self, depends_on=[*execution_policy, *task_policy, *wiring.needs]),
        )
        self.permissions: list[pulumi.Resource] = [*execution_policy, *task_policy]
        self.register_outputs({"arn": self.definition.arn})

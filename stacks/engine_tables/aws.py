"""The AWS rows of the engine model: physical names, autonaming and replacing inputs, one row per Pulumi type.

Sources, named in each row:
- pulumi-aws provider/resources.go (the stored snapshot is the v6 line, commit 00ba5ea; the installed SDK is 7.51.1):
  per-resource `AutoName`/`AutoNameTransform` overrides, and `setAutonaming`, which gives every other resource
  with an input named `name` an autoname of at most 255 characters (not lower-cased).
- hashicorp/terraform-provider-aws internal/service/<svc>/<file>.go: `ForceNew` inputs, `CustomizeDiff`
  force-new rules, and the name validators.
- The AWS API reference, where Terraform does not validate the name.

A source that starts with "unverified:" was written from knowledge of that file, not re-read for this table.
Not modelled anywhere here: the per-resource `region` input that pulumi-aws 7 adds (unverified whether it forces
replacement), and inputs whose change only replaces through a provider-side `ignoreChanges`.
"""

from __future__ import annotations

from stacks.engine_tables import TypeRule

PULUMI = "pulumi-aws provider/resources.go"
TF = "terraform-provider-aws internal/service/"
DEFAULT_AUTONAME = f"{PULUMI} setAutonaming: `name` autonamed, maxlen 255"

# Names AWS shares between several services.
ALNUM_HYPHEN_32 = r"\A(?!internal-)[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?\Z"
LOWER_ID_NO_DOUBLE_HYPHEN = r"\A(?!.*--)[a-z][0-9a-z-]*(?<!-)\Z"
IAM_NAME = r"\A[\w+=,.@-]+\Z"
ECS_NAME = r"\A[A-Za-z0-9_-]+\Z"

RULES: dict[str, TypeRule] = {
    "aws:acm/certificate:Certificate": TypeRule(
        replace_on=(
            "domainName",
            "subjectAlternativeNames",
            "validationMethod",
            "keyAlgorithm",
            "certificateAuthorityArn",
            "validationOptions",
        ),
        source=f"{TF}acm/certificate.go (domain_name, subject_alternative_names, validation_method, key_algorithm, "
        "certificate_authority_arn, validation_option ForceNew; imported certificate_body/private_key update in place; "
        "no name, so a replacement coexists with the old certificate, whose delete retries ResourceInUseException 20 min)",
    ),
    "aws:acm/certificateValidation:CertificateValidation": TypeRule(
        replace_on=("certificateArn", "validationRecordFqdns"),
        source=f"unverified: {TF}acm/certificate_validation.go (no Update: every argument ForceNew)",
    ),
    "aws:appautoscaling/policy:Policy": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=255,
        replace_on=("name", "resourceId", "scalableDimension", "serviceNamespace"),
        source=f"{DEFAULT_AUTONAME} (name is Required); unverified: {TF}appautoscaling/policy.go "
        "(name, resource_id, scalable_dimension, service_namespace ForceNew; name StringLenBetween(0, 255))",
    ),
    "aws:appautoscaling/target:Target": TypeRule(
        replace_on=("resourceId", "scalableDimension", "serviceNamespace"),
        source=f"unverified: {TF}appautoscaling/target.go (resource_id, scalable_dimension, service_namespace ForceNew)",
    ),
    "aws:chatbot/slackChannelConfiguration:SlackChannelConfiguration": TypeRule(
        # The program names it `<app>-<stack>`; CloudFormation documents ConfigurationName 1-128 [A-Za-z0-9-_].
        name_key="configurationName",
        max_length=128,
        pattern=r"\A[A-Za-z0-9_-]+\Z",
        # No attribute RequiresReplace in the framework schema. UpdateSlackChannelConfiguration takes neither the name nor
        # the workspace, so changing either is sent as an update the API cannot apply; change them by replacing the
        # resource (`pulumi up --replace`).
        replace_on=(),
        source=f"{TF}chatbot/slack_channel_configuration.go (plugin-framework schema: no RequiresReplace plan modifiers; "
        "configuration_name, iam_role_arn, slack_channel_id, slack_team_id Required); pulumi-aws: not `name`, so not "
        "autonamed; AWS::Chatbot::SlackChannelConfiguration ConfigurationName 1-128 ^[A-Za-z0-9-_]+$",
    ),
    "aws:cloudwatch/dashboard:Dashboard": TypeRule(
        name_key="dashboardName",
        max_length=255,
        pattern=r"\A[0-9A-Za-z_-]+\Z",
        replace_on=("dashboardName",),
        source=f"{TF}cloudwatch/dashboard.go (dashboard_name Required, ForceNew; dashboard_body updates in place by "
        f"PutDashboard); {TF}cloudwatch/validate.go validDashboardName (255, ^[0-9A-Za-z_-]+$); pulumi-aws: not `name`, so "
        "not autonamed",
    ),
    "aws:cloudwatch/eventRule:EventRule": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=64,
        pattern=r"\A[.\-_A-Za-z0-9]+\Z",
        replace_on=("name", "namePrefix", "eventBusName"),
        source=f"{PULUMI} AutoName(name, 64); unverified: {TF}events/rule.go (name, name_prefix, event_bus_name ForceNew; "
        "validateRuleName 64, [.-_A-Za-z0-9])",
    ),
    "aws:cloudwatch/eventTarget:EventTarget": TypeRule(
        name_key="targetId",
        autonamed=True,
        max_length=64,
        pattern=r"\A[.\-_A-Za-z0-9]+\Z",
        replace_on=("rule", "targetId", "eventBusName"),
        # The bridge autonames with maxlen 255 but EventBridge allows a 64-character target id.
        source=f"{PULUMI} AutoName(targetId, 255); unverified: {TF}events/target.go (rule, target_id, event_bus_name ForceNew; "
        "validateTargetID 64)",
    ),
    "aws:cloudfront/cachePolicy:CachePolicy": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=128,
        pattern=r"\A[A-Za-z0-9_-]+\Z",
        text_limits=(("comment", 128),),
        source=f"{DEFAULT_AUTONAME}; unverified: {TF}cloudfront/cache_policy.go (no ForceNew: UpdateCachePolicy takes "
        "every argument, the name too); CloudFront API CachePolicyConfig.Name (letters, digits, '-' and '_', at most 128), "
        "CachePolicyConfig.Comment ('cannot be longer than 128 characters')",
    ),
    "aws:cloudfront/distribution:Distribution": TypeRule(
        replace_on=("staging",),
        text_limits=(("comment", 128),),
        source=f"unverified: {TF}cloudfront/distribution.go (only `staging` is ForceNew; origins, behaviours, aliases and "
        "the certificate update in place, each update waiting for the deployment unless wait_for_deployment is false; "
        "comment StringLenBetween(0, 128))",
    ),
    "aws:cloudfront/function:Function": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=64,
        pattern=r"\A[A-Za-z0-9_-]+\Z",
        replace_on=("name",),
        # The provider does not check the comment's length; CreateFunction and UpdateFunction refuse it.
        text_limits=(("comment", 128),),
        source=f"{DEFAULT_AUTONAME}; {TF}cloudfront/function.go (name Required, ForceNew; code, comment, runtime and publish "
        "update in place); CloudFront API CreateFunction Name: 1-64 of letters, digits, '-' and '_'; FunctionConfig "
        "Comment: 'cannot be longer than 128 characters'",
    ),
    "aws:cloudfront/originAccessControl:OriginAccessControl": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=64,
        source=f"{DEFAULT_AUTONAME}; unverified: {TF}cloudfront/origin_access_control.go (no ForceNew: "
        "UpdateOriginAccessControl takes every argument; name StringLenBetween(1, 64))",
    ),
    "aws:cloudwatch/logGroup:LogGroup": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=512,
        pattern=r"\A[.\-_/#A-Za-z0-9]+\Z",
        replace_on=("name", "namePrefix", "logGroupClass"),
        source=f"{DEFAULT_AUTONAME}; unverified: {TF}logs/group.go (name, name_prefix, log_group_class ForceNew; "
        "validLogGroupName 512, [.-_/#A-Za-z0-9]; kms_key_id and retention_in_days update in place)",
    ),
    "aws:cloudwatch/metricAlarm:MetricAlarm": TypeRule(
        # Pulumi renames Terraform's alarm_name to `name`.
        name_key="name",
        autonamed=True,
        max_length=255,
        replace_on=("name",),
        source=f'{PULUMI} "alarm_name": AutoName("name", 255); unverified: {TF}cloudwatch/metric_alarm.go '
        "(alarm_name ForceNew, StringLenBetween(1, 255))",
    ),
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": TypeRule(
        replace_on=("vpcId",),
        source=f"unverified: {TF}ec2/vpc_default_security_group.go (adopts the VPC's default group; vpc_id ForceNew)",
    ),
    "aws:ec2/eip:Eip": TypeRule(
        replace_on=("domain", "address", "customerOwnedIpv4Pool", "ipamPoolId", "networkBorderGroup", "publicIpv4Pool"),
        source=f"unverified: {TF}ec2/ec2_eip.go (domain, address, customer_owned_ipv4_pool, ipam_pool_id, network_border_group, "
        "public_ipv4_pool ForceNew)",
    ),
    "aws:ec2/flowLog:FlowLog": TypeRule(
        replace_on=(
            "vpcId",
            "subnetId",
            "eniId",
            "transitGatewayId",
            "transitGatewayAttachmentId",
            "trafficType",
            "logDestination",
            "logDestinationType",
            "logFormat",
            "iamRoleArn",
            "deliverCrossAccountRole",
            "maxAggregationInterval",
            "destinationOptions",
        ),
        source=f"unverified: {TF}ec2/vpc_flow_log.go (only tags update in place; every other argument ForceNew)",
    ),
    "aws:ec2/internetGateway:InternetGateway": TypeRule(
        source=f"unverified: {TF}ec2/vpc_internet_gateway.go (vpc_id changes detach and re-attach in place; nothing ForceNew)",
    ),
    "aws:ec2/natGateway:NatGateway": TypeRule(
        replace_on=("allocationId", "subnetId", "connectivityType", "privateIp"),
        source=f"unverified: {TF}ec2/vpc_nat_gateway.go (allocation_id, subnet_id, connectivity_type, private_ip ForceNew)",
    ),
    "aws:ec2/routeTable:RouteTable": TypeRule(
        replace_on=("vpcId",),
        source=f"unverified: {TF}ec2/vpc_route_table.go (vpc_id ForceNew; inline routes update in place)",
    ),
    "aws:ec2/routeTableAssociation:RouteTableAssociation": TypeRule(
        replace_on=("subnetId", "gatewayId"),
        source=f"unverified: {TF}ec2/vpc_route_table_association.go (subnet_id, gateway_id ForceNew; route_table_id replaced "
        "in place with ReplaceRouteTableAssociation)",
    ),
    "aws:ec2/securityGroup:SecurityGroup": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=255,
        pattern=r"\A(?!sg-)[A-Za-z0-9 ._\-:/()#,@\[\]+=&;{}!$*]+\Z",
        # `description` is ForceNew: our program builds it from the workload's kind, so http <-> worker replaces the group.
        replace_on=("name", "namePrefix", "description", "vpcId"),
        source=f"{DEFAULT_AUTONAME}; unverified: {TF}ec2/vpc_security_group.go (name, name_prefix, description, vpc_id ForceNew; "
        "name StringLenBetween(0, 255)); AWS CreateSecurityGroup: VPC group names may not start with sg-",
    ),
    "aws:ec2/subnet:Subnet": TypeRule(
        replace_on=(
            "vpcId",
            "cidrBlock",
            "availabilityZone",
            "availabilityZoneId",
            "outpostArn",
            "ipv4IpamPoolId",
            "ipv4NetmaskLength",
        ),
        source=f"unverified: {TF}ec2/vpc_subnet.go (vpc_id, cidr_block, availability_zone(_id), outpost_arn, ipv4_ipam_pool_id, "
        "ipv4_netmask_length ForceNew; map_public_ip_on_launch and ipv6 settings update in place)",
    ),
    "aws:ec2/vpc:Vpc": TypeRule(
        replace_on=("cidrBlock", "ipv4IpamPoolId", "ipv4NetmaskLength"),
        source=f"unverified: {TF}ec2/vpc_.go (cidr_block, ipv4_ipam_pool_id, ipv4_netmask_length ForceNew; DNS flags, "
        "instance_tenancy and IPv6 settings update in place)",
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": TypeRule(
        delete_before_replace=True,
        replace_on=("repository", "policy"),
        source=f"{PULUMI} DeleteBeforeReplace: true; unverified: {TF}ecr/lifecycle_policy.go (no Update: repository and policy ForceNew)",
    ),
    "aws:ecr/repository:Repository": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=256,
        pattern=r"\A(?=.{2,256}\Z)(?:[a-z0-9]+(?:[._-][a-z0-9]+)*/)*[a-z0-9]+(?:[._-][a-z0-9]+)*\Z",
        replace_on=("name", "encryptionConfigurations"),
        source=f"{DEFAULT_AUTONAME} (name is Required); unverified: {TF}ecr/repository.go (name, encryption_configuration "
        "ForceNew); AWS CreateRepository repositoryName 2-256 and pattern",
    ),
    "aws:ecs/cluster:Cluster": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=255,
        pattern=ECS_NAME,
        replace_on=("name",),
        source=f"{DEFAULT_AUTONAME} (name is Required); unverified: {TF}ecs/cluster.go (name ForceNew); AWS CreateCluster "
        "clusterName 255 letters, digits, hyphens, underscores",
    ),
    "aws:ecs/service:Service": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=255,
        pattern=ECS_NAME,
        # Also CustomizeDiff: switching between launchType and capacityProviderStrategies forces replacement.
        replace_on=("name", "cluster", "iamRole", "launchType", "schedulingStrategy", "deploymentController.type"),
        source=f"{DEFAULT_AUTONAME} (name is Required); {TF}ecs/service.go (name, cluster, iam_role, launch_type, "
        "scheduling_strategy, deployment_controller.type ForceNew; load_balancer, network_configuration, service_registries, "
        "task_definition update in place); AWS CreateService serviceName 255",
    ),
    "aws:ecs/taskDefinition:TaskDefinition": TypeRule(
        name_key="family",
        # Every replacement registers a new revision of the family (ECS API RegisterTaskDefinition).
        unique_name=False,
        max_length=255,
        pattern=ECS_NAME,
        replace_on=(
            "family",
            "containerDefinitions",
            "cpu",
            "memory",
            "networkMode",
            "requiresCompatibilities",
            "runtimePlatform",
            "executionRoleArn",
            "taskRoleArn",
            "volumes",
            "placementConstraints",
            "proxyConfiguration",
            "ipcMode",
            "pidMode",
            "ephemeralStorage",
            "enableFaultInjection",
        ),
        source=f"{PULUMI} no autoname (family is not `name`); unverified: {TF}ecs/task_definition.go (every argument but tags, "
        "skip_destroy, track_latest ForceNew: each change registers a new revision); AWS family 255 [A-Za-z0-9_-]",
    ),
    "aws:elasticache/replicationGroup:ReplicationGroup": TypeRule(
        name_key="replicationGroupId",
        autonamed=True,
        autoname_lowercase=True,
        max_length=40,
        pattern=r"\A(?!.*--)[A-Za-z][0-9A-Za-z-]*(?<!-)\Z",
        # CustomizeDiff also forces replacement on an engine or engineVersion downgrade, on meaningful
        # nodeGroupConfigurations changes, and on transitEncryptionEnabled changes when engineVersion < 7.0.5.
        replace_on=(
            "replicationGroupId",
            "atRestEncryptionEnabled",
            "dataTieringEnabled",
            "globalReplicationGroupId",
            "kmsKeyId",
            "networkType",
            "port",
            "securityGroupNames",
            "snapshotArns",
            "snapshotName",
            "subnetGroupName",
        ),
        source=f"{PULUMI} AutoNameTransform(replicationGroupId, 40, ToLower); {TF}elasticache/replication_group.go (ForceNew "
        "as listed; customizeDiffEngineVersionForceNewOnDowngrade, customizeDiffEngineForceNewOnDowngrade, ForceNewIf "
        "node_group_configuration; replication_group_id StateFunc ToLower, validateReplicationGroupID 40)",
    ),
    "aws:elasticache/subnetGroup:SubnetGroup": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=255,
        pattern=r"\A[0-9a-z-]+\Z",
        replace_on=("name",),
        source=f"{DEFAULT_AUTONAME} (not lower-cased; Terraform's StateFunc lower-cases); unverified: {TF}elasticache/"
        "subnet_group.go (name ForceNew; description, subnet_ids update in place); AWS CacheSubnetGroupName 255",
    ),
    "aws:iam/role:Role": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=64,
        pattern=IAM_NAME,
        replace_on=("name", "namePrefix", "path"),
        source=f"{PULUMI} AutoName(name, 64); {TF}iam/role.go (name, name_prefix, path ForceNew; roleNameMaxLen 64, "
        "prefix 64-26; validResourceName [\\w+=,.@-])",
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": TypeRule(
        # No name: the cloud object is the pair (role, policy ARN).
        replace_on=("role", "policyArn"),
        source=f"{PULUMI} no `name` input, so not autonamed; {TF}iam/role_policy_attachment.go (no Update: role, policy_arn ForceNew)",
    ),
    "aws:iam/rolePolicy:RolePolicy": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=128,
        pattern=IAM_NAME,
        # The bridge autonames up to 255 characters; IAM allows 128.
        replace_on=("name", "namePrefix", "role"),
        source=f"{DEFAULT_AUTONAME}; unverified: {TF}iam/role_policy.go (name, name_prefix, role ForceNew; validRolePolicyName 128)",
    ),
    "aws:kms/alias:Alias": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=256,
        pattern=r"\Aalias/(?!aws/)[A-Za-z0-9/_-]+\Z",
        replace_on=("name", "namePrefix"),
        source=f'{PULUMI} AutoNameWithCustomOptions(maxlen 238, PostTransform prepends "alias/"); unverified: {TF}kms/alias.go '
        "(name, name_prefix ForceNew; target_key_id updates in place); AWS CreateAlias AliasName 256, not alias/aws/",
    ),
    "aws:kms/key:Key": TypeRule(
        replace_on=("customerMasterKeySpec", "keyUsage", "customKeyStoreId", "multiRegion", "xksKeyId"),
        source=f"unverified: {TF}kms/key.go (customer_master_key_spec, key_usage, custom_key_store_id, multi_region, xks_key_id "
        "ForceNew; policy, rotation, description update in place)",
    ),
    "aws:lb/listener:Listener": TypeRule(
        replace_on=("loadBalancerArn",),
        source=f"unverified: {TF}elbv2/listener.go (load_balancer_arn ForceNew; port, protocol, certificate, actions in place)",
    ),
    "aws:lb/listenerRule:ListenerRule": TypeRule(
        replace_on=("listenerArn",),
        source=f"{TF}elbv2/listener_rule.go (priority updates in place via SetRulePriorities); unverified: listener_arn ForceNew",
    ),
    "aws:lb/loadBalancer:LoadBalancer": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=32,
        pattern=ALNUM_HYPHEN_32,
        # CustomizeDiff: NLB replaces on fewer subnets or on adding/removing all security groups; ALB replaces when a
        # subnetMappings entry changes without the count changing. Our ALB passes `subnets`, which update in place.
        replace_on=("name", "namePrefix", "internal", "loadBalancerType", "customerOwnedIpv4Pool"),
        source=f"{DEFAULT_AUTONAME} (no 32 override, so long logical names fail validName); {TF}elbv2/load_balancer.go "
        "(name, name_prefix, internal, load_balancer_type, customer_owned_ipv4_pool ForceNew; customizeDiffLoadBalancerALB/NLB); "
        f"{TF}elbv2/validate.go validName (32, alphanumerics and hyphens, no leading/trailing hyphen, not internal-), "
        "validNamePrefix 6",
    ),
    "aws:lb/targetGroup:TargetGroup": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=32,
        pattern=r"\A[0-9A-Za-z](?:[0-9A-Za-z-]*[0-9A-Za-z])?\Z",
        replace_on=("name", "namePrefix", "port", "protocol", "protocolVersion", "targetType", "vpcId", "ipAddressType"),
        source=f"{PULUMI} AutoName(name, 32); {TF}elbv2/target_group.go (name, name_prefix, port, protocol, protocol_version, "
        f"target_type, vpc_id, ip_address_type ForceNew); {TF}elbv2/validate.go validTargetGroupName 32, prefix 32-26=6",
    ),
    "aws:rds/instance:Instance": TypeRule(
        name_key="identifier",
        # Custom default: NewUniqueHex(<logical>, 7, 255), not lower-cased (3 and 15 for SQL Server). RDS allows 63
        # lower-case characters, so only short lower-case logical names autoname validly.
        autonamed=True,
        prefix_key="identifierPrefix",
        max_length=63,
        pattern=LOWER_ID_NO_DOUBLE_HYPHEN,
        # identifier and identifierPrefix are not ForceNew: a change renames the instance (NewDBInstanceIdentifier).
        replace_on=(
            "availabilityZone",
            "backupTarget",
            "characterSetName",
            "customIamInstanceProfile",
            "dbName",
            "engine",
            "kmsKeyId",
            "ncharCharacterSetName",
            "restoreToPointInTime",
            "s3Import",
            "snapshotIdentifier",
            "storageEncrypted",
            "timezone",
            "username",
        ),
        source=f"{PULUMI} aws_db_instance identifier Default From NewUniqueHex(name, 7, 255); {TF}rds/instance.go (ForceNew "
        f"as listed; identifier updated in place); {TF}rds/validate.go validIdentifier/validIdentifierPrefix (lower-case, "
        "starts with a letter, no --); AWS CreateDBInstance identifier 1-63",
    ),
    "aws:rds/parameterGroup:ParameterGroup": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=255,
        pattern=r"\A(?!.*--)[a-z][0-9a-z.-]*(?<!-)\Z",
        replace_on=("name", "namePrefix", "family", "description"),
        source=f"{DEFAULT_AUTONAME} (not lower-cased); {TF}rds/validate.go validParamGroupName ([0-9a-z.-], starts with a "
        f"letter, no --, no trailing -, 255); unverified: {TF}rds/parameter_group.go (name, name_prefix, family, description "
        "ForceNew)",
    ),
    "aws:rds/subnetGroup:SubnetGroup": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=255,
        pattern=r"\A(?!default\Z)[0-9a-z_. -]+\Z",
        replace_on=("name", "namePrefix"),
        source=f"{DEFAULT_AUTONAME}; unverified: {TF}rds/subnet_group.go (name, name_prefix ForceNew; description and "
        "subnet_ids update in place); validSubnetGroupName [0-9a-z-_. ], 255, not default",
    ),
    "aws:route53/record:Record": TypeRule(
        replace_on=("zoneId",),
        source=f'{PULUMI} "name": {{Name: "name"}} (deliberately not autonamed: it is the DNS name); unverified: '
        f"{TF}route53/record.go (zone_id ForceNew; name, type, set_identifier changes delete and create in one change batch)",
    ),
    "aws:s3/bucket:Bucket": TypeRule(
        name_key="bucket",
        autonamed=True,
        autoname_lowercase=True,
        prefix_key="bucketPrefix",
        max_length=63,
        pattern=r"\A(?!xn--)(?!.*\.\.)(?!.*-s3alias\Z)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\Z",
        replace_on=("bucket", "bucketPrefix", "objectLockEnabled", "bucketNamespace"),
        source=f"{PULUMI} AutoNameTransform(bucket, 63, ToLower) (v6 token BucketV2, now aws:s3/bucket:Bucket); unverified: "
        f"{TF}s3/bucket.go (bucket, bucket_prefix, object_lock_enabled, bucket_namespace ForceNew; bucket_prefix 37); "
        "S3 bucket naming rules",
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": TypeRule(
        replace_on=("bucket", "expectedBucketOwner"),
        source=f"unverified: {TF}s3/bucket_lifecycle_configuration.go (bucket, expected_bucket_owner RequiresReplace)",
    ),
    "aws:s3/bucketLogging:BucketLogging": TypeRule(
        replace_on=("bucket", "expectedBucketOwner"),
        source=f"{PULUMI} no `name` input (v6 token BucketLoggingV2, now aws:s3/bucketLogging:BucketLogging); "
        f"{TF}s3/bucket_logging.go (bucket, expected_bucket_owner ForceNew; target_bucket, target_prefix, target_grant, "
        "target_object_key_format update in place with PutBucketLogging)",
    ),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": TypeRule(
        replace_on=("bucket",),
        source=f"unverified: {TF}s3/bucket_ownership_controls.go (bucket ForceNew; rule updates in place)",
    ),
    "aws:s3/bucketPolicy:BucketPolicy": TypeRule(
        replace_on=("bucket",),
        source=f"unverified: {TF}s3/bucket_policy.go (bucket ForceNew; policy updates in place)",
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": TypeRule(
        replace_on=("bucket",),
        source=f"unverified: {TF}s3/bucket_public_access_block.go (bucket ForceNew; the four flags update in place)",
    ),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": TypeRule(
        replace_on=("bucket", "expectedBucketOwner"),
        source=f"unverified: {TF}s3/bucket_server_side_encryption_configuration.go (bucket, expected_bucket_owner ForceNew)",
    ),
    "aws:s3/bucketVersioning:BucketVersioning": TypeRule(
        replace_on=("bucket", "expectedBucketOwner"),
        source=f"unverified: {TF}s3/bucket_versioning.go (bucket, expected_bucket_owner ForceNew; versioning_configuration "
        "and mfa update in place)",
    ),
    "aws:scheduler/schedule:Schedule": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=64,
        pattern=r"\A[0-9A-Za-z_.-]+\Z",
        # The bridge autonames up to 255 characters; EventBridge Scheduler allows 64.
        replace_on=("name", "namePrefix", "groupName"),
        source=f"{DEFAULT_AUTONAME}; unverified: {TF}scheduler/schedule.go (name, name_prefix, group_name ForceNew; the "
        "target and schedule update in place); AWS::Scheduler::Schedule Name 1-64 ^[0-9a-zA-Z-_.]+$",
    ),
    "aws:secretsmanager/secret:Secret": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=512,
        pattern=r"\A[A-Za-z0-9/_+=.@-]+\Z",
        replace_on=("name", "namePrefix"),
        source=f"{DEFAULT_AUTONAME}; unverified: {TF}secretsmanager/secret.go (name, name_prefix ForceNew; kms_key_id, "
        "description, policy, recovery_window_in_days update in place); AWS CreateSecret Name 512",
    ),
    "aws:secretsmanager/secretVersion:SecretVersion": TypeRule(
        replace_on=("secretId", "secretString", "secretBinary"),
        source=f"{TF}secretsmanager/secret_version.go (secret_id, secret_string, secret_binary ForceNew: a new value "
        "replaces the version; version_stages updates in place)",
    ),
    "aws:servicediscovery/privateDnsNamespace:PrivateDnsNamespace": TypeRule(
        # `name` is the DNS domain, yet setAutonaming covers it because the input is called `name`.
        name_key="name",
        autonamed=True,
        max_length=253,
        replace_on=("name", "vpc"),
        source=f"{DEFAULT_AUTONAME} (name is Required); unverified: {TF}servicediscovery/private_dns_namespace.go "
        "(name, vpc ForceNew; description updates in place)",
    ),
    "aws:servicediscovery/service:Service": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=127,
        replace_on=("name", "namespaceId", "type", "healthCheckCustomConfig", "dnsConfig.namespaceId", "dnsConfig.routingPolicy"),
        source=f"{DEFAULT_AUTONAME}; unverified: {TF}servicediscovery/service.go (name, namespace_id, type, "
        "health_check_custom_config, dns_config.namespace_id, dns_config.routing_policy ForceNew); AWS CreateService Name 127",
    ),
    "aws:sfn/stateMachine:StateMachine": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=80,
        pattern=r"\A[0-9A-Za-z_-]+\Z",
        # The bridge autonames up to 255 characters; Step Functions allows 80.
        replace_on=("name", "namePrefix", "type"),
        source=f"{DEFAULT_AUTONAME} (no Fields entry for aws_sfn_state_machine); {TF}sfn/state_machine.go (name, "
        "name_prefix, type ForceNew; name StringLenBetween(1, 80) ^[0-9A-Za-z_-]+$; definition, role_arn, logging and "
        "tracing update in place by UpdateStateMachine)",
    ),
    "aws:sns/topic:Topic": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=256,
        pattern=r"\A[A-Za-z0-9_-]+(?:\.fifo)?\Z",
        replace_on=("name", "namePrefix", "fifoTopic"),
        source=f'{PULUMI} AutoNameWithCustomOptions(maxlen 80, ".fifo" appended when fifoTopic); unverified: {TF}sns/topic.go '
        "(name, name_prefix, fifo_topic ForceNew); AWS CreateTopic Name 1-256",
    ),
    "aws:sns/topicPolicy:TopicPolicy": TypeRule(
        replace_on=("arn",),
        source=f"unverified: {TF}sns/topic_policy.go (arn ForceNew; policy updates in place)",
    ),
    "aws:sns/topicSubscription:TopicSubscription": TypeRule(
        replace_on=("topic", "protocol", "endpoint", "endpointAutoConfirms", "confirmationTimeoutInMinutes"),
        source=f'{PULUMI} "topic_arn" renamed "topic"; unverified: {TF}sns/topic_subscription.go (topic_arn, protocol, endpoint, '
        "endpoint_auto_confirms, confirmation_timeout_in_minutes ForceNew; attributes update in place)",
    ),
    "aws:sqs/queue:Queue": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=80,
        pattern=r"\A(?=.{1,80}\Z)[A-Za-z0-9_-]+(?:\.fifo)?\Z",
        replace_on=("name", "namePrefix", "fifoQueue"),
        source=f'{PULUMI} AutoNameWithCustomOptions(maxlen 80, ".fifo" appended when fifoQueue); unverified: {TF}sqs/queue.go '
        "(name, name_prefix, fifo_queue ForceNew); AWS CreateQueue QueueName 80 including .fifo",
    ),
    "aws:wafv2/webAcl:WebAcl": TypeRule(
        name_key="name",
        autonamed=True,
        prefix_key="namePrefix",
        max_length=128,
        pattern=r"\A[\w-]+\Z",
        replace_on=("name", "namePrefix", "scope"),
        source=f"{DEFAULT_AUTONAME} (aws_wafv2_web_acl listed in hasOptionalOrRequiredNamePropertyOptimized); unverified: "
        f"{TF}wafv2/web_acl.go (name, name_prefix, scope ForceNew; name 1-128 ^[\\w\\-]+$)",
    ),
    "aws:wafv2/webAclAssociation:WebAclAssociation": TypeRule(
        replace_on=("resourceArn", "webAclArn"),
        source=f"{PULUMI} excluded from autonaming; unverified: {TF}wafv2/web_acl_association.go (no Update: resource_arn, "
        "web_acl_arn ForceNew)",
    ),
    "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration": TypeRule(
        replace_on=("resourceArn",),
        source=f"{PULUMI} excluded from autonaming; unverified: {TF}wafv2/web_acl_logging_configuration.go (resource_arn "
        "ForceNew; destinations, filter, redacted fields update in place)",
    ),
}

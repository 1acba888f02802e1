"""Engine rows for the pulumi-gcp resource types the GCP renderer creates.

Versions read: pulumi-gcp provider/resources.go and provider/secret_manager.go (master, Aug 2026; the installed SDK is
10.2.0), pulumi-terraform-bridge pkg/tfbridge/info/autonaming.go, and terraform-provider-google-beta at 93c65b2
(Aug 2026, after the 8.0.0 merge). "TF <file>" below means terraform-provider-google-beta google-beta/services/<file>.

Autonaming: pulumi-gcp calls `SetAutonaming(255, "-")`, which autonames every resource with a string input called
`name` unless resources.go maps that field itself (e.g. `lowercaseAutoName()`: maxlen 63, lower-cased; Cloud Run
services: maxlen 50, lower-cased; buckets: maxlen 222; RecordSet: not autonamed). Account `accountId` (30) and Secret
`secretId` (255) are autonamed explicitly. The provider's autoname maxlen is not the cloud's limit: a 255-limit autoname
on a compute resource still fails at the API past 63 characters.

Replacement: every resource's `project` (and `region`/`location`) is ForceNew, and `tpgresource.DefaultProviderProject`
copies the provider's project into it at plan time, so changing the provider's `project` replaces each resource.
"""

from __future__ import annotations

from stacks.engine_tables import TypeRule

TF = "terraform-provider-google-beta google-beta/services/"
# Compute resource names: RFC1035, 1-63 characters (the field descriptions in TF compute/*.go; ValidateGCEName).
RFC1035_63 = r"\A[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?\Z"
# Cloud Run v2 service and worker pool ids: "must begin with letter, and cannot end with hyphen; must contain fewer
# than 50 characters" (Cloud Run Admin API v2 services.create serviceId / workerPools.create workerPoolId).
CLOUD_RUN_49 = r"\A[a-z](?:[-a-z0-9]{0,47}[a-z0-9])?\Z"
# IAM member resources: role, member and the condition block are ForceNew (TF ../tpgiamresource/resource_iam_member.go).
IAM_MEMBER = ("condition", "member", "role")
COMPUTE_AUTONAME = "pulumi-gcp resources.go: nameField(lowercaseAutoName()) maxlen 63, lower-cased"
SET_AUTONAMING = "pulumi-gcp resources.go: no Fields entry, so SetAutonaming(255) (not lower-cased)"

RULES: dict[str, TypeRule] = {
    "gcp:artifactregistry/repository:Repository": TypeRule(
        name_key="repositoryId",
        max_length=63,
        pattern=RFC1035_63,
        # remoteRepositoryConfig is ForceNew as a block, but its upstreamCredentials and disableUpstreamValidation
        # update in place, so only the forced children are listed.
        replace_on=(
            "format",
            "kmsKeyName",
            "location",
            "mavenConfig.allowSnapshotOverwrites",
            "mavenConfig.versionPolicy",
            "mode",
            "project",
            "remoteRepositoryConfig.aptRepository",
            "remoteRepositoryConfig.commonRepository",
            "remoteRepositoryConfig.description",
            "remoteRepositoryConfig.dockerRepository",
            "remoteRepositoryConfig.mavenRepository",
            "remoteRepositoryConfig.noCache",
            "remoteRepositoryConfig.npmRepository",
            "remoteRepositoryConfig.pythonRepository",
            "remoteRepositoryConfig.yumRepository",
            "repositoryId",
        ),
        source=f"{TF}artifactregistry/resource_artifact_registry_repository.go (ForceNew); pulumi-gcp resources.go: `name` is "
        "output-only, repositoryId required, not autonamed. Limit unverified: the API docs read give no rule for repository_id; "
        "63-character RFC1035 assumed",
    ),
    "gcp:artifactregistry/repositoryIamMember:RepositoryIamMember": TypeRule(
        replace_on=(*IAM_MEMBER, "location", "project", "repository"),
        source=f"{TF}artifactregistry/iam_artifact_registry_repository.go; tpgiamresource/resource_iam_member.go",
    ),
    # Certificate Manager (the edge with `allowFrom`, components/gcp/certificates.py). Names: the provider documents 1-64
    # characters of [a-zA-Z][a-zA-Z0-9_-]* for certificates and DNS authorizations and states none for maps and map
    # entries; the stricter 63-character lowercase RFC 1035 rule is applied to all four (the names are autonamed from
    # lowercase logical names). Every one is global: `location` defaults to "global".
    "gcp:certificatemanager/certificate:Certificate": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        # The whole `managed` block is ForceNew (domains, dnsAuthorizations, issuanceConfig): a new name set is a new
        # certificate, issued afresh. description and labels update in place; selfManaged too at this commit.
        replace_on=("location", "managed", "name", "project", "scope"),
        source=f"{TF}certificatemanager/resource_certificate_manager_certificate.go (ForceNew: name, location, managed and "
        f"its children, scope, project; name 1-64 [a-zA-Z][a-zA-Z0-9_-]*); {SET_AUTONAMING} (resources.go maps only Tok "
        "for google_certificate_manager_certificate)",
    ),
    "gcp:certificatemanager/certificateMap:CertificateMap": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("name", "project"),
        source=f"{TF}certificatemanager/resource_certificate_manager_certificate_map.go (ForceNew: name, project; no location "
        f"field: global only; description, labels update in place); {SET_AUTONAMING}. Limit unverified: the provider states "
        "none; 63 assumed",
    ),
    "gcp:certificatemanager/certificateMapEntry:CertificateMapEntry": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        # `certificates` updates in place: an entry keeps its name when its certificate is replaced.
        replace_on=("hostname", "map", "matcher", "name", "project"),
        source=f"{TF}certificatemanager/resource_certificate_manager_certificate_map_entry.go (ForceNew: map, name, hostname, "
        f"matcher, project; certificates Required, not ForceNew); {SET_AUTONAMING}. Limit unverified: the provider states "
        "none; 63 assumed",
    ),
    "gcp:certificatemanager/dnsAuthorization:DnsAuthorization": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("domain", "location", "name", "project", "type"),
        source=f"{TF}certificatemanager/resource_certificate_manager_dns_authorization.go (ForceNew: domain, name, location, "
        f"type, project; name 1-64 [a-zA-Z][a-zA-Z0-9_-]*; dns_resource_record computed); {SET_AUTONAMING}",
    ),
    "gcp:cloudrunv2/job:Job": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("location", "name", "project", "tags"),
        source=f"{TF}cloudrunv2/resource_cloud_run_v2_job.go (ForceNew; launchStage is Optional+Computed, updatable); "
        f"{SET_AUTONAMING}. Limit unverified: the v2 jobs.create jobId doc states none; 63 is Cloud Run v1's "
        "metadata.name rule (must be less than 64 characters)",
    ),
    "gcp:cloudrunv2/jobIamMember:JobIamMember": TypeRule(
        # `name` is the job's name (or full path); SetAutonaming makes it optional and fills `<logical>-<hex>`, which names no
        # job, so the program must always set it. Short name or projects/.../jobs/<name> both accepted: no pattern.
        name_key="name",
        autonamed=True,
        replace_on=(*IAM_MEMBER, "location", "name", "project"),
        source=f"{TF}cloudrunv2/iam_cloud_run_v2_job.go (project, location, name ForceNew, CompareSelfLinkOrResourceName); "
        "tpgiamresource/resource_iam_member.go; pulumi-gcp SetAutonaming(255) (SDK JobIamMemberArgs.name is Optional)",
    ),
    "gcp:cloudrunv2/service:Service": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=49,
        pattern=CLOUD_RUN_49,
        replace_on=("location", "name", "project", "tags"),
        source=f"{TF}cloudrunv2/resource_cloud_run_v2_service.go (ForceNew; launchStage updatable); pulumi-gcp resources.go: "
        "AutoNameWithCustomOptions maxlen 50, ToLower (pulumi/pulumi-gcp#3166) - one more than the API allows; "
        "API: serviceId must contain fewer than 50 characters",
    ),
    "gcp:cloudrunv2/serviceIamMember:ServiceIamMember": TypeRule(
        # As for JobIamMember: `name` is the service, autonamed to a service that does not exist when left out.
        name_key="name",
        autonamed=True,
        replace_on=(*IAM_MEMBER, "location", "name", "project"),
        source=f"{TF}cloudrunv2/iam_cloud_run_v2_service.go (project, location, name ForceNew); "
        "tpgiamresource/resource_iam_member.go; pulumi-gcp SetAutonaming(255) (SDK ServiceIamMemberArgs.name is Optional)",
    ),
    "gcp:cloudrunv2/workerPool:WorkerPool": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=49,
        pattern=CLOUD_RUN_49,
        replace_on=("location", "name", "project", "template.containers.dependsOn"),
        # launchStage: Optional+Computed (MM default_from_api), flattened verbatim with no diff suppression: an input of
        # "BETA" reads back "GA" when no preview feature is used, an in-place update on every `pulumi up`.
        source=f"{TF}cloudrunv2/resource_cloud_run_v2_worker_pool.go (ForceNew); magic-modules mmv1/products/cloudrunv2/"
        f"WorkerPool.yaml; {SET_AUTONAMING}; API: workerPoolId must contain fewer than 50 characters",
    ),
    "gcp:cloudscheduler/job:Job": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=500,
        pattern=r"\A[A-Za-z0-9_-]{1,500}\Z",
        replace_on=("name", "project", "region"),
        source=f"{TF}cloudscheduler/resource_cloud_scheduler_job.go; {SET_AUTONAMING}; "
        "Cloud Scheduler API Job.name: JOB_ID letters, numbers, hyphens, underscores, at most 500",
    ),
    "gcp:compute/backendBucket:BackendBucket": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        # params is ForceNew as a block, and so is its only child params.resourceManagerTags. bucketName, cdnPolicy,
        # enableCdn and compressionMode update in place.
        replace_on=("name", "params", "project"),
        source=f"{TF}compute/resource_compute_backend_bucket.go (ForceNew: name, params, params.resource_manager_tags, "
        "project); magic-modules mmv1/products/compute/BackendBucket.yaml (name immutable, regex RFC1035 1-63); "
        f"{SET_AUTONAMING} (resources.go maps no Fields for google_compute_backend_bucket)",
    ),
    "gcp:compute/backendBucketSignedUrlKey:BackendBucketSignedUrlKey": TypeRule(
        # The key's name on its backend bucket (the API's keyName), unique within that backend only.
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        # The whole resource is immutable: a new key value is a new key (delete, then add).
        replace_on=("backendBucket", "keyValue", "name", "project"),
        source=f"{TF}compute/resource_compute_backend_bucket_signed_url_key.go (ForceNew: backend_bucket, key_value, name, "
        "project; key_value Sensitive); magic-modules mmv1/products/compute/BackendBucketSignedUrlKey.yaml (immutable: "
        f"true; name regex RFC1035 1-63); {SET_AUTONAMING} (resources.go maps no Fields for it)",
    ),
    "gcp:compute/backendService:BackendService": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("dynamicForwarding.ipPortSelection.enabled", "name", "params", "project"),
        source=f"{TF}compute/resource_compute_backend_service.go; {COMPUTE_AUTONAME}",
    ),
    "gcp:compute/globalAddress:GlobalAddress": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        # Every input but labels is ForceNew.
        replace_on=(
            "address",
            "addressType",
            "description",
            "ipVersion",
            "name",
            "network",
            "prefixLength",
            "project",
            "purpose",
        ),
        source=f"{TF}compute/resource_compute_global_address.go; {SET_AUTONAMING}",
    ),
    "gcp:compute/globalForwardingRule:GlobalForwardingRule": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        # target and loadBalancingScheme update in place.
        replace_on=(
            "allowPscGlobalAccess",
            "description",
            "ipAddress",
            "ipProtocol",
            "ipVersion",
            "metadataFilters",
            "name",
            "network",
            "networkTier",
            "noAutomateDnsZone",
            "portRange",
            "project",
            "serviceDirectoryRegistrations",
            "sourceIpRanges",
            "subnetwork",
        ),
        source=f"{TF}compute/resource_compute_global_forwarding_rule.go; {SET_AUTONAMING}",
    ),
    "gcp:compute/managedSslCertificate:ManagedSslCertificate": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("description", "managed", "name", "project", "type"),
        source=f"{TF}compute/resource_compute_managed_ssl_certificate.go (managed.domains ForceNew); {SET_AUTONAMING}",
    ),
    "gcp:compute/network:Network": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("autoCreateSubnetworks", "description", "internalIpv6Range", "name", "networkProfile", "params", "project"),
        source=f"{TF}compute/resource_compute_network.go (ValidateGCEName); {COMPUTE_AUTONAME}",
    ),
    "gcp:compute/regionNetworkEndpointGroup:RegionNetworkEndpointGroup": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=(
            "appEngine",
            "cloudFunction",
            "cloudRun",
            "description",
            "name",
            "network",
            "networkEndpointType",
            "project",
            "pscData",
            "pscTargetService",
            "region",
            "serverlessDeployment",
            "subnetwork",
        ),
        source=f"{TF}compute/resource_compute_region_network_endpoint_group.go (ValidateGCEName); {SET_AUTONAMING}",
    ),
    "gcp:compute/router:Router": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=63,
        pattern=RFC1035_63,
        # params is ForceNew as a block but params.resourceManagerTags is not, so it is left out.
        replace_on=("encryptedInterconnectRouter", "name", "nccGateway", "network", "project", "region"),
        source=f"{TF}compute/resource_compute_router.go (ValidateGCEName); {COMPUTE_AUTONAME}",
    ),
    "gcp:compute/routerNat:RouterNat": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=63,
        pattern=r"\A[a-z][-a-z0-9]{0,61}[a-z0-9]\Z",
        replace_on=("endpointTypes", "initialNatIps", "name", "project", "region", "router", "type"),
        source=f"{TF}compute/resource_compute_router_nat.go (ValidateRFC1035Name(2, 63)); {COMPUTE_AUTONAME}",
    ),
    "gcp:compute/sSLPolicy:SSLPolicy": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("description", "name", "project"),
        source=f"{TF}compute/resource_compute_ssl_policy.go; {SET_AUTONAMING}",
    ),
    "gcp:compute/securityPolicy:SecurityPolicy": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("name", "project", "type"),
        source=f"{TF}compute/resource_compute_security_policy.go (ValidateGCEName); {COMPUTE_AUTONAME}",
    ),
    "gcp:compute/subnetwork:Subnetwork": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=63,
        pattern=RFC1035_63,
        # Also replaced when ipCidrRange shrinks (CustomizeDiff ForceNewIfChange(ip_cidr_range, IsShrinkageIpCidr));
        # widening it is in place.
        replace_on=(
            "description",
            "externalIpv6Prefix",
            "internalIpv6Prefix",
            "name",
            "network",
            "params",
            "project",
            "region",
            "reservedInternalRange",
            "resolveSubnetMask",
        ),
        source=f"{TF}compute/resource_compute_subnetwork.go (ValidateGCEName); {COMPUTE_AUTONAME}",
    ),
    "gcp:compute/targetHttpProxy:TargetHttpProxy": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("description", "httpKeepAliveTimeoutSec", "name", "project", "proxyBind"),
        source=f"{TF}compute/resource_compute_target_http_proxy.go; {COMPUTE_AUTONAME}",
    ),
    "gcp:compute/targetHttpsProxy:TargetHttpsProxy": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("description", "httpKeepAliveTimeoutSec", "name", "project", "proxyBind", "tlsEarlyData"),
        source=f"{TF}compute/resource_compute_target_https_proxy.go; {COMPUTE_AUTONAME}",
    ),
    "gcp:compute/uRLMap:URLMap": TypeRule(
        name_key="name",
        autonamed=True,
        autoname_lowercase=True,
        max_length=63,
        pattern=RFC1035_63,
        replace_on=("name", "project"),
        source=f"{TF}compute/resource_compute_url_map.go; {COMPUTE_AUTONAME}",
    ),
    "gcp:dns/recordSet:RecordSet": TypeRule(
        # The DNS name itself, with its trailing dot (validateRecordNameTrailingDot); type and rrdatas update in place.
        name_key="name",
        max_length=254,
        pattern=r"\A\S+\.\Z",
        replace_on=("managedZone", "name", "project", "routingPolicy.healthCheck"),
        source=f"{TF}dns/resource_dns_record_set.go; pulumi-gcp resources.go: `name` mapped explicitly so it is not autonamed",
    ),
    "gcp:monitoring/alertPolicy:AlertPolicy": TypeRule(
        replace_on=("project",),
        source=f"{TF}monitoring/resource_monitoring_alert_policy.go: `name` is output-only (cloud-assigned id)",
    ),
    "gcp:monitoring/dashboard:Dashboard": TypeRule(
        replace_on=("project",),
        source=f"{TF}monitoring/resource_monitoring_dashboard.go: no name input; dashboardJson updates in place",
    ),
    "gcp:monitoring/notificationChannel:NotificationChannel": TypeRule(
        replace_on=("project",),
        source=f"{TF}monitoring/resource_monitoring_notification_channel.go: `name` is output-only (cloud-assigned id)",
    ),
    "gcp:monitoring/uptimeCheckConfig:UptimeCheckConfig": TypeRule(
        replace_on=("checkerType", "httpCheck.requestMethod", "monitoredResource", "project", "resourceGroup", "syntheticMonitor"),
        source=f"{TF}monitoring/resource_monitoring_uptime_check_config.go: `name` is output-only (cloud-assigned id)",
    ),
    "gcp:projects/iAMAuditConfig:IAMAuditConfig": TypeRule(
        # No name: the object is the project's audit config for one service. `service` is not ForceNew (a new value
        # rewrites the project's IAM policy in place); `project` is.
        replace_on=("project",),
        source=f"{TF}resourcemanager/iam_project.go (IamProjectSchema: project Required, ForceNew); "
        "tpgiamresource/resource_iam_audit_config.go (service, audit_log_config not ForceNew; create and update both "
        "read-modify-write the policy); pulumi-gcp resources.go google_project_iam_audit_config: Tok only (no name)",
    ),
    "gcp:projects/iAMMember:IAMMember": TypeRule(
        delete_before_replace=True,
        replace_on=(*IAM_MEMBER, "project"),
        source=f"{TF}resourcemanager/iam_project.go; tpgiamresource/resource_iam_member.go; "
        "pulumi-gcp resources.go: DeleteBeforeReplace true",
    ),
    "gcp:projects/service:Service": TypeRule(
        # The API's name is its identity; not a generated name.
        name_key="service",
        replace_on=("project", "service"),
        source=f"{TF}resourcemanager/resource_google_project_service.go",
    ),
    "gcp:redis/instance:Instance": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=40,
        pattern=r"\A[a-z](?:[-a-z0-9]{0,38}[a-z0-9])?\Z",
        # memorySizeGb, redisVersion (upgrades), authEnabled, persistenceConfig, maintenancePolicy update in place.
        # Also replaced when redisVersion goes down (CustomizeDiff ForceNewIfChange(redis_version, isRedisVersionDecreasing);
        # it parses REDIS_<major>_<minor> with digits only, so REDIS_6_X is never seen as "decreasing").
        replace_on=(
            "alternativeLocationId",
            "authorizedNetwork",
            "connectMode",
            "customerManagedKey",
            "locationId",
            "name",
            "project",
            "region",
            "reservedIpRange",
            "tier",
            "transitEncryptionMode",
        ),
        source=f"{TF}redis/resource_redis_instance.go (ForceNew; name ValidateRegexp ^[a-z][a-z0-9-]{{0,39}}[a-z0-9]$); "
        "pulumi-gcp SetAutonaming(255); Memorystore API instanceId: 1-40 characters, lowercase letters, numbers, hyphens, "
        "starts with a letter, ends with a letter or number",
    ),
    "gcp:secretmanager/secret:Secret": TypeRule(
        delete_before_replace=True,
        name_key="secretId",
        autonamed=True,
        max_length=255,
        pattern=r"\A[A-Za-z0-9_-]{1,255}\Z",
        # Switching between replication.auto and replication.userManaged also replaces (both blocks are ForceNew); any change
        # under replication.auto forces new (secretManagerSecretAutoCustomizeDiff); under userManaged only replica
        # locations do (customerManagedEncryption updates in place).
        replace_on=("project", "replication.auto", "replication.userManaged.replicas.location", "secretId", "tags"),
        source=f"{TF}secretmanager/resource_secret_manager_secret.go; pulumi-gcp provider/secret_manager.go: "
        "AutoName(secretId, 255, '-'), DeleteBeforeReplace true; API: secret ID at most 255 of [A-Za-z0-9_-]",
    ),
    "gcp:pubsub/topic:Topic": TypeRule(
        name_key="name",
        max_length=255,
        # 3-255 characters, starting with a letter, of letters, digits and - _ . ~ + %; not starting "goog" (Pub/Sub docs,
        # "Resource names").
        pattern=r"\A(?!goog)[A-Za-z][A-Za-z0-9._~+%-]{2,254}\Z",
        replace_on=("name", "project"),
        source=f"{TF}pubsub/resource_pubsub_topic.go: name, project ForceNew",
    ),
    "gcp:pubsub/topicIAMMember:TopicIAMMember": TypeRule(
        replace_on=(*IAM_MEMBER, "project", "topic"),
        source=f"{TF}pubsub/iam_pubsub_topic.go (topic, project ForceNew); tpgiamresource/resource_iam_member.go",
    ),
    "gcp:secretmanager/secretIamMember:SecretIamMember": TypeRule(
        replace_on=(*IAM_MEMBER, "project", "secretId"),
        source=f"{TF}secretmanager/iam_secret_manager_secret.go (secret_id, project ForceNew); tpgiamresource/resource_iam_member.go",
    ),
    "gcp:secretmanager/secretVersion:SecretVersion": TypeRule(
        # A new value is a new version: secretData is ForceNew (enabled and deletionPolicy update in place).
        replace_on=("isSecretDataBase64", "project", "secret", "secretData", "secretDataWoVersion"),
        source=f"{TF}secretmanager/resource_secret_manager_secret_version.go: secret_data ForceNew; the version number is cloud-assigned",
    ),
    "gcp:serviceaccount/account:Account": TypeRule(
        name_key="accountId",
        autonamed=True,
        max_length=30,
        pattern=r"\A[a-z][-a-z0-9]{4,28}[a-z0-9]\Z",
        # email and member are known at plan time (resourceServiceAccountCustomDiff sets them from accountId and project).
        replace_on=("accountId", "project"),
        source=f"{TF}resourcemanager/resource_google_service_account.go (ValidateRFC1035Name(6, 30)); "
        "pulumi-gcp resources.go: AutoName(account_id, 30, '-') (not lower-cased, minimum length not enforced)",
    ),
    "gcp:servicenetworking/connection:Connection": TypeRule(
        # reservedPeeringRanges updates in place.
        replace_on=("network", "service"),
        source=f"{TF}servicenetworking/resource_service_networking_connection.go",
    ),
    "gcp:sql/database:Database": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        replace_on=("instance", "name", "project"),
        source=f"{TF}sql/resource_sql_database.go; pulumi-gcp SetAutonaming(255). Limit unverified: 63 is PostgreSQL's "
        "identifier limit (NAMEDATALEN-1); MySQL allows 64; no Cloud SQL doc read",
    ),
    "gcp:sql/databaseInstance:DatabaseInstance": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=98,
        pattern=r"\A[a-z][-a-z0-9]*\Z",
        # databaseVersion is NOT ForceNew: a major version change is an in-place upgrade (databaseVersionDiffSuppress only).
        # Conditional replacements (CustomizeDiff):
        # - settings.diskSize shrinking with settings.diskAutoresize false (diskSizeCutomizeDiff; with autoresize the shrink
        #   is dropped from the diff instead);
        # - settings.ipConfiguration.privateNetwork set -> unset (privateNetworkCustomizeDiff);
        # - settings.autoUpgradeEnabled true -> false (autoUpgradeEnabledCustomizeDiff);
        # - replicaConfiguration.cascadableReplica changing, unless it is a switchover (ForceNewIf).
        # masterInstanceName is ForceNewIf "not a switchover from the old primary": listed, as that is the normal case.
        replace_on=(
            "encryptionKeyName",
            "masterInstanceName",
            "name",
            "project",
            "region",
            "replicaConfiguration.caCertificate",
            "replicaConfiguration.clientCertificate",
            "replicaConfiguration.clientKey",
            "replicaConfiguration.connectRetryInterval",
            "replicaConfiguration.dumpFilePath",
            "replicaConfiguration.failoverTarget",
            "replicaConfiguration.masterHeartbeatPeriod",
            "replicaConfiguration.password",
            "replicaConfiguration.sslCipher",
            "replicaConfiguration.username",
            "replicaConfiguration.verifyServerCertificate",
            "settings.collation",
        ),
        source=f"{TF}sql/resource_sql_database_instance.go (ForceNew and CustomizeDiff); pulumi-gcp SetAutonaming(255) "
        "(name is Optional+Computed upstream); Cloud SQL Admin API: instance ID lowercase letters, numbers, hyphens, starts "
        "with a letter, at most 98 characters. A deleted instance's name cannot be reused for about a week",
    ),
    "gcp:sql/user:User": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=63,
        # password updates in place.
        replace_on=("host", "iamEmail", "instance", "name", "project", "type"),
        source=f"{TF}sql/resource_sql_user.go (password not ForceNew); pulumi-gcp SetAutonaming(255). Limit unverified: "
        "63 is PostgreSQL's identifier limit; MySQL user names are shorter (32)",
    ),
    "gcp:storage/bucket:Bucket": TypeRule(
        name_key="name",
        autonamed=True,
        max_length=222,
        # 3-63 characters, or up to 222 with dots and at most 63 between dots; lowercase letters, digits, '-', '_', '.';
        # starts and ends with a letter or digit; no "goog" prefix, no "google".
        pattern=r"\A(?=.{3,222}\Z)(?!goog)(?!.*google)[a-z0-9](?:[-_a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-_a-z0-9]{0,61}[a-z0-9])?)*\Z",
        # Also replaced when retentionPolicy.isLocked goes true -> false (ForceNewIfChange isPolicyLocked).
        # location has StateFunc ToUpper, so its case never shows as a change.
        replace_on=("customPlacementConfig.dataLocations", "enableObjectRetention", "hierarchicalNamespace", "location", "name", "project"),
        source=f"{TF}storage/resource_storage_bucket.go; pulumi-gcp resources.go: AutoName(name, 222, '-'), not lower-cased; "
        "https://cloud.google.com/storage/docs/naming (cited in resources.go)",
    ),
    "gcp:storage/bucketIAMMember:BucketIAMMember": TypeRule(
        replace_on=(*IAM_MEMBER, "bucket"),
        source=f"{TF}storage/iam_storage_bucket.go (bucket ForceNew); tpgiamresource/resource_iam_member.go",
    ),
}

################################################################################
# General
################################################################################

variable "region" {
  description = "AWS region to deploy into."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Prefix for resource names (bucket, queues, Lambda, IAM roles, cluster)."
  type        = string
  default     = "log-analysis"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,30}[a-z0-9]$", var.name))
    error_message = "name must be 2-32 characters of lowercase letters, digits and hyphens (it ends up in S3 and SQS names)."
  }
}

variable "tags" {
  description = "Tags added to every resource (through the provider's default_tags)."
  type        = map(string)
  default     = {}
}

################################################################################
# S3 logs bucket
################################################################################

variable "logs_bucket_name" {
  description = "Name of the logs bucket. null = \"<name>-logs-<account id>\"."
  type        = string
  default     = null
}

variable "logs_kms_key_arn" {
  description = "KMS key ARN for the logs bucket's default encryption (SSE-KMS). null = SSE-S3 (AES256). When set, the extractor role gets kms:Decrypt on it."
  type        = string
  default     = null
}

variable "logs_access_log_bucket" {
  description = "Existing bucket receiving the logs bucket's server access logs (prefix s3-access/<bucket>/). null = no access logging."
  type        = string
  default     = null
}

variable "logs_versioning_enabled" {
  description = "Keep object versions in the logs bucket (re-uploads of a key then get distinct version ids)."
  type        = bool
  default     = true
}

variable "logs_noncurrent_version_expiration_days" {
  description = "Days after which noncurrent object versions in the logs bucket are deleted."
  type        = number
  default     = 30

  validation {
    condition     = var.logs_noncurrent_version_expiration_days >= 1
    error_message = "logs_noncurrent_version_expiration_days must be at least 1."
  }
}

variable "logs_expiration_days" {
  description = "Days after which current log objects expire. null = keep them forever."
  type        = number
  default     = null

  validation {
    condition     = var.logs_expiration_days == null ? true : var.logs_expiration_days >= 1
    error_message = "logs_expiration_days must be null or at least 1."
  }
}

variable "logs_abort_incomplete_multipart_upload_days" {
  description = "Days after which incomplete multipart uploads to the logs bucket are aborted."
  type        = number
  default     = 7

  validation {
    condition     = var.logs_abort_incomplete_multipart_upload_days >= 1
    error_message = "logs_abort_incomplete_multipart_upload_days must be at least 1."
  }
}

variable "logs_force_destroy" {
  description = "Allow terraform destroy to delete a non-empty logs bucket."
  type        = bool
  default     = false
}

variable "s3_event_filter_prefix" {
  description = "Only objects whose key starts with this prefix trigger processing. null = all keys."
  type        = string
  default     = null
}

variable "s3_event_filter_suffix" {
  description = "Only objects whose key ends with this suffix trigger processing (e.g. \".log\"). null = all keys."
  type        = string
  default     = null
}

################################################################################
# SQS
################################################################################

variable "largest_object_gib" {
  description = "Largest log object (GiB, as stored) the pipeline must summarise. With extraction_seconds_per_gib it sizes the receiver's extraction timeout (output extraction_timeout_seconds) and the queue's visibility timeout."
  type        = number
  default     = 10

  validation {
    condition     = var.largest_object_gib > 0
    error_message = "largest_object_gib must be > 0."
  }
}

variable "max_compression_ratio" {
  description = "Uncompressed size over stored size of the largest log object (gzip'd logs: about 10). With largest_object_gib it gives the extractor's cap on uncompressed bytes per object (output extract_max_bytes): a denser object (a gzip bomb) is summarised up to the cap and stored flagged incomplete."
  type        = number
  default     = 10

  validation {
    condition     = var.max_compression_ratio >= 1 && var.max_compression_ratio <= 1000
    error_message = "max_compression_ratio must be from 1 to 1000."
  }
}

variable "extraction_seconds_per_gib" {
  description = "Worst-case extraction time per GiB. make bench measures about 4 s/GiB plain and 5 s/GiB gzip on one core; the default leaves room for slow S3 reads and CPU-throttled pods."
  type        = number
  default     = 60

  validation {
    # the queue's visibility (at most SQS's 12 h) must exceed the extraction timeout by the 60 s margin
    condition     = var.extraction_seconds_per_gib > 0 && var.largest_object_gib * var.extraction_seconds_per_gib <= 43140
    error_message = "extraction_seconds_per_gib must be > 0, and largest_object_gib x extraction_seconds_per_gib at most 43140 s."
  }
}

variable "visibility_timeout_seconds" {
  description = "Visibility timeout of the jobs queue; null = the extraction timeout (largest_object_gib x extraction_seconds_per_gib) plus 60 s. It bounds a job only for consumers without the receiver's visibility heartbeat (RECEIVER_VISIBILITY_SECONDS), which leases each message itself."
  type        = number
  default     = null

  validation {
    condition = var.visibility_timeout_seconds == null || try(
      var.visibility_timeout_seconds >= ceil(var.largest_object_gib * var.extraction_seconds_per_gib) &&
    var.visibility_timeout_seconds <= 43200, false)
    error_message = "visibility_timeout_seconds must cover the extraction timeout (largest_object_gib x extraction_seconds_per_gib) and be at most 43200."
  }
}

variable "max_receive_count" {
  description = "Receives of a job before it moves to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "queue_message_retention_seconds" {
  description = "Retention of the jobs queue (seconds)."
  type        = number
  default     = 345600 # 4 days

  validation {
    condition     = var.queue_message_retention_seconds >= 60 && var.queue_message_retention_seconds <= 1209600
    error_message = "queue_message_retention_seconds must be between 60 and 1209600."
  }
}

variable "dlq_message_retention_seconds" {
  description = "Retention of the dead-letter and failed-events queues (seconds)."
  type        = number
  default     = 1209600 # 14 days, the maximum

  validation {
    condition     = var.dlq_message_retention_seconds >= 60 && var.dlq_message_retention_seconds <= 1209600
    error_message = "dlq_message_retention_seconds must be between 60 and 1209600."
  }
}

################################################################################
# DynamoDB
################################################################################

variable "results_table_name" {
  description = "Name of the results table (the storage service's RESULTS_TABLE)."
  type        = string
  default     = "log-analysis-results"
}

variable "results_table_deletion_protection" {
  description = "Protect the results table against deletion."
  type        = bool
  default     = true
}

variable "results_table_kms_key_arn" {
  description = "Customer managed KMS key ARN for the results table. null = the AWS managed key (aws/dynamodb)."
  type        = string
  default     = null
}

################################################################################
# Lambda (S3 event -> FIFO queue)
################################################################################

variable "lambda_zip_path" {
  description = "Path of the Lambda deployment zip (built by terraform/scripts/build_lambda_zip.py). null = <module>/build/s3_to_fifo.zip."
  type        = string
  default     = null
}

variable "lambda_memory_size" {
  description = "Memory of the Lambda function (MB)."
  type        = number
  default     = 128
}

variable "lambda_timeout" {
  description = "Timeout of the Lambda function (seconds)."
  type        = number
  default     = 30

  validation {
    condition     = var.lambda_timeout >= 1 && var.lambda_timeout <= 900
    error_message = "lambda_timeout must be between 1 and 900."
  }
}

variable "lambda_reserved_concurrency" {
  description = "Reserved concurrent executions of the Lambda (caps its SQS send rate). -1 = no reservation (needed in accounts with a low concurrency limit)."
  type        = number
  default     = 10

  validation {
    condition     = var.lambda_reserved_concurrency >= -1
    error_message = "lambda_reserved_concurrency must be -1 or more."
  }
}

variable "lambda_log_level" {
  description = "LOG_LEVEL of the Lambda function."
  type        = string
  default     = "INFO"

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], var.lambda_log_level)
    error_message = "lambda_log_level must be one of DEBUG, INFO, WARNING, ERROR, CRITICAL."
  }
}

variable "lambda_maximum_retry_attempts" {
  description = "Retries of a failed asynchronous invocation before the event goes to the failed-events queue."
  type        = number
  default     = 2

  validation {
    condition     = var.lambda_maximum_retry_attempts >= 0 && var.lambda_maximum_retry_attempts <= 2
    error_message = "lambda_maximum_retry_attempts must be between 0 and 2."
  }
}

variable "lambda_maximum_event_age_seconds" {
  description = "Maximum age of an S3 event the Lambda still processes (seconds)."
  type        = number
  default     = 21600

  validation {
    condition     = var.lambda_maximum_event_age_seconds >= 60 && var.lambda_maximum_event_age_seconds <= 21600
    error_message = "lambda_maximum_event_age_seconds must be between 60 and 21600."
  }
}

variable "log_retention_days" {
  description = "Retention of the CloudWatch log groups (Lambda, EKS control plane)."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention value CloudWatch Logs accepts (e.g. 7, 30, 90, 365)."
  }
}

variable "cloudwatch_logs_kms_key_arn" {
  description = "KMS key ARN encrypting the CloudWatch log groups (its key policy must allow logs.<region>.amazonaws.com). null = CloudWatch Logs' default encryption."
  type        = string
  default     = null
}

################################################################################
# EKS and VPC
################################################################################

variable "create_eks" {
  description = "Create the VPC, EKS cluster, node group, OIDC provider and IRSA roles. false = only the serverless part (bucket, queues, table, Lambda)."
  type        = bool
  default     = true
}

variable "vpc_cidr" {
  description = "CIDR of the VPC (prefix /16 to /20). Private subnets take the first three eighths, public subnets sit in the seventh eighth."
  type        = string
  default     = "10.0.0.0/16"

  validation {
    condition     = can(cidrhost(var.vpc_cidr, 0)) && try(tonumber(split("/", var.vpc_cidr)[1]) >= 16 && tonumber(split("/", var.vpc_cidr)[1]) <= 20, false)
    error_message = "vpc_cidr must be an IPv4 CIDR with a prefix length between 16 and 20."
  }
}

variable "availability_zones" {
  description = "Availability zone names to use (2 or 3), pinning the subnets' zones. [] = the first az_count available zones of the region."
  type        = list(string)
  default     = []

  validation {
    condition     = length(var.availability_zones) == 0 || (length(var.availability_zones) >= 2 && length(var.availability_zones) <= 3)
    error_message = "availability_zones must be empty or hold 2 or 3 zone names."
  }
}

variable "az_count" {
  description = "Number of availability zones (one private and one public subnet in each) when availability_zones is empty."
  type        = number
  default     = 3

  validation {
    condition     = var.az_count >= 2 && var.az_count <= 3
    error_message = "az_count must be 2 or 3."
  }
}

variable "vpc_flow_logs_enabled" {
  description = "Send the VPC's flow logs (all traffic) to a CloudWatch log group with log_retention_days."
  type        = bool
  default     = true
}

variable "one_nat_gateway_per_az" {
  description = "One NAT gateway per AZ (survives an AZ outage) instead of a single shared one (cheaper)."
  type        = bool
  default     = false
}

variable "cluster_name" {
  description = "Name of the EKS cluster. null = var.name."
  type        = string
  default     = null
}

variable "kubernetes_version" {
  description = "Kubernetes version of the EKS cluster."
  type        = string
  default     = "1.33"
}

variable "cluster_endpoint_public_access" {
  description = "Expose the cluster API endpoint publicly (private access is always on). Off by default: reach the API from inside the VPC (VPN, bastion), or set true together with cluster_endpoint_public_access_cidrs narrowed to your own ranges to run kubectl/helm from a workstation."
  type        = bool
  default     = false
}

variable "cluster_endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public API endpoint. Narrow this to your own ranges."
  type        = list(string)
  default     = ["0.0.0.0/0"]

  validation {
    condition     = length(var.cluster_endpoint_public_access_cidrs) > 0 && alltrue([for c in var.cluster_endpoint_public_access_cidrs : can(cidrhost(c, 0))])
    error_message = "cluster_endpoint_public_access_cidrs must be a non-empty list of CIDRs."
  }
}

variable "cluster_enabled_log_types" {
  description = "Control plane log types sent to CloudWatch."
  type        = list(string)
  default     = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  validation {
    condition     = alltrue([for t in var.cluster_enabled_log_types : contains(["api", "audit", "authenticator", "controllerManager", "scheduler"], t)])
    error_message = "cluster_enabled_log_types may hold only api, audit, authenticator, controllerManager, scheduler."
  }
}

variable "cluster_admin_arns" {
  description = "IAM principal ARNs given cluster-admin through EKS access entries (in addition to the cluster creator)."
  type        = list(string)
  default     = []
}

variable "node_instance_types" {
  description = "Instance types of the managed node group."
  type        = list(string)
  default     = ["t3.large"]
}

variable "node_capacity_type" {
  description = "Capacity type of the managed node group: ON_DEMAND or SPOT."
  type        = string
  default     = "ON_DEMAND"

  validation {
    condition     = contains(["ON_DEMAND", "SPOT"], var.node_capacity_type)
    error_message = "node_capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "node_min_size" {
  description = "Minimum number of nodes."
  type        = number
  default     = 2
}

variable "node_desired_size" {
  description = "Initial desired number of nodes (later changes by an autoscaler are ignored)."
  type        = number
  default     = 2
}

variable "node_max_size" {
  description = "Maximum number of nodes."
  type        = number
  default     = 4

  validation {
    condition     = var.node_max_size >= 1
    error_message = "node_max_size must be at least 1."
  }
}

variable "node_disk_size" {
  description = "Root volume size of each node (GiB, encrypted gp3)."
  type        = number
  default     = 50
}

variable "oidc_thumbprints" {
  description = "Thumbprints of the EKS OIDC issuer's root CA. IAM verifies EKS issuers against its own trusted CAs and ignores these, but they are set explicitly to avoid needing the tls provider."
  type        = list(string)
  default     = ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]
}

################################################################################
# IRSA (service accounts of the three services)
################################################################################

variable "namespace" {
  description = "Kubernetes namespace of the services' service accounts."
  type        = string
  default     = "log-analysis"
}

variable "receiver_service_account" {
  description = "Service account name of service-receiver."
  type        = string
  default     = "service-receiver"
}

variable "extractor_service_account" {
  description = "Service account name of service-log-extractor."
  type        = string
  default     = "service-log-extractor"
}

variable "storage_service_account" {
  description = "Service account name of service-result-storage."
  type        = string
  default     = "service-result-storage"
}

variable "keda_operator_service_account" {
  description = "Service account (\"namespace:name\") of the KEDA operator, trusted by a role that may only read the jobs queue's depth (output keda_role_arn, for the receiver chart's KEDA scaler). null = no such role."
  type        = string
  default     = "keda:keda-operator"

  validation {
    condition     = var.keda_operator_service_account == null || can(regex("^[a-z0-9-]+:[a-z0-9.-]+$", var.keda_operator_service_account))
    error_message = "keda_operator_service_account must be \"namespace:name\" or null."
  }
}

variable "ses_identity_arn" {
  description = "ARN of the SES identity (domain or address) storage sends mail from. null = no SES permission."
  type        = string
  default     = null
}

output "region" {
  description = "AWS region of the stack (AWS_DEFAULT_REGION)."
  value       = var.region
}

output "logs_bucket" {
  description = "Name of the logs bucket (LOGS_BUCKET)."
  value       = aws_s3_bucket.logs.id
}

output "logs_bucket_arn" {
  description = "ARN of the logs bucket."
  value       = aws_s3_bucket.logs.arn
}

output "queue_url" {
  description = "URL of the jobs FIFO queue (QUEUE_URL of the receiver and the Lambda)."
  value       = aws_sqs_queue.jobs.url
}

output "queue_arn" {
  description = "ARN of the jobs FIFO queue."
  value       = aws_sqs_queue.jobs.arn
}

output "extraction_timeout_seconds" {
  description = "How long the receiver waits for one extraction (its EXTRACTOR_TIMEOUT_SECONDS): largest_object_gib x extraction_seconds_per_gib."
  value       = local.extraction_timeout_seconds
}

output "extract_deadline_seconds" {
  description = "The extractor's deadline per object (its EXTRACT_DEADLINE_SECONDS): under extraction_timeout_seconds, so it stores what it read before the receiver gives up."
  value       = local.extract_deadline_seconds
}

output "extract_max_bytes" {
  description = "The extractor's cap on uncompressed bytes per object (its EXTRACT_MAX_BYTES): largest_object_gib x max_compression_ratio GiB."
  value       = local.extract_max_bytes
}

output "visibility_timeout_seconds" {
  description = "Visibility timeout of the jobs queue."
  value       = aws_sqs_queue.jobs.visibility_timeout_seconds
}

output "dlq_url" {
  description = "URL of the jobs dead-letter queue (DLQ_URL)."
  value       = aws_sqs_queue.jobs_dlq.url
}

output "s3_events_failed_queue_url" {
  description = "URL of the queue holding S3 events the Lambda failed to forward."
  value       = aws_sqs_queue.s3_events_failed.url
}

output "results_table" {
  description = "Name of the results table (RESULTS_TABLE)."
  value       = aws_dynamodb_table.results.name
}

output "lambda_function_name" {
  description = "Name of the S3 event -> FIFO Lambda."
  value       = aws_lambda_function.s3_to_fifo.function_name
}

output "namespace" {
  description = "Kubernetes namespace the IRSA roles trust (helm install --namespace)."
  value       = var.namespace
}

output "receiver_service_account" {
  description = "Service account name the receiver's IRSA role trusts (the chart's serviceAccount.name)."
  value       = var.receiver_service_account
}

output "extractor_service_account" {
  description = "Service account name the extractor's IRSA role trusts."
  value       = var.extractor_service_account
}

output "storage_service_account" {
  description = "Service account name the storage's IRSA role trusts."
  value       = var.storage_service_account
}

output "receiver_role_arn" {
  description = "IRSA role ARN for service-receiver's service account (eks.amazonaws.com/role-arn); null without EKS."
  value       = try(aws_iam_role.irsa["receiver"].arn, null)
}

output "extractor_role_arn" {
  description = "IRSA role ARN for service-log-extractor's service account; null without EKS."
  value       = try(aws_iam_role.irsa["extractor"].arn, null)
}

output "storage_role_arn" {
  description = "IRSA role ARN for service-result-storage's service account; null without EKS."
  value       = try(aws_iam_role.irsa["storage"].arn, null)
}

output "keda_role_arn" {
  description = "Role KEDA's aws-sqs-queue scaler assumes to read the queue depth (sqs:GetQueueAttributes only); null without EKS or keda_operator_service_account."
  value       = try(aws_iam_role.irsa["keda"].arn, null)
}

output "cluster_name" {
  description = "Name of the EKS cluster; null without EKS."
  value       = try(aws_eks_cluster.this[0].name, null)
}

output "cluster_endpoint" {
  description = "API endpoint of the EKS cluster; null without EKS."
  value       = try(aws_eks_cluster.this[0].endpoint, null)
}

output "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (IRSA); null without EKS."
  value       = try(aws_iam_openid_connect_provider.eks[0].arn, null)
}

output "vpc_id" {
  description = "ID of the VPC; null without EKS."
  value       = try(aws_vpc.this[0].id, null)
}

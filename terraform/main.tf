# Provider, shared lookups and names. A later override file (e.g. *_override.tf) can add endpoints for a
# local AWS stand-in without touching this block.
provider "aws" {
  region = var.region

  default_tags {
    tags = local.tags
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  tags = merge(
    {
      Project   = var.name
      ManagedBy = "terraform"
    },
    var.tags,
  )

  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  dns_suffix = data.aws_partition.current.dns_suffix

  logs_bucket_name = coalesce(var.logs_bucket_name, "${var.name}-logs-${local.account_id}")
  queue_name       = "${var.name}-jobs.fifo"
  dlq_name         = "${var.name}-jobs-dlq.fifo"
  lambda_name      = "${var.name}-s3-to-fifo"
  # Variable defaults cannot refer to path.module, hence the null default and this fallback.
  lambda_zip_path = coalesce(var.lambda_zip_path, "${path.module}/build/s3_to_fifo.zip")
  cluster_name    = coalesce(var.cluster_name, var.name)

  # The receiver waits this long for one POST /extract (EXTRACTOR_TIMEOUT_SECONDS, via make helm-values); the
  # queue's visibility covers it plus a margin for the POST to storage.
  extraction_timeout_seconds = ceil(var.largest_object_gib * var.extraction_seconds_per_gib)
  visibility_timeout_seconds = coalesce(var.visibility_timeout_seconds, local.extraction_timeout_seconds + 60)
  # The extractor's bounds per object (EXTRACT_DEADLINE_SECONDS, EXTRACT_MAX_BYTES via make helm-values): it stops
  # and stores what it read before the receiver gives up (a minute, or a fifth of the timeout, earlier), and scans
  # at most the largest object's uncompressed size.
  extract_deadline_seconds = max(local.extraction_timeout_seconds - 60, ceil(local.extraction_timeout_seconds * 0.8))
  extract_max_bytes        = ceil(var.largest_object_gib * var.max_compression_ratio * 1073741824)
}

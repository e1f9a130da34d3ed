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
}

################################################################################
# Logs bucket: uploads here are what the pipeline processes
################################################################################

resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is a DR decision, not a default.
  #checkov:skip=CKV_AWS_145:SSE-S3 by default; set logs_kms_key_arn for SSE-KMS.
  bucket        = local.logs_bucket_name
  force_destroy = var.logs_force_destroy
}

# Server access logs go to a separate, existing bucket that lets logging.s3.amazonaws.com write to it.
resource "aws_s3_bucket_logging" "logs" {
  count = var.logs_access_log_bucket == null ? 0 : 1

  bucket        = aws_s3_bucket.logs.id
  target_bucket = var.logs_access_log_bucket
  target_prefix = "s3-access/${local.logs_bucket_name}/"
}

resource "aws_s3_bucket_public_access_block" "logs" {
  bucket = aws_s3_bucket.logs.id

  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

# ACLs disabled: the bucket owner owns every object.
resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = var.logs_kms_key_arn == null ? "AES256" : "aws:kms"
      kms_master_key_id = var.logs_kms_key_arn
    }
    # Bucket keys cut KMS request costs; meaningless for AES256.
    bucket_key_enabled = var.logs_kms_key_arn != null
  }
}

resource "aws_s3_bucket_versioning" "logs" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = var.logs_versioning_enabled ? "Enabled" : "Suspended"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "logs" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-noncurrent-and-abort-multipart"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.logs_noncurrent_version_expiration_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.logs_abort_incomplete_multipart_upload_days
    }

    dynamic "expiration" {
      for_each = var.logs_expiration_days == null ? [] : [var.logs_expiration_days]
      content {
        days = expiration.value
      }
    }
  }

  # Lifecycle rules on noncurrent versions need the versioning state settled first.
  depends_on = [aws_s3_bucket_versioning.logs]
}

data "aws_iam_policy_document" "logs_bucket" {
  statement {
    sid     = "DenyInsecureTransport"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.logs.arn,
      "${aws_s3_bucket.logs.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }

  statement {
    sid     = "DenyOutdatedTLS"
    effect  = "Deny"
    actions = ["s3:*"]
    resources = [
      aws_s3_bucket.logs.arn,
      "${aws_s3_bucket.logs.arn}/*",
    ]

    principals {
      type        = "*"
      identifiers = ["*"]
    }

    condition {
      test     = "NumericLessThan"
      variable = "s3:TlsVersion"
      values   = ["1.2"]
    }
  }
}

resource "aws_s3_bucket_policy" "logs" {
  bucket = aws_s3_bucket.logs.id
  policy = data.aws_iam_policy_document.logs_bucket.json

  # Putting a policy while the public access block is still being created can fail.
  depends_on = [aws_s3_bucket_public_access_block.logs]
}

################################################################################
# ObjectCreated -> Lambda (S3 cannot notify a FIFO queue directly)
################################################################################

resource "aws_lambda_permission" "s3_invoke" {
  statement_id   = "AllowS3Invoke"
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.s3_to_fifo.function_name
  principal      = "s3.amazonaws.com"
  source_arn     = aws_s3_bucket.logs.arn
  source_account = local.account_id
}

resource "aws_s3_bucket_notification" "logs" {
  bucket = aws_s3_bucket.logs.id

  lambda_function {
    id                  = "object-created-to-fifo"
    lambda_function_arn = aws_lambda_function.s3_to_fifo.arn
    events              = ["s3:ObjectCreated:*"]
    filter_prefix       = var.s3_event_filter_prefix != "" ? var.s3_event_filter_prefix : null
    filter_suffix       = var.s3_event_filter_suffix != "" ? var.s3_event_filter_suffix : null
  }

  # S3 tests the destination when the notification is saved: the permission must exist first.
  depends_on = [aws_lambda_permission.s3_invoke]
}

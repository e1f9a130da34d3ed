################################################################################
# Jobs FIFO queue (Lambda -> receiver) and its dead-letter queue
################################################################################

resource "aws_sqs_queue" "jobs_dlq" {
  name                      = local.dlq_name
  fifo_queue                = true
  message_retention_seconds = var.dlq_message_retention_seconds
  sqs_managed_sse_enabled   = true
}

resource "aws_sqs_queue" "jobs" {
  name       = local.queue_name
  fifo_queue = true
  # The Lambda sets MessageDeduplicationId from bucket/key/etag, so content-based dedup stays off.
  content_based_deduplication = false
  # High-throughput FIFO: ordering and dedup per object (message group), not per queue.
  deduplication_scope        = "messageGroup"
  fifo_throughput_limit      = "perMessageGroupId"
  visibility_timeout_seconds = local.visibility_timeout_seconds
  message_retention_seconds  = var.queue_message_retention_seconds
  receive_wait_time_seconds  = 20
  sqs_managed_sse_enabled    = true

  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.jobs_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

# Only the jobs queue may use the DLQ. A separate resource: inline on the DLQ it would need the jobs queue's
# ARN, which depends on the DLQ through redrive_policy.
resource "aws_sqs_queue_redrive_allow_policy" "jobs_dlq" {
  queue_url = aws_sqs_queue.jobs_dlq.id

  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.jobs.arn]
  })
}

# The jobs queue: TLS only (as every queue here), and only the Lambda's role may send.
data "aws_iam_policy_document" "jobs_queue" {
  source_policy_documents = [data.aws_iam_policy_document.tls_only_queue["jobs"].json]

  statement {
    sid       = "AllowSendFromLambda"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs.arn]

    principals {
      type        = "AWS"
      identifiers = [aws_iam_role.lambda.arn]
    }
  }
}

resource "aws_sqs_queue_policy" "jobs" {
  queue_url = aws_sqs_queue.jobs.id
  policy    = data.aws_iam_policy_document.jobs_queue.json
}

################################################################################
# Failed S3 events: the Lambda's on-failure destination
################################################################################

resource "aws_sqs_queue" "s3_events_failed" {
  name                      = "${var.name}-s3-events-failed"
  message_retention_seconds = var.dlq_message_retention_seconds
  sqs_managed_sse_enabled   = true
}

# TLS-only, for every queue; the jobs queue adds its send permission on top (jobs_queue).
data "aws_iam_policy_document" "tls_only_queue" {
  for_each = {
    jobs             = aws_sqs_queue.jobs.arn
    jobs_dlq         = aws_sqs_queue.jobs_dlq.arn
    s3_events_failed = aws_sqs_queue.s3_events_failed.arn
  }

  statement {
    sid       = "DenyInsecureTransport"
    effect    = "Deny"
    actions   = ["sqs:*"]
    resources = [each.value]

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
}

resource "aws_sqs_queue_policy" "jobs_dlq" {
  queue_url = aws_sqs_queue.jobs_dlq.id
  policy    = data.aws_iam_policy_document.tls_only_queue["jobs_dlq"].json
}

resource "aws_sqs_queue_policy" "s3_events_failed" {
  queue_url = aws_sqs_queue.s3_events_failed.id
  policy    = data.aws_iam_policy_document.tls_only_queue["s3_events_failed"].json
}

################################################################################
# Lambda execution role: send to the two queues, write its own logs and traces
################################################################################

data "aws_iam_policy_document" "lambda_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "lambda" {
  name               = "${local.lambda_name}-lambda"
  description        = "Execution role of the ${local.lambda_name} Lambda."
  assume_role_policy = data.aws_iam_policy_document.lambda_assume.json
}

data "aws_iam_policy_document" "lambda" {
  statement {
    sid = "SendJobs"
    # SendMessageBatch is authorised by sqs:SendMessage.
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs.arn]
  }

  statement {
    sid       = "SendFailedEvents"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.s3_events_failed.arn]
  }

  statement {
    sid       = "WriteLogs"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.lambda.arn}:*"]
  }

  statement {
    sid = "WriteTraces"
    # X-Ray trace APIs have no resource-level permissions.
    actions   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "lambda" {
  name   = "s3-to-fifo"
  role   = aws_iam_role.lambda.id
  policy = data.aws_iam_policy_document.lambda.json
}

################################################################################
# IRSA: one role per service account, trusted through the cluster's OIDC provider
################################################################################

data "aws_iam_policy_document" "receiver" {
  statement {
    sid = "ConsumeJobs"
    actions = [
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:ChangeMessageVisibility",
      "sqs:GetQueueAttributes",
    ]
    resources = [aws_sqs_queue.jobs.arn]
  }

  # `python -m app.redrive`, run in the receiver pod by an operator: dead letters back onto the job queue.
  statement {
    sid       = "RedriveDeadLetters"
    actions   = ["sqs:SendMessage"]
    resources = [aws_sqs_queue.jobs.arn]
  }

  statement {
    sid = "ReadDeadLetters"
    actions = [
      "sqs:GetQueueUrl",
      "sqs:ReceiveMessage",
      "sqs:DeleteMessage",
      "sqs:GetQueueAttributes",
    ]
    resources = [aws_sqs_queue.jobs_dlq.arn]
  }
}

data "aws_iam_policy_document" "extractor" {
  statement {
    sid       = "ReadLogObjects"
    actions   = ["s3:GetObject", "s3:GetObjectVersion"]
    resources = ["${aws_s3_bucket.logs.arn}/*"]
  }

  # Without ListBucket S3 answers 403 instead of 404 for a missing key; the extractor maps 404 to "not found".
  statement {
    sid       = "ListLogsBucket"
    actions   = ["s3:ListBucket"]
    resources = [aws_s3_bucket.logs.arn]
  }

  dynamic "statement" {
    for_each = var.logs_kms_key_arn == null ? [] : [var.logs_kms_key_arn]
    content {
      sid       = "DecryptLogObjects"
      actions   = ["kms:Decrypt"]
      resources = [statement.value]

      # Only for reads through S3, not arbitrary use of the key.
      condition {
        test     = "StringEquals"
        variable = "kms:ViaService"
        values   = ["s3.${var.region}.${local.dns_suffix}"]
      }
    }
  }
}

data "aws_iam_policy_document" "storage" {
  statement {
    sid = "ResultsTable"
    actions = [
      "dynamodb:PutItem", # results (conditional: stored once)
      "dynamodb:GetItem",
      "dynamodb:UpdateItem",     # an owed mail's mark; group counters and marks (no transactions)
      "dynamodb:BatchGetItem",   # the group index: a result's occurrences, read before counting
      "dynamodb:BatchWriteItem", # the group index: a result's occurrences, put after counting
      "dynamodb:Query",
      "dynamodb:DescribeTable",
    ]
    resources = [
      aws_dynamodb_table.results.arn,
      "${aws_dynamodb_table.results.arn}/index/*",
    ]
  }

  dynamic "statement" {
    for_each = var.ses_identity_arn == null ? [] : [var.ses_identity_arn]
    content {
      sid       = "SendResultMail"
      actions   = ["ses:SendEmail", "ses:SendRawEmail"]
      resources = [statement.value]
    }
  }
}

# KEDA's aws-sqs-queue scaler (the receiver chart's keda.podIdentity.roleArn) only reads the queue's depth.
data "aws_iam_policy_document" "keda" {
  statement {
    sid       = "ReadQueueDepth"
    actions   = ["sqs:GetQueueAttributes"]
    resources = [aws_sqs_queue.jobs.arn]
  }
}

locals {
  # Role -> the Kubernetes service account ("namespace:name") that may assume it, and its permissions.
  irsa = {
    receiver = {
      service_account = "${var.namespace}:${var.receiver_service_account}"
      policy          = data.aws_iam_policy_document.receiver.json
    }
    extractor = {
      service_account = "${var.namespace}:${var.extractor_service_account}"
      policy          = data.aws_iam_policy_document.extractor.json
    }
    storage = {
      service_account = "${var.namespace}:${var.storage_service_account}"
      policy          = data.aws_iam_policy_document.storage.json
    }
    keda = {
      service_account = var.keda_operator_service_account # null: no KEDA role
      policy          = data.aws_iam_policy_document.keda.json
    }
  }
  irsa_roles = var.create_eks ? { for role, irsa in local.irsa : role => irsa if irsa.service_account != null } : {}
  # Condition keys are "<issuer host/path>:sub" and ":aud".
  oidc_issuer = var.create_eks ? replace(aws_eks_cluster.this[0].identity[0].oidc[0].issuer, "https://", "") : null
}

data "aws_iam_policy_document" "irsa_assume" {
  for_each = local.irsa_roles

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]

    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.eks[0].arn]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:sub"
      values   = ["system:serviceaccount:${each.value.service_account}"]
    }

    condition {
      test     = "StringEquals"
      variable = "${local.oidc_issuer}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "irsa" {
  for_each = local.irsa_roles

  name               = "${var.name}-${each.key}"
  description        = "IRSA role of service account ${each.value.service_account}."
  assume_role_policy = data.aws_iam_policy_document.irsa_assume[each.key].json
}

resource "aws_iam_role_policy" "irsa" {
  for_each = local.irsa_roles

  name   = each.key
  role   = aws_iam_role.irsa[each.key].id
  policy = each.value.policy
}

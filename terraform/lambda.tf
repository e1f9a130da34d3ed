################################################################################
# S3 event -> FIFO queue Lambda (handler: terraform/lambda/s3_to_fifo.py)
################################################################################

# Created before the function so Lambda does not create it without retention.
resource "aws_cloudwatch_log_group" "lambda" {
  name              = "/aws/lambda/${local.lambda_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.cloudwatch_logs_kms_key_arn
}

resource "aws_lambda_function" "s3_to_fifo" {
  #checkov:skip=CKV_AWS_116:Async failures go to the on-failure destination (aws_lambda_function_event_invoke_config), which carries more context than a DLQ.
  #checkov:skip=CKV_AWS_117:The function only calls the SQS API; no VPC resources to reach.
  #checkov:skip=CKV_AWS_272:Code signing is not used for this single in-repo handler.
  #checkov:skip=CKV_AWS_173:The only environment values (queue URL, log level) are not secrets.
  function_name                  = local.lambda_name
  description                    = "Forwards S3 ObjectCreated events of the logs bucket to the jobs FIFO queue."
  role                           = aws_iam_role.lambda.arn
  runtime                        = "python3.12"
  handler                        = "s3_to_fifo.handler"
  filename                       = local.lambda_zip_path
  source_code_hash               = filebase64sha256(local.lambda_zip_path)
  timeout                        = var.lambda_timeout
  memory_size                    = var.lambda_memory_size
  reserved_concurrent_executions = var.lambda_reserved_concurrency

  environment {
    variables = {
      QUEUE_URL = aws_sqs_queue.jobs.url
      LOG_LEVEL = var.lambda_log_level
    }
  }

  tracing_config {
    mode = "Active"
  }

  depends_on = [
    aws_cloudwatch_log_group.lambda,
    aws_iam_role_policy.lambda,
  ]
}

resource "aws_lambda_function_event_invoke_config" "s3_to_fifo" {
  function_name                = aws_lambda_function.s3_to_fifo.function_name
  maximum_retry_attempts       = var.lambda_maximum_retry_attempts
  maximum_event_age_in_seconds = var.lambda_maximum_event_age_seconds

  destination_config {
    on_failure {
      destination = aws_sqs_queue.s3_events_failed.arn
    }
  }
}

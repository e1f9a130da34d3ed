################################################################################
# Results table: schema mirrors service-result-storage/app/table.py (TABLE_SCHEMA)
################################################################################

resource "aws_dynamodb_table" "results" {
  name                        = var.results_table_name
  billing_mode                = "PAY_PER_REQUEST"
  hash_key                    = "id"
  deletion_protection_enabled = var.results_table_deletion_protection

  attribute {
    name = "id"
    type = "S"
  }

  attribute {
    name = "object_key"
    type = "S"
  }

  attribute {
    name = "stored_at"
    type = "S"
  }

  attribute {
    name = "kind"
    type = "S"
  }

  attribute {
    name = "mail_pending"
    type = "S"
  }

  # GET /results?key=K: one object's results, newest first.
  global_secondary_index {
    name            = "by_key"
    hash_key        = "object_key"
    range_key       = "stored_at"
    projection_type = "ALL"
  }

  # GET /results: all results (kind is always "result"), newest first.
  global_secondary_index {
    name            = "by_time"
    hash_key        = "kind"
    range_key       = "stored_at"
    projection_type = "ALL"
  }

  # Sparse: only results whose notification mail is still owed carry mail_pending (app.retry_mail reads it).
  global_secondary_index {
    name            = "mail_pending"
    hash_key        = "mail_pending"
    range_key       = "stored_at"
    projection_type = "KEYS_ONLY"
  }

  # Set by storage only when RESULT_TTL_DAYS > 0.
  ttl {
    attribute_name = "expires_at"
    enabled        = true
  }

  point_in_time_recovery {
    enabled = true
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.results_table_kms_key_arn
  }
}

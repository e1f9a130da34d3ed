terraform {
  required_version = ">= 1.9" # validation conditions that refer to other variables

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.100"
    }
  }
}

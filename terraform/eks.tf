################################################################################
# Network: private subnets for nodes, public subnets for load balancers and NAT
################################################################################

data "aws_availability_zones" "available" {
  #checkov:skip=CKV_AWS_394:Zone names come back alphabetically and new zones get later letters, so the first az_count stay put; availability_zones pins them.
  count = var.create_eks && length(var.availability_zones) == 0 ? 1 : 0

  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

locals {
  azs = !var.create_eks ? [] : (
    length(var.availability_zones) > 0 ? var.availability_zones : slice(data.aws_availability_zones.available[0].names, 0, var.az_count)
  )
  subnet_count = length(local.azs)
  nat_count    = var.create_eks ? (var.one_nat_gateway_per_az ? local.subnet_count : 1) : 0
}

resource "aws_vpc" "this" {
  count = var.create_eks ? 1 : 0

  cidr_block           = var.vpc_cidr
  enable_dns_support   = true
  enable_dns_hostnames = true # required for the cluster's private endpoint

  tags = { Name = var.name }
}

# Strip the default security group's rules so nothing uses it by accident.
resource "aws_default_security_group" "this" {
  count = var.create_eks ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = { Name = "${var.name}-default-unused" }
}

# Flow logs of all traffic, for incident analysis.
resource "aws_cloudwatch_log_group" "vpc_flow_logs" {
  count = var.create_eks && var.vpc_flow_logs_enabled ? 1 : 0

  name              = "/aws/vpc-flow-logs/${var.name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.cloudwatch_logs_kms_key_arn
}

data "aws_iam_policy_document" "vpc_flow_logs_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["vpc-flow-logs.amazonaws.com"]
    }

    condition {
      test     = "StringEquals"
      variable = "aws:SourceAccount"
      values   = [local.account_id]
    }
  }
}

resource "aws_iam_role" "vpc_flow_logs" {
  count = var.create_eks && var.vpc_flow_logs_enabled ? 1 : 0

  name               = "${var.name}-vpc-flow-logs"
  description        = "Lets VPC flow logs of ${var.name} write to CloudWatch Logs."
  assume_role_policy = data.aws_iam_policy_document.vpc_flow_logs_assume.json
}

data "aws_iam_policy_document" "vpc_flow_logs" {
  count = var.create_eks && var.vpc_flow_logs_enabled ? 1 : 0

  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
    resources = ["${aws_cloudwatch_log_group.vpc_flow_logs[0].arn}:*"]
  }

  statement {
    actions   = ["logs:DescribeLogGroups"]
    resources = ["arn:${local.partition}:logs:${var.region}:${local.account_id}:log-group:*"]
  }
}

resource "aws_iam_role_policy" "vpc_flow_logs" {
  count = var.create_eks && var.vpc_flow_logs_enabled ? 1 : 0

  name   = "write-flow-logs"
  role   = aws_iam_role.vpc_flow_logs[0].id
  policy = data.aws_iam_policy_document.vpc_flow_logs[0].json
}

resource "aws_flow_log" "vpc" {
  count = var.create_eks && var.vpc_flow_logs_enabled ? 1 : 0

  vpc_id          = aws_vpc.this[0].id
  traffic_type    = "ALL"
  iam_role_arn    = aws_iam_role.vpc_flow_logs[0].arn
  log_destination = aws_cloudwatch_log_group.vpc_flow_logs[0].arn

  tags = { Name = var.name }
}

# Private subnets take the first three eighths of the VPC (a /19 each in a /16: room for pod IPs of the VPC CNI).
resource "aws_subnet" "private" {
  count = local.subnet_count

  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 3, count.index)

  tags = {
    Name                              = "${var.name}-private-${local.azs[count.index]}"
    "kubernetes.io/role/internal-elb" = "1"
  }
}

# Public subnets sit in the seventh eighth (a /22 each in a /16); they hold only load balancers and NAT gateways.
resource "aws_subnet" "public" {
  count = local.subnet_count

  vpc_id            = aws_vpc.this[0].id
  availability_zone = local.azs[count.index]
  cidr_block        = cidrsubnet(var.vpc_cidr, 6, 48 + count.index)
  # Nothing launched here needs an automatic public IP (NAT gateways use Elastic IPs).
  map_public_ip_on_launch = false

  tags = {
    Name                     = "${var.name}-public-${local.azs[count.index]}"
    "kubernetes.io/role/elb" = "1"
  }
}

resource "aws_internet_gateway" "this" {
  count = var.create_eks ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = { Name = var.name }
}

resource "aws_eip" "nat" {
  count = local.nat_count

  domain = "vpc"

  tags = { Name = "${var.name}-nat-${local.azs[count.index]}" }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_nat_gateway" "this" {
  count = local.nat_count

  allocation_id = aws_eip.nat[count.index].id
  subnet_id     = aws_subnet.public[count.index].id

  tags = { Name = "${var.name}-${local.azs[count.index]}" }

  depends_on = [aws_internet_gateway.this]
}

resource "aws_route_table" "public" {
  count = var.create_eks ? 1 : 0

  vpc_id = aws_vpc.this[0].id

  tags = { Name = "${var.name}-public" }
}

resource "aws_route" "public_internet" {
  count = var.create_eks ? 1 : 0

  route_table_id         = aws_route_table.public[0].id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.this[0].id
}

resource "aws_route_table_association" "public" {
  count = local.subnet_count

  subnet_id      = aws_subnet.public[count.index].id
  route_table_id = aws_route_table.public[0].id
}

# One private route table per AZ, so switching to one NAT gateway per AZ only changes routes.
resource "aws_route_table" "private" {
  count = local.subnet_count

  vpc_id = aws_vpc.this[0].id

  tags = { Name = "${var.name}-private-${local.azs[count.index]}" }
}

resource "aws_route" "private_nat" {
  count = local.subnet_count

  route_table_id         = aws_route_table.private[count.index].id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = aws_nat_gateway.this[var.one_nat_gateway_per_az ? count.index : 0].id
}

resource "aws_route_table_association" "private" {
  count = local.subnet_count

  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private[count.index].id
}

################################################################################
# EKS control plane
################################################################################

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]

    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  count = var.create_eks ? 1 : 0

  name               = "${local.cluster_name}-cluster"
  description        = "EKS control plane role of ${local.cluster_name}."
  assume_role_policy = data.aws_iam_policy_document.cluster_assume.json
}

resource "aws_iam_role_policy_attachment" "cluster" {
  count = var.create_eks ? 1 : 0

  role       = aws_iam_role.cluster[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

# Key policy delegates to IAM (account root); the cluster role gets its use of the key below.
data "aws_iam_policy_document" "eks_secrets_key" {
  #checkov:skip=CKV_AWS_109:Key policy: the account root delegates to IAM, and "*" means this key only.
  #checkov:skip=CKV_AWS_111:Key policy: the account root delegates to IAM, and "*" means this key only.
  #checkov:skip=CKV_AWS_356:Key policy: the account root delegates to IAM, and "*" means this key only.
  statement {
    sid       = "AccountAdministersKeyThroughIAM"
    actions   = ["kms:*"]
    resources = ["*"] # in a key policy, "*" is this key

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${local.account_id}:root"]
    }
  }
}

resource "aws_kms_key" "eks_secrets" {
  count = var.create_eks ? 1 : 0

  description             = "Envelope encryption of Kubernetes secrets in EKS cluster ${local.cluster_name}."
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.eks_secrets_key.json
}

resource "aws_kms_alias" "eks_secrets" {
  count = var.create_eks ? 1 : 0

  name          = "alias/${local.cluster_name}-eks-secrets"
  target_key_id = aws_kms_key.eks_secrets[0].key_id
}

data "aws_iam_policy_document" "cluster_encryption" {
  count = var.create_eks ? 1 : 0

  statement {
    actions   = ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"]
    resources = [aws_kms_key.eks_secrets[0].arn]
  }
}

resource "aws_iam_role_policy" "cluster_encryption" {
  count = var.create_eks ? 1 : 0

  name   = "secrets-encryption"
  role   = aws_iam_role.cluster[0].id
  policy = data.aws_iam_policy_document.cluster_encryption[0].json
}

# EKS writes control plane logs here; creating it first sets the retention.
resource "aws_cloudwatch_log_group" "cluster" {
  count = var.create_eks ? 1 : 0

  name              = "/aws/eks/${local.cluster_name}/cluster"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.cloudwatch_logs_kms_key_arn
}

resource "aws_eks_cluster" "this" {
  count = var.create_eks ? 1 : 0

  name                      = local.cluster_name
  version                   = var.kubernetes_version
  role_arn                  = aws_iam_role.cluster[0].arn
  enabled_cluster_log_types = var.cluster_enabled_log_types

  vpc_config {
    subnet_ids              = aws_subnet.private[*].id
    endpoint_private_access = true
    endpoint_public_access  = var.cluster_endpoint_public_access
    public_access_cidrs     = var.cluster_endpoint_public_access_cidrs
  }

  # Access entries (API) instead of the aws-auth ConfigMap.
  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = true
  }

  encryption_config {
    resources = ["secrets"]

    provider {
      key_arn = aws_kms_key.eks_secrets[0].arn
    }
  }

  depends_on = [
    aws_iam_role_policy_attachment.cluster,
    aws_iam_role_policy.cluster_encryption,
    aws_cloudwatch_log_group.cluster,
    aws_route_table_association.private,
  ]
}

resource "aws_eks_access_entry" "admin" {
  for_each = var.create_eks ? toset(var.cluster_admin_arns) : toset([])

  cluster_name  = aws_eks_cluster.this[0].name
  principal_arn = each.value
}

resource "aws_eks_access_policy_association" "admin" {
  for_each = aws_eks_access_entry.admin

  cluster_name  = aws_eks_cluster.this[0].name
  principal_arn = each.value.principal_arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"

  access_scope {
    type = "cluster"
  }
}

# IRSA. IAM verifies EKS OIDC issuers against its own trusted root CAs, so the thumbprint is not used for
# trust; the provider still accepts one, and pinning the commonly documented root CA thumbprint avoids the
# tls provider's data "tls_certificate" lookup.
resource "aws_iam_openid_connect_provider" "eks" {
  count = var.create_eks ? 1 : 0

  url             = aws_eks_cluster.this[0].identity[0].oidc[0].issuer
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = var.oidc_thumbprints
}

################################################################################
# Managed node group in the private subnets
################################################################################

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  count = var.create_eks ? 1 : 0

  name               = "${local.cluster_name}-node"
  description        = "Role of the ${local.cluster_name} managed node group's instances."
  assume_role_policy = data.aws_iam_policy_document.node_assume.json
}

resource "aws_iam_role_policy_attachment" "node" {
  for_each = var.create_eks ? toset([
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
  ]) : toset([])

  role       = aws_iam_role.node[0].name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.value}"
}

resource "aws_launch_template" "node" {
  count = var.create_eks ? 1 : 0

  name_prefix = "${local.cluster_name}-node-"
  description = "Nodes of ${local.cluster_name}: IMDSv2 only, encrypted root volume."

  # Hop limit 1: pods (not on the host network) cannot reach the node's credentials; they use IRSA.
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"

    ebs {
      volume_size           = var.node_disk_size
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  # default_tags do not reach instances and volumes launched by the node group's autoscaling group.
  tag_specifications {
    resource_type = "instance"
    tags          = merge(local.tags, { Name = "${local.cluster_name}-node" })
  }

  tag_specifications {
    resource_type = "volume"
    tags          = merge(local.tags, { Name = "${local.cluster_name}-node" })
  }
}

resource "aws_eks_node_group" "default" {
  count = var.create_eks ? 1 : 0

  cluster_name    = aws_eks_cluster.this[0].name
  node_group_name = "default"
  node_role_arn   = aws_iam_role.node[0].arn
  subnet_ids      = aws_subnet.private[*].id
  # Kubernetes 1.33 has no Amazon Linux 2 AMIs.
  ami_type       = "AL2023_x86_64_STANDARD"
  capacity_type  = var.node_capacity_type
  instance_types = var.node_instance_types

  scaling_config {
    min_size     = var.node_min_size
    desired_size = var.node_desired_size
    max_size     = var.node_max_size
  }

  update_config {
    max_unavailable_percentage = 33
  }

  launch_template {
    id      = aws_launch_template.node[0].id
    version = aws_launch_template.node[0].latest_version
  }

  lifecycle {
    # An autoscaler owns desired_size after creation.
    ignore_changes = [scaling_config[0].desired_size]

    precondition {
      condition     = var.node_min_size <= var.node_desired_size && var.node_desired_size <= var.node_max_size
      error_message = "Node group sizes must satisfy node_min_size <= node_desired_size <= node_max_size."
    }
  }

  depends_on = [
    aws_iam_role_policy_attachment.node,
    aws_route.private_nat,
  ]
}

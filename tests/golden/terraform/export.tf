# Written by a test.

terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.27.0"
    }
    genesyscloud = {
      source = "mypurecloud/genesyscloud"
    }
  }
}

provider "genesyscloud" {
  aws_region = "us-east-1"
}

provider "aws" {
  alias  = "a123456789012_us-east-1"
  region = "us-east-1"
  allowed_account_ids = [
    "123456789012"
  ]
}

# org "default" (9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77)
locals {
  audit_trail_a5b0d3e6_properties = {
    "awsAccountId"     = "210987654321"
    "awsAccountRegion" = "eu-west-1"
    "eventFilter" = [
      "v2.audits.entitytype.{id}.entityid.{id}"
    ]
    "eventSourceSuffix" = "audit"
  }
}

resource "genesyscloud_integration" "audit_trail_a5b0d3e6" {
  intended_state   = "DISABLED"
  integration_type = "amazon-eventbridge-source"

  config {
    name       = "audit.trail"
    properties = jsonencode(local.audit_trail_a5b0d3e6_properties)
    advanced   = jsonencode({})
  }
}

import {
  to = genesyscloud_integration.audit_trail_a5b0d3e6
  id = "0d9b8a77-2f1e-4e08-a3c6-9a1d4c2e5b7f"
}

locals {
  prod-events_properties = {
    "awsAccountId"     = "123456789012"
    "awsAccountRegion" = "us-east-1"
    "eventFilter" = [
      "v2.detail.events.conversation.{id}.customer.start",
      "v2.routing.queues.{id}.conversations",
      "v2.users.{id}.presence"
    ]
    "eventSourceSuffix" = "prod-events"
  }
}

resource "genesyscloud_integration" "prod-events" {
  intended_state   = "ENABLED"
  integration_type = "amazon-eventbridge-source"

  config {
    name       = "prod-events"
    properties = jsonencode(local.prod-events_properties)
    advanced   = jsonencode({})
    notes      = "managed by gcbridge\nsee \"docs\""
  }
}

import {
  to = genesyscloud_integration.prod-events
  id = "c2228d0d-bbff-4873-9fa7-0dd409631c77"
}

# The provider cannot read event_source_name back (terraform-provider-aws#22086): ignored
# after the create, so the imported bus is adopted, not replaced.
resource "aws_cloudwatch_event_bus" "prod-events" {
  provider          = aws.a123456789012_us-east-1
  name              = "aws.partner/genesys.com/cloud/9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77/prod-events"
  event_source_name = "aws.partner/genesys.com/cloud/9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77/prod-events"

  lifecycle {
    ignore_changes = [
      event_source_name
    ]
  }
}

import {
  to = aws_cloudwatch_event_bus.prod-events
  id = "aws.partner/genesys.com/cloud/9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77/prod-events"
}

resource "aws_cloudwatch_event_rule" "prod-events__to-queue" {
  provider       = aws.a123456789012_us-east-1
  name           = "to-queue"
  event_bus_name = aws_cloudwatch_event_bus.prod-events.name
  description    = "Queue events, $${not} %%{interpolated}"
  event_pattern  = jsonencode({ "detail-type" = [{ "prefix" = "v2.routing.queues." }] })
  state          = "ENABLED"
}

import {
  to = aws_cloudwatch_event_rule.prod-events__to-queue
  id = "aws.partner/genesys.com/cloud/9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77/prod-events/to-queue"
}

resource "aws_cloudwatch_event_target" "prod-events__to-queue__sqs-genesys-events" {
  provider       = aws.a123456789012_us-east-1
  event_bus_name = aws_cloudwatch_event_rule.prod-events__to-queue.event_bus_name
  rule           = aws_cloudwatch_event_rule.prod-events__to-queue.name
  target_id      = "sqs-genesys-events"
  arn            = "arn:aws:sqs:us-east-1:123456789012:genesys-events"

  dead_letter_config {
    arn = "arn:aws:sqs:us-east-1:123456789012:genesys-dlq"
  }

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }
}

resource "aws_cloudwatch_event_target" "prod-events__to-queue__sns-genesys-alerts" {
  provider       = aws.a123456789012_us-east-1
  event_bus_name = aws_cloudwatch_event_rule.prod-events__to-queue.event_bus_name
  rule           = aws_cloudwatch_event_rule.prod-events__to-queue.name
  target_id      = "sns-genesys-alerts"
  arn            = "arn:aws:sns:us-east-1:123456789012:genesys-alerts"

  retry_policy {
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 10
  }
}

import {
  to = aws_cloudwatch_event_target.prod-events__to-queue__sns-genesys-alerts
  id = "aws.partner/genesys.com/cloud/9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77/prod-events/to-queue/sns-genesys-alerts"
}

resource "aws_cloudwatch_event_rule" "prod-events__to-fn_and-logs_ee1d65e4" {
  provider       = aws.a123456789012_us-east-1
  name           = "to-fn.and-logs"
  event_bus_name = aws_cloudwatch_event_bus.prod-events.name
  event_pattern  = jsonencode({ "source" = [{ "prefix" = "" }] })
  state          = "DISABLED"
}

resource "aws_cloudwatch_event_target" "prod-events__to-fn_and-logs_ee1d65e4__lambda-on-event-live" {
  provider       = aws.a123456789012_us-east-1
  event_bus_name = aws_cloudwatch_event_rule.prod-events__to-fn_and-logs_ee1d65e4.event_bus_name
  rule           = aws_cloudwatch_event_rule.prod-events__to-fn_and-logs_ee1d65e4.name
  target_id      = "lambda-on-event-live"
  arn            = "arn:aws:lambda:us-east-1:123456789012:function:on-event:live"
}

resource "aws_cloudwatch_event_target" "prod-events__to-fn_and-logs_ee1d65e4__logs--aws-events-genesys" {
  provider       = aws.a123456789012_us-east-1
  event_bus_name = aws_cloudwatch_event_rule.prod-events__to-fn_and-logs_ee1d65e4.event_bus_name
  rule           = aws_cloudwatch_event_rule.prod-events__to-fn_and-logs_ee1d65e4.name
  target_id      = "logs--aws-events-genesys"
  arn            = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/events/genesys"
}

resource "aws_lambda_permission" "prod-events__to-fn_and-logs_ee1d65e4__on-event" {
  provider      = aws.a123456789012_us-east-1
  statement_id  = "gcbridgetofnandlogs0a1b2c3d"
  action        = "lambda:InvokeFunction"
  function_name = "on-event"
  qualifier     = "live"
  principal     = "events.amazonaws.com"
  source_arn    = aws_cloudwatch_event_rule.prod-events__to-fn_and-logs_ee1d65e4.arn
}

locals {
  sqs_queue_policy_genesys-events = {
    "Statement" = [
      {
        "Action" = "sqs:*"
        "Effect" = "Allow"
        "Principal" = {
          "AWS" = "123456789012"
        }
        "Resource" = "arn:aws:sqs:us-east-1:123456789012:genesys-events"
        "Sid"      = "mine"
      },
      {
        "Action" = "sqs:SendMessage"
        "Condition" = {
          "ArnEquals" = {
            "aws:SourceArn" = "arn:aws:events:us-east-1:123456789012:rule/aws.partner/genesys.com/cloud/9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77/prod-events/to-queue"
          }
        }
        "Effect" = "Allow"
        "Principal" = {
          "Service" = "events.amazonaws.com"
        }
        "Resource" = "arn:aws:sqs:us-east-1:123456789012:genesys-events"
        "Sid"      = "gcbridgetoqueue11111111"
      }
    ]
    "Version" = "2012-10-17"
  }
}

resource "aws_sqs_queue_policy" "genesys-events" {
  provider  = aws.a123456789012_us-east-1
  queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/genesys-events"
  policy    = jsonencode(local.sqs_queue_policy_genesys-events)
}

import {
  to = aws_sqs_queue_policy.genesys-events
  id = "https://sqs.us-east-1.amazonaws.com/123456789012/genesys-events"
}

locals {
  sqs_queue_policy_genesys-dlq = {
    "Statement" = [
      {
        "Action" = "sqs:SendMessage"
        "Condition" = {
          "ArnEquals" = {
            "aws:SourceArn" = "arn:aws:events:us-east-1:123456789012:rule/aws.partner/genesys.com/cloud/9a1d4c2e-5b7f-4e08-a3c6-2f1e0d9b8a77/prod-events/to-queue"
          }
        }
        "Effect" = "Allow"
        "Principal" = {
          "Service" = "events.amazonaws.com"
        }
        "Resource" = "arn:aws:sqs:us-east-1:123456789012:genesys-dlq"
        "Sid"      = "gcbridgetoqueue11111111"
      }
    ]
    "Version" = "2012-10-17"
  }
}

resource "aws_sqs_queue_policy" "genesys-dlq" {
  provider  = aws.a123456789012_us-east-1
  queue_url = "https://sqs.us-east-1.amazonaws.com/123456789012/genesys-dlq"
  policy    = jsonencode(local.sqs_queue_policy_genesys-dlq)
}

locals {
  sns_topic_policy_genesys-alerts = {
    "Statement" = [
      {
        "Action" = "sns:Publish"
        "Sid"    = "gcbridgetoqueue11111111"
      }
    ]
    "Version" = "2012-10-17"
  }
}

resource "aws_sns_topic_policy" "genesys-alerts" {
  provider = aws.a123456789012_us-east-1
  arn      = "arn:aws:sns:us-east-1:123456789012:genesys-alerts"
  policy   = jsonencode(local.sns_topic_policy_genesys-alerts)
}

import {
  to = aws_sns_topic_policy.genesys-alerts
  id = "arn:aws:sns:us-east-1:123456789012:genesys-alerts"
}

locals {
  cloudwatch_log_resource_policy_gcbridge-eventbridge-to-logs__a123456789012_us-east-1 = {
    "Statement" = [
      {
        "Action" = [
          "logs:CreateLogStream",
          "logs:PutLogEvents"
        ]
        "Sid" = "gcbridgetofnandlogs22222222"
      }
    ]
    "Version" = "2012-10-17"
  }
}

resource "aws_cloudwatch_log_resource_policy" "gcbridge-eventbridge-to-logs__a123456789012_us-east-1" {
  provider        = aws.a123456789012_us-east-1
  policy_name     = "gcbridge-eventbridge-to-logs"
  policy_document = jsonencode(local.cloudwatch_log_resource_policy_gcbridge-eventbridge-to-logs__a123456789012_us-east-1)
}

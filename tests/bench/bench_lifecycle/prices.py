"""What AWS charges, as of the date below, for what a ticket's life-cycle uses."""

from __future__ import annotations

# -- prices -------------------------------------------------------------------------------------

PRICES_AS_OF = "2025-06 (us-east-1 on-demand list prices; DynamoDB after its 1 Nov 2024 cut)"
PRICES: dict[str, tuple[float, str]] = {
    # Halved on 1 Nov 2024 (from $1.25 / $0.25 per million).
    "dynamodb_wru": (0.625 / 1e6, "$0.625 per million write request units"),
    "dynamodb_rru": (0.125 / 1e6, "$0.125 per million read request units"),
    # Lambda's stream triggers read DynamoDB Streams at no charge.
    "streams_lambda": (0.0, "free: GetRecords by a Lambda trigger"),
    # Standard queues; every API call is a request (per 64 KB chunk), Lambda's polling too.
    "sqs_request": (0.40 / 1e6, "$0.40 per million requests (standard queue, 64 KB each)"),
    "ses_email": (0.10 / 1e3, "$0.10 per 1,000 emails (outbound, per recipient)"),
    "lambda_request": (0.20 / 1e6, "$0.20 per million invocations"),
    "lambda_gb_s": (0.0000166667, "$0.0000166667 per GB-second (x86_64)"),
    "http_api_request": (1.00 / 1e6, "$1.00 per million HTTP API requests (first 300 M)"),
}
FREE_TIERS = (
    "Free tiers ignored (SQS 1 M requests and Lambda 1 M invocations + 400,000 GB-s a month; "
    "SES 3,000 mails a month in the first year); not priced: storage, PITR, CloudWatch Logs "
    "($0.50 per GB ingested)."
)

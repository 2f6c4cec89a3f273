"""The local poller deletes exactly what Lambda's event source mapping would delete."""

from devtools.poller import lambda_record, succeeded_receipts

MESSAGES = [{"MessageId": f"m{i}", "ReceiptHandle": f"r{i}", "Body": "{}"} for i in range(3)]


def receipts(response) -> list[str]:
    return [entry["ReceiptHandle"] for entry in succeeded_receipts(MESSAGES, response)]


def test_no_failures_deletes_the_whole_batch() -> None:
    assert receipts({"batchItemFailures": []}) == ["r0", "r1", "r2"]
    assert receipts(None) == ["r0", "r1", "r2"]


def test_reported_failures_are_kept_and_the_rest_deleted() -> None:
    assert receipts({"batchItemFailures": [{"itemIdentifier": "m1"}]}) == ["r0", "r2"]


def test_an_invalid_failure_report_fails_the_whole_batch() -> None:
    assert receipts({"batchItemFailures": [{"itemIdentifier": "unknown"}]}) == []
    assert receipts({"batchItemFailures": [{"itemIdentifier": ""}]}) == []
    assert receipts({"batchItemFailures": [{"wrongKey": "m1"}]}) == []


def test_records_look_like_lambdas() -> None:
    message = {**MESSAGES[0], "Attributes": {"ApproximateReceiveCount": "3"}}
    record = lambda_record(message, "arn:aws:sqs:ap-south-1:123:q", "ap-south-1")
    assert record["eventSource"] == "aws:sqs"
    assert record["attributes"]["ApproximateReceiveCount"] == "3"
    assert record["messageId"] == "m0" and record["receiptHandle"] == "r0"


STREAM = [{"dynamodb": {"SequenceNumber": str(100 + i)}} for i in range(4)]


def test_a_stream_batch_resumes_at_the_first_failed_record() -> None:
    from devtools.poller import first_failure

    assert first_failure(STREAM, {"batchItemFailures": []}) is None
    assert first_failure(STREAM, None) is None
    failures = [{"itemIdentifier": "103"}, {"itemIdentifier": "101"}]
    assert first_failure(STREAM, {"batchItemFailures": failures}) == 1


def test_an_invalid_stream_failure_report_retries_the_whole_batch() -> None:
    from devtools.poller import first_failure

    assert first_failure(STREAM, {"batchItemFailures": [{"itemIdentifier": "999"}]}) == 0
    assert first_failure(STREAM, {"batchItemFailures": [{"itemIdentifier": ""}]}) == 0
    assert first_failure(STREAM, {"batchItemFailures": [{"other": "101"}]}) == 0

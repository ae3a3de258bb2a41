"""The suite's check of a rule real DynamoDB enforces and the emulator does not."""

from __future__ import annotations

from tests.dynamodb_rules import _index_keys, key_in_filter

KEYS = _index_keys()


def test_a_filter_on_the_tables_sort_key_is_caught():
    query = {
        "FilterExpression": "(begins_with (#1, :3) OR #1 = :4)",
        "ExpressionAttributeNames": {"#1": "sk"},
    }
    assert key_in_filter(query, KEYS) == {"sk"}


def test_a_filter_on_an_indexs_key_is_caught_and_one_on_other_attributes_is_not():
    on_key = {"IndexName": "by-status", "FilterExpression": "sort_at > :0"}
    assert key_in_filter(on_key, KEYS) == {"sort_at"}
    fine = {"FilterExpression": "#0 = :0", "ExpressionAttributeNames": {"#0": "status"}}
    assert key_in_filter(fine, KEYS) == set()
    assert key_in_filter({"KeyConditionExpression": "pk = :0"}, KEYS) == set()

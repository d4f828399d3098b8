"""Validates JSON values against the spec's schemas, strictly.

Reads {"components": {...}, "items": [{"name": ..., "schema": ..., "value": ...}]}
on stdin and prints [{"name": ..., "errors": [...]}] for the items that are
not valid. The validator is openapi-schema-validator's OAS30Validator with
its OpenAPI 3.0 format checker: OpenAPI 3.0.3 as written (`nullable` only
beside a `type`), the reading other tools have of the spec.
"""
import json
import sys

from openapi_schema_validator import OAS30Validator, oas30_format_checker

data = json.load(sys.stdin)
report = []
for item in data["items"]:
    # The schema's `$ref`s resolve against the document it is the root of.
    root = dict(item["schema"])
    root["components"] = data["components"]
    validator = OAS30Validator(root, format_checker=oas30_format_checker)
    errors = sorted(
        "{}: {}".format("/".join(str(p) for p in error.absolute_path) or "$", error.message)
        for error in validator.iter_errors(item["value"])
    )
    if errors:
        report.append({"name": item["name"], "errors": errors})
json.dump(report, sys.stdout)

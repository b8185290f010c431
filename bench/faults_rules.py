#!/usr/bin/env python3
"""Prints the 100 non-matching fault rules of the fault benchmarks: a third on
STS with other literal operations, a third on STS with operation patterns,
a third on the other services."""
import json

OTHERS = ["dynamodb", "ec2", "s3", "sns"]
rules = []
for i in range(100):
    if i % 3 == 0:
        rules.append({"service": "sts", "operation": f"Op{i}", "error": {"code": "X", "status": 500}})
    elif i % 3 == 1:
        rules.append({"service": "sts", "operation": f"Get.*Thing{i}", "resource": f"r-{i}/.*",
                      "error": {"code": "X", "status": 500}})
    else:
        rules.append({"service": f"({OTHERS[i % 4]})", "operation": f"Op{i}", "error": {"code": "X", "status": 503}})
print(json.dumps(rules))

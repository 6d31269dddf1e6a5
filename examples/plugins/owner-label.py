#!/usr/bin/env python3
"""An example evident plugin (protocol version 1): every matched workload must carry an owner label.

Request on stdin:  {"protocolVersion": 1, "control": {...}, "parameters": {...}, "resources": [...]}
Answer on stdout:  {"protocolVersion": 1, "evaluated": N, "findings": [{"resource": {...}, "message": ...}]}
"""
import json
import sys

request = json.load(sys.stdin)
if request.get("protocolVersion") != 1:
    print(f"unsupported protocol version {request.get('protocolVersion')}", file=sys.stderr)
    sys.exit(2)

label = request["parameters"].get("owner_label", "owner")
findings = []
for r in request["resources"]:
    labels = (r["object"].get("metadata") or {}).get("labels") or {}
    if not labels.get(label):
        findings.append({
            "resource": {"kind": r["kind"], "namespace": r["namespace"], "name": r["name"]},
            "path": f"metadata.labels.{label}",
            "observed": "unset",
            "expected": "a team name",
            "message": f"{r['kind']} {r['name']} has no {label} label, so nobody answers for it",
        })

json.dump({"protocolVersion": 1, "evaluated": len(request["resources"]), "findings": findings}, sys.stdout)

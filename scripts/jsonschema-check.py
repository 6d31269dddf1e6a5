#!/usr/bin/env python3
"""Validates a JSON document against a JSON Schema (draft-04 / draft-07) with the jsonschema package.

Usage: jsonschema-check.py SCHEMA DOCUMENT. Exit 0 valid, 1 invalid (the first errors are printed),
77 when jsonschema is not installed. OSCAL patterns use \\p{L} / \\p{N}: read with the regex module when
present, else as [^\\W\\d_] / \\d, which is what Python re offers.
"""
import json, sys
try:
    import jsonschema
except ImportError:
    print("SKIP: the jsonschema package is not installed")
    sys.exit(77)
try:
    import regex
    import jsonschema._keywords as keywords
    keywords.re = regex
    text = open(sys.argv[1], encoding="utf-8").read()
except Exception:
    text = open(sys.argv[1], encoding="utf-8").read()
    text = text.replace("\\\\p{L}", "[^\\\\W\\\\d_]").replace("\\\\p{N}", "\\\\d")
schema = json.loads(text)
doc = json.load(open(sys.argv[2], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
validator = cls(schema, format_checker=cls.FORMAT_CHECKER)
errors = sorted(validator.iter_errors(doc), key=lambda e: [str(p) for p in e.absolute_path])
for e in errors[:10]:
    print("/".join(str(p) for p in e.absolute_path) + ": " + e.message[:400])
print("%d errors" % len(errors))
sys.exit(1 if errors else 0)

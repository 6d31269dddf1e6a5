#!/usr/bin/env python3
"""Writes the seed corpus of each fuzz target (Fuzz/) from the repository's own files.

Usage: scripts/fuzz-seeds.py OUTDIR     (run from anywhere; writes OUTDIR/<target>/<sha1>)

Seeds are generated, not committed: the test fixtures, the built-in catalogs, plan and example snapshot,
the snapshots, plans, catalogs, selectors and expressions written inline in the Swift tests, the found
crash inputs in Fuzz/regressions/<target>/, and, when it is there (../shared/conformance or
$EVIDENT_CONFORMANCE), the CEL conformance expressions and the network policy analyzer's manifests.
"""
import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MAX_SEED = 32 * 1024  # larger inputs slow every mutation down; the largest fixture, the NIST catalog, fits
TARGETS = ["FuzzSnapshotJSON", "FuzzSnapshotYAML", "FuzzPlan", "FuzzCatalog", "FuzzCalico", "FuzzNetwork", "FuzzCEL"]


def swift_literals(text):
    """The string literals of a Swift file: multi-line ones dedented, single-line ones unescaped (roughly)."""
    out = []
    for m in re.finditer(r'"""\n(.*?)\n([ \t]*)"""', text, re.S):
        indent = m.group(2)
        lines = [line[len(indent):] if line.startswith(indent) else line.lstrip() for line in m.group(1).split("\n")]
        out.append("\n".join(lines) + "\n")
    single = re.sub(r'""".*?"""', "", text, flags=re.S)
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', single):
        s = m.group(1)
        s = re.sub(r"\\u\{([0-9a-fA-F]+)\}", lambda u: chr(int(u.group(1), 16)), s)
        s = s.replace("\\n", "\n").replace("\\t", "\t").replace('\\"', '"').replace("\\'", "'").replace("\\\\", "\\")
        out.append(s)
    return out


def conformance():
    env = os.environ.get("EVIDENT_CONFORMANCE")
    for candidate in ([Path(env)] if env else []) + [ROOT.parent / "shared" / "conformance"]:
        if candidate.is_dir():
            return candidate
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    seeds = {t: set() for t in TARGETS}

    def add(target, content):
        data = content.encode() if isinstance(content, str) else content
        if 0 < len(data) <= MAX_SEED:
            seeds[target].add(data)

    def add_snapshot(text):
        add("FuzzSnapshotYAML", text)
        if re.search(r"NetworkPolicy|NetworkSet|kind: (Pod|Deployment|Namespace)", text):
            add("FuzzNetwork", text)
        try:
            import yaml  # PyYAML, when present, turns YAML snapshots into kubectl-style JSON Lists
            documents = [d for d in yaml.safe_load_all(text) if isinstance(d, dict)]
        except Exception:
            return
        if documents:
            items = [i for d in documents
                     for i in (d.get("items") or [d] if str(d.get("kind", "")).endswith("List") else [d])]
            listed = {"apiVersion": "v1", "kind": "List", "items": items}
            add("FuzzSnapshotJSON", json.dumps(listed, indent=4, default=str))
            add("FuzzSnapshotJSON", json.dumps(items[0], default=str))

    # Files of the repository.
    for path in [ROOT / "controls/examples/example-snapshot.yaml", *sorted((ROOT / "Tests").glob("*/Fixtures/*.yaml"))]:
        text = path.read_text()
        if "kind: SecurityPlan" in text:
            add("FuzzPlan", text)
        else:
            add_snapshot(text)
    for path in sorted((ROOT / "Tests").glob("*/Fixtures/**/*.json")):
        add("FuzzSnapshotJSON", path.read_bytes())
    for path in sorted(ROOT.glob("controls/**/*.yaml")) + sorted(ROOT.glob("examples/**/*.yaml")):
        text = path.read_text()
        if "kind: ControlCatalog" in text:
            add("FuzzCatalog", text)
            for m in re.finditer(r"^\s*(?:expression|selector):\s*(.+)$", text, re.M):
                add("FuzzCEL", m.group(1).strip().strip("'\""))
        elif "kind: SecurityPlan" in text:
            add("FuzzPlan", text)
        else:
            add_snapshot(text)
    for path in sorted((ROOT / "Tests").glob("*/*.swift")):
        text = path.read_text()
        for literal in swift_literals(text):
            if "kind: SecurityPlan" in literal:
                add("FuzzPlan", literal)
            elif "kind: ControlCatalog" in literal:
                add("FuzzCatalog", literal)
            elif re.search(r"^\s*(apiVersion|kind):", literal, re.M):
                add_snapshot(literal)
                for m in re.finditer(r"(?:selector|Selector): *\{?(?:selector: )?([^{}\n]+?)\}?$", literal, re.M):
                    add("FuzzCalico", m.group(1).strip())
            elif literal.lstrip().startswith(("{", "[")) and '"kind"' in literal:
                add("FuzzSnapshotJSON", literal)
            elif "Calico" in path.name and "\n" not in literal:
                add("FuzzCalico", literal)
            elif "CEL" in path.name and "\n" not in literal:
                add("FuzzCEL", literal)

    # Conformance data beside the checkout.
    data = conformance()
    if data:
        for path in sorted((data / "cel-spec").glob("*.json")):
            for case in json.loads(path.read_text()):
                if isinstance(case, dict) and isinstance(case.get("expr"), str):
                    add("FuzzCEL", case["expr"])
        for path in sorted((data / "netpol-analyzer" / "tests").glob("**/*.yaml"))[:300]:
            text = path.read_text(errors="replace")
            add_snapshot(text)
            for m in re.finditer(r"^\s*(?:selector|namespaceSelector):\s*([^{\n].+)$", text, re.M):
                add("FuzzCalico", m.group(1).strip().strip("\"'") if m.group(1).count("'") == 0 else m.group(1).strip())

    # Hand-written seeds for what the files above rarely show.
    for s in ["all()", "global()", "has(app) && !has(debug)", "a in {'x', \"y\"}", "a not in {}",
              "k8s-app contains 'dns' || role starts with \"db\" && x ends with ''", "((a == 'b'))"]:
        add("FuzzCalico", s)
    for s in ["object.spec.containers.all(c, has(c.securityContext) && c.securityContext.runAsNonRoot == true)",
              "object.metadata.labels.exists(k, k.startsWith('app')) ? 1u : 2.5e3",
              "params.allowed.exists_one(a, a in ['a', 'b']) || size(b'\\x00\\xff') > 0",
              "{'a': [1, -2, 3][0] % 2, 'b': null}.a == 1 && object.spec.replicas <= params.maxReplicas",
              "'x'.matches('^[a-z]+$') && string(1) + r'raw\\n' != \"\"\"tri\"\"\"",
              "[1, 2, 3].map(x, x * 2).filter(y, y > 2).size() == 2"]:
        add("FuzzCEL", s)
    for s in ["[]", "{}", '{"kind":"List","items":[{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a"}}]}',
              '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"a\\u00e9\\ud83d\\ude00","labels":{"x":"1"}},'
              '"spec":{"n":-1.5e300}}\n{"kind":"Namespace"}']:
        add("FuzzSnapshotJSON", s)
    for s in ["---\n", "a: &x [*x]\n", "kind: Pod\napiVersion: v1\nmetadata: {name: a, labels: {? x : y}}\n---\n- 1\n"]:
        add("FuzzSnapshotYAML", s)

    # Crash inputs found before, kept as regressions.
    for target in TARGETS:
        for path in sorted((ROOT / "Fuzz" / "regressions" / target).glob("*")):
            if path.is_file():
                add(target, path.read_bytes())

    for target, contents in seeds.items():
        folder = out / target
        folder.mkdir(parents=True, exist_ok=True)
        for content in contents:
            (folder / hashlib.sha1(content).hexdigest()).write_bytes(content)
        print(f"{target}: {len(contents)} seeds")


if __name__ == "__main__":
    main()

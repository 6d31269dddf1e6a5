import Foundation
import Testing

/// JSON Schema validation through python3's `jsonschema` package (draft-04 for SARIF, draft-07 for OSCAL).
/// When python3 or the package is missing the check says so and is skipped: `validate` returns nil and
/// prints a NOTE.
enum SchemaCheck {
    /// The validator: picks the draft from the schema's `$schema`, checks formats it knows, and reads OSCAL's
    /// `\p{L}` / `\p{N}` patterns with the `regex` module when present (else as `[^\W\d_]` / `\d`, which is
    /// what Python's `re` offers).
    static let script = #"""
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
    """#

    enum Outcome: Equatable {
        case valid
        case invalid(String)
        case skipped(String)
    }

    static func validate(_ document: String, schema: URL) -> Outcome {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("evident-schema-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            let doc = dir.appendingPathComponent("doc.json")
            let py = dir.appendingPathComponent("check.py")
            try Data(document.utf8).write(to: doc)
            try Data(script.utf8).write(to: py)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", py.path, schema.path, doc.path]
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            switch process.terminationStatus {
            case 0: return .valid
            case 77: return .skipped(output)
            case 127: return .skipped("python3 is not installed")
            default: return .invalid(output)
            }
        } catch {
            return .skipped("cannot run python3: \(error)")
        }
    }

    /// Validates and records an issue when invalid; prints a NOTE when skipped.
    static func expectValid(_ document: String, schema relative: String, name: String) {
        guard let root = Support.conformance else {
            print("NOTE: conformance folder not found (set EVIDENT_CONFORMANCE): the \(name) schema check is skipped")
            return
        }
        let schema = root.appendingPathComponent(relative)
        guard FileManager.default.fileExists(atPath: schema.path) else {
            print("NOTE: \(relative) not found: the \(name) schema check is skipped")
            return
        }
        switch validate(document, schema: schema) {
        case .valid: break
        case .invalid(let output): Issue.record("\(name) does not validate against \(relative):\n\(output)")
        case .skipped(let why): print("NOTE: the \(name) schema check is skipped: \(why)")
        }
    }
}

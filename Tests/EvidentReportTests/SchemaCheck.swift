import Foundation
import Testing

/// JSON Schema validation through python3's `jsonschema` package (draft-04 for SARIF, draft-07 for OSCAL).
/// When python3 or the package is missing the check is skipped (`.skipped`) and says so in a NOTE.
enum SchemaCheck {
    /// `scripts/jsonschema-check.py`: picks the draft from the schema's `$schema`, checks the formats it
    /// knows, and reads OSCAL's `\p{L}` / `\p{N}` patterns with the `regex` module when present.
    static var script: URL { Support.packageRoot.appendingPathComponent("scripts/jsonschema-check.py") }

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
            try Data(document.utf8).write(to: doc)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", script.path, schema.path, doc.path]
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

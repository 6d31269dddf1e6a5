import EvidentCEL
import Foundation
import Testing

/// A typed value of the conformance data (see `../shared/conformance/README.md`).
struct TypedValue: Decodable {
    let value: CELValue

    private enum Keys: String, CodingKey { case type, value, base64, values, entries }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        let type = try c.decode(String.self, forKey: .type)
        switch type {
        case "null": value = .null
        case "bool": value = .bool(try c.decode(Bool.self, forKey: .value))
        case "int": value = .int(try c.decode(Int64.self, forKey: .value))
        case "uint": value = .uint(try c.decode(UInt64.self, forKey: .value))
        case "double":
            if let text = try? c.decode(String.self, forKey: .value) {
                switch text {
                case "inf": value = .double(.infinity)
                case "-inf": value = .double(-.infinity)
                default: value = .double(.nan)
                }
            } else {
                value = .double(try c.decode(Double.self, forKey: .value))
            }
        case "string": value = .string(try c.decode(String.self, forKey: .value))
        case "bytes":
            let text = try c.decode(String.self, forKey: .base64)
            guard let data = Data(base64Encoded: text) else {
                throw DecodingError.dataCorruptedError(forKey: .base64, in: c, debugDescription: "bad base64")
            }
            value = .bytes(Array(data))
        case "list": value = .list(try c.decode([TypedValue].self, forKey: .values).map(\.value))
        case "map":
            var m = CELMap()
            for pair in try c.decode([[TypedValue]].self, forKey: .entries) where pair.count == 2 {
                m.insert(pair[0].value, pair[1].value)
            }
            value = .map(m)
        default:
            throw DecodingError.dataCorruptedError(forKey: .type, in: c, debugDescription: "unknown type \(type)")
        }
    }
}

struct ConformanceCase: Decodable {
    let file: String
    let section: String
    let name: String
    let expr: String
    let bindings: [String: TypedValue]?
    let value: TypedValue?
    let error: String?
}

enum CELConformance {
    static var packageRoot: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static var folder: URL {
        let root: URL
        if let env = ProcessInfo.processInfo.environment["EVIDENT_CONFORMANCE"], !env.isEmpty {
            root = URL(fileURLWithPath: env)
        } else {
            root = packageRoot.appendingPathComponent("../shared/conformance").standardizedFileURL
        }
        return root.appendingPathComponent("cel-spec")
    }

    /// The scope rule of the conformance README: protocol-buffer messages, timestamps, durations, type
    /// values and literals, `dyn()` and optionals are out of scope.
    static let excluded: NSRegularExpression? = try? NSRegularExpression(pattern: #"""
        google\.protobuf|TestAllTypes|[A-Za-z_][\w.]*\s*\{|\bdyn\s*\(|\btimestamp\b|\bduration\b|\btype\b\
        |\bnull_type\b|optional|\.\?|\b(int|uint|double|string|bool|bytes|list|map)\b(?!\s*\()
        """#)

    static func isExcluded(_ expr: String) -> Bool {
        excluded?.firstMatch(in: expr, range: NSRange(expr.startIndex..., in: expr)) != nil
    }
}

@Suite struct CELConformanceTests {
    /// Whether an out-of-scope case happens to pass (parsed, and the expected value or an error).
    static func passes(_ c: ConformanceCase) -> Bool {
        guard let program = try? CELProgram(c.expr) else { return false }
        do {
            let result = try program.evaluate((c.bindings ?? [:]).mapValues(\.value))
            return c.value.map { result.identical(to: $0.value) } ?? false
        } catch {
            return c.error != nil
        }
    }

    @Test func conformanceSuite() throws {
        let folder = CELConformance.folder
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?
            .filter { $0.hasSuffix(".json") }.sorted() ?? []
        guard !files.isEmpty else {
            print("CEL conformance: SKIPPED - no cel-spec data at \(folder.path) "
                  + "(set EVIDENT_CONFORMANCE to the conformance folder)")
            return
        }
        #expect(CELConformance.excluded != nil)
        var inScope = 0
        var passed = 0
        var excluded = 0
        var excludedPassing = 0
        var failures: [String] = []
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let cases = try JSONDecoder().decode([ConformanceCase].self, from: data)
            for c in cases {
                if CELConformance.isExcluded(c.expr) {
                    excluded += 1
                    if Self.passes(c) { excludedPassing += 1 }
                    continue
                }
                inScope += 1
                let label = "\(c.file)/\(c.section)/\(c.name): \(c.expr)"
                let program: CELProgram
                do {
                    program = try CELProgram(c.expr)
                } catch {
                    failures.append("\(label): parse error \(error)")
                    continue
                }
                let bindings = (c.bindings ?? [:]).mapValues(\.value)
                do {
                    let result = try program.evaluate(bindings)
                    if let expected = c.value?.value, result.identical(to: expected) {
                        passed += 1
                    } else {
                        failures.append("\(label): got \(result.typedJSON), expected \(c.value?.value.typedJSON ?? "error \(c.error ?? "")")")
                    }
                } catch {
                    if c.error != nil {
                        passed += 1
                    } else {
                        failures.append("\(label): error \(error), expected \(c.value?.value.typedJSON ?? "?")")
                    }
                }
            }
        }
        print("CEL conformance: \(inScope) in scope, \(passed) pass, \(excluded) excluded")
        print("CEL conformance (informational): \(excludedPassing) of the \(excluded) excluded cases pass as well")
        for f in failures { print("CEL conformance failure: \(f)") }
        #expect(passed == inScope, "\(failures.count) in-scope CEL conformance cases fail")
        #expect(inScope > 0)
    }
}

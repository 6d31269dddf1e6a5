import EvidentCore
import EvidentEvaluators
import Foundation
import Testing

/// Runs every example of every built-in evaluator, SwiftLint-style: a failure is reported at the line
/// of the example that broke.
struct ExampleCase: Sendable, CustomTestStringConvertible {
    let evaluator: any Evaluator.Type
    let example: EvaluatorExample
    var testDescription: String { "\(evaluator.descriptor.id): \(example.name)" }
}

enum ExampleRunner {
    static var allCases: [ExampleCase] {
        BuiltinEvaluators.all.flatMap { type in type.descriptor.examples.map { ExampleCase(evaluator: type, example: $0) } }
    }

    static func location(_ example: EvaluatorExample) -> Testing.SourceLocation {
        Testing.SourceLocation(fileID: "EvidentEvaluators/\((example.file as NSString).lastPathComponent)",
                               filePath: example.file, line: example.line, column: 1)
    }

    /// Loads the example, runs the evaluator, and returns the outcome (or records why it could not).
    static func run(_ type: any Evaluator.Type, _ example: EvaluatorExample, reversed: Bool = false) -> CheckOutcome? {
        let at = location(example)
        var snapshot: Snapshot
        do {
            snapshot = try SnapshotLoader.load(Data(example.yaml.utf8), path: "example.yaml")
        } catch {
            Issue.record("example YAML does not load: \(error)", sourceLocation: at)
            return nil
        }
        if reversed { snapshot.resources.reverse() }
        var scans: ScanSet?
        if let reports = example.scans {
            do {
                scans = ScanSet(try reports.enumerated().map { i, text throws(LoadError) in
                    try ScanLoader.load(Data(text.utf8), path: "scan\(i).json")
                })
            } catch {
                Issue.record("example scan report does not load: \(error)", sourceLocation: at)
                return nil
            }
        }
        let context = EvaluationContext(index: SnapshotIndex(snapshot), parameters: Parameters(example.parameters),
                                        now: Date(timeIntervalSince1970: 1_790_000_000), scans: scans)
        do {
            return try type.init().evaluate(context)
        } catch {
            Issue.record("evaluator threw: \(error)", sourceLocation: at)
            return nil
        }
    }

    static func failing(_ outcome: CheckOutcome) -> [String] {
        Set(outcome.findings.filter { $0.status == .fail }.map { $0.resource?.description ?? "cluster" }).sorted()
    }
}

@Suite("Evaluator examples")
struct EvaluatorExampleTests {
    @Test("each example gives the declared verdict", arguments: ExampleRunner.allCases)
    func example(_ item: ExampleCase) {
        let at = ExampleRunner.location(item.example)
        guard let outcome = ExampleRunner.run(item.evaluator, item.example) else { return }
        if let status = item.example.expectedStatus {
            let got: ControlStatus? = switch outcome.verdict {
            case .ran: nil
            case .notApplicable: .notApplicable
            case .needsEvidence: .needsEvidence
            }
            if got != status {
                Issue.record("expected \(status.rawValue), got \(outcome.verdict)", sourceLocation: at)
            }
            return
        }
        let expected = Set(item.example.failing).sorted()
        let actual = ExampleRunner.failing(outcome)
        if actual != expected {
            Issue.record("""
                expected failing \(expected), got \(actual); messages: \
                \(outcome.findings.map { "\($0.resource?.description ?? "cluster"): \($0.message)" })
                """, sourceLocation: at)
        }
        if outcome.verdict == .ran, expected.isEmpty, outcome.evaluated == 0 {
            // A passing example must exercise the check, or it proves nothing.
            Issue.record("passing example evaluated nothing", sourceLocation: at)
        }
        for finding in outcome.findings where finding.message.isEmpty {
            Issue.record("finding without a message on \(finding.resource?.description ?? "cluster")", sourceLocation: at)
        }
    }

    @Test("input order does not change findings", arguments: ExampleRunner.allCases)
    func orderIndependent(_ item: ExampleCase) {
        guard item.example.expectedStatus == nil,
              let a = ExampleRunner.run(item.evaluator, item.example),
              let b = ExampleRunner.run(item.evaluator, item.example, reversed: true) else { return }
        let key = { (o: CheckOutcome) in o.findings.map { Finding.sortKey($0).joined(separator: "|") + "|\($0.pods ?? -1)" }.sorted() }
        #expect(key(a) == key(b), sourceLocation: ExampleRunner.location(item.example))
        #expect(a.evaluated == b.evaluated, sourceLocation: ExampleRunner.location(item.example))
    }

    @Test("every evaluator has a passing and a failing example, and a unique id")
    func coverage() {
        var seen: Set<String> = []
        for type in BuiltinEvaluators.all {
            let d = type.descriptor
            #expect(seen.insert(d.id).inserted, "duplicate evaluator id \(d.id)")
            #expect(d.examples.contains { $0.failing.isEmpty && $0.expectedStatus == nil }, "\(d.id) has no passing example")
            #expect(d.examples.contains { !$0.failing.isEmpty }, "\(d.id) has no failing example")
            #expect(!d.summary.isEmpty && !d.title.isEmpty, "\(d.id) lacks a title or summary")
        }
    }
}

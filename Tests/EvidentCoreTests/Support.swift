@testable import EvidentCore
import Foundation
import Testing

/// Evaluators for engine and loader tests: their findings come from the snapshot's ConfigMaps.
/// A ConfigMap labelled `fail: <check>` fails that check; `error: <check>` makes it throw.
struct LabelledFailures: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "labelled", title: "test", summary: "ConfigMaps labelled fail=<check> fail.",
        parameters: [EvaluatorParameter("check", "the check name the labels refer to")], examples: [])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let check = context.parameters.string("check") ?? ""
        let maps = context.index.resources(ofKind: "ConfigMap")
        if maps.contains(where: { $0.labels["error"] == check }) { throw EvaluationError("boom") }
        let failing = maps.filter { $0.labels["fail"] == check }
        return CheckOutcome(evaluated: maps.count, findings: failing.map {
            Finding(on: $0, path: "data", observed: "x", expected: "y", message: "\($0.name) fails \(check)", image: "docker.io/library/nginx:1")
        })
    }
}

struct NeedsNodes: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "needs-nodes", title: "test", summary: "Needs Node objects and a parameter.",
        parameters: [EvaluatorParameter("floor", "a floor", required: true)], requiredKinds: ["Node"], examples: [])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        CheckOutcome(evaluated: context.index.resources(ofKind: "Node").count, findings: [])
    }
}

enum TestData {
    static let registry = EvaluatorRegistry([LabelledFailures.self, NeedsNodes.self])

    static let catalog = """
        kind: ControlCatalog
        schemaVersion: 1
        id: test-catalog
        title: Test catalog
        version: "1"
        parameters:
          - {id: floor, type: string, description: a floor without default}
          - {id: names, type: list<string>, default: [a], description: names}
        families:
          - id: fam
            title: Family
            controls:
              - id: auto-1
                title: Automated one
                statement: Checks a.
                objectives: [{id: auto-1_obj.1, text: a}]
                severity: high
                mode: automated
                parameters: [names]
                checks:
                  - {id: a, evaluator: labelled, objective: auto-1_obj.1, with: {check: a}}
                  - {id: b, evaluator: labelled, with: {check: b}}
              - id: auto-2
                title: Automated two
                statement: Needs nodes.
                severity: low
                mode: automated
                checks:
                  - {id: nodes, evaluator: needs-nodes}
              - id: part-1
                title: Partial
                statement: Checks c plus a person.
                severity: medium
                mode: partial
                checks:
                  - {id: c, evaluator: labelled, with: {check: c}}
              - id: man-1
                title: Manual
                statement: A person decides.
                severity: critical
                mode: manual
        """

    static func loadCatalog(_ text: String = catalog) throws -> Catalog {
        try CatalogLoader.load(text, path: "catalog.yaml", registry: registry)
    }

    static func loadPlan(_ text: String) throws -> (plan: SecurityPlan, catalogs: [Catalog]) {
        let catalog = try loadCatalog()
        return try PlanLoader.load(text, path: "plan.yaml", registry: registry) { reference, _, at throws(LoadError) in
            guard reference == catalog.id else { throw LoadError("unknown catalog '\(reference)'", at: at, word: reference) }
            return catalog
        }
    }

    static func snapshot(_ yaml: String) throws -> SnapshotIndex {
        SnapshotIndex(try SnapshotLoader.load(Data(yaml.utf8), path: "snapshot.yaml"))
    }

    static let plan = """
        kind: SecurityPlan
        schemaVersion: 1
        id: test-plan
        title: Test plan
        version: 1.0.0
        catalogs:
          - id: test-catalog
        """

    static func date(_ text: String) -> Date { Timestamp.parse(text) ?? .distantPast }
}

import EvidentCore
import EvidentEvaluators
@testable import EvidentReport
import Foundation
import Testing

@Suite("Secrets never reach a report")
struct SecretTests {
    static let canary = "CANARY-SECRET-VALUE-7f3a9c"

    static let snapshot = """
        apiVersion: v1
        kind: Secret
        metadata: {name: db, namespace: shop}
        data: {password: \(Data(canary.utf8).base64EncodedString())}
        stringData: {token: \(canary)}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
          namespace: shop
          annotations:
            kubectl.kubernetes.io/last-applied-configuration: '{"env":"\(canary)"}'
        spec:
          template:
            spec:
              containers:
              - name: app
                image: registry.example.com/web:1.0
                env:
                - {name: DB_PASSWORD, value: \(canary)}
                - {name: API_TOKEN, valueFrom: {secretKeyRef: {name: db, key: password}}}
        """

    /// Runs a real evaluator on a snapshot holding the canary, and renders what it found.
    @Test("a value placed only in a Secret and an env var appears in no format")
    func canaryAbsent() throws {
        let snapshot = try SnapshotLoader.load(Data(Self.snapshot.utf8), path: "snapshot.yaml")
        let evaluator = try #require(BuiltinEvaluators.all.first { $0.descriptor.id == "read-only-root-filesystem" })
        let outcome = try evaluator.init().evaluate(EvaluationContext(index: SnapshotIndex(snapshot),
                                                                      parameters: Parameters(), now: Fixtures.now))
        #expect(!outcome.findings.isEmpty)
        var result = Fixtures.auditResult()
        result.controls[0].findings = outcome.findings.map {
            var f = $0
            f.check = "read-only-root-filesystem"
            return f
        }
        result.resourceCounts = snapshot.resources.map { (kind: $0.kind, count: 1) }
        let rendered = try Support.renderAll(result, Support.options(includePassing: true))
        for (name, text) in rendered.all {
            #expect(!text.contains(Self.canary), "\(name) leaks the canary")
            #expect(!text.contains(Data(Self.canary.utf8).base64EncodedString()), "\(name) leaks the canary (base64)")
        }
        #expect(rendered.json.contains("Deployment") && rendered.json.contains("\"web\""))
    }
}

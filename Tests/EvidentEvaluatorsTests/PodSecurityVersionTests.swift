import EvidentCore
import EvidentEvaluators
import Foundation
import Testing

/// How the Pod Security checks pick their version: `pss_version`, overridden per namespace by a valid
/// `pod-security.kubernetes.io/enforce-version` label.
@Suite("Pod Security versions")
struct PodSecurityVersionTests {
    /// A namespace (optionally labelled) with one pod that runs as UID 0, which `runAsUser` flags from v1.23.
    static func snapshot(label: String?) throws -> SnapshotIndex {
        let labels = label.map { "\n  labels: {pod-security.kubernetes.io/enforce-version: \"\($0)\"}" } ?? ""
        let yaml = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: apps\(labels)
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: root, namespace: apps}
            spec:
              securityContext: {runAsUser: 0}
              containers:
              - {name: app, image: registry.example.com/app:1}
            """
        return SnapshotIndex(try SnapshotLoader.load(Data(yaml.utf8), path: "versions.yaml"))
    }

    static func runAsUserFindings(label: String?, version: Value?) throws -> Int {
        guard let type = BuiltinEvaluators.all.first(where: { $0.descriptor.id == "pss-runAsUser" }) else {
            Issue.record("pss-runAsUser is not registered")
            return -1
        }
        let parameters = Parameters(version.map { ["pss_version": $0] } ?? [:])
        let context = EvaluationContext(index: try snapshot(label: label), parameters: parameters,
                                        now: Date(timeIntervalSince1970: 1_790_000_000))
        return try type.init().evaluate(context).findings.count
    }

    @Test("the parameter picks the version; unset means latest")
    func parameter() throws {
        #expect(try Self.runAsUserFindings(label: nil, version: nil) == 1)
        #expect(try Self.runAsUserFindings(label: nil, version: .string("latest")) == 1)
        #expect(try Self.runAsUserFindings(label: nil, version: .string("v1.23")) == 1)
        #expect(try Self.runAsUserFindings(label: nil, version: .string("v1.22")) == 0)
        #expect(try Self.runAsUserFindings(label: nil, version: .string("v1.99")) == 1, "future versions act as latest")
    }

    @Test("a valid namespace label wins over the parameter; an invalid one is ignored")
    func label() throws {
        #expect(try Self.runAsUserFindings(label: "v1.22", version: .string("latest")) == 0)
        #expect(try Self.runAsUserFindings(label: "latest", version: .string("v1.22")) == 1)
        #expect(try Self.runAsUserFindings(label: "1.22", version: .string("latest")) == 1)
        #expect(try Self.runAsUserFindings(label: "v1.022", version: .string("v1.22")) == 0)
    }

    @Test("an invalid pss_version is an error, not a pass", arguments: ["1.29", "v2.0", "v1.", "newest", "v1.-3"])
    func invalidParameter(_ text: String) {
        #expect(throws: EvaluationError.self) { try Self.runAsUserFindings(label: nil, version: .string(text)) }
    }

    @Test("an invalid namespace label is reported as a diagnostic")
    func invalidLabelDiagnostic() throws {
        guard let type = BuiltinEvaluators.all.first(where: { $0.descriptor.id == "pss-runAsUser" }) else {
            Issue.record("pss-runAsUser is not registered")
            return
        }
        let bad = type.diagnostics(for: try Self.snapshot(label: "1.22"), parameters: Parameters())
        #expect(bad.count == 1)
        #expect(bad.first?.message.contains("'1.22'") == true)
        #expect(bad.first?.location?.line == 1)
        #expect(type.diagnostics(for: try Self.snapshot(label: "v1.22"), parameters: Parameters()).isEmpty)
    }
}

import EvidentCore
@testable import EvidentEvaluators
import Foundation
import Testing

@Suite("Node, network and namespace checks")
struct ClusterEvaluatorTests {
    static func run(_ type: any Evaluator.Type, _ yaml: String, _ parameters: [String: Value] = [:])
        throws -> CheckOutcome {
        let snapshot = try SnapshotLoader.load(Data(yaml.utf8), path: "test.yaml")
        let context = EvaluationContext(index: SnapshotIndex(snapshot), parameters: Parameters(parameters),
                                        now: Date(timeIntervalSince1970: 0))
        return try type.init().evaluate(context)
    }

    static func pods(_ count: Int, namespace: String = "shop") -> String {
        (1...count).map { i in
            """
            apiVersion: v1
            kind: Pod
            metadata: {name: p\(i), namespace: \(namespace), labels: {n: "\(i)"}}
            spec: {containers: [{name: c, image: r/c:1}]}
            """
        }.joined(separator: "\n---\n")
    }

    @Test("default deny counts the open workloads and names the first few")
    func defaultDenyMessage() throws {
        let yaml = Self.pods(8) + """

            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: first, namespace: shop}
            spec:
              podSelector: {matchExpressions: [{key: n, operator: In, values: ["1"]}]}
            """
        let outcome = try Self.run(NamespaceDefaultDenyIngress.self, yaml)
        let finding = try #require(outcome.findings.first)
        #expect(outcome.findings.count == 1)
        #expect(finding.resource == ResourceReference(apiVersion: "v1", kind: "Namespace", namespace: nil, name: "shop"))
        #expect(finding.source == nil)
        #expect(finding.observed == "7 of 8 workloads not isolated")
        #expect(finding.message.hasSuffix("Pod p2, Pod p3, Pod p4, Pod p5, Pod p6 and 2 more"))
    }

    @Test("a namespace without workloads is not evaluated")
    func defaultDenyNotApplicable() throws {
        let outcome = try Self.run(NamespaceDefaultDenyEgress.self, """
            apiVersion: v1
            kind: Namespace
            metadata: {name: empty}
            """)
        #expect(outcome.evaluated == 0)
        #expect(outcome.findings.isEmpty)
    }

    @Test("bad arguments are errors, not passes")
    func badArguments() {
        let nodes = """
            apiVersion: v1
            kind: Node
            metadata: {name: n1}
            status: {nodeInfo: {kubeletVersion: v1.29.0, containerRuntimeVersion: "containerd://1.7.0"}}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: shop, labels: {data-sensitivity: high}}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: lb, namespace: shop}
            spec: {type: LoadBalancer}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: p, namespace: shop}
            spec: {podSelector: {}}
            """
        #expect(throws: EvaluationError.self) {
            try Self.run(PublicExposureZone.self, nodes, ["public_zone_label": .string("public")])
        }
        #expect(throws: EvaluationError.self) {
            try Self.run(EgressOpenCIDR.self, nodes, ["sensitive_level": .string("secret")])
        }
        #expect(throws: EvaluationError.self) {
            try Self.run(KubeletVersionFloor.self, nodes, ["min_kubelet_version": .string("latest")])
        }
        #expect(throws: EvaluationError.self) {
            try Self.run(ContainerRuntimeVersion.self, nodes,
                         ["runtime_version_floors": .map(["containerd": .string("new")])])
        }
        #expect(throws: EvaluationError.self) {
            try Self.run(KubeletVersionFloor.self, nodes, ["min_kubelet_version": .double(1.3)])
        }
        #expect(throws: EvaluationError.self) {
            try Self.run(ContainerRuntimeVersion.self, nodes, ["runtime_version_floors": .map(["containerd": .double(1.7)])])
        }
        #expect(throws: EvaluationError.self) {
            try Self.run(KubeletVersionSkew.self, nodes, ["max_kubelet_minor_skew": .string("one")])
        }
    }

    @Test("an unknown sensitivity level counts as sensitive for open egress")
    func unknownLevelIsSensitive() throws {
        let outcome = try Self.run(EgressOpenCIDR.self, """
            apiVersion: v1
            kind: Namespace
            metadata: {name: vault, labels: {data-sensitivity: secret}}
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: out, namespace: vault}
            spec:
              podSelector: {}
              egress: [{to: [{ipBlock: {cidr: 0.0.0.0/0}}]}]
            """)
        #expect(outcome.findings.map(\.path) == ["spec.egress[0].to[0].ipBlock"])
    }

    @Test("one complete sensor is enough even when another matching DaemonSet is short")
    func oneSensorSuffices() throws {
        let outcome = try Self.run(RuntimeSensorDaemonSet.self, """
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: otel-collector, namespace: observability}
            spec: {template: {spec: {containers: [{name: c, image: r/otel:1}]}}}
            status: {desiredNumberScheduled: 1, numberReady: 0}
            ---
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: falco, namespace: falco}
            spec: {template: {spec: {containers: [{name: c, image: r/falco:1}]}}}
            status: {desiredNumberScheduled: 1, numberReady: 1}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: n1}
            """)
        #expect(outcome.findings.isEmpty)
        #expect(outcome.evaluated == 2)
    }

    @Test("drift reports each differing field once, with the pool's common value expected")
    func driftFields() throws {
        let outcome = try Self.run(NodeVersionDrift.self, """
            apiVersion: v1
            kind: Node
            metadata: {name: a, labels: {agentpool: sys}}
            status: {nodeInfo: {osImage: Ubuntu 22.04, containerRuntimeVersion: "containerd://1.7.1"}}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: b, labels: {agentpool: sys}}
            status: {nodeInfo: {osImage: Ubuntu 22.04, containerRuntimeVersion: "containerd://1.7.1"}}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: c, labels: {agentpool: sys}}
            status: {nodeInfo: {osImage: Ubuntu 20.04}}
            ---
            apiVersion: v1
            kind: Node
            metadata: {name: d, labels: {agentpool: user}}
            status: {nodeInfo: {osImage: Ubuntu 20.04}}
            """)
        let fields = outcome.findings.map { "\($0.resource?.name ?? "") \($0.path ?? "") \($0.expected ?? "")" }.sorted()
        #expect(fields == [
            "c status.nodeInfo.containerRuntimeVersion containerd://1.7.1",
            "c status.nodeInfo.osImage Ubuntu 22.04",
        ])
    }

    @Test("a required affinity pins only when every term demands the level")
    func pinningTerms() throws {
        func spec(_ terms: String) throws -> Value {
            let snapshot = try SnapshotLoader.load(Data("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: t}
                spec:
                  affinity:
                    nodeAffinity:
                      requiredDuringSchedulingIgnoredDuringExecution:
                        nodeSelectorTerms: \(terms)
                """.utf8), path: "t.yaml")
            return snapshot.resources.first?.spec ?? .null
        }
        let s = "data-sensitivity"
        #expect(SensitivityNodePinning.pins(
            try spec("[{matchExpressions: [{key: \(s), operator: In, values: [high]}, {key: zone, operator: Exists}]}]"),
            label: s, level: "high"))
        #expect(!SensitivityNodePinning.pins(
            try spec("[{matchExpressions: [{key: \(s), operator: In, values: [high, low]}]}]"), label: s, level: "high"))
        #expect(!SensitivityNodePinning.pins(
            try spec("[{matchExpressions: [{key: \(s), operator: NotIn, values: [low]}]}]"), label: s, level: "high"))
        #expect(!SensitivityNodePinning.pins(try spec("[]"), label: s, level: "high"))
    }
}

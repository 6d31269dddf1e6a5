import EvidentCore

/// What the node checks read from a Node object.
struct NodeFacts: Sendable {
    /// Labels that name a node's pool, in the order they are tried.
    static let poolLabels = [
        "node.kubernetes.io/pool", "eks.amazonaws.com/nodegroup", "cloud.google.com/gke-nodepool", "agentpool",
    ]

    let node: Resource

    init(_ node: Resource) { self.node = node }

    var name: String { node.name }
    var nodeInfo: Value { node.status["nodeInfo"] ?? .null }
    var kubeletVersion: String? { nodeInfo["kubeletVersion"]?.string }
    var containerRuntimeVersion: String? { nodeInfo["containerRuntimeVersion"]?.string }
    var kernelVersion: String? { nodeInfo["kernelVersion"]?.string }
    var osImage: String? { nodeInfo["osImage"]?.string }

    /// `spec.unschedulable: true` (cordoned).
    var isCordoned: Bool { node.spec["unschedulable"]?.bool == true }

    /// Linux by its `kubernetes.io/os` label, or when the label is absent.
    var isLinux: Bool { (node.labels["kubernetes.io/os"] ?? "linux") == "linux" }

    /// The `spec.taints` entries, as (key, value, effect).
    var taints: [(key: String, value: String?, effect: String)] {
        (node.spec["taints"]?.items ?? []).compactMap { taint in
            guard let effect = taint["effect"]?.string else { return nil }
            return (taint["key"]?.string ?? "", taint["value"]?.string, effect)
        }
    }

    /// Whether some taint has one of `effects` (e.g. NoSchedule, NoExecute).
    func hasTaint(withEffect effects: Set<String>) -> Bool { taints.contains { effects.contains($0.effect) } }

    /// The pool, as `label=value` from the first pool label present, or nil (the cluster's one default pool).
    var pool: String? {
        for label in Self.poolLabels {
            if let value = node.labels[label] { return "\(label)=\(value)" }
        }
        return nil
    }

    /// Every Node of the snapshot, sorted by name.
    static func all(in index: SnapshotIndex) -> [NodeFacts] {
        index.nodes.values.sorted { $0.name < $1.name }.map(NodeFacts.init)
    }

    /// A version field that could not be read, for messages: `unset` or the text in quotes.
    static func unreadable(_ text: String?) -> String { text.map { "'\($0)'" } ?? "unset" }
}

import EvidentCore
import EvidentNetwork

/// The reachability analysis the network checks share, built once per snapshot and internal-CIDR list.
struct NetworkView {
    let analysis: NetworkAnalysis
    /// Addresses that are not the internet.
    let internalNetworks: IntervalSet

    static let internalCIDRsParameter = EvaluatorParameter(
        "internal_cidrs", "address ranges that are not the internet; default the private, shared, loopback and "
            + "link-local ranges, plus the pod and node networks of the Node objects")

    /// Reads `internal_cidrs` (default `network.md`'s list) and returns the shared analysis.
    static func of(_ context: EvaluationContext) throws(EvaluationError) -> NetworkView {
        try of(context.index, parameters: context.parameters)
    }

    static func of(_ index: SnapshotIndex, parameters: Parameters) throws(EvaluationError) -> NetworkView {
        let cidrs = parameters.stringList("internal_cidrs") ?? InternalNetworks.defaultCIDRs
        let (set, invalid) = InternalNetworks.ranges(cidrs: cidrs, index: index)
        guard invalid.isEmpty else {
            throw EvaluationError("internal_cidrs has entries that are not IPv4 CIDRs: \(invalid.joined(separator: ", "))")
        }
        let analysis = index.shared("network-analysis\u{1}" + set.description) {
            NetworkAnalysis(index: index, options: NetworkOptions(extraBoundaries: [set]))
        }
        return NetworkView(analysis: analysis, internalNetworks: set)
    }

    /// Policy problems (Calico selectors that do not parse, invalid ports, ...) as diagnostics.
    static func diagnostics(_ index: SnapshotIndex, parameters: Parameters) -> [Diagnostic] {
        guard let view = try? of(index, parameters: parameters) else { return [] }
        return view.analysis.problems.map(\.diagnostic)
    }

    /// The workloads of each namespace, sorted by kind and name.
    var workloadsByNamespace: [String: [Int]] {
        var out: [String: [Int]] = [:]
        for (w, workload) in analysis.workloads.enumerated() { out[workload.namespace, default: []].append(w) }
        return out.mapValues { list in
            list.sorted { (analysis.workloads[$0].kind, analysis.workloads[$0].name)
                < (analysis.workloads[$1].kind, analysis.workloads[$1].name) }
        }
    }

    /// Whether every pod of the workload is isolated in `direction`.
    func isIsolated(workload w: Int, _ direction: Direction) -> Bool {
        analysis.workloads[w].classes.allSatisfy { analysis.isIsolated(class: $0, direction) }
    }

    func usesHostNetwork(workload w: Int) -> Bool {
        analysis.workloads[w].classes.contains { analysis.classes[$0].hostNetwork }
    }

    /// The `Kind name` of a workload, as namespace messages list them.
    func shortName(_ w: Int) -> String { "\(analysis.workloads[w].kind) \(analysis.workloads[w].name)" }
}

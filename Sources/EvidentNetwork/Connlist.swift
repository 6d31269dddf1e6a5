import EvidentCore

/// One allowed connection in netpol-analyzer's "connlist" form.
public struct ConnlistLine: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `namespace/name[Kind]` or `first-last[External]`.
    public var source: String
    /// Like `source`.
    public var destination: String
    /// `All Connections`, `TCP 80,UDP 53`, ...
    public var connections: String

    public var description: String { "\(source) => \(destination) : \(connections)" }

    public static func < (a: Self, b: Self) -> Bool { a.description < b.description }
}

extension NetworkAnalysis {
    /// Every allowed connection between workloads and external blocks, sorted; with `focus`
    /// (`namespace/name` or `name`), only those of that workload.
    public func connlist(focus: String? = nil) -> [ConnlistLine] {
        let focused: Set<Int>? = focus.map { f in
            Set(workloads.indices.filter { w in
                let wl = workloads[w]
                return f == "\(wl.namespace)/\(wl.name)" || f == wl.name
            })
        }
        func wanted(_ w: Int) -> Bool { focused?.contains(w) ?? true }
        var lines: [ConnlistLine] = []
        for a in workloads.indices {
            for b in workloads.indices where a != b && (wanted(a) || wanted(b)) {
                let allowed = allowance(fromWorkload: a, toWorkload: b).connections
                if !allowed.isEmpty {
                    lines.append(ConnlistLine(source: workloads[a].connlistName,
                                              destination: workloads[b].connlistName,
                                              connections: allowed.description))
                }
            }
        }
        for w in workloads.indices where wanted(w) {
            for (i, block) in egressBlocks.enumerated() {
                let allowed = allowance(fromWorkload: w, toBlock: i).connections
                if !allowed.isEmpty {
                    lines.append(ConnlistLine(source: workloads[w].connlistName, destination: block.connlistName,
                                              connections: allowed.description))
                }
            }
            for (i, block) in ingressBlocks.enumerated() {
                let allowed = allowance(fromBlock: i, toWorkload: w).connections
                if !allowed.isEmpty {
                    lines.append(ConnlistLine(source: block.connlistName, destination: workloads[w].connlistName,
                                              connections: allowed.description))
                }
            }
        }
        return lines.sorted()
    }

    /// Problems that make a policy set invalid for `evident reach`: policy errors, and a Namespace or
    /// NetworkPolicy defined twice with different content among the inputs (before merging).
    public static func inputErrors(parts: [Snapshot], analysis: NetworkAnalysis) -> [String] {
        var errors = analysis.problems.filter(\.isError).map { "\($0.source): \($0.message)" }
        var seen: [ResourceID: Resource] = [:]
        for part in parts {
            for r in part.resources where r.kind == "Namespace" || r.kind == "NetworkPolicy" {
                if let earlier = seen[r.id], earlier.body != r.body {
                    errors.append("\(r.source): \(r.id) is defined twice (also at \(earlier.source)), "
                        + "with different content")
                }
                seen[r.id] = r
            }
        }
        return errors
    }
}

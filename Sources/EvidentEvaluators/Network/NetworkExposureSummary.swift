import EvidentCore
import EvidentNetwork

/// Builds the reports' "Network exposure" section from the analysis the network checks share:
/// workloads reachable from and able to reach the internet, cross-sensitivity paths, namespaces without
/// default deny, and namespace reachability aggregated by sensitivity group, so that it stays readable
/// for hundreds of namespaces. Exempt namespaces are left out, as the checks leave them out.
public enum NetworkExposureSummary {
    /// Rows per list; the totals count them all.
    public static let rowLimit = 50
    public static let reachableLimit = 10
    static let unlabelled = "unlabelled"

    /// The shared value the summary reads (`EvaluatorDescriptor.sharedWork`): the network analysis.
    public static let sharedWork = "network"

    /// The summary, or nil when the snapshot has no workloads or the parameters are unusable.
    public static func build(index: SnapshotIndex, parameters: Parameters) -> NetworkSummary? {
        guard let view = try? NetworkView.of(index, parameters: parameters),
              let convention = try? SensitivityConvention(parameters),
              let flows = try? CrossSensitivityPaths.flows(parameters, convention: convention) else { return nil }
        let analysis = view.analysis
        guard !analysis.workloads.isEmpty else { return nil }
        let byNamespace = view.workloadsByNamespace
        let namespaces = byNamespace.keys.sorted().filter { !parameters.isExempt($0) }
        guard !namespaces.isEmpty else { return nil }

        // Sensitivity: the group shown (a level, or unlabelled) and the rank (unlabelled is the lowest).
        var group: [String: String] = [:]
        var rank: [String: Int] = [:]
        for ns in namespaces {
            let value = convention.level(ofNamespace: ns, in: index)
            let known = value.flatMap { convention.rank($0) != nil ? $0 : nil }
            group[ns] = known ?? unlabelled
            rank[ns] = known.flatMap(convention.rank) ?? 0
        }
        let groups = (namespaces.contains { group[$0] == unlabelled } ? [unlabelled] : []) + convention.levels
        let groupIndex = Dictionary(uniqueKeysWithValues: groups.enumerated().map { ($1, $0) })
        func sortByLevel(_ a: (Int, String), _ b: (Int, String)) -> Bool { a.0 != b.0 ? a.0 > b.0 : a.1 < b.1 }

        // Namespace matrix, aggregated.
        let matrix = NamespaceMatrix(analysis)
        let included = Set(namespaces)
        var perGroup = Array(repeating: 0, count: groups.count)
        for ns in namespaces { perGroup[groupIndex[group[ns] ?? unlabelled] ?? 0] += 1 }
        var cells = groups.indices.map { g in
            groups.indices.map { h in
                NetworkSummary.GroupCell(connected: 0, total: perGroup[g] * perGroup[h] - (g == h ? perGroup[g] : 0))
            }
        }
        var reach: [NetworkSummary.NamespaceReach] = []
        var crossPairs: [(source: String, destination: String)] = []
        var crossTotal = 0
        var connectedPairs = 0
        // The most sensitive destinations first, then by name; sources come in name order.
        let destinations = matrix.namespaces.indices.filter { included.contains(matrix.namespaces[$0]) }
            .sorted { a, b in
                let na = matrix.namespaces[a], nb = matrix.namespaces[b]
                return (-(rank[na] ?? 0), na) < (-(rank[nb] ?? 0), nb)
            }
        // Per matrix namespace: included, group and rank as integers (the pairs can number millions).
        let isIncluded = matrix.namespaces.map { included.contains($0) }
        let groupOf = matrix.namespaces.map { groupIndex[group[$0] ?? unlabelled] ?? 0 }
        let rankOf = matrix.namespaces.map { rank[$0] ?? 0 }
        // Allowed level flows as a table over ranks (0 is unlabelled): looked up once per connected pair.
        let ranks = (rankOf.max() ?? 0) + 1
        var levelFlows = Array(repeating: false, count: ranks * ranks)
        for flow in flows.levels {
            guard let a = convention.rank(flow.from), let b = convention.rank(flow.to), (0..<ranks).contains(a),
                  (0..<ranks).contains(b) else { continue }
            levelFlows[a * ranks + b] = true
        }
        var flowSources: [String: Set<String>] = [:]
        for flow in flows.namespaces { flowSources[flow.to, default: []].insert(flow.from) }
        for d in destinations {
            let destination = matrix.namespaces[d]
            let to = groupOf[d], rd = rankOf[d]
            let nsFlowSources = flowSources[destination] ?? []
            var reachableFrom = 0
            matrix.sources[d].forEachMember { source in
                guard source != d, isIncluded[source] else { return }
                reachableFrom += 1
                cells[groupOf[source]][to].connected += 1
                let rs = rankOf[source]
                guard rs < rd, !levelFlows[rs * ranks + rd],
                      nsFlowSources.isEmpty || !nsFlowSources.contains(matrix.namespaces[source]) else { return }
                crossTotal += 1
                if crossPairs.count < rowLimit { crossPairs.append((matrix.namespaces[source], destination)) }
            }
            connectedPairs += reachableFrom
            reach.append(NetworkSummary.NamespaceReach(namespace: destination, level: group[destination] ?? unlabelled,
                                                       reachableFrom: reachableFrom))
        }
        reach = reach.filter { $0.reachableFrom > 0 }
            .sorted { ($0.reachableFrom, $1.namespace) > ($1.reachableFrom, $0.namespace) }
        let mostReachable = Array(reach.prefix(reachableLimit))

        // Cross-sensitivity paths (the first rows), each with an example and its policies.
        var classesOf: [String: [Int]] = [:]
        for (c, endpoint) in analysis.classes.enumerated() { classesOf[endpoint.namespace, default: []].append(c) }
        func name(_ c: Int) -> String { analysis.workloads[analysis.classWorkload[c]].name }
        let cross: [NetworkSummary.PathEntry] = crossPairs.map { pair in
            var example = ""
            var policies: [String] = []
            search: for b in (classesOf[pair.destination] ?? []).sorted(by: { name($0) < name($1) }) {
                let from = analysis.reachingSources(of: b)
                for a in (classesOf[pair.source] ?? []).sorted(by: { name($0) < name($1) }) where from.contains(a) {
                    let allowed = analysis.allowance(fromClass: a, toClass: b)
                    example = "\(name(a)) -> \(name(b)) (\(allowed.connections))"
                    policies = analysis.policyNames(allowed.allowedBy)
                    if allowed.unrestricted { policies.append("no policy (open)") }
                    break search
                }
            }
            return NetworkSummary.PathEntry(
                source: pair.source, sourceLevel: group[pair.source] ?? unlabelled, destination: pair.destination,
                destinationLevel: group[pair.destination] ?? unlabelled, example: example, policies: policies)
        }

        // Workload lists.
        let exposure = Exposure.of(analysis, index: index)
        var reachable: [(Int, String, NetworkSummary.WorkloadEntry)] = []
        var egress: [(Int, String, NetworkSummary.WorkloadEntry)] = []
        var gaps: [(Int, String, NetworkSummary.NamespaceGap)] = []
        for ns in namespaces {
            let workloads = byNamespace[ns] ?? []
            var open: [String: Int] = [:]
            for w in workloads {
                let workload = analysis.workloads[w]
                for direction in Direction.allCases where !view.isIsolated(workload: w, direction) {
                    open[direction.rawValue, default: 0] += 1
                }
                var into = Allowance.none, out = Allowance.none
                for c in workload.classes {
                    if let a = analysis.internetIngress(class: c, internalNetworks: view.internalNetworks) { into.formUnion(a) }
                    if let a = analysis.internetEgress(class: c, internalNetworks: view.internalNetworks) { out.formUnion(a) }
                }
                let level = group[ns] ?? unlabelled
                if let ways = exposure[w], !into.connections.isEmpty {
                    reachable.append((rank[ns] ?? 0, workload.displayName, NetworkSummary.WorkloadEntry(
                        workload: workload.displayName, level: level, connections: into.connections.description,
                        exposure: ways.joined(separator: ", "), policies: policies(into, analysis))))
                }
                if !out.connections.isEmpty {
                    egress.append((rank[ns] ?? 0, workload.displayName, NetworkSummary.WorkloadEntry(
                        workload: workload.displayName, level: level, connections: out.connections.description,
                        policies: policies(out, analysis))))
                }
            }
            if !open.isEmpty {
                gaps.append((rank[ns] ?? 0, ns, NetworkSummary.NamespaceGap(
                    namespace: ns, level: group[ns] ?? unlabelled,
                    directions: Direction.allCases.map(\.rawValue).filter { open[$0] != nil },
                    openWorkloads: workloads.filter { w in
                        Direction.allCases.contains { !view.isIsolated(workload: w, $0) }
                    }.count,
                    workloads: workloads.count)))
            }
        }
        func top<T>(_ rows: [(Int, String, T)]) -> [T] {
            rows.sorted { sortByLevel(($0.0, $0.1), ($1.0, $1.1)) }.prefix(rowLimit).map(\.2)
        }
        return NetworkSummary(
            namespaces: namespaces.count, workloads: analysis.workloads.filter { included.contains($0.namespace) }.count,
            connectedPairs: connectedPairs, groups: groups, matrix: cells, mostReachable: mostReachable,
            internetReachable: top(reachable), internetReachableTotal: reachable.count,
            internetEgress: top(egress), internetEgressTotal: egress.count,
            crossSensitivity: cross, crossSensitivityTotal: crossTotal,
            withoutDefaultDeny: top(gaps), withoutDefaultDenyTotal: gaps.count)
    }

    static func policies(_ allowed: Allowance, _ analysis: NetworkAnalysis) -> [String] {
        analysis.policyNames(allowed.allowedBy) + (allowed.unrestricted ? ["no policy (open)"] : [])
    }
}

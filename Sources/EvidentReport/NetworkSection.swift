import EvidentCore

/// The "Network exposure" section of the reports: the network summary as display strings, with the
/// namespace reachability aggregated into a sensitivity-group matrix (readable at any cluster size).
public struct NetworkSection: Sendable, Encodable {
    public struct Row: Sendable, Encodable {
        public let workload: String
        public let level: String
        public let connections: String
        public let exposure: String
        public let policies: String
    }

    public struct Path: Sendable, Encodable {
        public let source: String
        public let sourceLevel: String
        public let destination: String
        public let destinationLevel: String
        public let example: String
        public let policies: String
    }

    public struct Gap: Sendable, Encodable {
        public let namespace: String
        public let level: String
        public let directions: String
        public let open: String
    }

    public struct Cell: Sendable, Encodable {
        /// `12 / 40`.
        public let text: String
        /// `30%`.
        public let share: String
        /// 0 (none) to 4 (all pairs connected), for shading.
        public let heat: Int
        /// For a tooltip: `low → high: 12 of 40 namespace pairs can connect`.
        public let title: String
    }

    public struct MatrixRow: Sendable, Encodable {
        public let group: String
        public let cells: [Cell]
    }

    public struct Reach: Sendable, Encodable {
        public let namespace: String
        public let level: String
        public let count: Int
    }

    /// One sentence: namespaces, workloads, connected pairs.
    public let summary: String
    public let groups: [String]
    public let matrix: [MatrixRow]
    public let mostReachable: [Reach]
    public let hasMostReachable: Bool
    public let reachable: [Row]
    public let hasReachable: Bool
    public let reachableTotal: Int
    public let reachableMore: Int
    public let hasReachableMore: Bool
    public let egress: [Row]
    public let hasEgress: Bool
    public let egressTotal: Int
    public let egressMore: Int
    public let hasEgressMore: Bool
    public let paths: [Path]
    public let hasPaths: Bool
    public let pathsTotal: Int
    public let pathsMore: Int
    public let hasPathsMore: Bool
    public let gaps: [Gap]
    public let hasGaps: Bool
    public let gapsTotal: Int
    public let gapsMore: Int
    public let hasGapsMore: Bool

    static let cellLimit = 300

    init(_ s: NetworkSummary) {
        func cap(_ text: String) -> String { Text.capped(Text.line(text), Self.cellLimit) }
        func policies(_ list: [String]) -> String { cap(list.isEmpty ? "-" : list.joined(separator: ", ")) }
        let total = s.namespaces * max(0, s.namespaces - 1)
        summary = """
            \(Text.plural(s.namespaces, "namespace")) with \(Text.plural(s.workloads, "workload")); \
            \(s.connectedPairs) of \(total) ordered namespace pairs can open some connection.
            """
        groups = s.groups.map(cap)
        matrix = s.groups.indices.map { g in
            MatrixRow(group: cap(s.groups[g]), cells: s.groups.indices.map { h in
                let cell = g < s.matrix.count && h < s.matrix[g].count ? s.matrix[g][h]
                    : NetworkSummary.GroupCell(connected: 0, total: 0)
                let share = cell.total == 0 ? 0 : Double(cell.connected) / Double(cell.total)
                let heat = cell.connected == 0 ? 0 : min(4, 1 + Int(share * 3.999))
                return Cell(text: "\(cell.connected) / \(cell.total)",
                            share: cell.total == 0 ? "-" : "\(Int((share * 100).rounded()))%", heat: heat,
                            title: cap("\(s.groups[g]) → \(s.groups[h]): \(cell.connected) of \(cell.total) "
                                + "namespace pairs can connect"))
            })
        }
        mostReachable = s.mostReachable.map {
            Reach(namespace: cap($0.namespace), level: cap($0.level), count: $0.reachableFrom)
        }
        hasMostReachable = !mostReachable.isEmpty
        func row(_ e: NetworkSummary.WorkloadEntry) -> Row {
            Row(workload: cap(e.workload), level: cap(e.level), connections: cap(e.connections),
                exposure: cap(e.exposure.isEmpty ? "-" : e.exposure), policies: policies(e.policies))
        }
        reachable = s.internetReachable.map(row)
        hasReachable = !reachable.isEmpty
        reachableTotal = s.internetReachableTotal
        reachableMore = max(0, s.internetReachableTotal - reachable.count)
        hasReachableMore = reachableMore > 0
        egress = s.internetEgress.map(row)
        hasEgress = !egress.isEmpty
        egressTotal = s.internetEgressTotal
        egressMore = max(0, s.internetEgressTotal - egress.count)
        hasEgressMore = egressMore > 0
        paths = s.crossSensitivity.map {
            Path(source: cap($0.source), sourceLevel: cap($0.sourceLevel), destination: cap($0.destination),
                 destinationLevel: cap($0.destinationLevel), example: cap($0.example.isEmpty ? "-" : $0.example),
                 policies: policies($0.policies))
        }
        hasPaths = !paths.isEmpty
        pathsTotal = s.crossSensitivityTotal
        pathsMore = max(0, s.crossSensitivityTotal - paths.count)
        hasPathsMore = pathsMore > 0
        gaps = s.withoutDefaultDeny.map {
            Gap(namespace: cap($0.namespace), level: cap($0.level), directions: cap($0.directions.joined(separator: ", ")),
                open: "\($0.openWorkloads) of \($0.workloads)")
        }
        hasGaps = !gaps.isEmpty
        gapsTotal = s.withoutDefaultDenyTotal
        gapsMore = max(0, s.withoutDefaultDenyTotal - gaps.count)
        hasGapsMore = gapsMore > 0
    }
}

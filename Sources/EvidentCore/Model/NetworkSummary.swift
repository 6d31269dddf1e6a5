/// What the reports show about network exposure: computed by the network checks' engine after the
/// audit, kept as plain data so that the reports need no network code. Lists are capped; the totals say
/// how many there are.
public struct NetworkSummary: Sendable, Hashable {
    /// A workload and what it can do: `connections` such as `TCP 443`, how it is exposed, and the
    /// policies that allow it (empty when no policy restricts it).
    public struct WorkloadEntry: Sendable, Hashable {
        public var workload: String
        public var level: String
        public var connections: String
        public var exposure: String
        public var policies: [String]

        public init(workload: String, level: String, connections: String, exposure: String = "", policies: [String]) {
            self.workload = workload
            self.level = level
            self.connections = connections
            self.exposure = exposure
            self.policies = policies
        }
    }

    /// A namespace-to-namespace path from a lower to a higher sensitivity level.
    public struct PathEntry: Sendable, Hashable {
        public var source: String
        public var sourceLevel: String
        public var destination: String
        public var destinationLevel: String
        /// `web -> db (TCP 5432)`.
        public var example: String
        public var policies: [String]

        public init(source: String, sourceLevel: String, destination: String, destinationLevel: String,
                    example: String, policies: [String]) {
            self.source = source
            self.sourceLevel = sourceLevel
            self.destination = destination
            self.destinationLevel = destinationLevel
            self.example = example
            self.policies = policies
        }
    }

    /// A namespace where some pod is not isolated in a direction.
    public struct NamespaceGap: Sendable, Hashable {
        public var namespace: String
        public var level: String
        /// `Ingress`, `Egress` or both.
        public var directions: [String]
        public var openWorkloads: Int
        public var workloads: Int

        public init(namespace: String, level: String, directions: [String], openWorkloads: Int, workloads: Int) {
            self.namespace = namespace
            self.level = level
            self.directions = directions
            self.openWorkloads = openWorkloads
            self.workloads = workloads
        }
    }

    /// Namespace reachability between two sensitivity groups: `connected` of `total` ordered pairs of
    /// distinct namespaces have some allowed connection.
    public struct GroupCell: Sendable, Hashable {
        public var connected: Int
        public var total: Int

        public init(connected: Int, total: Int) {
            self.connected = connected
            self.total = total
        }
    }

    /// A namespace and how many other namespaces can reach it.
    public struct NamespaceReach: Sendable, Hashable {
        public var namespace: String
        public var level: String
        public var reachableFrom: Int

        public init(namespace: String, level: String, reachableFrom: Int) {
            self.namespace = namespace
            self.level = level
            self.reachableFrom = reachableFrom
        }
    }

    public var namespaces: Int
    public var workloads: Int
    /// Ordered pairs of distinct namespaces with some allowed connection.
    public var connectedPairs: Int
    /// Sensitivity groups, lowest first (`unlabelled` first when present), and the group-to-group cells:
    /// `matrix[from][to]`.
    public var groups: [String]
    public var matrix: [[GroupCell]]
    public var mostReachable: [NamespaceReach]
    public var internetReachable: [WorkloadEntry]
    public var internetReachableTotal: Int
    public var internetEgress: [WorkloadEntry]
    public var internetEgressTotal: Int
    public var crossSensitivity: [PathEntry]
    public var crossSensitivityTotal: Int
    public var withoutDefaultDeny: [NamespaceGap]
    public var withoutDefaultDenyTotal: Int

    public init(namespaces: Int, workloads: Int, connectedPairs: Int, groups: [String], matrix: [[GroupCell]],
                mostReachable: [NamespaceReach], internetReachable: [WorkloadEntry], internetReachableTotal: Int,
                internetEgress: [WorkloadEntry], internetEgressTotal: Int, crossSensitivity: [PathEntry],
                crossSensitivityTotal: Int, withoutDefaultDeny: [NamespaceGap], withoutDefaultDenyTotal: Int) {
        self.namespaces = namespaces
        self.workloads = workloads
        self.connectedPairs = connectedPairs
        self.groups = groups
        self.matrix = matrix
        self.mostReachable = mostReachable
        self.internetReachable = internetReachable
        self.internetReachableTotal = internetReachableTotal
        self.internetEgress = internetEgress
        self.internetEgressTotal = internetEgressTotal
        self.crossSensitivity = crossSensitivity
        self.crossSensitivityTotal = crossSensitivityTotal
        self.withoutDefaultDeny = withoutDefaultDeny
        self.withoutDefaultDenyTotal = withoutDefaultDenyTotal
    }
}

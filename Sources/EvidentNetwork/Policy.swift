import EvidentCore

/// A direction of traffic, seen from the endpoint a policy protects.
public enum Direction: String, Sendable, Hashable, CaseIterable {
    case ingress = "Ingress"
    case egress = "Egress"

    /// `ingress` / `egress`, for messages.
    public var word: String { rawValue.lowercased() }
}

/// What a matching rule does (Kubernetes rules are all Allow).
public enum RuleAction: String, Sendable, Hashable {
    case allow = "Allow"
    case deny = "Deny"
    case pass = "Pass"
    case log = "Log"
}

/// A named container port of an endpoint.
public struct NamedPort: Sendable, Hashable {
    /// The container port's protocol.
    public var proto: TransportProtocol
    /// The container port number.
    public var port: UInt32
}

/// One port item of a rule: a number or range, or a name resolved per destination endpoint.
public enum PortItem: Sendable, Hashable {
    case range(ClosedRange<UInt32>)
    case named(String)
}

/// The destination connections a rule matches: a union of entries, each a set of protocols with ports.
public struct PortMatch: Sendable, Hashable {
    /// Some protocols with their ports (a Kubernetes `ports` item, a Calico rule's protocol and ports).
    public struct Entry: Sendable, Hashable {
        /// The port-carrying protocols matched.
        public var protocols: Set<TransportProtocol>
        /// Whether the portless protocols (ICMP, ...) are included.
        public var other: Bool
        /// nil: every port.
        public var ports: [PortItem]?
        /// Ports taken out again (Calico `notPorts`).
        public var notPorts: [PortItem]
    }

    /// nil: every connection.
    public var entries: [Entry]?

    /// Every connection.
    public static let any = PortMatch(entries: nil)

    public var usesNamedPorts: Bool {
        (entries ?? []).contains { e in
            (e.ports ?? []).contains { if case .named = $0 { return true }; return false }
                || e.notPorts.contains { if case .named = $0 { return true }; return false }
        }
    }

    /// The connections matched towards a destination with these named ports (empty for an IP address).
    public func connections(namedPorts: [String: [NamedPort]]) -> ConnectionSet {
        guard let entries else { return .all }
        var result = ConnectionSet.none
        for entry in entries {
            var set = ConnectionSet.none
            for proto in entry.protocols {
                var ports = entry.ports.map { Self.resolve($0, proto, namedPorts) } ?? ConnectionSet.allPorts
                if !entry.notPorts.isEmpty { ports = ports.subtracting(Self.resolve(entry.notPorts, proto, namedPorts)) }
                set[proto] = ports
            }
            set.other = entry.other && entry.ports == nil
            result = result.union(set)
        }
        return result
    }

    private static func resolve(_ items: [PortItem], _ proto: TransportProtocol,
                                _ namedPorts: [String: [NamedPort]]) -> IntervalSet {
        var ranges: [ClosedRange<UInt32>] = []
        for item in items {
            switch item {
            case .range(let r): ranges.append(r)
            case .named(let name):
                for p in namedPorts[name] ?? [] where p.proto == proto { ranges.append(p.port...p.port) }
            }
        }
        return IntervalSet(ranges)
    }
}

/// A Kubernetes `NetworkPolicyPeer`.
public struct KubernetesPeer: Sendable, Hashable {
    /// nil: the policy's namespace.
    public var namespaceSelector: LabelSelector?
    /// nil: every pod of the selected namespaces.
    public var podSelector: LabelSelector?
    /// `cidr` minus `except`, and its index in the engine's block table.
    public var ipBlock: IntervalSet?
    var blockIndex: Int?
}

/// A Calico rule's `source` or `destination` (without its ports, which go to the rule's `PortMatch`).
public struct CalicoPeer: Sendable, Hashable {
    public var selector: CalicoSelector?
    public var notSelector: CalicoSelector?
    public var namespaceSelector: CalicoSelector?
    public var serviceAccountNames: [String]
    public var serviceAccountSelector: CalicoSelector?
    public var nets: IntervalSet?
    public var notNets: IntervalSet?
    var netsIndex: Int?
    var notNetsIndex: Int?

    /// True when the entity part names nothing: it then matches every endpoint and address.
    var isEmpty: Bool {
        selector == nil && notSelector == nil && namespaceSelector == nil && serviceAccountNames.isEmpty
            && serviceAccountSelector == nil && nets == nil && notNets == nil
    }

    /// Whether the peer restricts by labels (and so only matches endpoints and network sets).
    var selectsByLabels: Bool {
        selector != nil || notSelector != nil || namespaceSelector != nil || !serviceAccountNames.isEmpty
            || serviceAccountSelector != nil
    }
}

/// Which peers a rule matches.
public enum PeerSpec: Sendable, Hashable {
    case any
    /// Any of these (a Kubernetes `from` / `to` list).
    case kubernetes([KubernetesPeer])
    case calico(CalicoPeer)
}

/// One rule of one policy, in one direction.
public struct PolicyRule: Sendable, Hashable {
    public var action: RuleAction
    /// The remote side: the source of an ingress rule, the destination of an egress rule.
    public var peer: PeerSpec
    /// A Calico condition on the protected endpoint itself (an ingress rule's `destination`, an egress
    /// rule's `source`); nil when none.
    public var local: CalicoPeer?
    public var ports: PortMatch
    /// Index of the policy in the engine's list.
    public var policy: Int
}

/// Which endpoints a policy protects.
public enum EndpointSelection: Sendable, Hashable {
    /// Pods in `namespace` matching the selector.
    case kubernetes(namespace: String, LabelSelector)
    /// A Calico NetworkPolicy: endpoints in `namespace` matching the selector.
    case calicoNamespaced(namespace: String, CalicoSelector)
    /// A GlobalNetworkPolicy: endpoints matching the selector, in namespaces matching `namespaceSelector`.
    case calicoGlobal(CalicoSelector, namespaceSelector: CalicoSelector?)
    /// A policy that could not be read selects nothing.
    case nothing
}

/// A network policy of any supported kind, in the engine's common form.
public struct NetworkPolicy: Sendable {
    public enum Kind: String, Sendable {
        case kubernetes = "NetworkPolicy"
        case calico = "projectcalico.org NetworkPolicy"
        case calicoGlobal = "GlobalNetworkPolicy"
    }

    public var kind: Kind
    public var name: String
    public var namespace: String?
    public var tier: String
    /// nil: after every ordered policy of its tier.
    public var order: Double?
    public var types: Set<Direction>
    public var selection: EndpointSelection
    /// A Calico policy's `serviceAccountSelector`: only endpoints whose service account's labels match.
    public var serviceAccountSelector: CalicoSelector?
    public var ingress: [PolicyRule]
    public var egress: [PolicyRule]
    public var resource: Resource

    /// `NetworkPolicy shop/api`, `GlobalNetworkPolicy security.block`, as evidence names policies.
    public var displayName: String {
        let kindName = resource.kind == "NetworkPolicy" && kind == .calico ? "Calico NetworkPolicy" : resource.kind
        if let namespace { return "\(kindName) \(namespace)/\(name)" }
        return "\(kindName) \(name)"
    }

    public func rules(_ direction: Direction) -> [PolicyRule] { direction == .ingress ? ingress : egress }
}

/// A Calico Tier.
public struct Tier: Sendable, Hashable {
    public var name: String
    /// nil: after every ordered tier.
    public var order: Double?
    /// What happens when a policy of the tier selected the endpoint but no rule matched.
    public var defaultPass: Bool

    /// Calico's built-in `default` tier.
    public static let defaultTier = Tier(name: "default", order: 1_000_000, defaultPass: false)
}

/// A Calico NetworkSet (namespaced) or GlobalNetworkSet: labelled address ranges.
public struct NetworkSet: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var labels: [String: String]
    public var nets: IntervalSet
}

/// A problem found while reading policies: always tied to the policy (or other object) by name.
public struct PolicyProblem: Sendable, Hashable {
    /// Errors make a policy (or part of it) unusable; `evident reach` refuses to print with them.
    public var isError: Bool
    public var message: String
    public var source: SourceLocation

    public var diagnostic: Diagnostic {
        Diagnostic(.warning, message, at: source)
    }
}

/// The transport protocols whose ports the engine tracks. Every other protocol (ICMP, ICMPv6, UDPLite,
/// numbered protocols) is tracked as one portless bucket, `other`.
public enum TransportProtocol: String, Sendable, Hashable, CaseIterable, Comparable {
    case sctp = "SCTP"
    case tcp = "TCP"
    case udp = "UDP"

    /// Reads `TCP`, `udp`, `6`, ...; nil for protocols without ports (ICMP and the like).
    public init?(name: String) {
        switch name.uppercased() {
        case "TCP", "6": self = .tcp
        case "UDP", "17": self = .udp
        case "SCTP", "132": self = .sctp
        default: return nil
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// A set of connections: per transport protocol a set of destination ports (1-65535), plus whether
/// the portless protocols (ICMP and others) are included.
public struct ConnectionSet: Sendable, Hashable, CustomStringConvertible {
    /// Every port: 1-65535.
    public static let allPorts = IntervalSet(1...65535)

    /// SCTP destination ports.
    public var sctp: IntervalSet
    /// TCP destination ports.
    public var tcp: IntervalSet
    /// UDP destination ports.
    public var udp: IntervalSet
    /// ICMP, ICMPv6 and every other protocol without ports, as one bucket.
    public var other: Bool

    public init(sctp: IntervalSet = .empty, tcp: IntervalSet = .empty, udp: IntervalSet = .empty, other: Bool = false) {
        self.sctp = sctp
        self.tcp = tcp
        self.udp = udp
        self.other = other
    }

    /// No connection at all.
    public static let none = ConnectionSet()
    /// Every protocol and port.
    public static let all = ConnectionSet(sctp: allPorts, tcp: allPorts, udp: allPorts, other: true)

    /// The given ports of one protocol.
    public static func ports(_ proto: TransportProtocol, _ ports: IntervalSet) -> ConnectionSet {
        var set = ConnectionSet()
        set[proto] = ports
        return set
    }

    /// The ports of one protocol.
    public subscript(proto: TransportProtocol) -> IntervalSet {
        get {
            switch proto {
            case .tcp: return tcp
            case .udp: return udp
            case .sctp: return sctp
            }
        }
        set {
            switch proto {
            case .tcp: tcp = newValue
            case .udp: udp = newValue
            case .sctp: sctp = newValue
            }
        }
    }

    /// True when no connection is in the set.
    public var isEmpty: Bool { tcp.isEmpty && udp.isEmpty && sctp.isEmpty && !other }
    /// True when every protocol and port is in the set.
    public var isAll: Bool { self == .all }

    /// Connections in either set.
    public func union(_ o: ConnectionSet) -> ConnectionSet {
        if o.isEmpty || isAll { return self }
        if isEmpty || o.isAll { return o }
        return ConnectionSet(sctp: sctp.union(o.sctp), tcp: tcp.union(o.tcp), udp: udp.union(o.udp),
                             other: other || o.other)
    }

    /// Connections in both sets.
    public func intersection(_ o: ConnectionSet) -> ConnectionSet {
        if isAll { return o }
        if o.isAll { return self }
        return ConnectionSet(sctp: sctp.intersection(o.sctp), tcp: tcp.intersection(o.tcp),
                             udp: udp.intersection(o.udp), other: other && o.other)
    }

    /// Connections in this set but not in `o`.
    public func subtracting(_ o: ConnectionSet) -> ConnectionSet {
        if o.isEmpty { return self }
        if o.isAll { return .none }
        return ConnectionSet(sctp: sctp.subtracting(o.sctp), tcp: tcp.subtracting(o.tcp),
                             udp: udp.subtracting(o.udp), other: other && !o.other)
    }

    /// netpol-analyzer's wording: `All Connections` (every TCP, UDP and SCTP port), `No Connections`, or
    /// `TCP 80,8080-8090,UDP 53`
    /// (protocols in alphabetical order; the portless protocols last, as `ICMP+other`).
    public var description: String {
        // netpol-analyzer's vocabulary knows only TCP, UDP and SCTP: all their ports is "All Connections".
        if tcp == Self.allPorts && udp == Self.allPorts && sctp == Self.allPorts { return "All Connections" }
        if isEmpty { return "No Connections" }
        var parts: [String] = []
        for proto in TransportProtocol.allCases.sorted() where !self[proto].isEmpty {
            parts.append("\(proto.rawValue) \(self[proto])")
        }
        if other { parts.append("ICMP+other") }
        return parts.joined(separator: ",")
    }
}

import Foundation

/// IPv4 addresses and CIDR blocks as interval sets of 32-bit numbers. IPv6 blocks are not modelled:
/// parsing one returns nil and callers report that they skipped it.
public enum IPv4 {
    /// Every IPv4 address.
    public static let all = IntervalSet(0...UInt32.max)

    /// Parses a dotted quad (`10.1.2.3`).
    public static func address(_ text: String) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    /// Parses `a.b.c.d/n` (or a bare address, meaning /32) into the range it covers. Host bits are ignored,
    /// as Kubernetes and Calico do.
    public static func cidr(_ text: String) -> ClosedRange<UInt32>? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let pieces = trimmed.split(separator: "/", omittingEmptySubsequences: false)
        guard pieces.count <= 2, let base = address(String(pieces[0])) else { return nil }
        var length = 32
        if pieces.count == 2 {
            guard let n = Int(pieces[1]), (0...32).contains(n) else { return nil }
            length = n
        }
        if length == 0 { return 0...UInt32.max }
        let mask: UInt32 = length == 32 ? UInt32.max : ~(UInt32.max >> UInt32(length))
        let low = base & mask
        return low...(low | ~mask)
    }

    /// Whether the text looks like an IPv6 address or block (which the engine does not model).
    public static func isIPv6(_ text: String) -> Bool { text.contains(":") }

    /// `10.0.0.1`.
    public static func format(_ value: UInt32) -> String {
        "\(value >> 24).\(value >> 16 & 255).\(value >> 8 & 255).\(value & 255)"
    }

    /// `first-last`, as netpol-analyzer writes external peers.
    public static func format(_ range: ClosedRange<UInt32>) -> String {
        "\(format(range.lowerBound))-\(format(range.upperBound))"
    }

    /// A set of ranges as `first-last,first-last`.
    public static func format(_ set: IntervalSet) -> String {
        set.ranges.map { format($0) }.joined(separator: ",")
    }
}

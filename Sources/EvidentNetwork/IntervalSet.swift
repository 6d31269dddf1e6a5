/// A set of unsigned integers kept as sorted, disjoint, non-adjacent closed ranges: port sets and IPv4
/// address sets alike.
public struct IntervalSet: Sendable, Hashable, CustomStringConvertible {
    /// Sorted, disjoint and non-adjacent.
    public private(set) var ranges: [ClosedRange<UInt32>]

    public init() { ranges = [] }

    public init(_ range: ClosedRange<UInt32>) { ranges = [range] }

    public init<S: Sequence>(_ ranges: S) where S.Element == ClosedRange<UInt32> {
        self.ranges = []
        for r in ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) { appendSorted(r) }
    }

    /// The empty set.
    public static let empty = IntervalSet()

    /// True when the set holds no value.
    public var isEmpty: Bool { ranges.isEmpty }

    /// How many values the set holds (IPv4 /0 holds 2^32, hence UInt64).
    public var count: UInt64 {
        ranges.reduce(0) { $0 + UInt64($1.upperBound) - UInt64($1.lowerBound) + 1 }
    }

    private mutating func appendSorted(_ r: ClosedRange<UInt32>) {
        if let last = ranges.last, UInt64(r.lowerBound) <= UInt64(last.upperBound) + 1 {
            ranges[ranges.count - 1] = last.lowerBound...max(last.upperBound, r.upperBound)
        } else {
            ranges.append(r)
        }
    }

    /// Values in either set.
    public func union(_ other: IntervalSet) -> IntervalSet {
        if other.isEmpty { return self }
        if isEmpty { return other }
        var out = IntervalSet()
        var i = 0, j = 0
        while i < ranges.count || j < other.ranges.count {
            let takeMine = j >= other.ranges.count
                || (i < ranges.count && ranges[i].lowerBound <= other.ranges[j].lowerBound)
            if takeMine { out.appendSorted(ranges[i]); i += 1 } else { out.appendSorted(other.ranges[j]); j += 1 }
        }
        return out
    }

    /// Values in both sets.
    public func intersection(_ other: IntervalSet) -> IntervalSet {
        var out = IntervalSet()
        var i = 0, j = 0
        while i < ranges.count && j < other.ranges.count {
            let a = ranges[i], b = other.ranges[j]
            let lo = max(a.lowerBound, b.lowerBound), hi = min(a.upperBound, b.upperBound)
            if lo <= hi { out.ranges.append(lo...hi) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return out
    }

    /// Values in this set but not in `other`.
    public func subtracting(_ other: IntervalSet) -> IntervalSet {
        if other.isEmpty || isEmpty { return self }
        var out = IntervalSet()
        var j = 0
        for r in ranges {
            var lo = UInt64(r.lowerBound)
            let hi = UInt64(r.upperBound)
            while j < other.ranges.count && UInt64(other.ranges[j].upperBound) < lo { j += 1 }
            var k = j
            while k < other.ranges.count && UInt64(other.ranges[k].lowerBound) <= hi && lo <= hi {
                let cut = other.ranges[k]
                if UInt64(cut.lowerBound) > lo { out.ranges.append(UInt32(lo)...UInt32(UInt64(cut.lowerBound) - 1)) }
                lo = UInt64(cut.upperBound) + 1
                k += 1
            }
            if lo <= hi { out.ranges.append(UInt32(lo)...UInt32(hi)) }
        }
        return out
    }

    /// Whether `value` is in the set.
    public func contains(_ value: UInt32) -> Bool {
        ranges.contains { $0.contains(value) }
    }

    /// Whether every value of `other` is in this set.
    public func isSuperset(of other: IntervalSet) -> Bool { other.subtracting(self).isEmpty }

    /// Whether the sets share a value.
    public func overlaps(_ other: IntervalSet) -> Bool { !intersection(other).isEmpty }

    public var description: String {
        ranges.map { $0.lowerBound == $0.upperBound ? "\($0.lowerBound)" : "\($0.lowerBound)-\($0.upperBound)" }
            .joined(separator: ",")
    }
}

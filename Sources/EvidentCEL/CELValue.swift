// EvidentCEL: a small interpreter for the Common Expression Language (https://github.com/google/cel-spec).
//
// It is written here, by hand, because no maintained Swift implementation of CEL exists. It covers the
// dynamically typed subset that Kubernetes admission policies use: literals, field selection, `has()`,
// indexing, the logical operators with CEL's commutative error absorption, the ternary, comparisons and
// arithmetic, `in`, the string functions, the conversions and the macros. Protocol-buffer messages,
// timestamps, durations, type values and optionals are not supported.

/// A CEL value. Maps keep their insertion order (for deterministic iteration and output).
public enum CELValue: Sendable {
    // The cases are the CEL types of the same names.
    case null
    case bool(Bool)
    case int(Int64)
    case uint(UInt64)
    case double(Double)
    case string(String)
    case bytes([UInt8])
    case list([CELValue])
    case map(CELMap)

    /// The CEL type name (`int`, `list`, ...), as used in typed JSON and error messages.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .int: return "int"
        case .uint: return "uint"
        case .double: return "double"
        case .string: return "string"
        case .bytes: return "bytes"
        case .list: return "list"
        case .map: return "map"
        }
    }
}

/// A map key after CEL's numeric normalisation: `1`, `1u` and `1.0` name the same entry.
enum CELKey: Hashable, Sendable {
    case int(Int64)
    case uint(UInt64)
    case string(String)
    case bool(Bool)

    /// The key for a value, or nil when the value cannot be a map key.
    init?(_ value: CELValue, allowDouble: Bool) {
        switch value {
        case .int(let i): self = .int(i)
        case .uint(let u): self = u <= UInt64(Int64.max) ? .int(Int64(u)) : .uint(u)
        case .string(let s): self = .string(s)
        case .bool(let b): self = .bool(b)
        case .double(let d) where allowDouble:
            guard d.isFinite, d == d.rounded(.towardZero) else { return nil }
            if let i = Int64(exactly: d) {
                self = .int(i)
            } else if let u = UInt64(exactly: d) {
                self = .uint(u)
            } else {
                return nil
            }
        default: return nil
        }
    }
}

/// A CEL map: keys of type int, uint, string or bool, in insertion order.
public struct CELMap: Sendable {
    /// The keys in insertion order.
    public private(set) var keys: [CELValue] = []
    private var values: [CELKey: CELValue] = [:]

    /// An empty map.
    public init() {}

    /// Adds an entry. Returns false (and changes nothing) when the key is already present or cannot be a key.
    @discardableResult
    public mutating func insert(_ key: CELValue, _ value: CELValue) -> Bool {
        guard let k = CELKey(key, allowDouble: false), values[k] == nil else { return false }
        keys.append(key)
        values[k] = value
        return true
    }

    /// The value for `key` (numeric keys match across int, uint and double), or nil.
    public subscript(key: CELValue) -> CELValue? {
        guard let k = CELKey(key, allowDouble: true) else { return nil }
        return values[k]
    }

    /// The value for a string key.
    public subscript(string key: String) -> CELValue? { values[.string(key)] }

    /// The number of entries.
    public var count: Int { keys.count }

    /// The entries in insertion order.
    public var entries: [(key: CELValue, value: CELValue)] {
        keys.compactMap { key in self[key].map { (key, $0) } }
    }
}

// MARK: - Equality and ordering

extension CELValue {
    /// CEL's heterogeneous equality: numbers compare by value across int, uint and double; values of
    /// different kinds are unequal; lists and maps compare element by element.
    public func celEquals(_ other: CELValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a.utf8.elementsEqual(b.utf8)
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.list(let a), .list(let b)):
            guard a.count == b.count else { return false }
            return zip(a, b).allSatisfy { $0.celEquals($1) }
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            for (key, value) in a.entries {
                guard let theirs = b[key], value.celEquals(theirs) else { return false }
            }
            return true
        default:
            if let order = CELValue.compareNumbers(self, other) { return order == 0 }
            return false
        }
    }

    /// The numeric order of two numbers of any numeric types: -1, 0 or 1; nil for NaN or a non-number.
    static func compareNumbers(_ a: CELValue, _ b: CELValue) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case (.int(let x), .int(let y)): return sign(x, y)
        case (.uint(let x), .uint(let y)): return sign(x, y)
        case (.double(let x), .double(let y)):
            if x.isNaN || y.isNaN { return nil }
            return sign(x, y)
        case (.int(let x), .uint(let y)): return x < 0 ? -1 : sign(UInt64(x), y)
        case (.uint(let x), .int(let y)): return y < 0 ? 1 : sign(x, UInt64(y))
        case (.int(let x), .double(let y)): return compareIntDouble(x, y)
        case (.double(let x), .int(let y)): return compareIntDouble(y, x).map { -$0 }
        case (.uint(let x), .double(let y)): return compareUIntDouble(x, y)
        case (.double(let x), .uint(let y)): return compareUIntDouble(y, x).map { -$0 }
        default: return nil
        }
    }

    private static func compareIntDouble(_ i: Int64, _ d: Double) -> Int? {
        if d.isNaN { return nil }
        if d >= 9.223372036854775807e18 { return -1 }
        if d < -9.223372036854775808e18 { return 1 }
        let whole = d.rounded(.towardZero)
        let t = Int64(whole)
        if i != t { return i < t ? -1 : 1 }
        let frac = d - whole
        return frac > 0 ? -1 : (frac < 0 ? 1 : 0)
    }

    private static func compareUIntDouble(_ u: UInt64, _ d: Double) -> Int? {
        if d.isNaN { return nil }
        if d < 0 { return 1 }
        if d >= 1.8446744073709551615e19 { return -1 }
        let whole = d.rounded(.towardZero)
        let t = UInt64(whole)
        if u != t { return u < t ? -1 : 1 }
        return d > whole ? -1 : 0
    }
}

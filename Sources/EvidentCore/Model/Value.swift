/// A document value as read from JSON or YAML: the one generic tree that snapshots, plan parameters and
/// evaluator arguments share. Maps keep no key order; nothing downstream depends on it.
public enum Value: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case map([String: Value])

    /// The member `key` of a map, or nil for a missing key or a non-map.
    @inlinable
    public subscript(key: String) -> Value? {
        if case .map(let members) = self { return members[key] }
        return nil
    }

    /// The element at `index` of a list, or nil.
    @inlinable
    public subscript(index: Int) -> Value? {
        if case .list(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    @inlinable public var string: String? { if case .string(let s) = self { return s }; return nil }
    @inlinable public var bool: Bool? { if case .bool(let b) = self { return b }; return nil }
    @inlinable public var int: Int? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d == d.rounded() && abs(d) < 9.0e15: return Int(d)
        default: return nil
        }
    }
    @inlinable public var double: Double? {
        switch self {
        case .double(let d): return d
        case .int(let i): return Double(i)
        default: return nil
        }
    }
    @inlinable public var list: [Value]? { if case .list(let l) = self { return l }; return nil }
    @inlinable public var map: [String: Value]? { if case .map(let m) = self { return m }; return nil }
    @inlinable public var isNull: Bool { if case .null = self { return true }; return false }

    /// The elements of a list, or an empty array for anything else (missing lists are common in specs).
    @inlinable public var items: [Value] { list ?? [] }

    /// A map of string values (labels, annotations, nodeSelector); non-string members are skipped.
    public var stringMap: [String: String] {
        guard case .map(let members) = self else { return [:] }
        var out: [String: String] = [:]
        out.reserveCapacity(members.count)
        for (k, v) in members {
            switch v {
            case .string(let s): out[k] = s
            case .int(let i): out[k] = String(i)
            case .bool(let b): out[k] = String(b)
            default: continue
            }
        }
        return out
    }

    /// A list of strings; non-string members are skipped.
    public var stringList: [String] { items.compactMap(\.string) }

    /// A short, single-line rendering for evidence (`observed` values). Never use it on secret data.
    public var display: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .string(let s): return s
        case .list(let l): return "[" + l.map(\.display).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.keys.sorted().map { "\($0): \((m[$0] ?? .null).display)" }.joined(separator: ", ") + "}"
        }
    }

    /// Follows a dotted path such as `spec.template.spec`; nil when any step is missing.
    public func at(_ path: String) -> Value? {
        var current: Value? = self
        for part in path.split(separator: ".") {
            current = current?[String(part)]
            if current == nil { return nil }
        }
        return current
    }
}

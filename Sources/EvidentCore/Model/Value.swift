/// A document value as read from JSON or YAML: the one generic tree that snapshots, plan parameters and
/// evaluator arguments share. Maps keep their keys sorted (`ValueMap`); nothing depends on the input order.
public enum Value: Sendable, Equatable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([Value])
    case map(ValueMap)

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
    @inlinable public var map: ValueMap? { if case .map(let m) = self { return m }; return nil }
    @inlinable public var isNull: Bool { if case .null = self { return true }; return false }

    /// The elements of a list, or an empty array for anything else (missing lists are common in specs).
    @inlinable public var items: [Value] { list ?? [] }

    /// A map of string values (labels, annotations, nodeSelector); non-string members are skipped.
    public var stringMap: [String: String] {
        guard case .map(let members) = self else { return [:] }
        var out: [String: String] = [:]
        out.reserveCapacity(members.count)
        for (k, v) in members { if let s = v.memberText { out[k] = s } }
        return out
    }

    /// A member of a string map as `stringMap` reads it: a string as it is, an integer or boolean printed,
    /// nil for anything else.
    public var memberText: String? {
        switch self {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return String(b)
        default: return nil
        }
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
        case .map(let m): return "{" + m.map { "\($0.key): \($0.value.display)" }.joined(separator: ", ") + "}"
        }
    }

    /// Follows a dotted path such as `spec.template.spec`; nil when any step is missing.
    public func at(_ path: String) -> Value? {
        // Walks the dots in place: checks call this for every pod with literal paths, and splitting the
        // path into an array each time cost more than the lookups. Empty segments are skipped, as before.
        var current = self
        var rest = Substring(path)
        while true {
            let dot = rest.utf8.firstIndex(of: UInt8(ascii: ".")) ?? rest.endIndex
            if dot != rest.startIndex {
                guard let next = current[String(rest[..<dot])] else { return nil }
                current = next
            }
            guard dot != rest.endIndex else { return current }
            rest = rest[rest.index(after: dot)...]
        }
    }
}

/// The members of a JSON or YAML object, sorted by key, in one array.
///
/// A snapshot of a large cluster is millions of small objects (metadata, labels, ports, container fields)
/// of a handful of members each. A Swift `Dictionary` spends a hash table, its bitmap and free buckets on
/// each; one sorted array of pairs takes about half the memory, is built without hashing, iterates in a
/// stable order, and finds a key among a few by a short scan (binary search beyond that).
public struct ValueMap: Sendable, Hashable, RandomAccessCollection, ExpressibleByDictionaryLiteral {
    public typealias Element = (key: String, value: Value)
    public typealias Index = Int

    @usableFromInline var entries: ContiguousArray<Element>

    @inlinable public init() { entries = [] }

    /// From pairs whose keys are already sorted and unique (the loaders' fast path).
    @inlinable init(sortedEntries: ContiguousArray<Element>) { entries = sortedEntries }

    /// From pairs in any order; a later pair replaces an earlier one with the same key.
    public init<S: Sequence>(_ pairs: S) where S.Element == (String, Value) {
        var list = ContiguousArray<Element>()
        list.reserveCapacity(pairs.underestimatedCount)
        for (key, value) in pairs { list.append((key: key, value: value)) }
        self.init(unsorted: list)
    }

    /// From pairs in any order; a later pair replaces an earlier one with the same key.
    init(unsorted list: ContiguousArray<Element>) {
        var list = list
        if !Self.isSortedUnique(list) {
            // Stable, so that among equal keys the later pair stays last and wins.
            let order = list.indices.sorted { a, b in
                list[a].key == list[b].key ? a < b : list[a].key < list[b].key
            }
            var out = ContiguousArray<Element>()
            out.reserveCapacity(list.count)
            for i in order {
                if let last = out.last, last.key == list[i].key { out[out.count - 1] = list[i] } else { out.append(list[i]) }
            }
            list = out
        }
        entries = list
    }

    public init(_ dictionary: [String: Value]) {
        self.init(unsorted: ContiguousArray(dictionary.map { (key: $0.key, value: $0.value) }))
    }

    public init(dictionaryLiteral elements: (String, Value)...) { self.init(elements) }

    static func isSortedUnique(_ list: ContiguousArray<Element>) -> Bool {
        var i = 1
        while i < list.count {
            if !(list[i - 1].key < list[i].key) { return false }
            i += 1
        }
        return true
    }

    @inlinable public var startIndex: Int { 0 }
    @inlinable public var endIndex: Int { entries.count }
    @inlinable public subscript(position: Int) -> Element { entries[position] }

    /// Where `key` is, or where it would go.
    @inlinable func find(_ key: String) -> (index: Int, found: Bool) {
        let count = entries.count
        if count <= 8 {
            var i = 0
            while i < count {
                let k = entries[i].key
                if k == key { return (i, true) }
                if key < k { return (i, false) }
                i += 1
            }
            return (count, false)
        }
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            let k = entries[mid].key
            if k == key { return (mid, true) }
            if k < key { low = mid + 1 } else { high = mid }
        }
        return (low, false)
    }

    /// The value of `key`, or nil; setting nil removes the key.
    @inlinable public subscript(key: String) -> Value? {
        get {
            let count = entries.count
            if count <= 8 {
                // Equality only: a word compare for short keys, where `<` is a full string comparison.
                var i = 0
                while i < count {
                    if entries[i].key == key { return entries[i].value }
                    i += 1
                }
                return nil
            }
            let (i, found) = find(key)
            return found ? entries[i].value : nil
        }
        set {
            let (i, found) = find(key)
            switch (newValue, found) {
            case (let value?, true): entries[i].value = value
            case (let value?, false): entries.insert((key: key, value: value), at: i)
            case (nil, true): entries.remove(at: i)
            case (nil, false): break
            }
        }
    }

    /// Sets `key`, returning the value it replaced.
    @discardableResult
    public mutating func updateValue(_ value: Value, forKey key: String) -> Value? {
        let old = self[key]
        self[key] = value
        return old
    }

    @discardableResult
    public mutating func removeValue(forKey key: String) -> Value? {
        let old = self[key]
        self[key] = nil
        return old
    }

    /// The keys, sorted.
    public var keys: [String] { entries.map(\.key) }
    /// The values, in key order.
    public var values: [Value] { entries.map(\.value) }

    public func mapValues(_ transform: (Value) throws -> Value) rethrows -> ValueMap {
        var out = entries
        for i in out.indices { out[i].value = try transform(out[i].value) }
        return ValueMap(sortedEntries: out)
    }

    public static func == (a: ValueMap, b: ValueMap) -> Bool {
        a.entries.count == b.entries.count
            && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for entry in entries {
            hasher.combine(entry.key)
            hasher.combine(entry.value)
        }
    }
}

/// The members of an object as a loader reads them, in input order, refusing a repeated key: a short scan
/// for the usual handful of members, a set beyond that (so a hostile object of a million keys stays linear).
struct MemberList {
    private var entries = ContiguousArray<ValueMap.Element>()
    private var seen: Set<String>?

    /// Adds a member; false when the key is already there.
    mutating func add(_ key: String, _ value: Value) -> Bool {
        if contains(key) { return false }
        entries.append((key: key, value: value))
        if seen != nil {
            seen?.insert(key)
        } else if entries.count > 16 {
            seen = Set(entries.map(\.key))
        }
        return true
    }

    func contains(_ key: String) -> Bool {
        if let seen { return seen.contains(key) }
        return entries.contains { $0.key == key }
    }

    /// The input position of `key`'s member.
    func position(of key: String) -> Int? { entries.firstIndex { $0.key == key } }

    var map: ValueMap { ValueMap(unsorted: entries) }
}

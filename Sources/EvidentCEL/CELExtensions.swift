/// The Kubernetes CEL extension functions that admission policies use most: the string library
/// (`charAt`, `indexOf`, `lastIndexOf`, `lowerAscii`, `upperAscii`, `replace`, `split`, `substring`,
/// `trim`, `join`) and the list library (`isSorted`, `sum`, `min`, `max`, `indexOf`, `lastIndexOf`).
/// String positions count code points, as in cel-go.
enum CELExtensions {
    static let names: Set<String> = [
        "charAt", "indexOf", "lastIndexOf", "lowerAscii", "upperAscii", "replace", "split", "substring", "trim",
        "join", "isSorted", "sum", "min", "max",
    ]

    private static func overload(_ name: String, _ target: CELValue, _ args: [CELValue]) -> CELEvaluationError {
        CELEvaluationError("no such overload: \(target.typeName).\(name)(\(args.map(\.typeName).joined(separator: ", ")))")
    }

    private static func int(_ v: CELValue) -> Int? {
        if case .int(let i) = v { return Int(exactly: i) }
        return nil
    }

    private static func string(_ scalars: some Sequence<Unicode.Scalar>) -> CELValue {
        var s = ""
        s.unicodeScalars.append(contentsOf: scalars)
        return .string(s)
    }

    /// The value of a member call `target.name(args)`, or nil when no extension has that name.
    static func call(_ name: String, target: CELValue, args: [CELValue]) throws(CELEvaluationError) -> CELValue? {
        guard names.contains(name) else { return nil }
        switch target {
        case .string(let s): return try stringCall(name, Array(s.unicodeScalars), args, target)
        case .list(let items): return try listCall(name, items, args, target)
        default: throw overload(name, target, args)
        }
    }

    private static func find(_ needle: [Unicode.Scalar], in hay: [Unicode.Scalar], from: Int, backwards: Bool) -> Int {
        guard needle.count <= hay.count else { return -1 }
        let last = hay.count - needle.count
        let positions: [Int] = backwards ? Array(stride(from: min(from, last), through: 0, by: -1)) : Array(stride(from: from, through: last, by: 1))
        for p in positions where hay[p..<(p + needle.count)].elementsEqual(needle) { return p }
        return -1
    }

    private static func stringCall(_ name: String, _ s: [Unicode.Scalar], _ args: [CELValue],
                                   _ target: CELValue) throws(CELEvaluationError) -> CELValue {
        let strings = args.compactMap { v -> [Unicode.Scalar]? in
            if case .string(let a) = v { return Array(a.unicodeScalars) }
            return nil
        }
        switch (name, args.count) {
        case ("charAt", 1):
            guard let i = int(args[0]) else { break }
            guard i >= 0, i <= s.count else { throw CELEvaluationError("index out of range: \(i)") }
            return i == s.count ? .string("") : string([s[i]])
        case ("indexOf", 1), ("indexOf", 2), ("lastIndexOf", 1), ("lastIndexOf", 2):
            guard strings.count >= 1, case .string = args[0] else { break }
            let backwards = name == "lastIndexOf"
            var offset = backwards ? s.count : 0
            if args.count == 2 {
                guard let o = int(args[1]) else { break }
                guard o >= 0, o <= s.count else { throw CELEvaluationError("index out of range: \(o)") }
                offset = o
            }
            let needle = strings[0]
            if needle.isEmpty { return .int(Int64(offset)) }
            return .int(Int64(find(needle, in: s, from: offset, backwards: backwards)))
        case ("lowerAscii", 0):
            return string(s.map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32) ?? $0 : $0 })
        case ("upperAscii", 0):
            return string(s.map { ("a"..."z").contains($0) ? Unicode.Scalar($0.value - 32) ?? $0 : $0 })
        case ("trim", 0):
            let isSpace: (Unicode.Scalar) -> Bool = { $0.properties.isWhitespace }
            guard let first = s.firstIndex(where: { !isSpace($0) }), let last = s.lastIndex(where: { !isSpace($0) }) else {
                return .string("")
            }
            return string(s[first...last])
        case ("replace", 2), ("replace", 3):
            guard strings.count == 2, case .string = args[0], case .string = args[1] else { break }
            var limit = -1
            if args.count == 3 {
                guard let n = int(args[2]) else { break }
                limit = n
            }
            return string(replace(s, strings[0], strings[1], limit: limit))
        case ("split", 1), ("split", 2):
            guard strings.count == 1, case .string = args[0] else { break }
            var limit = -1
            if args.count == 2 {
                guard let n = int(args[1]) else { break }
                limit = n
            }
            return .list(split(s, strings[0], limit: limit).map { string($0) })
        case ("substring", 1), ("substring", 2):
            guard let start = int(args[0]) else { break }
            var end = s.count
            if args.count == 2 {
                guard let e = int(args[1]) else { break }
                end = e
            }
            guard start >= 0, end <= s.count, start <= end else {
                throw CELEvaluationError("substring range [\(start), \(end)) is out of range for length \(s.count)")
            }
            return string(s[start..<end])
        default:
            break
        }
        throw overload(name, target, args)
    }

    private static func replace(_ s: [Unicode.Scalar], _ old: [Unicode.Scalar], _ new: [Unicode.Scalar],
                                limit: Int) -> [Unicode.Scalar] {
        var out: [Unicode.Scalar] = []
        var i = 0
        var done = 0
        while i <= s.count {
            if limit >= 0 && done >= limit { break }
            if old.isEmpty {
                out.append(contentsOf: new)
                done += 1
                if i < s.count { out.append(s[i]) }
                i += 1
                continue
            }
            let p = find(old, in: s, from: i, backwards: false)
            if p < 0 { break }
            out.append(contentsOf: s[i..<p])
            out.append(contentsOf: new)
            i = p + old.count
            done += 1
        }
        if i < s.count { out.append(contentsOf: s[i...]) }
        return out
    }

    /// Go's `strings.SplitN`: a negative limit splits everywhere, zero gives no parts.
    private static func split(_ s: [Unicode.Scalar], _ sep: [Unicode.Scalar], limit: Int) -> [ArraySlice<Unicode.Scalar>] {
        if limit == 0 { return [] }
        if sep.isEmpty {
            var parts = s.map { [$0][...] }
            if limit > 0, parts.count > limit {
                parts = Array(parts.prefix(limit - 1)) + [s[(limit - 1)...]]
            }
            return parts
        }
        var parts: [ArraySlice<Unicode.Scalar>] = []
        var start = 0
        while limit < 0 || parts.count < limit - 1 {
            let p = find(sep, in: s, from: start, backwards: false)
            if p < 0 { break }
            parts.append(s[start..<p])
            start = p + sep.count
        }
        parts.append(s[start...])
        return parts
    }

    private static func listCall(_ name: String, _ items: [CELValue], _ args: [CELValue],
                                 _ target: CELValue) throws(CELEvaluationError) -> CELValue {
        switch (name, args.count) {
        case ("join", 0), ("join", 1):
            var separator = ""
            if args.count == 1 {
                guard case .string(let sep) = args[0] else { break }
                separator = sep
            }
            var parts: [String] = []
            for item in items {
                guard case .string(let s) = item else { throw CELEvaluationError("join: list element is \(item.typeName), not string") }
                parts.append(s)
            }
            return .string(parts.joined(separator: separator))
        case ("indexOf", 1):
            return .int(Int64(items.firstIndex { $0.celEquals(args[0]) } ?? -1))
        case ("lastIndexOf", 1):
            return .int(Int64(items.lastIndex { $0.celEquals(args[0]) } ?? -1))
        case ("isSorted", 0):
            for (a, b) in zip(items, items.dropFirst()) {
                guard case .bool(let ordered) = try CELOperators.binary("<=", a, b) else { break }
                if !ordered { return .bool(false) }
            }
            return .bool(true)
        case ("sum", 0):
            var total: CELValue = .int(0)
            if case .uint? = items.first { total = .uint(0) }
            if case .double? = items.first { total = .double(0) }
            for item in items { total = try CELOperators.binary("+", total, item) }
            return total
        case ("min", 0), ("max", 0):
            guard var best = items.first else { throw CELEvaluationError("\(name)() of an empty list") }
            for item in items.dropFirst() {
                guard case .bool(let less) = try CELOperators.binary("<", item, best) else { break }
                if less == (name == "min"), !item.celEquals(best) { best = item }
            }
            return best
        default:
            break
        }
        throw overload(name, target, args)
    }
}

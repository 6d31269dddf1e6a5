import Foundation

/// The binary operators: comparisons, `in` and arithmetic.
enum CELOperators {
    private static func overload(_ op: String, _ a: CELValue, _ b: CELValue) -> CELEvaluationError {
        CELEvaluationError("no such overload: _\(op)_(\(a.typeName), \(b.typeName))")
    }

    private static let overflow = CELEvaluationError("integer overflow")

    static func binary(_ op: String, _ a: CELValue, _ b: CELValue) throws(CELEvaluationError) -> CELValue {
        switch op {
        case "==": return .bool(a.celEquals(b))
        case "!=": return .bool(!a.celEquals(b))
        case "<", "<=", ">", ">=":
            guard let order = try compare(op, a, b) else { return .bool(false) }
            switch op {
            case "<": return .bool(order < 0)
            case "<=": return .bool(order <= 0)
            case ">": return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case "in":
            switch b {
            case .list(let items): return .bool(items.contains { $0.celEquals(a) })
            case .map(let m): return .bool(m[a] != nil)
            default: throw overload(op, a, b)
            }
        default:
            return try arithmetic(op, a, b)
        }
    }

    /// The order of two values, or nil when they are unordered (NaN). Throws for types without an order.
    private static func compare(_ op: String, _ a: CELValue, _ b: CELValue) throws(CELEvaluationError) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case (.string(let x), .string(let y)):
            return x.utf8.lexicographicallyPrecedes(y.utf8) ? -1 : (x.utf8.elementsEqual(y.utf8) ? 0 : 1)
        case (.bytes(let x), .bytes(let y)):
            return x.lexicographicallyPrecedes(y) ? -1 : (x == y ? 0 : 1)
        case (.bool(let x), .bool(let y)):
            return x == y ? 0 : (x ? 1 : -1)
        case (.int, .int), (.int, .uint), (.int, .double), (.uint, .int), (.uint, .uint), (.uint, .double),
             (.double, .int), (.double, .uint), (.double, .double):
            return CELValue.compareNumbers(a, b)
        default:
            throw overload(op, a, b)
        }
    }

    /// `x op y` for int and uint: overflow, division by zero and modulus by zero are errors.
    private static func integer<T: FixedWidthInteger>(_ op: String, _ x: T, _ y: T, _ a: CELValue, _ b: CELValue)
        throws(CELEvaluationError) -> T {
        let r: (partialValue: T, overflow: Bool)
        switch op {
        case "+": r = x.addingReportingOverflow(y)
        case "-": r = x.subtractingReportingOverflow(y)
        case "*": r = x.multipliedReportingOverflow(by: y)
        case "/":
            guard y != 0 else { throw CELEvaluationError("division by zero") }
            r = x.dividedReportingOverflow(by: y)
        case "%":
            guard y != 0 else { throw CELEvaluationError("modulus by zero") }
            r = x.remainderReportingOverflow(dividingBy: y)
        default: throw overload(op, a, b)
        }
        guard !r.overflow else { throw overflow }
        return r.partialValue
    }

    private static func arithmetic(_ op: String, _ a: CELValue, _ b: CELValue) throws(CELEvaluationError) -> CELValue {
        switch (a, b) {
        case (.int(let x), .int(let y)):
            return .int(try integer(op, x, y, a, b))
        case (.uint(let x), .uint(let y)):
            return .uint(try integer(op, x, y, a, b))
        case (.double(let x), .double(let y)):
            switch op {
            case "+": return .double(x + y)
            case "-": return .double(x - y)
            case "*": return .double(x * y)
            case "/": return .double(x / y)
            default: throw overload(op, a, b)
            }
        case (.string(let x), .string(let y)) where op == "+":
            return .string(x + y)
        case (.bytes(let x), .bytes(let y)) where op == "+":
            return .bytes(x + y)
        case (.list(let x), .list(let y)) where op == "+":
            return .list(x + y)
        default:
            throw overload(op, a, b)
        }
    }
}

/// The functions: `size`, the string functions, `matches` and the type conversions.
enum CELFunctions {
    private static func overload(_ name: String, _ target: CELValue?, _ args: [CELValue]) -> CELEvaluationError {
        let types = args.map(\.typeName).joined(separator: ", ")
        if let target { return CELEvaluationError("no such overload: \(target.typeName).\(name)(\(types))") }
        return CELEvaluationError("no such overload: \(name)(\(types))")
    }

    static func call(_ name: String, target: CELValue?, args: [CELValue]) throws(CELEvaluationError) -> CELValue {
        // Member calls on a string with one string argument.
        if let target {
            switch (name, target, args.count) {
            case ("size", _, 0): return try size(target)
            case ("startsWith", .string(let s), 1), ("endsWith", .string(let s), 1), ("contains", .string(let s), 1),
                 ("matches", .string(let s), 1):
                guard case .string(let arg) = args[0] else { throw overload(name, target, args) }
                return try stringFunction(name, s, arg)
            default:
                if let value = try CELExtensions.call(name, target: target, args: args) { return value }
                if !knownFunctions.contains(name) { throw CELEvaluationError("unbound function '\(name)'") }
                throw overload(name, target, args)
            }
        }
        switch (name, args.count) {
        case ("size", 1): return try size(args[0])
        case ("matches", 2):
            guard case .string(let s) = args[0], case .string(let p) = args[1] else { throw overload(name, nil, args) }
            return try stringFunction(name, s, p)
        case ("dyn", 1):
            // Only a type-checker sees `dyn`; a dynamically typed evaluation returns its argument.
            return args[0]
        case ("int", 1), ("uint", 1), ("double", 1), ("string", 1), ("bytes", 1), ("bool", 1):
            return try CELConversions.convert(name, args[0])
        default:
            if !knownFunctions.contains(name) { throw CELEvaluationError("unbound function '\(name)'") }
            throw overload(name, nil, args)
        }
    }

    private static let knownFunctions: Set<String> = [
        "size", "startsWith", "endsWith", "contains", "matches", "int", "uint", "double", "string", "bytes", "bool",
        "dyn",
    ]

    private static func size(_ v: CELValue) throws(CELEvaluationError) -> CELValue {
        switch v {
        case .string(let s): return .int(Int64(s.unicodeScalars.count))
        case .bytes(let b): return .int(Int64(b.count))
        case .list(let l): return .int(Int64(l.count))
        case .map(let m): return .int(Int64(m.count))
        default: throw overload("size", nil, [v])
        }
    }

    private static func stringFunction(_ name: String, _ s: String, _ arg: String) throws(CELEvaluationError) -> CELValue {
        switch name {
        case "startsWith": return .bool(s.utf8.starts(with: arg.utf8))
        case "endsWith": return .bool(s.utf8.reversed().starts(with: arg.utf8.reversed()))
        case "contains": return .bool(arg.isEmpty || containsBytes(Array(s.utf8), Array(arg.utf8)))
        default: return .bool(try matches(s, arg))
        }
    }

    private static func containsBytes(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }

    /// RE2-style `matches`: true when the pattern matches any part of the string. Patterns are run with
    /// NSRegularExpression (ICU syntax), which accepts the RE2 constructs policies use.
    static func matches(_ s: String, _ pattern: String) throws(CELEvaluationError) -> Bool {
        // The empty pattern matches everywhere (NSRegularExpression rejects it).
        if pattern.isEmpty { return true }
        guard let regex = RegexCache.shared.regex(pattern) else {
            throw CELEvaluationError("invalid regular expression: \(pattern)")
        }
        return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }

    /// A short rendering of a value for error messages.
    static func display(_ v: CELValue) -> String {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .uint(let u): return "\(u)u"
        case .double(let d): return String(d)
        case .bool(let b): return String(b)
        default: return v.typeName
        }
    }
}

/// `int()`, `uint()`, `double()`, `string()`, `bytes()` and `bool()`.
enum CELConversions {
    private static func range(_ name: String) -> CELEvaluationError { CELEvaluationError("\(name)() out of range") }

    static func convert(_ name: String, _ v: CELValue) throws(CELEvaluationError) -> CELValue {
        switch (name, v) {
        case ("int", .int): return v
        case ("int", .uint(let u)):
            guard let i = Int64(exactly: u) else { throw range(name) }
            return .int(i)
        case ("int", .double(let d)):
            // Doubles at or beyond ±2^63 do not fit (the boundary itself rounds out of range).
            guard d.isFinite, d > -9.223372036854775808e18, d < 9.223372036854775807e18 else { throw range(name) }
            return .int(Int64(d.rounded(.towardZero)))
        case ("int", .string(let s)):
            guard let i = Int64(s) else { throw CELEvaluationError("cannot convert '\(s)' to int") }
            return .int(i)
        case ("uint", .uint): return v
        case ("uint", .int(let i)):
            guard let u = UInt64(exactly: i) else { throw range(name) }
            return .uint(u)
        case ("uint", .double(let d)):
            guard d.isFinite, d > -1, d < 1.8446744073709551615e19 else { throw range(name) }
            return .uint(UInt64(d.rounded(.towardZero)))
        case ("uint", .string(let s)):
            guard let u = UInt64(s) else { throw CELEvaluationError("cannot convert '\(s)' to uint") }
            return .uint(u)
        case ("double", .double): return v
        case ("double", .int(let i)): return .double(Double(i))
        case ("double", .uint(let u)): return .double(Double(u))
        case ("double", .string(let s)):
            guard let d = parseDouble(s) else { throw CELEvaluationError("cannot convert '\(s)' to double") }
            return .double(d)
        case ("string", .string): return v
        case ("string", .int(let i)): return .string(String(i))
        case ("string", .uint(let u)): return .string(String(u))
        case ("string", .double(let d)): return .string(formatDouble(d))
        case ("string", .bool(let b)): return .string(String(b))
        case ("string", .bytes(let b)):
            guard let s = String(validating: b, as: UTF8.self) else {
                throw CELEvaluationError("invalid UTF-8 in bytes, cannot convert to string")
            }
            return .string(s)
        case ("bytes", .bytes): return v
        case ("bytes", .string(let s)): return .bytes(Array(s.utf8))
        case ("bool", .bool): return v
        case ("bool", .string(let s)):
            switch s {
            case "1", "t", "true", "TRUE", "True": return .bool(true)
            case "0", "f", "false", "FALSE", "False": return .bool(false)
            default: throw CELEvaluationError("cannot convert '\(s)' to bool")
            }
        default:
            throw CELEvaluationError("no such overload: \(name)(\(v.typeName))")
        }
    }

    private static func parseDouble(_ s: String) -> Double? {
        switch s.lowercased() {
        case "inf", "+inf", "infinity", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        case "nan": return .nan
        default: return Double(s)
        }
    }

    /// Doubles as text the way CEL prints them: shortest round-trip digits, `1e+06` style exponents avoided.
    static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "+Infinity" }
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}

/// Compiled patterns, shared across evaluations (the same policy runs on thousands of objects).
/// NSRegularExpression is immutable and safe to share between threads.
final class RegexCache: @unchecked Sendable {
    static let shared = RegexCache()
    private let lock = NSLock()
    /// nil for a pattern that does not compile: Foundation on Linux leaks a little memory on each failed
    /// compile (found by fuzzing), so an invalid pattern is tried once, not once per object.
    private var compiled: [String: NSRegularExpression?] = [:]
    private static let limit = 512

    /// The compiled pattern, or nil when it is not a valid regular expression.
    func regex(_ pattern: String) -> NSRegularExpression? {
        lock.lock()
        defer { lock.unlock() }
        if let cached = compiled[pattern] { return cached }
        let regex = try? NSRegularExpression(pattern: pattern)
        if compiled.count >= Self.limit { compiled.removeAll() }
        compiled[pattern] = .some(regex)
        return regex
    }
}

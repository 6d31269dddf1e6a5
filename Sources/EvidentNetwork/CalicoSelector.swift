/// A Calico selector expression (`app == 'web' && !has(debug)`), parsed once and evaluated against label
/// sets.
///
/// The parser is written by hand: there is no maintained Swift library for Calico's selector language,
/// and the grammar is small (Calico's own `selector/parser` is a hand-written recursive-descent parser
/// too). Supported: `all()`, `global()`, `k == 'v'`, `k != 'v'` (also true when `k` is absent),
/// `has(k)`, `k in {'a', 'b'}`, `k not in {...}`, `k contains 's'`, `k starts with 's'`,
/// `k ends with 's'`, `!`, `&&`, `||` and parentheses; single or double quotes. An empty selector is
/// `all()`.
public indirect enum CalicoSelector: Sendable, Hashable, CustomStringConvertible {
    case all
    /// Matches only non-namespaced objects (global network sets, host endpoints).
    case global
    case equals(String, String)
    case notEquals(String, String)
    case has(String)
    case `in`(String, Set<String>)
    case notIn(String, Set<String>)
    case contains(String, String)
    case startsWith(String, String)
    case endsWith(String, String)
    case not(CalicoSelector)
    case and(CalicoSelector, CalicoSelector)
    case or(CalicoSelector, CalicoSelector)

    /// Why a selector could not be parsed, with the position (0-based character offset).
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// What is wrong.
        public var message: String
        /// Where, as a 0-based character offset.
        public var offset: Int
        public var description: String { "\(message) at character \(offset + 1)" }
    }

    /// Parses `text`; an empty or blank text is `all()`.
    public static func parse(_ text: String) throws(ParseError) -> CalicoSelector {
        var parser = Parser(Array(text))
        parser.skipSpace()
        if parser.atEnd { return .all }
        let result = try parser.parseOr()
        parser.skipSpace()
        guard parser.atEnd else { throw parser.error("unexpected '\(parser.rest(12))'") }
        return result
    }

    /// Evaluates against `labels`; `global()` is true only when `isGlobal` (for non-namespaced objects).
    public func matches(_ labels: [String: String], isGlobal: Bool = false) -> Bool {
        switch self {
        case .all: return true
        case .global: return isGlobal
        case .equals(let k, let v): return labels[k] == v
        case .notEquals(let k, let v): return labels[k] != v
        case .has(let k): return labels[k] != nil
        case .in(let k, let values): return labels[k].map(values.contains) ?? false
        case .notIn(let k, let values): return labels[k].map { !values.contains($0) } ?? true
        case .contains(let k, let s): return labels[k].map { s.isEmpty || $0.contains(s) } ?? false
        case .startsWith(let k, let s): return labels[k]?.hasPrefix(s) ?? false
        case .endsWith(let k, let s): return labels[k]?.hasSuffix(s) ?? false
        case .not(let e): return !e.matches(labels, isGlobal: isGlobal)
        case .and(let a, let b): return a.matches(labels, isGlobal: isGlobal) && b.matches(labels, isGlobal: isGlobal)
        case .or(let a, let b): return a.matches(labels, isGlobal: isGlobal) || b.matches(labels, isGlobal: isGlobal)
        }
    }

    /// Whether the expression mentions `global()` anywhere (it then selects global network sets).
    public var mentionsGlobal: Bool {
        switch self {
        case .global: return true
        case .not(let e): return e.mentionsGlobal
        case .and(let a, let b), .or(let a, let b): return a.mentionsGlobal || b.mentionsGlobal
        default: return false
        }
    }

    /// The selector in Calico's syntax; it parses back to the same selector. Calico's strings have no
    /// escapes, so a value holding a `'` is printed in double quotes (one holding both quotes cannot
    /// be written, and so cannot have been parsed).
    public var description: String {
        func quote(_ s: String) -> String { s.contains("'") ? "\"\(s)\"" : "'\(s)'" }
        func set(_ s: Set<String>) -> String { "{" + s.sorted().map(quote).joined(separator: ", ") + "}" }
        switch self {
        case .all: return "all()"
        case .global: return "global()"
        case .equals(let k, let v): return "\(k) == \(quote(v))"
        case .notEquals(let k, let v): return "\(k) != \(quote(v))"
        case .has(let k): return "has(\(k))"
        case .in(let k, let v): return "\(k) in \(set(v))"
        case .notIn(let k, let v): return "\(k) not in \(set(v))"
        case .contains(let k, let v): return "\(k) contains \(quote(v))"
        case .startsWith(let k, let v): return "\(k) starts with \(quote(v))"
        case .endsWith(let k, let v): return "\(k) ends with \(quote(v))"
        // `&&` and `||` print in parentheses of their own; anything else needs none after `!`. (Found by
        // FuzzCalico: `!(…)` for every `!` printed a chain of 250 negations 500 levels deep, past the
        // parser's bound, so the printed form no longer parsed.)
        case .not(let e): return "!\(e)"
        case .and(let a, let b): return "(\(a) && \(b))"
        case .or(let a, let b): return "(\(a) || \(b))"
        }
    }

    private struct Parser {
        let chars: [Character]
        var pos = 0
        /// How deep the tree grows (`!`, parentheses, and `&&` / `||` chains, which nest to the left);
        /// bounded so that a hostile selector cannot exhaust the stack: matching, printing, comparing and
        /// freeing a selector recurse as deep as it nests.
        var depth = 0
        static let maxDepth = 500

        mutating func deeper() throws(ParseError) {
            depth += 1
            guard depth <= Self.maxDepth else { throw error("the selector nests deeper than \(Self.maxDepth) levels") }
        }

        init(_ chars: [Character]) { self.chars = chars }

        var atEnd: Bool { pos >= chars.count }

        func rest(_ n: Int) -> String { String(chars[pos..<min(chars.count, pos + n)]) }

        func error(_ message: String) -> ParseError { ParseError(message: message, offset: pos) }

        mutating func skipSpace() {
            while pos < chars.count, chars[pos].isWhitespace { pos += 1 }
        }

        /// Consumes `token` (after spaces) when it comes next.
        mutating func eat(_ token: String) -> Bool {
            skipSpace()
            let t = Array(token)
            guard pos + t.count <= chars.count, Array(chars[pos..<pos + t.count]) == t else { return false }
            pos += t.count
            return true
        }

        /// Consumes a keyword that must not run into a following key character (`in` vs `inx`).
        mutating func eatWord(_ word: String) -> Bool {
            let start = pos
            guard eat(word) else { return false }
            if pos < chars.count, Self.isKeyChar(chars[pos]) { pos = start; return false }
            return true
        }

        /// Label keys are ASCII, as in Kubernetes and Calico's own tokenizer. (Found by fuzzing: a key
        /// starting with a combining mark joined the `(` printed before it into one character.)
        static func isKeyChar(_ c: Character) -> Bool {
            guard c.isASCII else { return false }
            return c.isLetter || c.isNumber || c == "_" || c == "." || c == "/" || c == "-"
        }

        mutating func parseOr() throws(ParseError) -> CalicoSelector {
            var left = try parseAnd()
            let outer = depth
            defer { depth = outer }
            while eat("||") {
                try deeper()
                left = .or(left, try parseAnd())
            }
            return left
        }

        mutating func parseAnd() throws(ParseError) -> CalicoSelector {
            var left = try parseUnary()
            let outer = depth
            defer { depth = outer }
            while eat("&&") {
                try deeper()
                left = .and(left, try parseUnary())
            }
            return left
        }

        mutating func parseUnary() throws(ParseError) -> CalicoSelector {
            skipSpace()
            try deeper()
            defer { depth -= 1 }
            if pos < chars.count, chars[pos] == "!", !(pos + 1 < chars.count && chars[pos + 1] == "=") {
                pos += 1
                return .not(try parseUnary())
            }
            return try parsePrimary()
        }

        mutating func parsePrimary() throws(ParseError) -> CalicoSelector {
            if eat("(") {
                let inner = try parseOr()
                guard eat(")") else { throw error("expected ')'") }
                return inner
            }
            if eatWord("all") {
                guard eat("("), eat(")") else { throw error("expected 'all()'") }
                return .all
            }
            if eatWord("global") {
                guard eat("("), eat(")") else { throw error("expected 'global()'") }
                return .global
            }
            let save = pos
            if eatWord("has") {
                if eat("(") {
                    let key = try parseKey()
                    guard eat(")") else { throw error("expected ')' after has(\(key)") }
                    return .has(key)
                }
                pos = save  // a label called `has`
            }
            let key = try parseKey()
            if eat("==") { return .equals(key, try parseString()) }
            if eat("!=") { return .notEquals(key, try parseString()) }
            if eatWord("in") { return .in(key, try parseSet()) }
            if eatWord("not") {
                guard eatWord("in") else { throw error("expected 'in' after 'not'") }
                return .notIn(key, try parseSet())
            }
            if eatWord("contains") { return .contains(key, try parseString()) }
            if eatWord("starts") {
                guard eatWord("with") else { throw error("expected 'with' after 'starts'") }
                return .startsWith(key, try parseString())
            }
            if eatWord("ends") {
                guard eatWord("with") else { throw error("expected 'with' after 'ends'") }
                return .endsWith(key, try parseString())
            }
            throw error(atEnd ? "expected an operator after '\(key)'" : "unknown operator '\(rest(8))' after '\(key)'")
        }

        mutating func parseKey() throws(ParseError) -> String {
            skipSpace()
            let start = pos
            while pos < chars.count, Self.isKeyChar(chars[pos]) { pos += 1 }
            guard pos > start else {
                throw error(atEnd ? "unexpected end of selector" : "expected a label key, found '\(rest(8))'")
            }
            return String(chars[start..<pos])
        }

        mutating func parseString() throws(ParseError) -> String {
            skipSpace()
            guard pos < chars.count, chars[pos] == "'" || chars[pos] == "\"" else {
                throw error("expected a quoted value")
            }
            let quote = chars[pos]
            pos += 1
            let start = pos
            while pos < chars.count, chars[pos] != quote { pos += 1 }
            guard pos < chars.count else { throw error("unterminated string") }
            let value = String(chars[start..<pos])
            pos += 1
            return value
        }

        mutating func parseSet() throws(ParseError) -> Set<String> {
            guard eat("{") else { throw error("expected '{'") }
            var values: Set<String> = []
            if eat("}") { return values }
            repeat { values.insert(try parseString()) } while eat(",")
            guard eat("}") else { throw error("expected '}' or ','") }
            return values
        }
    }
}

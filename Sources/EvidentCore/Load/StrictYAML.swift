import Foundation
import Yams

/// A strict reader over a Yams node tree for hand-written files (catalogs, plans): every value knows its
/// line, every mapping must be fully consumed, and unknown keys are errors that suggest the closest
/// known key. This is what makes a typo in a plan fail loudly instead of silently dropping a control.
struct StrictNode {
    let node: Node
    let file: String
    /// What this node is, for messages: "exception", "control sp800-190-4.1.1", ...
    let context: String

    var location: SourceLocation {
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column)
    }

    static func parse(_ text: String, file: String, what: String) throws(LoadError) -> StrictNode {
        do {
            let parser = try Parser(yaml: text)
            guard let root = try parser.singleRoot() else {
                throw LoadError("the file is empty", at: SourceLocation(file: file, line: 1), hint: "see controls/ for examples")
            }
            return StrictNode(node: root, file: file, context: what)
        } catch let error as LoadError {
            throw error
        } catch {
            throw YAMLReader.locate(error, file: file)
        }
    }

    func fail(_ message: String, word: String? = nil, hint: String? = nil) -> LoadError {
        LoadError(message, at: location, word: word, hint: hint)
    }

    var string: String? {
        if case .scalar(let s) = node, !Self.isNull(s) { return s.string }
        return nil
    }

    /// Whether a scalar is null as `Resolver.default` reads it: tagged null, or one of its null words
    /// (`YAMLReader.nullWords`). Without its regular expressions: this runs for every value of every catalog,
    /// and the built-in ones were a tenth of a small audit.
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        guard scalar.tag.rawValue == Tag.Name.implicit.rawValue else { return scalar.tag.rawValue == Tag.Name.null.rawValue }
        return YAMLReader.nullWords.contains(scalar.string)
    }

    func requireString() throws(LoadError) -> String {
        guard let s = string else { throw fail("\(context) must be a text value") }
        return s
    }

    func requireNonEmptyString() throws(LoadError) -> String {
        let s = try requireString()
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw fail("\(context) must not be empty") }
        return s
    }

    func requireInt() throws(LoadError) -> Int {
        guard case .scalar(let s) = node, let i = Int(s.string) else { throw fail("\(context) must be a whole number", word: string) }
        return i
    }

    func requireList() throws(LoadError) -> [StrictNode] {
        guard case .sequence(let seq) = node else { throw fail("\(context) must be a list") }
        return seq.enumerated().map { StrictNode(node: $1, file: file, context: "\(context)[\($0)]") }
    }

    func requireStringList() throws(LoadError) -> [String] {
        var out: [String] = []
        for item in try requireList() { out.append(try item.requireString()) }
        return out
    }

    func requireMap(allowed: [String]) throws(LoadError) -> StrictMap {
        guard case .mapping(let mapping) = node else { throw fail("\(context) must be a mapping of keys to values") }
        var entries: [(String, StrictNode, StrictNode)] = []
        var seen: Set<String> = []
        for (key, value) in mapping {
            let keyNode = StrictNode(node: key, file: file, context: context)
            guard case .scalar(let s) = key else { throw keyNode.fail("keys in \(context) must be plain words") }
            guard seen.insert(s.string).inserted else {
                throw keyNode.fail("duplicate key '\(s.string)' in \(context)", word: s.string)
            }
            if !allowed.isEmpty, !allowed.contains(s.string) {
                let suggestion = Self.closest(s.string, in: allowed).map { "did you mean '\($0)'? " } ?? ""
                throw keyNode.fail("unknown key '\(s.string)' in \(context)", word: s.string,
                                   hint: "\(suggestion)allowed keys: \(allowed.joined(separator: ", "))")
            }
            entries.append((s.string, keyNode, StrictNode(node: value, file: file, context: "\(context).\(s.string)")))
        }
        return StrictMap(owner: self, entries: entries)
    }

    /// A generic value (parameter values, check arguments).
    func value() throws(LoadError) -> Value {
        var budget = 100_000
        return try YAMLReader.convert(node, file: file, budget: &budget, depth: 0)
    }

    /// The known word closest to `word` by edit distance, when it is close enough to be a likely typo.
    static func closest(_ word: String, in candidates: [String]) -> String? { Suggestion.closest(word, in: candidates) }
}

/// "Did you mean …?" for typos in ids and keys.
public enum Suggestion {
    /// The candidate closest to `word` by edit distance, when it is close enough to be a likely typo.
    public static func closest(_ word: String, in candidates: [String]) -> String? {
        let best = candidates.map { ($0, editDistance(word.lowercased(), $0.lowercased())) }.min { $0.1 < $1.1 }
        guard let best, best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// The entries of one mapping, looked up by key.
struct StrictMap {
    let owner: StrictNode
    let entries: [(key: String, keyNode: StrictNode, value: StrictNode)]

    subscript(key: String) -> StrictNode? {
        guard let entry = entries.first(where: { $0.key == key }) else { return nil }
        if case .scalar(let s) = entry.value.node, StrictNode.isNull(s) { return nil }
        return entry.value
    }

    func require(_ key: String) throws(LoadError) -> StrictNode {
        guard let node = self[key] else {
            throw owner.fail("\(owner.context) is missing the required key '\(key)'", word: key)
        }
        return node
    }

    func string(_ key: String) throws(LoadError) -> String { try require(key).requireNonEmptyString() }

    func optionalString(_ key: String) throws(LoadError) -> String? { try self[key]?.requireString() }

    func date(_ key: String) throws(LoadError) -> PlanDate {
        let node = try require(key)
        return try Self.parseDate(node)
    }

    func optionalDate(_ key: String) throws(LoadError) -> PlanDate? {
        guard let node = self[key] else { return nil }
        return try Self.parseDate(node)
    }

    private static func parseDate(_ node: StrictNode) throws(LoadError) -> PlanDate {
        let text = node.string ?? ""
        guard let date = PlanDate(iso: text) else {
            throw node.fail("\(node.context) is not a date: '\(text)'", word: text,
                            hint: "write an ISO date such as 2026-12-31 (an expiry means the end of that day, UTC)")
        }
        return date
    }
}

/// OSCAL token syntax for ids: a letter or underscore, then letters, digits, `.`, `-`, `_`.
func isToken(_ s: String) -> Bool {
    guard let first = s.unicodeScalars.first, first.properties.isAlphabetic || first == "_" else { return false }
    return s.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "." || $0 == "-" || $0 == "_" }
}

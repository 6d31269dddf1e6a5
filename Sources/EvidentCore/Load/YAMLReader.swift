import Foundation
import Yams

/// Reads YAML (one or many documents) into `Value`s with the line where each document, and each element
/// of a top-level `items` list, starts. Scalars resolve as Kubernetes' YAML reader does (YAML 1.1:
/// `true`/`false`, ints, floats, `null`/`~`; quoted scalars stay strings). Duplicate keys are errors, and
/// alias expansion is bounded so that an alias bomb fails instead of exhausting memory.
enum YAMLReader {
    struct Document {
        var value: Value
        var line: Int
        var itemLines: [Int]
    }

    static func read(_ text: String, file: String) throws(LoadError) -> [Document] {
        var documents: [Document] = []
        // Expanding aliases may grow a document; allow generous room, but not exponential growth.
        var budget = max(100_000, text.utf8.count * 4)
        do {
            let parser = try Parser(yaml: text)
            while let node = try parser.nextRoot() {
                let line = node.mark?.line ?? 1
                var itemLines: [Int] = []
                if case .mapping(let mapping) = node {
                    for (key, value) in mapping where key.string == "items" {
                        if case .sequence(let seq) = value { itemLines = seq.map { $0.mark?.line ?? line } }
                    }
                }
                documents.append(Document(value: try convert(node, file: file, budget: &budget, depth: 0),
                                          line: line, itemLines: itemLines))
            }
        } catch let error as LoadError {
            throw error
        } catch {
            throw locate(error, file: file)
        }
        return documents
    }

    /// Turns a Yams error into a located `LoadError`.
    static func locate(_ error: any Error, file: String) -> LoadError {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
                 .composer(let context, let problem, let mark, _):
                var what = [context?.text, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
                if problem.contains("nesting level") { what = "nesting deeper than libyaml's limit" }
                return LoadError("invalid YAML: \(what)", at: SourceLocation(file: file, line: mark.line, column: mark.column))
            case .duplicatedKeysInMapping(let duplicates, let context):
                let key = duplicates.first ?? ""
                return LoadError("duplicate key '\(key)'", at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
                                 word: key, hint: "each key may appear once in a mapping")
            case .reader(let problem, _, _, _):
                return LoadError("unreadable input: \(problem)", at: SourceLocation(file: file, line: 1),
                                 hint: "inputs must be UTF-8 text")
            default:
                return LoadError("invalid YAML: \(yaml)", at: SourceLocation(file: file, line: 1))
            }
        }
        return LoadError("invalid YAML: \(error)", at: SourceLocation(file: file, line: 1))
    }

    static let maxDepth = 256

    static func convert(_ node: Node, file: String, budget: inout Int, depth: Int) throws(LoadError) -> Value {
        budget -= 1
        let line = node.mark?.line ?? 0
        if budget < 0 {
            throw LoadError("document expands to too many values (an alias bomb?)",
                            at: SourceLocation(file: file, line: line), hint: "remove the repeated aliases")
        }
        if depth > maxDepth {
            throw LoadError("nesting deeper than \(maxDepth) levels", at: SourceLocation(file: file, line: line))
        }
        switch node {
        case .scalar(let scalar):
            return scalarValue(scalar, tag: tag(of: scalar))
        case .sequence(let seq):
            var items: [Value] = []
            items.reserveCapacity(seq.count)
            for child in seq { items.append(try convert(child, file: file, budget: &budget, depth: depth + 1)) }
            return .list(items)
        case .mapping(let mapping):
            var members: [String: Value] = [:]
            for (key, value) in mapping {
                let name: String
                switch key {
                case .scalar(let s): name = s.string
                default:
                    throw LoadError("keys must be plain strings", at: SourceLocation(file: file, line: key.mark?.line ?? line))
                }
                if name == "<<", resolver.resolveTag(of: key) == .merge {
                    throw LoadError("YAML merge keys ('<<') are not supported", at: SourceLocation(file: file, line: key.mark?.line ?? line),
                                    word: "<<", hint: "write the merged keys out")
                }
                let converted = try convert(value, file: file, budget: &budget, depth: depth + 1)
                if members.updateValue(converted, forKey: name) != nil {
                    throw LoadError("duplicate key '\(name)'", at: SourceLocation(file: file, line: key.mark?.line ?? line, column: key.mark?.column),
                                    word: name, hint: "each key may appear once in a mapping")
                }
            }
            return .map(ValueMap(members))
        case .alias:
            return .null
        }
    }

    private static let resolver = Resolver.default

    /// The plain scalars the default resolver reads as null (its null rule; no earlier rule matches them).
    static let nullWords: Set<String> = ["", "~", "null", "Null", "NULL"]

    /// Characters that can start a scalar some rule of the default resolver matches (bool, int, float,
    /// merge, null, timestamp, value).
    static let resolvableStarts = Set("yYnNtTfFoO-+0123456789.<~=".utf8)

    /// The scalar's tag as `Resolver.default` resolves it; a plain scalar that no rule's pattern can match
    /// (judged by its first character) is a string without running the rules' regular expressions.
    static func tag(of scalar: Node.Scalar) -> Tag.Name {
        if scalar.tag.rawValue == Tag.Name.implicit.rawValue, let first = scalar.string.utf8.first, !resolvableStarts.contains(first) {
            return .str
        }
        return resolver.resolveTag(of: .scalar(scalar))
    }

    static func scalarValue(_ scalar: Node.Scalar, tag: Tag.Name) -> Value {
        switch tag {
        case .null: return .null
        case .bool: return Bool.construct(from: scalar).map(Value.bool) ?? .string(scalar.string)
        case .int:
            if let i = Int.construct(from: scalar) { return .int(i) }
            return Double.construct(from: scalar).map(Value.double) ?? .string(scalar.string)
        case .float: return Double.construct(from: scalar).map(Value.double) ?? .string(scalar.string)
        default: return .string(scalar.string)
        }
    }
}

/// One YAML or JSON document read as a plain value (a `--params` file), through the same bounded readers as
/// snapshots: alias bombs, deep nesting, huge values, invalid UTF-8 and duplicate keys are `LoadError`s.
public enum DocumentLoader {
    /// The single document in `data`; an empty file is null.
    public static func load(_ data: Data, path: String) throws(LoadError) -> Value {
        let read: Result<[Value], LoadError> = data.withUnsafeBytes { raw in
            do throws(LoadError) {
                if SnapshotLoader.looksLikeJSON(data) { return .success(try JSONReader.read(raw, file: path).map(\.value)) }
                guard UTF8Text.isASCII(raw) || String(validating: raw, as: UTF8.self) != nil else {
                    throw LoadError("not UTF-8 text", at: SourceLocation(file: path, line: 1))
                }
                return .success(try YAMLEventReader.read(raw, file: path).map(\.value))
            } catch {
                return .failure(error)
            }
        }
        let documents = try read.get()
        guard documents.count <= 1 else {
            throw LoadError("expected one document, found \(documents.count)", at: SourceLocation(file: path, line: 1))
        }
        return documents.first ?? .null
    }
}

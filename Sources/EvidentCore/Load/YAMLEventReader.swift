import CYaml
import Foundation
import Yams

/// Reads snapshot YAML straight from libyaml's events into `Value`s, without composing Yams' node trees
/// (whose duplicate-key check resolves every key through regular expressions). The results are those of
/// `YAMLReader`: scalars resolve as `Resolver.default` does, lines are where each document and each
/// top-level `items` element starts, duplicate keys and merge keys are errors, anchors live for the whole
/// stream, and alias expansion counts against the same budget, so that an alias bomb fails.
struct YAMLEventReader {
    private var parser = yaml_parser_t()
    private let file: String
    private var budget: Int
    /// Anchored values, with how many values they hold (what expanding them costs) and their height.
    private var anchors: [String: (value: Value, size: Int, height: Int)] = [:]
    /// Plain scalars some resolver rule may match, as resolved: the same few (`true`, ports, counts, IPs)
    /// repeat throughout a snapshot, and resolving runs regular expressions.
    private var resolved: [String: Value] = [:]
    /// Repeated keys and values (field names, images, label values) share one copy, as in `JSONReader`.
    private var strings: StringTable
    /// The input, for sharing mappings and sequences written out identically elsewhere (`SubtreeTable`).
    private let bytes: UnsafeRawBufferPointer
    private var subtrees: SubtreeTable
    /// libyaml's marks count characters, not bytes: they are byte offsets only in ASCII input, and only
    /// there are subtrees shared.
    private let marksAreOffsets: Bool
    /// Aliases read so far: a node with one inside is never shared (an anchor can be defined again later,
    /// and the same text then means another value).
    private var aliases = 0

    private init(bytes: UnsafeRawBufferPointer, file: String, budget: Int) {
        self.bytes = bytes
        self.file = file
        self.budget = budget
        strings = StringTable(inputBytes: bytes.count)
        subtrees = SubtreeTable(inputBytes: bytes.count)
        marksAreOffsets = UTF8Text.isASCII(bytes)
    }

    static func read(_ bytes: UnsafeRawBufferPointer, file: String) throws(LoadError) -> [YAMLReader.Document] {
        try checkLines(bytes, file: file)
        var reader = YAMLEventReader(bytes: bytes, file: file, budget: max(100_000, bytes.count * 4))
        yaml_parser_initialize(&reader.parser)
        defer { yaml_parser_delete(&reader.parser) }
        yaml_parser_set_encoding(&reader.parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&reader.parser, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
        return try reader.readStream()
    }

    /// Fails on a line longer than the longest value allowed, before libyaml buffers it whole: a huge
    /// scalar on one line then costs no memory beyond the input.
    static func checkLines(_ bytes: UnsafeRawBufferPointer, file: String) throws(LoadError) {
        guard let base = bytes.baseAddress, bytes.count > Limits.maxScalarBytes else { return }
        var start = 0
        var line = 1
        while start < bytes.count {
            let rest = bytes.count - start
            let found = memchr(base + start, 0x0A, rest)
            let end = found.map { $0 - UnsafeMutableRawPointer(mutating: base) } ?? bytes.count
            if end - start > Limits.maxScalarBytes {
                throw LoadError(Limits.lineMessage(end - start), at: SourceLocation(file: file, line: line))
            }
            start = end + 1
            line += 1
        }
    }

    /// One parsed event; freed when it goes out of scope.
    private final class Event {
        var event = yaml_event_t()
        deinit { yaml_event_delete(&event) }
        var type: yaml_event_type_t { event.type }
        var line: Int { Int(event.start_mark.line) + 1 }
        var column: Int { Int(event.start_mark.column) + 1 }
    }

    private mutating func next() throws(LoadError) -> Event {
        let event = Event()
        guard yaml_parser_parse(&parser, &event.event) == 1 else { throw parserError() }
        return event
    }

    private func parserError() -> LoadError {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        switch parser.error {
        case YAML_READER_ERROR:
            return LoadError("unreadable input: \(problem)", at: SourceLocation(file: file, line: 1),
                             hint: "inputs must be UTF-8 text")
        case YAML_SCANNER_ERROR, YAML_PARSER_ERROR:
            let context = parser.context.map { String(cString: $0) }
            var what = [context, problem].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " ")
            if problem.contains("nesting level") { what = "nesting deeper than libyaml's limit" }
            return LoadError("invalid YAML: \(what)", at: SourceLocation(
                file: file, line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1))
        default:
            return LoadError("invalid YAML: \(problem)", at: SourceLocation(file: file, line: 1))
        }
    }

    private mutating func readStream() throws(LoadError) -> [YAMLReader.Document] {
        var documents: [YAMLReader.Document] = []
        _ = try next()  // stream start
        while true {
            let event = try next()
            if event.type == YAML_STREAM_END_EVENT { break }
            // A document start: its root node, then the document end.
            let root = try next()
            var itemLines: [Int] = []
            let value = try readNode(root, depth: 0, itemLines: &itemLines).value
            documents.append(YAMLReader.Document(value: value, line: root.line, itemLines: itemLines))
            _ = try next()
        }
        return documents
    }

    /// A node and the values it holds (for anchors: what an alias to it costs), and its height. For a
    /// sequence, `itemLines` gets the line of each element.
    private mutating func readNode(_ event: Event, depth: Int,
                                   itemLines: inout [Int]) throws(LoadError) -> (value: Value, size: Int, height: Int) {
        budget -= 1
        if budget < 0 {
            throw LoadError("document expands to too many values (an alias bomb?)",
                            at: SourceLocation(file: file, line: event.line), hint: "remove the repeated aliases")
        }
        if depth > YAMLReader.maxDepth {
            throw LoadError("nesting deeper than \(YAMLReader.maxDepth) levels", at: SourceLocation(file: file, line: event.line))
        }
        switch event.type {
        case YAML_SCALAR_EVENT:
            try checkLength(event)
            let value = scalar(event)
            anchor(event.event.data.scalar.anchor, (value, 1, 0))
            return (value, 1, 0)
        case YAML_ALIAS_EVENT:
            aliases += 1
            let name = Self.string(event.event.data.alias.anchor) ?? ""
            guard let anchored = anchors[name] else {
                throw LoadError("invalid YAML: found undefined alias", at: SourceLocation(file: file, line: event.line,
                                                                                           column: event.column))
            }
            budget -= anchored.size - 1
            if budget < 0 {
                throw LoadError("document expands to too many values (an alias bomb?)",
                                at: SourceLocation(file: file, line: event.line), hint: "remove the repeated aliases")
            }
            if depth + anchored.height > YAMLReader.maxDepth {
                throw LoadError("nesting deeper than \(YAMLReader.maxDepth) levels", at: SourceLocation(file: file, line: event.line))
            }
            return anchored
        case YAML_SEQUENCE_START_EVENT:
            let aliasesBefore = aliases
            var items: [Value] = []
            var size = 1, height = 0
            var none: [Int] = []
            var end = event.event.end_mark.index
            while true {
                let child = try next()
                if child.type == YAML_SEQUENCE_END_EVENT {
                    end = child.event.end_mark.index
                    break
                }
                itemLines.append(child.line)
                let node = try readNode(child, depth: depth + 1, itemLines: &none)
                items.append(node.value)
                size += node.size
                height = max(height, node.height + 1)
            }
            let result = (aliases == aliasesBefore ? shared(.list(items), from: event, to: end) : .list(items),
                          size, height)
            anchor(event.event.data.sequence_start.anchor, result)
            return result
        case YAML_MAPPING_START_EVENT:
            let aliasesBefore = aliases
            var members = MemberList()
            var size = 1, height = 0
            var keyLocations: [SourceLocation] = []
            var duplicates: Set<String> = []
            var end = event.event.end_mark.index
            while true {
                let keyEvent = try next()
                if keyEvent.type == YAML_MAPPING_END_EVENT {
                    end = keyEvent.event.end_mark.index
                    break
                }
                let keyLocation = SourceLocation(file: file, line: keyEvent.line, column: keyEvent.column)
                guard keyEvent.type == YAML_SCALAR_EVENT else {
                    throw LoadError("keys must be plain strings", at: SourceLocation(file: file, line: keyEvent.line))
                }
                try checkLength(keyEvent)
                let name = scalarString(keyEvent)
                anchor(keyEvent.event.data.scalar.anchor, (.string(name), 1, 0))
                if name == "<<", Self.tag(of: keyEvent, name) == .merge {
                    throw LoadError("YAML merge keys ('<<') are not supported", at: SourceLocation(file: file, line: keyEvent.line),
                                    word: "<<", hint: "write the merged keys out")
                }
                let valueEvent = try next()
                var lines: [Int] = []
                let recordItems = depth == 0 && name == "items" && valueEvent.type == YAML_SEQUENCE_START_EVENT
                let node = try readNode(valueEvent, depth: depth + 1, itemLines: &lines)
                if recordItems { itemLines = lines }
                size += node.size
                height = max(height, node.height + 1)
                if members.add(name, node.value) {
                    keyLocations.append(keyLocation)
                } else {
                    duplicates.insert(name)
                }
            }
            // As Yams reports it: the smallest repeated key, where it first appears.
            if let key = duplicates.min() {
                let first = members.position(of: key).map { keyLocations[$0] }
                throw LoadError("duplicate key '\(key)'", at: first ?? SourceLocation(file: file, line: event.line),
                                word: key, hint: "each key may appear once in a mapping")
            }
            let map = Value.map(members.map)
            let result = (aliases == aliasesBefore ? shared(map, from: event, to: end) : map, size, height)
            anchor(event.event.data.mapping_start.anchor, result)
            return result
        default:
            throw LoadError("invalid YAML: unexpected event", at: SourceLocation(file: file, line: event.line))
        }
    }

    private func checkLength(_ event: Event) throws(LoadError) {
        let length = event.event.data.scalar.length
        if length > Limits.maxScalarBytes {
            throw LoadError(Limits.scalarMessage(length), at: SourceLocation(file: file, line: event.line))
        }
    }

    private mutating func anchor(_ name: UnsafeMutablePointer<UInt8>?, _ node: (value: Value, size: Int, height: Int)) {
        guard let name = Self.string(name) else { return }
        anchors[name] = node
    }

    private static func string(_ pointer: UnsafeMutablePointer<UInt8>?) -> String? {
        guard let pointer else { return nil }
        return String(decoding: UnsafeBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }

    private mutating func scalarString(_ event: Event) -> String {
        let scalar = event.event.data.scalar
        guard let value = scalar.value else { return "" }
        let text = UnsafeRawBufferPointer(start: value, count: scalar.length)
        return strings.intern(text) ?? String(decoding: text, as: UTF8.self)
    }

    /// A mapping or sequence without aliases inside, shared with an earlier one whose text is the same bytes
    /// starting at the same column (block YAML's meaning depends on indentation); libyaml's marks give where
    /// the text of a node starts and ends (in ASCII input).
    private mutating func shared(_ value: Value, from start: Event, to end: Int) -> Value {
        let begin = start.event.start_mark.index
        guard marksAreOffsets, begin < end, end <= bytes.count else { return value }
        return subtrees.share(value, bytes, begin..<end, limit: SubtreeTable.maxArrayBytes,
                              salt: Int(start.event.start_mark.column))
    }

    /// The plain scalars the default resolver reads without a regular expression here: `true`, `false`,
    /// decimal integers without leading zeros or underscores (`8080`, `-1`), and text that no null, bool,
    /// int or float rule can match: a word other than the resolver's few (`yes`, `null`, `Off`, ...), or
    /// text starting like a number with a character no number has (times, quantities such as `100m`) or
    /// two dots (addresses, versions) or a sign inside (uids, dates); and the null words.
    /// Those are strings whatever else matches (a timestamp or `<<` reads as text too). The rest go through
    /// `NSRegularExpression`, once per distinct scalar and file; before this, the ports, flags and names of
    /// a folder of small manifests made that a tenth of the audit.
    static func quickResolve(_ text: String) -> Value? {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        guard let start = text.utf8.first else { return nil }
        if !numberStarts.contains(start) {
            // A word (or `~`): null or bool only when it is one of the resolver's words.
            if YAMLReader.nullWords.contains(text) { return .null }
            return boolWords.contains(text) ? nil : .string(text)
        }
        // No number has a character outside these, or two dots (addresses, versions), or a sign other than
        // first or right after an exponent's `e` (a uid such as `9f0a7b08-75fa-…`, a date).
        var dots = 0
        var previous: UInt8?
        for byte in text.utf8 {
            guard numberBytes.contains(byte) else { return .string(text) }
            if byte == UInt8(ascii: ".") {
                dots += 1
                if dots > 1 { return .string(text) }
            }
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "+"), let previous,
               previous != UInt8(ascii: "e") && previous != UInt8(ascii: "E") { return .string(text) }
            previous = byte
        }
        var digits = text.utf8[...]
        let negative = start == UInt8(ascii: "-")
        if negative { digits = digits.dropFirst() }
        guard let first = digits.first, digits.count <= 18, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first)
        else { return nil }
        // `0` is an int, `-0` a float, `0644` octal: those go the long way.
        if first == UInt8(ascii: "0") { return digits.count == 1 && !negative ? .int(0) : nil }
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return .int(negative ? -value : value)
    }

    /// The words of the default (YAML 1.1) resolver's bool rule.
    private static let boolWords: Set<String> = [
        "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON",
        "off", "Off", "OFF",
    ]
    /// How every int and float literal starts, and every character one can hold (digits, signs, `.`, `_`,
    /// `:`, the `0x`, `0o` and `0b` prefixes, hex digits, exponents, `.inf` and `.nan`).
    private static let numberStarts = Set("+-.0123456789".utf8)
    private static let numberBytes = Set("0123456789+-._:xXoObBeEaAcCdDfFiInN".utf8)

    /// The scalar's tag name as Yams gives it: quoted scalars are strings, an explicit tag wins, and plain
    /// scalars resolve through `Resolver.default`.
    private static func tag(of event: Event, _ text: String) -> Tag.Name {
        let scalar = event.event.data.scalar
        if scalar.quoted_implicit == 1 { return .str }
        if let explicit = string(scalar.tag) { return Tag.Name(rawValue: explicit) }
        return YAMLReader.tag(of: Node.Scalar(text, Tag(.implicit)))
    }

    private mutating func scalar(_ event: Event) -> Value {
        let text = scalarString(event)
        let scalar = event.event.data.scalar
        if scalar.quoted_implicit == 1 { return .string(text) }
        let plain = scalar.tag == nil
        if plain {
            if let first = text.utf8.first, !YAMLReader.resolvableStarts.contains(first) { return .string(text) }
            if let value = Self.quickResolve(text) ?? resolved[text] { return value }
        }
        let tag = Self.tag(of: event, text)
        let value = tag == .str ? .string(text) : YAMLReader.scalarValue(Node.Scalar(text, Tag(tag)), tag: tag)
        if plain {
            if resolved.count > 100_000 { resolved.removeAll(keepingCapacity: true) }
            resolved[text] = value
        }
        return value
    }
}

import Foundation

/// A JSON reader from bytes into `Value`, written by hand because Foundation's JSONSerialization reads
/// about 5 MB/s here and neither it nor JSONDecoder reports line numbers. It records the line where each
/// top-level value and each element of a top-level `items` array starts, which is where findings point.
/// Strict: duplicate keys, invalid UTF-8 and trailing garbage are errors.
///
/// What no check may ever see is skipped while reading objects (top-level values and `items` elements):
/// `metadata.managedFields` (only its newest `time` is kept, in `newest`) and the last-applied-configuration
/// annotation; their syntax is still checked. Strings of 16 to 96 bytes (too long to live inline in a Swift
/// string) are interned, so repeated images, label values and times share one copy. An object or array
/// written again under the same member name (the next pod of an owner repeats its containers, volumes and
/// tolerations) is recognised by its bytes and not read twice (`RepeatTable`): a fifth to a quarter of the
/// load time of 150,000 pods.
struct JSONReader {
    struct Document {
        var value: Value
        var line: Int
        /// For a top-level object with an `items` array: the line of each element.
        var itemLines: [Int]
        /// With an item sink: whether the top-level `items` elements went to the sink (the value then holds
        /// an empty `items`), and the byte offset where the document starts, to read it again if need be.
        var streamedItems = false
        var start = 0
    }

    /// Where the elements of a top-level `items` array go as they are read, instead of into the tree.
    typealias ItemSink = (_ item: Value, _ line: Int) -> Void

    static let maxDepth = 256

    /// Where an object sits, for what may be skipped inside it.
    private enum Context {
        case plain, object, metadata, annotations
    }

    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private var pos = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0
    private var strings: StringTable
    private var subtrees: SubtreeTable
    private var repeats = RepeatTable()
    /// Told, now and then, that the bytes before an offset will not be read again (a mapped file's pages
    /// can go).
    var release: ((Range<Int>) -> Void)?
    private var released = 0
    private var releaseBase = 0
    /// When set, the top-level `items` array is read in two halves at once: this reader up to
    /// `secondHalf.start`, another thread from there.
    var secondHalf: SecondHalf?
    /// Whether the last `readArray` stopped at its `until` offset instead of at `]`.
    private var stoppedEarly = false
    /// The greatest `managedFields[].time` seen (Kubernetes writes UTC with `Z`, so the greatest is newest).
    private(set) var newest = ""

    init(bytes: UnsafeRawBufferPointer, file: String, start: Int = 0, line: Int = 1) {
        self.bytes = bytes
        self.file = file
        self.pos = start
        self.line = line
        self.lineStart = start
        self.released = start
        self.releaseBase = start
        strings = StringTable(inputBytes: bytes.count)
        subtrees = SubtreeTable(inputBytes: bytes.count)
    }

    /// Reads one or more whitespace-separated JSON values.
    static func read(_ data: UnsafeRawBufferPointer, file: String) throws(LoadError) -> [Document] {
        var reader = JSONReader(bytes: data, file: file)
        return try reader.readDocuments(sink: nil)
    }

    /// Reads every document to the end of the input; elements of top-level `items` arrays go to `sink`.
    mutating func readDocuments(sink: ItemSink?) throws(LoadError) -> [Document] {
        var documents: [Document] = []
        skipWhitespace()
        while pos < bytes.count {
            documents.append(try readDocument(sink: sink))
            skipWhitespace()
        }
        return documents
    }

    /// Reads one top-level value.
    mutating func readDocument(sink: ItemSink?) throws(LoadError) -> Document {
        skipWhitespace()
        let start = pos
        let startLine = line
        var itemLines: [Int] = []
        var streamed = false
        let value: Value
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "{") {
            value = try readObject(context: .object, itemLines: &itemLines, sink: sink, streamed: &streamed)
        } else {
            value = try readValue(.plain)
        }
        return Document(value: value, line: startLine, itemLines: itemLines, streamedItems: streamed, start: start)
    }

    /// The elements of the top-level `items` array starting at the current position (`[`), each read as an
    /// object and handed to `sink` with its line; stops after the array's `]`.
    mutating func readItems(until end: Int? = nil, sink: @escaping ItemSink) throws(LoadError) -> Int {
        var lines: [Int] = []
        return try readArray(lines: &lines, record: false, context: .object, sink: sink, until: end)
    }

    var offset: Int { pos }
    var currentLine: Int { line }

    private var location: SourceLocation { SourceLocation(file: file, line: line, column: pos - lineStart + 1) }

    private func fail(_ message: String, word: String? = nil) -> LoadError {
        LoadError("invalid JSON: \(message)", at: location, word: word)
    }

    mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20:
                // kubectl indents by spaces: take a run of them 8 bytes at a time.
                pos += 1
                if let base = bytes.baseAddress {
                    while pos + 8 <= bytes.count,
                          base.loadUnaligned(fromByteOffset: pos, as: UInt64.self) == 0x2020_2020_2020_2020 {
                        pos += 8
                    }
                }
            case 0x09, 0x0D: pos += 1
            case 0x0A: pos += 1; line += 1; lineStart = pos
            default: return
            }
        }
    }

    private mutating func readValue(_ context: Context) throws(LoadError) -> Value {
        skipWhitespace()
        guard pos < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            var none: [Int] = []
            var streamed = false
            let start = pos
            let value = try readObject(context: context, itemLines: &none, sink: nil, streamed: &streamed)
            return context == .plain ? subtrees.share(value, bytes, start..<pos) : value
        case UInt8(ascii: "["):
            var none: [Int] = []
            let start = pos
            _ = try readArray(lines: &none, record: false, context: .plain, sink: nil, until: nil)
            return subtrees.share(lastArray, bytes, start..<pos, limit: SubtreeTable.maxArrayBytes)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "t"): try expectWord("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectWord("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectWord("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        default: throw fail("unexpected character '\(Self.printable(bytes[pos]))'", word: Self.printable(bytes[pos]))
        }
    }

    private static func printable(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : String(format: "\\x%02X", byte)
    }

    /// After a member or an element: skips a `,` and says to go on, or skips the closing `close` (`}` or `]`)
    /// and says the container ended.
    @inline(__always)
    private mutating func nextMember(closing close: UInt8) throws(LoadError) -> Bool {
        skipWhitespace()
        guard pos < bytes.count else {
            throw fail("unexpected end of input in \(close == UInt8(ascii: "}") ? "an object" : "an array")")
        }
        if bytes[pos] == UInt8(ascii: ",") { pos += 1; return true }
        if bytes[pos] == close { pos += 1; return false }
        throw fail("expected ',' or '\(Character(UnicodeScalar(close)))'", word: Self.printable(bytes[pos]))
    }

    private mutating func expectWord(_ word: String) throws(LoadError) {
        let w = Array(word.utf8)
        let count = w.count
        guard pos + count <= bytes.count else { throw fail("unexpected end of input") }
        let matches = (0..<count).allSatisfy { bytes[pos + $0] == w[$0] }
        guard matches else { throw fail("unexpected word", word: String(decoding: UnsafeRawBufferPointer(rebasing: bytes[pos..<min(bytes.count, pos + count)]), as: UTF8.self)) }
        pos += count
    }

    private mutating func enter() throws(LoadError) {
        depth += 1
        if depth > Self.maxDepth { throw fail("nesting deeper than \(Self.maxDepth) levels") }
    }

    private mutating func readObject(context: Context, itemLines: inout [Int], sink: ItemSink?,
                                     streamed: inout Bool) throws(LoadError) -> Value {
        try enter()
        pos += 1
        var members = MemberList()
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .map(ValueMap())
        }
        let topLevel = depth == 1
        var skipped: Set<String> = []
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
            let keyLocation = location
            let keyStart = pos + 1
            let key = try readString()
            let keyBytes = keyStart..<(pos - 1)
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after key", word: key) }
            pos += 1
            skipWhitespace()
            var value: Value?
            switch context {
            case .object where key == "metadata":
                value = try readValue(.metadata)
            case .metadata where key == "managedFields":
                try skipManagedFields()
            case .metadata where key == "annotations":
                value = try readValue(.annotations)
            case .annotations where key == SnapshotLoader.lastApplied:
                try skipValue()
            default:
                if topLevel, key == "items", pos < bytes.count, bytes[pos] == UInt8(ascii: "[") {
                    if let sink, let second = secondHalf, second.start > pos {
                        secondHalf = nil
                        try readItemsInTwoHalves(second, sink: sink)
                        streamed = true
                        value = .list([])
                    } else if let sink {
                        _ = try readArray(lines: &itemLines, record: false, context: .object, sink: sink, until: nil)
                        streamed = true
                        value = .list([])
                    } else {
                        _ = try readArray(lines: &itemLines, record: true, context: .object, sink: nil, until: nil)
                        value = lastArray
                    }
                } else if pos < bytes.count, bytes[pos] == UInt8(ascii: "{") || bytes[pos] == UInt8(ascii: "[") {
                    value = try readRepeatable(key: keyBytes)
                } else {
                    value = try readValue(.plain)
                }
            }
            let duplicate: Bool
            if let value {
                duplicate = !members.add(key, value) || skipped.contains(key)
            } else {
                duplicate = !skipped.insert(key).inserted || members.contains(key)
            }
            if duplicate {
                throw LoadError("duplicate key '\(key)'", at: keyLocation, word: key,
                                hint: "each key may appear once in an object")
            }
            guard try nextMember(closing: UInt8(ascii: "}")) else { break }
        }
        depth -= 1
        return .map(members.map)
    }

    /// An object or array member's value: the value of the last one under the same name, when its text is
    /// written here again (see `RepeatTable`); otherwise read, and remembered.
    private mutating func readRepeatable(key: Range<Int>) throws(LoadError) -> Value {
        let start = pos
        if let hit = repeats.match(bytes, key: key, depth: depth, at: start) {
            pos += hit.count
            if hit.newlines > 0 {
                line += hit.newlines
                lineStart = pos - hit.tail
            }
            return hit.value
        }
        let startLine = line
        let value = try readValue(.plain)
        repeats.remember(RepeatTable.Entry(value: value, keyStart: key.lowerBound, keyCount: key.count, depth: depth,
                                           start: start, count: pos - start, newlines: line - startLine,
                                           tail: pos - lineStart), bytes)
        return value
    }

    /// `managedFields`: checked for syntax and dropped, keeping only the newest `time`.
    private mutating func skipManagedFields() throws(LoadError) {
        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "[") else { return try skipValue() }
        try enter()
        pos += 1
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "{") {
                try enter()
                pos += 1
                skipWhitespace()
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
                    pos += 1
                } else {
                    while true {
                        skipWhitespace()
                        guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
                        let key = try readString()
                        skipWhitespace()
                        guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after key", word: key) }
                        pos += 1
                        skipWhitespace()
                        if key == "time", pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") {
                            let time = try readString()
                            if time.utf8.count >= 20, time.hasSuffix("Z"), time > newest { newest = time }
                        } else {
                            try skipValue()
                        }
                        guard try nextMember(closing: UInt8(ascii: "}")) else { break }
                    }
                }
                depth -= 1
            } else {
                try skipValue()
            }
            guard try nextMember(closing: UInt8(ascii: "]")) else { break }
        }
        depth -= 1
    }

    /// Checks one value's syntax without building it.
    private mutating func skipValue() throws(LoadError) {
        skipWhitespace()
        guard pos < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"):
            try enter()
            pos += 1
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") { pos += 1; depth -= 1; return }
            while true {
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
                try skipString()
                skipWhitespace()
                guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after key") }
                pos += 1
                try skipValue()
                guard try nextMember(closing: UInt8(ascii: "}")) else { break }
            }
            depth -= 1
        case UInt8(ascii: "["):
            try enter()
            pos += 1
            skipWhitespace()
            if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") { pos += 1; depth -= 1; return }
            while true {
                try skipValue()
                guard try nextMember(closing: UInt8(ascii: "]")) else { break }
            }
            depth -= 1
        case UInt8(ascii: "\""): try skipString()
        case UInt8(ascii: "t"): try expectWord("true")
        case UInt8(ascii: "f"): try expectWord("false")
        case UInt8(ascii: "n"): try expectWord("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try readNumber()
        default: throw fail("unexpected character '\(Self.printable(bytes[pos]))'", word: Self.printable(bytes[pos]))
        }
    }

    /// Skips a string; plain ASCII without escapes needs no decoding, anything else is read to check it.
    private mutating func skipString() throws(LoadError) {
        let start = pos
        pos += 1
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") { pos += 1; return }
            if b == UInt8(ascii: "\\") || b >= 0x80 { break }
            if b < 0x20 { throw fail("control character in a string") }
            pos += 1
        }
        pos = start
        _ = try readString(intern: false)
    }

    /// The array just read by `readArray` without a sink (kept out of the return value so that a sink's
    /// elements are never gathered).
    private var lastArray: Value = .null

    /// Reads an array; with a sink, elements go to it (and `until`, when given, stops after the element
    /// that ends at that offset). Returns how many elements were read.
    private mutating func readArray(lines: inout [Int], record: Bool, context: Context, sink: ItemSink?,
                                    until end: Int?) throws(LoadError) -> Int {
        stoppedEarly = false
        try enter()
        pos += 1
        var items: [Value] = []
        var count = 0
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            lastArray = .list(items)
            return 0
        }
        while true {
            skipWhitespace()
            if record { lines.append(line) }
            let itemLine = line
            let item = try readValue(context)
            count += 1
            if let sink {
                sink(item, itemLine)
                // Everything before here: shared subtrees compare against earlier bytes, which brings
                // their pages back now and then.
                releaseIfDue()
            } else {
                items.append(item)
            }
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unexpected end of input in an array") }
            if bytes[pos] == UInt8(ascii: ",") {
                pos += 1
                if let end, pos >= end {
                    depth -= 1
                    stoppedEarly = true
                    return count
                }
                continue
            }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; break }
            throw fail("expected ',' or ']'", word: Self.printable(bytes[pos]))
        }
        depth -= 1
        lastArray = sink == nil ? .list(items) : .null
        return count
    }

    /// Lets the pages before the current position go, every 32 MB read. Everything before it: shared
    /// subtrees compare against earlier bytes, which brings their pages back now and then.
    private mutating func releaseIfDue() {
        if let release, pos - released >= 32 << 20 {
            release(releaseBase..<pos)
            released = pos
        }
    }

    /// Reads the rest of an array of objects after a `,` (or `[`), each to `sink`, through its `]`.
    private mutating func readRemainingItems(sink: ItemSink) throws(LoadError) {
        while true {
            skipWhitespace()
            let itemLine = line
            let item = try readValue(.object)
            sink(item, itemLine)
            releaseIfDue()
            guard try nextMember(closing: UInt8(ascii: "]")) else { return }
        }
    }

    /// The top-level `items` array (at `[`): the other thread reads from `second.start` on while this one
    /// reads up to it. When this reader does not land exactly on `second.start` between two elements (the
    /// guess of where an element starts was wrong), it reads on by itself and the other half is dropped.
    private mutating func readItemsInTwoHalves(_ second: SecondHalf, sink: @escaping ItemSink) throws(LoadError) {
        second.run(bytes: bytes, file: file, release: release)
        var none: [Int] = []
        do throws(LoadError) {
            _ = try readArray(lines: &none, record: false, context: .object, sink: sink, until: second.start)
            if stoppedEarly, pos == second.start {
                second.wait()
                if let error = second.error { throw error }
                second.used = true
                pos = second.end
                line = second.endLine
                lineStart = second.endLineStart
                if second.newest > newest { newest = second.newest }
                return
            }
            if stoppedEarly {
                try enter()
                try readRemainingItems(sink: sink)
                depth -= 1
            }
            second.wait()
        } catch {
            second.wait()
            throw error
        }
    }

    /// Reads the second half of a top-level `items` array on another thread (see `readItemsInTwoHalves`).
    final class SecondHalf: @unchecked Sendable {
        /// The offset just after the `,` that ends the last element of the first half, and its line.
        let start: Int
        let line: Int
        let sink: ItemSink
        /// Set by the first half when it landed on `start`: the second half's elements count.
        var used = false
        private(set) var end = 0
        private(set) var endLine = 0
        private(set) var endLineStart = 0
        private(set) var newest = ""
        private(set) var error: LoadError?
        private let group = DispatchGroup()
        private var bytes = UnsafeRawBufferPointer(start: nil, count: 0)
        private var file = ""
        private var release: ((Range<Int>) -> Void)?

        init(start: Int, line: Int, sink: @escaping ItemSink) {
            self.start = start
            self.line = line
            self.sink = sink
        }

        fileprivate func run(bytes: UnsafeRawBufferPointer, file: String, release: ((Range<Int>) -> Void)?) {
            self.bytes = bytes
            self.file = file
            self.release = release
            group.enter()
            // A thread of its own: the first half blocks waiting for it, which pool threads must not do.
            let thread = Thread { [self] in
                read()
                group.leave()
            }
            thread.stackSize = 16 << 20  // room for the deepest nesting the reader accepts
            thread.start()
        }

        fileprivate func wait() { group.wait() }

        private func read() {
            var reader = JSONReader(bytes: bytes, file: file, start: start, line: line)
            reader.depth = 2
            reader.release = release
            do throws(LoadError) {
                try reader.readRemainingItems(sink: sink)
                end = reader.pos
                endLine = reader.line
                endLineStart = reader.lineStart
                newest = reader.newest
            } catch {
                self.error = error
            }
        }
    }

    private mutating func readString(intern: Bool = true) throws(LoadError) -> String {
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                if pos - start > Limits.maxScalarBytes { throw fail(Limits.scalarMessage(pos - start)) }
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                if intern, let s = strings.intern(slice) { return s }
                guard let s = UTF8Text.string(slice) else { throw fail("invalid UTF-8 in a string") }
                return s
            }
            if b == UInt8(ascii: "\\") { break }
            if b < 0x20 { throw fail("control character in a string") }
            pos += 1
        }
        var buffer: [UInt8] = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<pos]))
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                pos += 1
                if buffer.count > Limits.maxScalarBytes { throw fail(Limits.scalarMessage(buffer.count)) }
                guard let s = buffer.withUnsafeBytes(UTF8Text.string) else { throw fail("invalid UTF-8 in a string") }
                return s
            }
            if b < 0x20 { throw fail("control character in a string") }
            if b != UInt8(ascii: "\\") {
                buffer.append(b)
                pos += 1
                continue
            }
            pos += 1
            guard pos < bytes.count else { break }
            let e = bytes[pos]
            pos += 1
            switch e {
            case UInt8(ascii: "\""): buffer.append(0x22)
            case UInt8(ascii: "\\"): buffer.append(0x5C)
            case UInt8(ascii: "/"): buffer.append(0x2F)
            case UInt8(ascii: "b"): buffer.append(0x08)
            case UInt8(ascii: "f"): buffer.append(0x0C)
            case UInt8(ascii: "n"): buffer.append(0x0A)
            case UInt8(ascii: "r"): buffer.append(0x0D)
            case UInt8(ascii: "t"): buffer.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try readHex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "\\"), bytes[pos + 1] == UInt8(ascii: "u") else {
                        throw fail("unpaired surrogate in \\u escape")
                    }
                    pos += 2
                    let low = try readHex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("unpaired surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) {
                    throw fail("unpaired surrogate in \\u escape")
                }
                guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                buffer.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                throw fail("invalid escape '\\\(Self.printable(e))'")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func readHex4() throws(LoadError) -> UInt32 {
        guard pos + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = bytes[pos]
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw fail("invalid hex digit in \\u escape")
            }
            v = v * 16 + UInt32(d)
            pos += 1
        }
        return v
    }

    private mutating func readNumber() throws(LoadError) -> Value {
        let start = pos
        var isInteger = true
        if bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        while pos < bytes.count {
            let b = bytes[pos]
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") { pos += 1; continue }
            if b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
                || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") {
                isInteger = false
                pos += 1
                continue
            }
            break
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<pos]), as: UTF8.self)
        if isInteger, let i = Int(text) { return .int(i) }
        guard let d = Double(text), text.last.map({ $0.isNumber }) == true else { throw fail("invalid number", word: text) }
        return .double(d)
    }
}

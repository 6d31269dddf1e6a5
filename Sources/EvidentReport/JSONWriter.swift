import EvidentCore
import Foundation

/// A small streaming JSON writer: keys are written in the order the caller writes them (so output is
/// deterministic), strings are escaped per RFC 8259, and the output is indented by two spaces.
///
/// Beyond what RFC 8259 requires it also escapes DEL, U+2028 / U+2029 (line breaks to JavaScript) and the
/// bidi controls, so the document is safe to embed and to view. Misuse (a value without a key inside an
/// object) is a programming error and is caught by the tests, not at run time.
struct JSONWriter {
    private(set) var output = ""
    /// One entry per open container: whether it already holds a member.
    private var nonEmpty: [Bool] = []
    private var afterKey = false
    /// When set, output is handed over in pieces of about `chunk` bytes instead of gathered whole.
    private let sink: ((String) -> Void)?
    private static let chunk = 1 << 20

    init(sink: ((String) -> Void)? = nil) {
        self.sink = sink
        output.reserveCapacity(sink == nil ? 1 << 16 : Self.chunk + (1 << 16))
    }

    /// With a sink: hands over what has been written so far when it has grown past a chunk.
    private mutating func flushIfFull() {
        guard let sink, output.utf8.count >= Self.chunk else { return }
        sink(output)
        output.removeAll(keepingCapacity: true)
    }

    /// With a sink: hands over the rest of the output.
    mutating func finish() {
        guard let sink, !output.isEmpty else { return }
        sink(output)
        output.removeAll(keepingCapacity: true)
    }

    private mutating func beforeValue() {
        flushIfFull()
        if afterKey {
            afterKey = false
            return
        }
        if let last = nonEmpty.last {
            if last { output += "," }
            nonEmpty[nonEmpty.count - 1] = true
            newline()
        }
    }

    private mutating func newline() {
        let depth = nonEmpty.count
        output += depth < Self.indents.count ? Self.indents[depth] : "\n" + String(repeating: "  ", count: depth)
    }

    /// A newline and the indentation of each depth, made once.
    private static let indents = (0..<16).map { "\n" + String(repeating: "  ", count: $0) }

    /// Writes `items` as the elements of the open array, the same text as writing them one by one with
    /// `render`, but rendered a few chunks at a time on every core (results.json of a large cluster holds
    /// hundreds of thousands of findings). Only a few chunks are held at once, so memory stays flat.
    mutating func elements<T>(_ items: [T], _ render: (T, inout JSONWriter) -> Void) {
        let chunk = 512
        guard items.count > chunk, let open = nonEmpty.last else {
            for item in items { render(item, &self) }
            return
        }
        let depth = nonEmpty.count
        let wave = chunk * 4 * ProcessInfo.processInfo.activeProcessorCount
        var start = 0
        var hasElements = open
        while start < items.count {
            let end = min(items.count, start + wave)
            let chunks = (end - start + chunk - 1) / chunk
            let first = hasElements
            let pieces = Parallel.map(chunks) { k in
                // A writer in the same state as this one at the chunk's first element.
                var w = JSONWriter(sink: nil)
                w.nonEmpty = Array(repeating: true, count: depth)
                w.nonEmpty[depth - 1] = first || k > 0
                for item in items[(start + k * chunk)..<min(end, start + (k + 1) * chunk)] { render(item, &w) }
                return w.output
            }
            for piece in pieces {
                if let sink {
                    // Handed over as it is, after what was written before it.
                    if !output.isEmpty { sink(output) }
                    output.removeAll(keepingCapacity: true)
                    sink(piece)
                } else {
                    output += piece
                }
            }
            hasElements = true
            start = end
        }
        nonEmpty[depth - 1] = true
    }

    mutating func beginObject() {
        beforeValue()
        output += "{"
        nonEmpty.append(false)
    }

    mutating func endObject() {
        close("}")
    }

    mutating func beginArray() {
        beforeValue()
        output += "["
        nonEmpty.append(false)
    }

    mutating func endArray() {
        close("]")
    }

    private mutating func close(_ bracket: String) {
        let hadMembers = nonEmpty.popLast() ?? false
        if hadMembers { newline() }
        output += bracket
    }

    mutating func key(_ name: String) {
        beforeValue()
        Self.quote(name, into: &output)
        output += ": "
        afterKey = true
    }

    mutating func string(_ value: String) {
        beforeValue()
        Self.quote(value, into: &output)
    }

    mutating func int(_ value: Int) {
        beforeValue()
        output += String(value)
    }

    mutating func bool(_ value: Bool) {
        beforeValue()
        output += value ? "true" : "false"
    }

    mutating func null() {
        beforeValue()
        output += "null"
    }

    // Conveniences for members.

    mutating func member(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    mutating func member(_ name: String, _ value: String?) {
        key(name)
        if let value { string(value) } else { null() }
    }

    mutating func member(_ name: String, _ value: Int) {
        key(name)
        int(value)
    }

    mutating func member(_ name: String, _ value: Int?) {
        key(name)
        if let value { int(value) } else { null() }
    }

    mutating func member(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    mutating func member(_ name: String, strings: [String]) {
        key(name)
        beginArray()
        for s in strings { string(s) }
        endArray()
    }

    mutating func object(_ name: String, _ body: (inout JSONWriter) -> Void) {
        key(name)
        beginObject()
        body(&self)
        endObject()
    }

    mutating func array(_ name: String, _ body: (inout JSONWriter) -> Void) {
        key(name)
        beginArray()
        body(&self)
        endArray()
    }

    private static let hex: [Character] = Array("0123456789abcdef")

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        // Most text is printable ASCII without quotes or backslashes: nothing to escape.
        if Text.allBytes(of: text, satisfy: { $0 >= 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x5C }) {
            out += text
            out += "\""
            return
        }
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || v == 0x2028 || v == 0x2029 || v == 0xFEFF || Text.isBidiControl(scalar) {
                    out += "\\u"
                    for shift in stride(from: 12, through: 0, by: -4) {
                        out.append(hex[Int((v >> UInt32(shift)) & 0xF)])
                    }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

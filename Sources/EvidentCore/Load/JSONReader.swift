import Foundation

/// A JSON reader from bytes into `Value`, written by hand because Foundation's JSONSerialization reads
/// about 5 MB/s here and neither it nor JSONDecoder reports line numbers. It records the line where each
/// top-level value and each element of a top-level `items` array starts, which is where findings point.
/// Strict: duplicate keys, invalid UTF-8 and trailing garbage are errors.
struct JSONReader {
    struct Document {
        var value: Value
        var line: Int
        /// For a top-level object with an `items` array: the line of each element.
        var itemLines: [Int]
    }

    static let maxDepth = 256

    private let bytes: UnsafeRawBufferPointer
    private let file: String
    private var pos = 0
    private var line = 1
    private var lineStart = 0
    private var depth = 0

    private init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    /// Reads one or more whitespace-separated JSON values.
    static func read(_ data: UnsafeRawBufferPointer, file: String) throws(LoadError) -> [Document] {
        var reader = JSONReader(bytes: data, file: file)
        var documents: [Document] = []
        reader.skipWhitespace()
        while reader.pos < data.count {
            let startLine = reader.line
            var itemLines: [Int] = []
            let value = try reader.readValue(itemLines: &itemLines, topLevel: true)
            documents.append(Document(value: value, line: startLine, itemLines: itemLines))
            reader.skipWhitespace()
        }
        return documents
    }

    private var location: SourceLocation { SourceLocation(file: file, line: line, column: pos - lineStart + 1) }

    private func fail(_ message: String, word: String? = nil) -> LoadError {
        LoadError("invalid JSON: \(message)", at: location, word: word)
    }

    private mutating func skipWhitespace() {
        while pos < bytes.count {
            switch bytes[pos] {
            case 0x20, 0x09, 0x0D: pos += 1
            case 0x0A: pos += 1; line += 1; lineStart = pos
            default: return
            }
        }
    }

    private mutating func readValue(itemLines: inout [Int], topLevel: Bool) throws(LoadError) -> Value {
        skipWhitespace()
        guard pos < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[pos] {
        case UInt8(ascii: "{"): return try readObject(itemLines: &itemLines, topLevel: topLevel)
        case UInt8(ascii: "["):
            var none: [Int] = []
            return try readArray(lines: &none, record: false)
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

    private mutating func readObject(itemLines: inout [Int], topLevel: Bool) throws(LoadError) -> Value {
        try enter()
        pos += 1
        var members: [String: Value] = [:]
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "}") {
            pos += 1
            depth -= 1
            return .map(members)
        }
        while true {
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: "\"") else { throw fail("expected a key in quotes") }
            let keyLocation = location
            let key = try readString()
            skipWhitespace()
            guard pos < bytes.count, bytes[pos] == UInt8(ascii: ":") else { throw fail("expected ':' after key", word: key) }
            pos += 1
            let value: Value
            skipWhitespace()
            if topLevel, key == "items", pos < bytes.count, bytes[pos] == UInt8(ascii: "[") {
                value = try readArray(lines: &itemLines, record: true)
            } else {
                var none: [Int] = []
                value = try readValue(itemLines: &none, topLevel: false)
            }
            if members.updateValue(value, forKey: key) != nil {
                throw LoadError("duplicate key '\(key)'", at: keyLocation, word: key,
                                hint: "each key may appear once in an object")
            }
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unexpected end of input in an object") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "}") { pos += 1; break }
            throw fail("expected ',' or '}'", word: Self.printable(bytes[pos]))
        }
        depth -= 1
        return .map(members)
    }

    private mutating func readArray(lines: inout [Int], record: Bool) throws(LoadError) -> Value {
        try enter()
        pos += 1
        var items: [Value] = []
        skipWhitespace()
        if pos < bytes.count, bytes[pos] == UInt8(ascii: "]") {
            pos += 1
            depth -= 1
            return .list(items)
        }
        while true {
            skipWhitespace()
            if record { lines.append(line) }
            var none: [Int] = []
            items.append(try readValue(itemLines: &none, topLevel: false))
            skipWhitespace()
            guard pos < bytes.count else { throw fail("unexpected end of input in an array") }
            if bytes[pos] == UInt8(ascii: ",") { pos += 1; continue }
            if bytes[pos] == UInt8(ascii: "]") { pos += 1; break }
            throw fail("expected ',' or ']'", word: Self.printable(bytes[pos]))
        }
        depth -= 1
        return .list(items)
    }

    private mutating func readString() throws(LoadError) -> String {
        pos += 1
        let start = pos
        // Fast path: no escapes.
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "\"") {
                let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<pos])
                pos += 1
                guard let s = String(validating: slice, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
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
                guard let s = String(validating: buffer, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
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

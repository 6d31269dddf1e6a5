import Foundation

extension CELValue {
    /// The value as one line of typed JSON, in the format of the CEL conformance data:
    /// `{"type": "int", "value": 1}`, `{"type": "bytes", "base64": "..."}`,
    /// `{"type": "list", "values": [...]}`, `{"type": "map", "entries": [[key, value], ...]}`;
    /// infinite and NaN doubles are the strings `"inf"`, `"-inf"` and `"nan"`.
    public var typedJSON: String {
        switch self {
        case .null: return #"{"type": "null"}"#
        case .bool(let b): return #"{"type": "bool", "value": \#(b)}"#
        case .int(let i): return #"{"type": "int", "value": \#(i)}"#
        case .uint(let u): return #"{"type": "uint", "value": \#(u)}"#
        case .double(let d):
            let text: String
            if d.isNaN {
                text = "\"nan\""
            } else if d.isInfinite {
                text = d < 0 ? "\"-inf\"" : "\"inf\""
            } else {
                text = String(d)
            }
            return #"{"type": "double", "value": \#(text)}"#
        case .string(let s): return #"{"type": "string", "value": \#(Self.jsonString(s))}"#
        case .bytes(let b): return #"{"type": "bytes", "base64": "\#(Data(b).base64EncodedString())"}"#
        case .list(let items):
            return #"{"type": "list", "values": [\#(items.map(\.typedJSON).joined(separator: ", "))]}"#
        case .map(let m):
            let entries = m.entries.map { "[\($0.key.typedJSON), \($0.value.typedJSON)]" }
            return #"{"type": "map", "entries": [\#(entries.joined(separator: ", "))]}"#
        }
    }

    /// A JSON string literal.
    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Strict equality of type and value (1 and 1.0 differ; NaN equals NaN; map order is ignored), for
    /// comparing results with expected values in tests.
    public func identical(to other: CELValue) -> Bool {
        switch (self, other) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.int(let a), .int(let b)): return a == b
        case (.uint(let a), .uint(let b)): return a == b
        case (.double(let a), .double(let b)): return a == b || (a.isNaN && b.isNaN)
        case (.string(let a), .string(let b)): return a.unicodeScalars.elementsEqual(b.unicodeScalars)
        case (.bytes(let a), .bytes(let b)): return a == b
        case (.list(let a), .list(let b)): return a.count == b.count && zip(a, b).allSatisfy { $0.identical(to: $1) }
        case (.map(let a), .map(let b)):
            guard a.count == b.count else { return false }
            return a.entries.allSatisfy { entry in
                b.entries.contains { $0.key.identical(to: entry.key) && $0.value.identical(to: entry.value) }
            }
        default: return false
        }
    }
}

import EvidentCore
import Foundation

/// Text helpers shared by the renderers: display sanitising, per-format escaping and time formatting.
enum Text {
    /// Characters that reorder text when displayed (Trojan Source): shown as `[U+202E]` instead.
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    /// Whether XML 1.0 allows the scalar at all (`Char` production).
    static func isXMLChar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: return true
        default: return false
        }
    }

    /// Makes snapshot or plan text safe to display: drops control characters (C0 except tab and line
    /// feed, DEL, C1), XML-illegal noncharacters and zero-width no-break spaces; writes bidi controls
    /// visibly as `[U+202E]`; folds CR LF, lone CR and U+2028 / U+2029 to LF. Format escaping is still needed afterwards.
    static func display(_ text: String) -> String {
        if isPlain(text, allowing: { $0 == 0x09 || $0 == 0x0A }, except: { _ in false }) { return text }
        var out = String.UnicodeScalarView()
        var previousCR = false
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v == 0x0D {
                out.append("\n")
                previousCR = true
                continue
            }
            defer { previousCR = false }
            if v == 0x2028 || v == 0x2029 {
                out.append("\n")
                continue
            }
            if v == 0x0A {
                if !previousCR { out.append(scalar) }
                continue
            }
            if v == 0x09 {
                out.append(scalar)
            } else if v < 0x20 || (0x7F...0x9F).contains(v) || v == 0xFEFF || !isXMLChar(scalar) {
                continue
            } else if isBidiControl(scalar) {
                out.append(contentsOf: String(format: "[U+%04X]", v).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    /// `display(text)` on one line: line breaks and tabs become spaces.
    static func line(_ text: String) -> String {
        if isPlain(text, except: { _ in false }) { return text }
        return String(display(text).map { $0 == "\n" || $0 == "\t" ? " " : $0 })
    }

    /// Shortens to at most `limit` characters, saying how many were left out.
    static func capped(_ text: String, _ limit: Int) -> String {
        // A character has at least one byte: short text needs no counting.
        guard text.utf8.count > limit, text.count > limit else { return text }
        let kept = text.prefix(max(0, limit))
        return "\(kept)… (\(text.count - kept.count) more characters)"
    }

    /// True when `text` is printable ASCII (space to `~`) apart from the control bytes `allowed` lets through,
    /// and holds no byte `special` names: the common case, which the helpers here return unchanged instead of
    /// rebuilding it character by character.
    @inline(__always)
    private static func isPlain(_ text: String, allowing allowed: (UInt8) -> Bool = { _ in false },
                                except special: (UInt8) -> Bool) -> Bool {
        allBytes(of: text) { byte in (0x20..<0x7F).contains(byte) ? !special(byte) : allowed(byte) }
    }

    /// Whether every UTF-8 byte of `text` satisfies `test`, in a loop over its contiguous bytes (iterating
    /// the UTF-8 view took a fifth of rendering results.json).
    @inline(__always)
    static func allBytes(of text: String, satisfy test: (UInt8) -> Bool) -> Bool {
        text.utf8.withContiguousStorageIfAvailable { bytes in
            for byte in bytes where !test(byte) { return false }
            return true
        } ?? text.utf8.allSatisfy(test)
    }

    private static let markdownSpecial = Set("\\`*_[]<>|#~&".utf8)
    private static let htmlSpecial = Set("&<>\"'|`*_[]".utf8)
    private static let xmlAttributeSpecial = Set("&<>\"'".utf8)
    private static let xmlTextSpecial = Set("&<>".utf8)

    // MARK: Markdown

    /// Escapes for GitHub-flavoured Markdown text and table cells: punctuation that starts markup is
    /// backslash-escaped (`|` included, so table rows keep their columns), line breaks become `<br>`.
    /// Expects `display`-sanitised input.
    static func markdown(_ text: String) -> String {
        if isPlain(text, except: { markdownSpecial.contains($0) }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for ch in text {
            switch ch {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "~", "&":
                out.append("\\")
                out.append(ch)
            case "\n":
                out += "<br>"
            case "\t":
                out += " "
            default:
                out.append(ch)
            }
        }
        return out
    }

    /// Escapes for HTML inside Markdown (e.g. `<summary>`), where backslash escapes do not work.
    static func html(_ text: String) -> String {
        if isPlain(text, except: { htmlSpecial.contains($0) }) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "|": out += "&#124;"
            case "`": out += "&#96;"
            case "*": out += "&#42;"
            case "_": out += "&#95;"
            case "[": out += "&#91;"
            case "]": out += "&#93;"
            case "\n": out += " "
            default: out.append(ch)
            }
        }
        return out
    }

    // MARK: XML

    /// Escapes XML character data and attribute values alike, and drops what XML 1.0 forbids.
    /// Line breaks and tabs are kept in text but written as character references in attributes, so that
    /// attribute-value normalisation does not turn them into spaces.
    static func xml(_ text: String, attribute: Bool) -> String {
        if attribute ? isPlain(text, except: { xmlAttributeSpecial.contains($0) })
            : isPlain(text, allowing: { $0 == 0x09 || $0 == 0x0A }, except: { xmlTextSpecial.contains($0) }) {
            return text
        }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&apos;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            default:
                if isXMLChar(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    // MARK: Time

    /// RFC 3339 in UTC, whole seconds: `2026-11-01T00:00:00Z`.
    static func rfc3339(_ date: Date) -> String {
        Timestamp.format(Date(timeIntervalSince1970: (date.timeIntervalSince1970).rounded(.down)))
    }

    /// The same instant without a zone, as the strict JUnit schema wants: `2026-11-01T00:00:00`.
    static func junitTimestamp(_ date: Date) -> String {
        let text = rfc3339(date)
        return text.hasSuffix("Z") ? String(text.dropLast()) : text
    }

    /// Whole days from `now` until the end of `date` (0 on the day itself).
    static func daysLeft(until date: PlanDate, from now: Date) -> Int {
        Int(((date.endOfDay.timeIntervalSince(now)) / 86_400).rounded(.up)) - 1
    }

    /// `1 resource`, `3 resources`.
    static func plural(_ count: Int, _ singular: String, _ plural: String? = nil) -> String {
        "\(count) \(count == 1 ? singular : (plural ?? singular + "s"))"
    }
}

import Foundation

/// Progress on stderr, only when stderr is a terminal and not in CI, overwritten in place.
final class Progress: @unchecked Sendable {
    private let enabled: Bool
    private var shown = false

    init(quiet: Bool = false) {
        let env = ProcessInfo.processInfo.environment
        enabled = !quiet && isatty(STDERR_FILENO) == 1 && env["CI"] == nil && env["TERM"] != "dumb"
    }

    func update(_ message: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K\(Terminal.clean(message).prefix(100))".utf8))
        shown = true
    }

    func finish() {
        guard enabled, shown else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8))
        shown = false
    }
}

enum Terminal {
    /// Snapshot text is data: control characters (so escape sequences, OSC 8 links and BEL), bidi controls,
    /// zero-width characters, line and paragraph separators and noncharacters become U+FFFD before printing.
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { isUnsafe($0) ? "\u{FFFD}" : $0 }))
    }

    /// `clean` for text of several lines: line feeds are kept, everything else as in `clean`.
    static func cleanLines(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { clean(String($0)) }.joined(separator: "\n")
    }

    /// Whether printing the scalar raw could change what the terminal shows elsewhere, or hide or reorder text.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: return true  // C0 (tab too: it can misalign columns), DEL, C1 (8-bit CSI)
        case 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069: return true  // bidi controls
        case 0x200B...0x200D, 0x2060, 0xFEFF: return true  // zero-width characters
        case 0x2028, 0x2029: return true  // line and paragraph separators
        case 0xFFFE, 0xFFFF: return true
        default: return false
        }
    }
}

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
    /// Snapshot text is data: strip control characters (escape sequences, bidi overrides) before printing.
    static func clean(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            let v = scalar.value
            let isControl = v < 0x20 || (0x7F...0x9F).contains(v)
            let isBidi = (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x200E || v == 0x200F
            return isControl || isBidi ? "\u{FFFD}" : scalar
        }))
    }
}

import Foundation

/// A fixed-seed pseudo-random generator (SplitMix64), so that every generated input is the same on every run
/// and a failure names the seed and index that reproduce it.
///
/// Hand-written rather than swift-property-based: the properties here are checked over whole snapshots
/// rendered once per batch (thousands of inputs per render), not one input per trial, and a failing input
/// is printed whole, so shrinking would not help.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hostile text: markup, Markdown control characters, XML-illegal characters, bidi overrides, zero-width
/// characters, terminal escape sequences, CI workflow commands and very long strings. Every generated string
/// holds a unique token (`EVD<n>Q`) so that a check can find exactly where it went.
public enum HostileText {
    /// Markup that must stay text: HTML, script ends, CDATA ends, Mustache, attribute breakouts.
    public static let markup = [
        "<script>alert(1)</script>", "</script><script>alert(2)</script>", "<img src=x onerror=alert(3)>",
        "<a href=\"javascript:alert(4)\">x</a>", "<svg onload=alert(5)>", "\"><b onmouseover=\"alert(6)\">",
        "' onfocus='alert(7)", "<!-- comment -->", "]]>", "<![CDATA[x]]>", "&amp;", "&lt;b&gt;", "&#x3C;p&#x3E;",
        "{{mustache}}", "{{{triple}}}", "{{& amp}}", "<EVDTAG>", "<iframe srcdoc=x></iframe>", "<style>*{}</style>",
        "\"\u{301} onmouseover=alert(9) x=\"", "<\u{338}script>", "<?xml version=\"1.0\"?>", "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>", "&e;",
    ]
    /// Markdown syntax, including sentinels that would start a heading, table row, quote or list on a new line.
    public static let markdown = [
        "|", "||", "*", "**bold**", "_", "__u__", "`", "```", "[", "]", "(", ")", "#", ">", "~~s~~", "\\", "\\|",
        "[link](javascript:alert(8))", "![img](https://evil.example/x.png)", "[ref]: https://evil.example",
        "\n# EVDHEAD", "\n| EVDROW | x |", "\n> EVDQUOTE", "\n- EVDLIST", "\n```EVDFENCE", "\n---\n", "<br>",
        "\r\n## EVDHEAD2", "\rEVDCR", "\u{2028}# EVDLS", "\u{2029}| EVDPS |", "\u{85}# EVDNEL",
    ]
    /// C0 controls other than tab and line feed, DEL, C1 and XML-illegal noncharacters.
    public static let controls: [String] = {
        var list: [String] = []
        for value in UInt8(0x00)...UInt8(0x1F) where value != 0x09 && value != 0x0A {
            list.append(String(Character(Unicode.Scalar(value))))
        }
        return list + ["\u{7F}", "\u{80}", "\u{9F}", "\u{FFFE}", "\u{FFFF}", "\u{1FFFE}"]
    }()
    /// Bidi overrides, embeddings, isolates and marks (Trojan Source).
    public static let bidi = ["\u{202A}", "\u{202B}", "\u{202C}", "\u{202D}", "\u{202E}", "\u{2066}", "\u{2067}",
                              "\u{2068}", "\u{2069}", "\u{200E}", "\u{200F}", "\u{061C}"]
    /// Zero-width characters.
    public static let zeroWidth = ["\u{200B}", "\u{200C}", "\u{200D}", "\u{2060}", "\u{FEFF}"]
    /// Terminal escape sequences: CSI, OSC 8 hyperlinks, OSC titles, DCS, BEL, 8-bit CSI; and GitHub workflow
    /// commands that would start a new annotation.
    public static let terminal = [
        "\u{1B}[31m", "\u{1B}[2J\u{1B}[H", "\u{1B}]8;;https://evil.example/\u{7}click\u{1B}]8;;\u{7}",
        "\u{1B}]0;title\u{7}", "\u{1B}P+q\u{1B}\\", "\u{7}", "\u{9B}31m", "\u{1B}c", "\u{1B}[?1049h",
        "\n::error::EVDCMD", "%0A::warning::EVDPCT", "::set-output name=x::y", "%", ":", ",", "%25",
    ]
    /// Ordinary text between the hostile pieces: words, non-ASCII letters, emoji with joiners, combining marks.
    public static let plain = ["web", "api", "db-0", "Ärger", "日本語", "👩‍💻", "e\u{301}", "x.y", "a b", "-", "/", "@", "="]

    public static let all: [String] = {
        var list = markup + markdown
        list += controls + bidi
        list += zeroWidth + terminal
        return list
    }()

    /// One hostile string holding `EVD<id>Q`. About one in `longEvery` is very long (3–5 thousand characters).
    public static func string(_ id: Int, _ rng: inout SeededGenerator, longEvery: Int = 40) -> String {
        let lead: UInt64 = rng.next(upperBound: 4)
        var s = lead == 0 ? "" : pick(plain, &rng)
        s += "EVD\(id)Q"
        let count: UInt64 = rng.next(upperBound: 6)
        let pieces = 2 + Int(count)
        for _ in 0..<pieces {
            let pool: [String]
            let which: UInt64 = rng.next(upperBound: 6)
            switch which {
            case 0: pool = markup
            case 1: pool = markdown
            case 2: pool = controls
            case 3: pool = bidi + zeroWidth
            case 4: pool = terminal
            default: pool = plain
            }
            s += pick(pool, &rng)
        }
        let roll: UInt64 = rng.next(upperBound: UInt64(max(1, longEvery)))
        if longEvery > 0 && roll == 0 {
            let piece = pick(all, &rng) + "long-"
            let extra: UInt64 = rng.next(upperBound: 2_000)
            s += String(repeating: piece, count: (3_000 + Int(extra)) / max(1, piece.count))
        }
        return s
    }

    /// One element of `pool`, chosen by `rng`.
    public static func pick(_ pool: [String], _ rng: inout SeededGenerator) -> String {
        let i: UInt64 = rng.next(upperBound: UInt64(pool.count))
        return pool[Int(i)]
    }
}

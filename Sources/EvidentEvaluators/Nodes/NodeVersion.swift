import EvidentCore

/// A version as nodes report them, reduced to its numeric components for ordering.
///
/// Reads `v1.29.3`, `1.29.3-eks-ae9a62a` (1.29.3), `containerd://1.7.13` (1.7.13, after
/// `NodeVersion.runtime` splits off the runtime), kernels such as `5.15.0-1057-aws` (5.15.0.1057) and
/// `4.18.0-513.11.1.el8_9.x86_64` (4.18.0.513.11.1): a leading `v`, then dotted numbers, then optionally a
/// dash and more dotted numbers (a distribution's kernel build); anything after that is ignored.
/// Missing components count as zero, so `1.7` equals `1.7.0`. Pre-release suffixes such as `-rc.1` are
/// ignored, which ranks `1.30.0-rc.1` with `1.30.0`.
struct NodeVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The numeric components, trailing zeros removed.
    let components: [Int]
    /// The text as written.
    let text: String

    /// Parses `text`; nil when it does not start with a number (after an optional `v`).
    init?(_ text: String) {
        let trimmed = text.filter { !$0.isWhitespace }
        var rest = Substring(trimmed)
        if let scheme = rest.firstRange(of: "://") { rest = rest[scheme.upperBound...] }
        if rest.first == "v" || rest.first == "V" { rest = rest.dropFirst() }
        guard var numbers = Self.dottedNumbers(&rest) else { return nil }
        if rest.first == "-", rest.dropFirst().first?.isASCIIDigitForVersion == true {
            rest = rest.dropFirst()
            guard let build = Self.dottedNumbers(&rest) else { return nil }
            numbers += build
        }
        while numbers.count > 1, numbers.last == 0 { numbers.removeLast() }
        self.components = numbers
        self.text = text
    }

    var major: Int { component(0) }
    var minor: Int { component(1) }

    /// The component at `position`, zero when absent.
    func component(_ position: Int) -> Int { position < components.count ? components[position] : 0 }

    var description: String { text }

    static func == (a: NodeVersion, b: NodeVersion) -> Bool { a.components == b.components }

    func hash(into hasher: inout Hasher) { hasher.combine(components) }

    static func < (a: NodeVersion, b: NodeVersion) -> Bool {
        for i in 0..<max(a.components.count, b.components.count) where a.component(i) != b.component(i) {
            return a.component(i) < b.component(i)
        }
        return false
    }

    /// Splits a `containerRuntimeVersion` such as `containerd://1.7.13` or `cri-o://1.29.1` into the
    /// runtime's name (lower-cased; empty when there is no `://`) and its version (nil when unreadable).
    static func runtime(_ text: String) -> (name: String, version: NodeVersion?) {
        guard let scheme = text.firstRange(of: "://") else { return ("", NodeVersion(text)) }
        return (text[..<scheme.lowerBound].lowercased(), NodeVersion(String(text[scheme.upperBound...])))
    }

    /// Reads `1.29.3` from the front of `rest`; nil when `rest` does not start with a digit or a number
    /// overflows.
    private static func dottedNumbers(_ rest: inout Substring) -> [Int]? {
        var numbers: [Int] = []
        while true {
            let digits = rest.prefix { $0.isASCIIDigitForVersion }
            guard !digits.isEmpty, let number = Int(digits) else { return numbers.isEmpty ? nil : numbers }
            numbers.append(number)
            rest = rest[digits.endIndex...]
            guard rest.first == ".", rest.dropFirst().first?.isASCIIDigitForVersion == true else { return numbers }
            rest = rest.dropFirst()
        }
    }
}

extension Character {
    fileprivate var isASCIIDigitForVersion: Bool { isASCII && isNumber }
}

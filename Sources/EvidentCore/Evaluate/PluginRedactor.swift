/// Keeps values a plugin was handed out of what it writes back. A plugin receives whole objects, and with
/// them values that may be secret: annotation values (tokens, whole objects), env `value`s and ConfigMap
/// `data`. Its stderr becomes a diagnostic and its findings become report rows, so a plugin that echoes its
/// request (a traceback, a debug print) would put those values into every report and log. Each such value of
/// at least `minimumLength` characters is replaced by `[redacted]` wherever the plugin repeats it.
public struct PluginRedactor: Sendable {
    public static let minimumLength = 6
    public static let replacement = "[redacted]"

    /// The values, by the hash of their first `minimumLength` UTF-8 bytes, longest first.
    private let byPrefix: [UInt64: [String]]

    public init(_ resources: [Resource]) {
        var values: Set<String> = []
        func strings(_ value: Value?) -> [String] { value?.map?.values.compactMap(\.string) ?? [] }
        func walk(_ value: Value) {
            switch value {
            case .map(let m):
                values.formUnion(strings(m["annotations"]))
                for e in m["env"]?.items ?? [] {
                    if let s = e.map?["value"]?.string { values.insert(s) }
                }
                for child in m.values { walk(child) }
            case .list(let items):
                for child in items { walk(child) }
            default:
                break
            }
        }
        for r in resources {
            values.formUnion(r.annotations.values)
            if r.kind == "ConfigMap" { values.formUnion(strings(r.body.map?["data"])) }
            walk(r.body)
        }
        var byPrefix: [UInt64: [String]] = [:]
        for v in values where v.utf8.count >= Self.minimumLength {
            byPrefix[Self.key(Array(v.utf8.prefix(Self.minimumLength))), default: []].append(v)
        }
        self.byPrefix = byPrefix.mapValues { $0.sorted { $0.utf8.count > $1.utf8.count } }
    }

    /// `text` with every value it repeats replaced by `[redacted]`. Linear in the text when nothing matches.
    public func redact(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard !byPrefix.isEmpty, bytes.count >= Self.minimumLength else { return text }
        var candidates: Set<String> = []
        for i in 0...(bytes.count - Self.minimumLength) {
            if let list = byPrefix[Self.key(bytes[i..<(i + Self.minimumLength)])] { candidates.formUnion(list) }
        }
        guard !candidates.isEmpty else { return text }
        var out = text
        for value in candidates.sorted(by: { $0.utf8.count > $1.utf8.count }) where out.contains(value) {
            out = out.replacingOccurrences(of: value, with: Self.replacement)
        }
        return out
    }

    public func redact(_ text: String?) -> String? { text.map { redact($0) } }

    private static func key<C: Collection>(_ bytes: C) -> UInt64 where C.Element == UInt8 {
        bytes.reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
    }
}

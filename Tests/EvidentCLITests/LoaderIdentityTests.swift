import Foundation
import Testing

/// The fast loaders must not change a single result: the JSON report of a generated 2,000-pod cluster is
/// compared, byte for byte (by length and FNV-1a digest), with the report the original generic loader
/// (`Value` trees from a byte JSON reader and Yams) produced before the loaders were rewritten.
@Suite("Loader identity")
struct LoaderIdentityTests {
    /// Recorded with the generic loader on `gen-snapshot --pods 2000` (default seed), example plan,
    /// `--now 2026-11-27T12:00:00Z`, relative paths. A change to the report format itself, the example plan,
    /// the catalogs or the tool version also changes these: then re-record them from a run of the reference
    /// path, and say why in the commit.
    static let expected: [String: (bytes: Int, fnv: String)] = [
        "json": (3_548_245, "59e2d8f7d389db"),
        "yaml-dir": (3_615_332, "1276fd8351ababf8"),
    ]

    static func fnv1a(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return String(hash, radix: 16)
    }

    @Test(.enabled(if: CLI.genSnapshot != nil, "gen-snapshot not found beside the package (../shared/tools); skipped"),
          arguments: ["json", "yaml-dir"])
    func jsonReportIsUnchanged(format: String) throws {
        let dir = try CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tool = try #require(CLI.genSnapshot)
        let input = format == "json" ? "snapshot.json" : "manifests"
        let gen = Process()
        gen.executableURL = tool
        gen.arguments = ["--pods", "2000", "--format", format, "--out", dir.appendingPathComponent(input).path]
        try gen.run()
        gen.waitUntilExit()
        #expect(gen.terminationStatus == 0)
        try FileManager.default.copyItem(at: CLI.root.appendingPathComponent("controls/plans/example-plan.yaml"),
                                         to: dir.appendingPathComponent("plan.yaml"))

        let r = try CLI.run(["audit", input, "--plan", "plan.yaml", "--now", "2026-11-27T12:00:00Z",
                             "--format", "json", "--output", "report"], in: dir)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let data = try Data(contentsOf: dir.appendingPathComponent("report/results.json"))
        let expected = try #require(Self.expected[format])
        let actual = (bytes: data.count, fnv: Self.fnv1a(data))
        if ProcessInfo.processInfo.environment["EVIDENT_PRINT_DIGESTS"] == "1" {
            print("LOADER-IDENTITY \(format): (\(actual.bytes), \"\(actual.fnv)\")")
        }
        #expect(actual.bytes == expected.bytes && actual.fnv == expected.fnv,
                "results.json of \(format) differs from the reference: \(actual) instead of \(expected)")
    }
}

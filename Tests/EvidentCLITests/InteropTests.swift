import EvidentCore
import Foundation
import Testing

/// SARIF, OSCAL and the evidence manifest, end to end through `evident audit`.
@Suite("Interoperability formats")
struct InteropTests {
    let now = "2026-11-27T12:00:00Z"

    static func json(_ url: URL) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    static func sha256(_ data: Data) -> String {
        Digest.sha256(data)
    }

    /// Copies the example snapshot into `dir` so that inputs have a short relative path.
    static func exampleSnapshot(in dir: URL) throws -> String {
        let source = CLI.root.appendingPathComponent("controls/examples/example-snapshot.yaml")
        try FileManager.default.copyItem(at: source, to: dir.appendingPathComponent("snapshot.yaml"))
        return "snapshot.yaml"
    }

    @Test func formatAllWritesEveryReportAndAManifestDeterministically() throws {
        let dir = try CLI.temporaryDirectory()
        let snapshot = try Self.exampleSnapshot(in: dir)
        let plan = CLI.root.appendingPathComponent("controls/plans/example-plan.yaml").path
        for out in ["a", "b"] {
            let r = try CLI.run(["audit", snapshot, "--plan", plan, "--now", now, "--format", "all", "--output", out], in: dir)
            #expect(r.code == 1, "\(r.stderr)")
        }
        let names = ["report.html", "report.md", "junit.xml", "results.json", "results.sarif",
                     "assessment-results.json", "poam.json", "gl-code-quality-report.json", "manifest.json"]
        for name in names {
            let a = try Data(contentsOf: dir.appendingPathComponent("a/\(name)"))
            let b = try Data(contentsOf: dir.appendingPathComponent("b/\(name)"))
            #expect(!a.isEmpty, "\(name) is empty")
            #expect(a == b, "\(name) differs between two runs with the same inputs and --now")
        }
        let listed = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("a").path)
        #expect(Set(listed) == Set(names), "stray files: \(listed)")

        // The manifest hashes every other report as written, and every input.
        let manifest = try Self.json(dir.appendingPathComponent("a/manifest.json"))
        let reports = try #require(manifest["reports"] as? [[String: Any]])
        #expect(Set(reports.compactMap { $0["file"] as? String }) == Set(names.dropLast()))
        for report in reports {
            let file = try #require(report["file"] as? String)
            let data = try Data(contentsOf: dir.appendingPathComponent("a/\(file)"))
            #expect(report["sha256"] as? String == Self.sha256(data), "\(file)")
            #expect(report["bytes"] as? Int == data.count)
        }
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        let snapshotInput = try #require(inputs.first { $0["path"] as? String == snapshot })
        #expect(snapshotInput["sha256"] as? String
                == Self.sha256(try Data(contentsOf: dir.appendingPathComponent(snapshot))))
        #expect(manifest["snapshotTime"] as? String != nil)
    }

    @Test func sarifResultsPointAtTheObjectsFileAndLine() throws {
        let dir = try CLI.temporaryDirectory()
        let snapshot = try Self.exampleSnapshot(in: dir)
        let plan = CLI.root.appendingPathComponent("controls/plans/example-plan.yaml").path
        let r = try CLI.run(["audit", snapshot, "--plan", plan, "--now", now, "--format", "sarif", "--output", "out"], in: dir)
        #expect(r.code == 1, "\(r.stderr)")
        let lines = try String(contentsOf: dir.appendingPathComponent(snapshot), encoding: .utf8)
            .components(separatedBy: "\n")
        let sarif = try Self.json(dir.appendingPathComponent("out/results.sarif"))
        let run = try #require((sarif["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(!results.isEmpty)
        var located = 0
        for result in results {
            guard let location = (result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            else { continue }
            located += 1
            #expect((location["artifactLocation"] as? [String: Any])?["uri"] as? String == snapshot)
            let line = try #require((location["region"] as? [String: Any])?["startLine"] as? Int)
            #expect(line >= 1 && line <= lines.count)
            // The line starts the object: its name follows within its metadata.
            let resource = try #require((result["properties"] as? [String: Any])?["resource"] as? String)
            let name = String(resource.split(separator: "/").last ?? "").split(separator: " ").last.map(String.init) ?? ""
            let window = lines[(line - 1)..<min(lines.count, line + 8)]
            #expect(window.contains { $0.trimmingCharacters(in: .whitespaces) == "name: \(name)" },
                    "\(resource) at line \(line)")
        }
        #expect(located > 0)
        // The cap: the least severe are left out, and the run says so.
        let capped = try CLI.run(["audit", snapshot, "--plan", plan, "--now", now, "--format", "sarif",
                                  "--sarif-max-results", "5", "--output", "capped"], in: dir)
        #expect(capped.code == 1)
        let c = try #require((try Self.json(dir.appendingPathComponent("capped/results.sarif"))["runs"] as? [[String: Any]])?.first)
        #expect((c["results"] as? [Any])?.count == 5)
        #expect((c["properties"] as? [String: Any])?["resultsLeftOut"] as? Int == results.count - 5)
    }

    @Test func theDefaultFormatsAlsoWriteTheManifest() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["audit", "--example", "--now", now, "--format", "json"], in: dir)
        #expect(r.code == 1)
        let manifest = try Self.json(dir.appendingPathComponent("evident-report/manifest.json"))
        #expect((manifest["reports"] as? [[String: Any]])?.compactMap { $0["file"] as? String } == ["results.json"])
    }

    @Test func oscalWritesBothDocuments() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["audit", "--example", "--now", now, "--format", "oscal"], in: dir)
        #expect(r.code == 1, "\(r.stderr)")
        let ar = try Self.json(dir.appendingPathComponent("evident-report/assessment-results.json"))
        let poam = try Self.json(dir.appendingPathComponent("evident-report/poam.json"))
        #expect((ar["assessment-results"] as? [String: Any])?["results"] != nil)
        #expect(((poam["plan-of-action-and-milestones"] as? [String: Any])?["poam-items"] as? [Any])?.isEmpty == false)
    }
}

/// `--baseline` and `evident diff`.
@Suite("Baselines and diffs")
struct BaselineTests {
    let now = "2026-11-27T12:00:00Z"

    @Test func aBaselineFailsTheGateOnlyOnTheChangedResource() throws {
        let dir = try CLI.temporaryDirectory()
        let snapshot = try InteropTests.exampleSnapshot(in: dir)
        let plan = CLI.root.appendingPathComponent("controls/plans/example-plan.yaml").path
        let base = try CLI.run(["audit", snapshot, "--plan", plan, "--now", now, "--format", "json", "--output", "base"], in: dir)
        #expect(base.code == 1, "\(base.stderr)")

        // The same snapshot against its own baseline passes: nothing is new.
        let same = try CLI.run(["audit", snapshot, "--plan", plan, "--now", now, "--format", "json", "--output", "same",
                                "--baseline", "base/results.json"], in: dir)
        #expect(same.code == 0, "\(same.stdout)\(same.stderr)")
        #expect(same.stdout.contains("new 0 · fixed 0"))

        // One resource changes (and every line moves down by one): only its deviations are new.
        let original = try String(contentsOf: dir.appendingPathComponent(snapshot), encoding: .utf8)
        var lines = original.components(separatedBy: "\n")
        let storefront = try #require(lines.firstIndex { $0.contains("image: registry.example.com/shop/storefront:") })
        let escalation = try #require(lines[storefront...].firstIndex { $0.contains("allowPrivilegeEscalation: false") })
        lines[escalation] = lines[escalation].replacingOccurrences(of: "false", with: "true")
        try CLI.write("# moved down a line\n" + lines.joined(separator: "\n"), to: dir.appendingPathComponent("changed.yaml"))
        let changed = try CLI.run(["audit", "changed.yaml", "--plan", plan, "--now", now, "--format", "json",
                                   "--output", "changed", "--baseline", "base/results.json"], in: dir)
        #expect(changed.code == 1, "\(changed.stdout)\(changed.stderr)")
        let newLines = changed.stdout.components(separatedBy: "\n").filter { $0.hasPrefix("  + ") }
        #expect(!newLines.isEmpty)
        #expect(newLines.allSatisfy { $0.contains("Deployment shop/storefront") }, "\(newLines)")
        #expect(changed.stdout.contains("fixed 0"))
        #expect(changed.stdout.contains("have new deviations not in the baseline"))
        let manifest = try InteropTests.json(dir.appendingPathComponent("changed/manifest.json"))
        let inputs = try #require(manifest["inputs"] as? [[String: Any]])
        #expect(inputs.contains { $0["role"] as? String == "baseline" && $0["path"] as? String == "base/results.json" })

        // evident diff says the same, in text and in Markdown.
        let diff = try CLI.run(["diff", "base/results.json", "changed/results.json"], in: dir)
        #expect(diff.code == 1)
        #expect(diff.stdout.contains("new \(newLines.count) · fixed 0"))
        let md = try CLI.run(["diff", "base/results.json", "changed/results.json", "--format", "markdown"], in: dir)
        #expect(md.stdout.contains("### New deviations"))
        #expect(md.stdout.contains("| Deployment shop/storefront |"))
        let back = try CLI.run(["diff", "changed/results.json", "base/results.json"], in: dir)
        #expect(back.code == 0)
        #expect(back.stdout.contains("new 0 · fixed \(newLines.count)"))
    }

    @Test func diffRefusesWhatIsNotAResultsFile() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.write("{\"kind\": \"List\", \"items\": []}", to: dir.appendingPathComponent("x.json"))
        let r = try CLI.run(["diff", "x.json", "x.json"], in: dir)
        #expect(r.code == 2)
        #expect(r.stderr.contains("x.json:1"))
    }
}

/// `evident verify`.
@Suite("Verify a report folder")
struct VerifyTests {
    @Test func aOneByteChangeInAnyReportOrInputIsDetected() throws {
        let dir = try CLI.temporaryDirectory()
        let snapshot = try InteropTests.exampleSnapshot(in: dir)
        let audit = try CLI.run(["audit", snapshot, "--now", "2026-11-27T12:00:00Z", "--format", "all", "--output", "out"], in: dir)
        #expect(audit.code == 1, "\(audit.stderr)")
        let clean = try CLI.run(["verify", "out", "--require-inputs"], in: dir)
        #expect(clean.code == 0, "\(clean.stdout)\(clean.stderr)")
        let files = ["report.html", "report.md", "junit.xml", "results.json", "results.sarif",
                     "assessment-results.json", "poam.json"].map { "out/\($0)" } + [snapshot]
        for file in files {
            let url = dir.appendingPathComponent(file)
            let original = try Data(contentsOf: url)
            var changed = original
            let middle = changed.count / 2
            changed[middle] = changed[middle] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
            try changed.write(to: url)
            let r = try CLI.run(["verify", "out", "--require-inputs"], in: dir)
            #expect(r.code == 1, "a change in \(file) went unnoticed")
            #expect(r.stdout.contains("CHANGED"), "\(file): \(r.stdout)")
            try original.write(to: url)
        }
        try FileManager.default.removeItem(at: dir.appendingPathComponent("out/report.md"))
        let missing = try CLI.run(["verify", "out"], in: dir)
        #expect(missing.code == 1)
        #expect(missing.stdout.contains("MISSING  report report.md"))
        let none = try CLI.run(["verify", "."], in: dir)
        #expect(none.code == 2)
    }
}

/// `--annotations github|gitlab`.
@Suite("CI annotations end to end")
struct AnnotationCLITests {
    @Test func githubPrintsCommandsAndGitlabWritesTheReport() throws {
        let dir = try CLI.temporaryDirectory()
        let snapshot = try InteropTests.exampleSnapshot(in: dir)
        let github = try CLI.run(["audit", snapshot, "--now", "2026-11-27T12:00:00Z", "--format", "json",
                                  "--annotations", "github", "--quiet"], in: dir)
        #expect(github.code == 1, "\(github.stderr)")
        let commands = github.stdout.split(separator: "\n").filter { $0.hasPrefix("::") }
        #expect(!commands.isEmpty)
        #expect(commands.contains { $0.hasPrefix("::error file=\(snapshot),line=") })
        let gitlab = try CLI.run(["audit", snapshot, "--now", "2026-11-27T12:00:00Z", "--format", "json",
                                  "--annotations", "gitlab", "--output", "gl"], in: dir)
        #expect(gitlab.code == 1)
        let data = try Data(contentsOf: dir.appendingPathComponent("gl/gl-code-quality-report.json"))
        #expect((try JSONSerialization.jsonObject(with: data) as? [Any])?.isEmpty == false)
        let bad = try CLI.run(["audit", snapshot, "--annotations", "jenkins"], in: dir)
        #expect(bad.code == 2)
    }
}

/// `--sign-key` and `verify --public-key`.
@Suite("Signed manifests")
struct SignatureTests {
    @Test func aSignedManifestVerifiesAndATamperedOneDoesNot() throws {
        let dir = try CLI.temporaryDirectory()
        let snapshot = try InteropTests.exampleSnapshot(in: dir)
        #expect(try CLI.run(["verify", "--generate-key", "ours"], in: dir).code == 0)
        #expect(try CLI.run(["verify", "--generate-key", "theirs"], in: dir).code == 0)
        #expect(try CLI.run(["verify", "--generate-key", "ours"], in: dir).code == 2, "overwrote a key")
        let audit = try CLI.run(["audit", snapshot, "--now", "2026-11-27T12:00:00Z", "--format", "json",
                                 "--sign-key", "ours.key", "--output", "out"], in: dir)
        #expect(audit.code == 1, "\(audit.stderr)")
        let good = try CLI.run(["verify", "out", "--public-key", "ours.pub"], in: dir)
        #expect(good.code == 0, "\(good.stdout)\(good.stderr)")
        #expect(good.stdout.contains("ok       signature of manifest.json"))
        let wrongKey = try CLI.run(["verify", "out", "--public-key", "theirs.pub"], in: dir)
        #expect(wrongKey.code == 1)
        #expect(wrongKey.stdout.contains("BAD      signature"))
        // Changing the manifest (to hide a changed report) breaks the signature.
        let url = dir.appendingPathComponent("out/manifest.json")
        let text = try String(contentsOf: url, encoding: .utf8)
        try CLI.write(text.replacingOccurrences(of: "\"manifestVersion\": 1", with: "\"manifestVersion\":  1"), to: url)
        let tampered = try CLI.run(["verify", "out", "--public-key", "ours.pub"], in: dir)
        #expect(tampered.code == 1)
        #expect(tampered.stdout.contains("BAD      signature"))
    }
}

/// OSCAL and SARIF for a generated 1,000-pod cluster, validated against the schemas in ../shared/conformance.
@Suite("Interoperability formats at scale")
struct InteropScaleTests {
    /// Runs scripts/jsonschema-check.py; nil when python3 or jsonschema is missing (the check is skipped).
    static func schemaErrors(_ document: URL, schema: URL) throws -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", CLI.root.appendingPathComponent("scripts/jsonschema-check.py").path,
                             schema.path, document.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        switch process.terminationStatus {
        case 0: return ""
        case 77, 127:
            print("NOTE: python3 jsonschema is not available: the schema check of \(document.lastPathComponent) is skipped")
            return nil
        default: return output
        }
    }

    @Test(.enabled(if: CLI.genSnapshot != nil && CLI.conformance != nil,
                   "gen-snapshot or the conformance folder not found beside the package; skipped"))
    func generatedClusterValidates() throws {
        let dir = try CLI.temporaryDirectory()
        let tool = try #require(CLI.genSnapshot)
        let conformance = try #require(CLI.conformance)
        let gen = Process()
        gen.executableURL = tool
        gen.arguments = ["--pods", "1000", "--out", dir.appendingPathComponent("snapshot.json").path]
        try gen.run()
        gen.waitUntilExit()
        #expect(gen.terminationStatus == 0)
        let r = try CLI.run(["audit", "snapshot.json", "--now", "2026-11-27T12:00:00Z", "--format", "sarif,oscal",
                             "--output", "out"], in: dir)
        #expect(r.code == 1, "\(r.stderr)")
        let checks = [("out/assessment-results.json", "oscal/oscal_assessment-results_schema_v1.2.1.json"),
                      ("out/poam.json", "oscal/oscal_poam_schema_v1.2.1.json"),
                      ("out/results.sarif", "sarif/sarif-schema-2.1.0.json")]
        for (document, schema) in checks {
            if let errors = try Self.schemaErrors(dir.appendingPathComponent(document),
                                                  schema: conformance.appendingPathComponent(schema)) {
                #expect(errors.isEmpty, "\(document): \(errors)")
            }
        }
        try Self.expectTrestleValid(dir.appendingPathComponent("out"))
    }

    /// compliance-trestle: EVIDENT_TRESTLE, or `trestle` on the PATH (.ci/run installs it in a venv).
    static let trestle: String? = {
        let env = ProcessInfo.processInfo.environment
        if let path = env["EVIDENT_TRESTLE"], FileManager.default.isExecutableFile(atPath: path) { return path }
        return (env["PATH"] ?? "").split(separator: ":").map { "\($0)/trestle" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// `trestle partial-object-validate` on both OSCAL documents in `folder`; a NOTE when trestle is missing.
    static func expectTrestleValid(_ folder: URL) throws {
        guard let trestle else {
            print("NOTE: compliance-trestle not found (EVIDENT_TRESTLE or PATH): the trestle validation is skipped")
            return
        }
        for (file, element) in [("assessment-results.json", "assessment-results"),
                                ("poam.json", "plan-of-action-and-milestones")] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: trestle)
            process.arguments = ["partial-object-validate", "-f", folder.appendingPathComponent(file).path, "-e", element]
            process.currentDirectoryURL = folder
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0 && output.contains("VALID:"), "trestle: \(file): \(output)")
        }
    }

    @Test func theExampleAuditsOSCALValidatesWithTrestle() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["audit", "--example", "--now", "2026-11-27T12:00:00Z", "--format", "oscal",
                             "--output", "out"], in: dir)
        #expect(r.code == 1, "\(r.stderr)")
        try Self.expectTrestleValid(dir.appendingPathComponent("out"))
    }
}

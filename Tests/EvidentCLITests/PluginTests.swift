import Foundation
import Testing

/// External plugins end to end: the example plugin, and plugins that crash, hang, print garbage or name
/// resources they were not given.
@Suite("Plugins")
struct PluginTests {
    let now = "2026-11-27T12:00:00Z"

    func controls(_ dir: URL) throws -> [String: [String: Any]] {
        let data = try Data(contentsOf: dir.appendingPathComponent("results.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var out: [String: [String: Any]] = [:]
        for case let c as [String: Any] in json["controls"] as? [Any] ?? [] {
            if let id = c["id"] as? String { out[id] = c }
        }
        return out
    }

    func script(_ name: String, _ text: String, in dir: URL) throws {
        let url = dir.appendingPathComponent(name)
        try CLI.write(text, to: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    @Test func theExamplePluginRunsFromItsCatalog() throws {
        let dir = try CLI.temporaryDirectory()
        let r = try CLI.run(["audit", CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path,
                             "--catalog", CLI.root.appendingPathComponent("examples/plugins/owner-catalog.yaml").path,
                             "--now", now, "--format", "json", "--output", dir.path])
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let c = try #require(try controls(dir)["example-owner-label"])
        #expect(c["status"] as? String == "not-satisfied")
        let finding = try #require((c["findings"] as? [Any])?.first as? [String: Any])
        #expect((finding["message"] as? String)?.contains("Deployment web has no owner label") == true)
        #expect((finding["resource"] as? [String: Any])?["name"] as? String == "web")
    }

    @Test func brokenPluginsAreErrorsAndTheAuditGoesOn() throws {
        let dir = try CLI.temporaryDirectory()
        try script("crash.sh", "#!/bin/sh\necho 'plugin crashed: out of cheese' >&2\nexit 70\n", in: dir)
        try script("hang.sh", "#!/bin/sh\nexec sleep 600\n", in: dir)
        try script("garbage.sh", "#!/bin/sh\ncat > /dev/null\necho 'this is not JSON {'\n", in: dir)
        try script("stranger.sh", """
            #!/bin/sh
            cat > /dev/null
            echo '{"protocolVersion": 1, "findings": [{"resource": {"kind": "Deployment", "namespace": "x", "name": "ghost"}, "message": "boo"}]}'

            """, in: dir)
        let examplePlugin = CLI.root.appendingPathComponent("examples/plugins/owner-label.py").path
        func control(_ id: String, _ path: String, timeout: Int = 20) -> String {
            """
                  - id: \(id)
                    title: \(id)
                    statement: A plugin check.
                    severity: low
                    mode: automated
                    checks:
                      - {id: run, evaluator: plugin, with: {path: "\(path)", timeout: \(timeout)}}

            """
        }
        try CLI.write("""
            kind: ControlCatalog
            schemaVersion: 1
            id: plugin-tests
            title: Plugin tests
            version: "1"
            parameters:
              - {id: exempt_namespaces, type: list<string>, default: [kube-system], description: skipped}
            families:
              - id: plugins
                title: Plugins
                controls:

            """ + control("p-crash", "crash.sh") + control("p-hang", "hang.sh", timeout: 1)
                + control("p-garbage", "garbage.sh") + control("p-stranger", "stranger.sh")
                + control("p-good", examplePlugin) + control("p-missing", "missing.sh"), to: dir.appendingPathComponent("catalog.yaml"))
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["audit", CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path,
                             "--plan", CLI.fixtures.appendingPathComponent("compliant-plan.yaml").path,
                             "--catalog", dir.appendingPathComponent("catalog.yaml").path,
                             "--now", now, "--output", out.path])
        #expect(r.code == 3, "\(r.stdout)\(r.stderr)")
        let all = try controls(out)
        let expected = ["p-crash": "crash.sh failed with exit status 70", "p-hang": "hang.sh timed out after 1 s",
                        "p-garbage": "garbage.sh gave an invalid answer: its output is not valid JSON",
                        "p-stranger": "names a resource it was not given", "p-missing": "missing.sh could not start: no such file"]
        for (id, reason) in expected {
            #expect(all[id]?["status"] as? String == "error", "\(id)")
            #expect((all[id]?["reason"] as? String)?.contains(reason) == true, "\(id): \(all[id]?["reason"] ?? "")")
        }
        // Every other control keeps its own result.
        #expect(all["p-good"]?["status"] as? String == "not-satisfied")
        #expect(all["sp800-190-4.3.3"]?["status"] as? String == "satisfied")
        #expect(all["pss-restricted-runAsNonRoot"]?["status"] as? String == "satisfied")
        // The plugin's stderr reaches the diagnostics; the reports name the plugin.
        let json = try String(contentsOf: out.appendingPathComponent("results.json"), encoding: .utf8)
        #expect(json.contains("out of cheese"))
        let markdown = try String(contentsOf: out.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(markdown.contains("hang.sh timed out"))
    }

    @Test func aPlanCanNameAPluginRelativeToItself() throws {
        let dir = try CLI.temporaryDirectory()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("plugins"), withIntermediateDirectories: true)
        try script("plugins/clean.sh", "#!/bin/sh\ncat > /dev/null\necho '{\"protocolVersion\": 1, \"findings\": []}'\n", in: dir)
        let base = try String(contentsOf: CLI.fixtures.appendingPathComponent("compliant-plan.yaml"), encoding: .utf8)
        try CLI.write(base + """
            customControls:
              - id: org
                title: Organisation
                controls:
                  - id: org-plugin-1
                    title: Checked by a plugin
                    statement: The plugin finds nothing wrong.
                    severity: low
                    mode: automated
                    checks:
                      - {id: run, evaluator: plugin, with: {path: plugins/clean.sh}}

            """, to: dir.appendingPathComponent("plan.yaml"))
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["audit", CLI.fixtures.appendingPathComponent("compliant-snapshot.yaml").path,
                             "--plan", dir.appendingPathComponent("plan.yaml").path, "--now", now, "--format", "json",
                             "--output", out.path])
        #expect(try controls(out)["org-plugin-1"]?["status"] as? String == "satisfied", "\(r.stdout)\(r.stderr)")
    }

    @Test func aPluginCheckWithoutAPathIsAPlanError() throws {
        let dir = try CLI.temporaryDirectory()
        try CLI.write("""
            kind: ControlCatalog
            schemaVersion: 1
            id: bad-plugin
            title: Bad
            version: "1"
            families:
              - id: f
                title: F
                controls:
                  - id: bad-1
                    title: Bad
                    statement: No path.
                    severity: low
                    mode: automated
                    checks:
                      - {id: run, evaluator: plugin, with: {timeout: 0}}
            """, to: dir.appendingPathComponent("catalog.yaml"))
        let r = try CLI.run(["controls", "--catalog", dir.appendingPathComponent("catalog.yaml").path])
        #expect(r.code == 2)
        #expect(r.stderr.contains("timeout"), "\(r.stderr)")
    }
}

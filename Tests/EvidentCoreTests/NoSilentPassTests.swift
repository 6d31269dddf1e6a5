@testable import EvidentCore
import EvidentEvaluators
import EvidentResources
import EvidentTestSupport
import Foundation
import Testing

/// A check that always throws, as a crashing evaluator would.
struct AlwaysThrows: Evaluator {
    static let descriptor = EvaluatorDescriptor(id: "always-throws", title: "test", summary: "Throws.", examples: [])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        throw EvaluationError("the evaluator failed")
    }
}

/// Issue 7, part 5: no silent pass, as invariants over generated inputs, on the engine directly.
@Suite("No silent pass")
struct NoSilentPassTests {
    static let now = TestData.date("2026-11-27T12:00:00Z")

    static let catalogs: [Catalog] = EmbeddedResources.files.keys
        .filter { $0.hasPrefix("controls/") && $0.split(separator: "/").count == 2 && $0.hasSuffix(".yaml") }
        .sorted().compactMap { path in
            EmbeddedResources.files[path].flatMap { try? CatalogLoader.load($0, path: path, registry: BuiltinEvaluators.registry) }
        }

    /// The built-in example snapshot joined with a generated one (every kind the generator makes).
    static let base: Snapshot = {
        let example = EmbeddedResources.files["controls/examples/example-snapshot.yaml"].flatMap {
            try? SnapshotLoader.load(Data($0.utf8), path: "example.yaml")
        }
        let generated: Snapshot?
        do {
            generated = try SnapshotLoader.load(HostileSnapshot.make(seed: 0x51, pods: 20).json, path: "generated.json")
        } catch {
            print("the generated snapshot does not load: \(error)")
            generated = nil
        }
        return Snapshot.merging([example, generated].compactMap { $0 })
    }()

    // MARK: Removing what a control checks

    /// Seeded mutations of the snapshot: whole kinds removed, then single objects dropped. Every control whose
    /// checks then evaluated nothing must not be `satisfied`: with no findings it is not-applicable or
    /// needs-evidence (or error).
    @Test("removing what a control checks never makes it satisfied", arguments: 0..<24)
    func removal(_ seed: Int) throws {
        #expect(Self.catalogs.count >= 2)
        #expect(Self.base.resources.count > 60, "the example and the generated snapshot both load")
        var rng = SeededGenerator(seed: 0xA11 + UInt64(seed))
        let kinds = Set(Self.base.resources.map(\.kind)).sorted()
        let removed = Set(kinds.filter { _ in rng.next(upperBound: UInt64(2)) == 0 })
        var snapshot = Self.base
        snapshot.resources = snapshot.resources.filter { r in
            !removed.contains(r.kind) && rng.next(upperBound: UInt64(5)) != 0
        }
        var plan = SecurityPlan.implicit(catalogIDs: Self.catalogs.map(\.id))
        plan.parameters["allowed_registries"] = .list([.string("registry.example.com")])
        let result = AuditEngine(registry: BuiltinEvaluators.registry).run(
            snapshot: SnapshotIndex(snapshot), plan: plan, catalogs: Self.catalogs, inputs: [],
            options: AuditOptions(now: Self.now, toolVersion: "test"))
        var empty = 0
        for c in result.controls where c.attestation == nil && !c.checks.isEmpty {
            guard c.checks.allSatisfy({ $0.evaluated == 0 }) else { continue }
            empty += 1
            #expect(c.status != .satisfied, "seed \(seed): \(c.control.id) satisfied with nothing evaluated (removed \(removed.sorted()))")
            if c.findings.isEmpty {
                #expect([.notApplicable, .needsEvidence, .error].contains(c.status),
                        "seed \(seed): \(c.control.id) is \(c.status.rawValue) with nothing evaluated")
            }
        }
        // Controls the whole snapshot's removal reaches: some are empty in every mutation.
        #expect(empty > 0)
        print("no silent pass: seed \(seed): \(result.controls.count) controls judged, \(empty) with nothing left to check "
              + "(\(removed.count) of \(kinds.count) kinds removed, \(snapshot.resources.count) objects left)")
    }

    @Test("an empty snapshot satisfies no automated control")
    func emptySnapshot() {
        let result = AuditEngine(registry: BuiltinEvaluators.registry).run(
            snapshot: SnapshotIndex(Snapshot(resources: [])), plan: .implicit(catalogIDs: Self.catalogs.map(\.id)),
            catalogs: Self.catalogs, inputs: [], options: AuditOptions(now: Self.now, toolVersion: "test"))
        #expect(!result.controls.isEmpty)
        for c in result.controls {
            #expect(c.status != .satisfied && c.status != .waived, "\(c.control.id) is \(c.status.rawValue) on an empty snapshot")
        }
    }

    // MARK: Failing evaluators and plugins

    /// What the fake plugin runner does, by the plugin file's name.
    static let pluginRunner: PluginRunner = { invocation in
        let name = URL(fileURLWithPath: invocation.path).lastPathComponent
        switch name {
        case "ok": return PluginRun(stdout: Data(#"{"protocolVersion": 1, "evaluated": 1, "findings": []}"#.utf8))
        case "crash": return PluginRun(exitStatus: 139, stderr: Data("Segmentation fault".utf8))
        case "exit1": return PluginRun(exitStatus: 1, stdout: Data(#"{"protocolVersion": 1, "evaluated": 1, "findings": []}"#.utf8))
        case "timeout": return PluginRun(exitStatus: 15, timedOut: true)
        case "garbage": return PluginRun(stdout: Data("all good!".utf8))
        case "empty": return PluginRun()
        case "version": return PluginRun(stdout: Data(#"{"protocolVersion": 2, "evaluated": 1, "findings": []}"#.utf8))
        case "stranger":
            return PluginRun(stdout: Data(#"{"protocolVersion": 1, "evaluated": 1, "findings": [{"resource": {"kind": "Pod", "namespace": "x", "name": "not-given"}, "message": "m"}]}"#.utf8))
        default: return PluginRun(launchError: "no such file")
        }
    }

    static let failingPlugins = ["crash", "exit1", "timeout", "garbage", "empty", "version", "stranger", "missing"]

    /// Seeded catalogs of controls with one to three checks drawn from passing, failing, throwing and failing
    /// plugin checks, some partial with a satisfied attestation, some with every finding excepted: a control
    /// with any failing check is `error`, whatever else holds.
    @Test("a throwing evaluator or failing plugin is never satisfied", arguments: 0..<16)
    func failures(_ seed: Int) throws {
        var rng = SeededGenerator(seed: 0xFA11 + UInt64(seed))
        let registry = EvaluatorRegistry([LabelledFailures.self, AlwaysThrows.self, PluginEvaluator.self])
        var controls = "", failing: Set<String> = []
        var attestations = "", exceptions = ""
        for i in 0..<12 {
            let id = "c-\(i)"
            let partial = rng.next(upperBound: UInt64(3)) == 0
            var checks: [String] = []
            for j in 0..<(1 + Int(rng.next(upperBound: UInt64(3)))) {
                switch rng.next(upperBound: UInt64(4)) {
                case 0: checks.append("{id: k\(j), evaluator: labelled, with: {check: pass}}")
                case 1: checks.append("{id: k\(j), evaluator: labelled, with: {check: fail}}")
                case 2:
                    checks.append("{id: k\(j), evaluator: always-throws}")
                    failing.insert(id)
                default:
                    let plugin = HostileText.pick(Self.failingPlugins + ["ok"], &rng)
                    checks.append("{id: k\(j), evaluator: plugin, with: {path: \(plugin), kinds: [ConfigMap]}}")
                    if plugin != "ok" { failing.insert(id) }
                }
            }
            controls += """

                      - id: \(id)
                        title: T
                        statement: S
                        severity: high
                        mode: \(partial ? "partial" : "automated")
                        checks: [\(checks.joined(separator: ", "))]
                """
            if partial && rng.next(upperBound: UInt64(2)) == 0 {
                attestations += "\n  - {control: \(id), status: satisfied, statement: s, attestedBy: a, date: 2026-11-01, expires: 2027-11-01}"
            }
            if rng.next(upperBound: UInt64(2)) == 0 {
                exceptions += "\n  - {id: E\(i), control: \(id), scope: {namespace: n}, justification: j, approvedBy: a, expires: 2027-01-01}"
            }
        }
        let catalogText = """
            kind: ControlCatalog
            schemaVersion: 1
            id: gen
            title: Generated
            version: "1"
            families:
              - id: f
                title: F
                controls:\(controls)
            """
        let catalog = try CatalogLoader.load(catalogText, path: "/plugins/gen.yaml", registry: registry)
        let planText = "kind: SecurityPlan\nschemaVersion: 1\nid: p\ntitle: t\nversion: '1'\ncatalogs: [{id: gen}]\n"
            + (attestations.isEmpty ? "" : "attestations:" + attestations + "\n")
            + (exceptions.isEmpty ? "" : "exceptions:" + exceptions + "\n")
        let (plan, catalogs) = try PlanLoader.load(planText, path: "plan.yaml", registry: registry) { _, _, _ throws(LoadError) in catalog }
        let snapshot = try TestData.snapshot("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: a, namespace: n, labels: {fail: fail}}
            """)
        let result = AuditEngine(registry: registry).run(
            snapshot: snapshot, plan: plan, catalogs: catalogs, inputs: [],
            options: AuditOptions(now: Self.now, toolVersion: "test", pluginRunner: Self.pluginRunner))
        #expect(result.controls.count == 12)
        for c in result.controls where failing.contains(c.control.id) {
            #expect(c.status == .error, "seed \(seed): \(c.control.id) with a failing check is \(c.status.rawValue)")
        }
        if !failing.isEmpty { #expect(result.gate.exitCode == 3) }
        print("no silent pass: seed \(seed): \(failing.count) of 12 generated controls have a failing check")
    }

    // MARK: Unknown control ids

    /// Control ids one edit away from a real one, in every place a plan names a control.
    @Test("an unknown control id anywhere in a plan is an error naming it", arguments: ["exclude", "exception", "attestation", "override"])
    func unknownControls(_ place: String) throws {
        let known = Set(Self.catalogs.flatMap(\.controls).map(\.id))
        var rng = SeededGenerator(seed: 0xC0DE)
        var cases = 0
        for id in known.sorted().flatMap({ [$0, $0, $0] }) {
            var typo = id
            let chars = Array(id)
            for _ in 0..<4 {
                let i = Int(rng.next(upperBound: UInt64(chars.count)))
                switch rng.next(upperBound: UInt64(5)) {
                case 4: typo = String(chars[..<i]) + String(chars[i...]).replacingOccurrences(of: ".", with: "-")
                case 0: typo = String(chars[..<i] + chars[(i + 1)...])
                case 1: typo = String(chars[..<i]) + "x" + String(chars[i...])
                case 2: typo = id + "9"
                default: typo = id.uppercased()
                }
                if !known.contains(typo) && !typo.isEmpty { break }
            }
            guard !known.contains(typo) else { continue }
            let catalogID = Self.catalogs.first { $0.control(id) != nil }?.id ?? ""
            var plan = "kind: SecurityPlan\nschemaVersion: 1\nid: p\ntitle: t\nversion: '1'\n"
            switch place {
            case "exclude": plan += "catalogs:\n  - id: \(catalogID)\n    exclude: [{control: '\(typo)', reason: r}]\n"
            case "exception":
                plan += "catalogs: [{id: \(catalogID)}]\nexceptions:\n  - {id: E1, control: '\(typo)', scope: {namespace: a}, "
                    + "justification: j, approvedBy: b, expires: 2027-01-01}\n"
            case "attestation":
                plan += "catalogs: [{id: \(catalogID)}]\nattestations:\n  - {control: '\(typo)', status: satisfied, statement: s, "
                    + "attestedBy: a, date: 2026-11-01}\n"
            default: plan += "catalogs: [{id: \(catalogID)}]\noverrides:\n  '\(typo)': {severity: low}\n"
            }
            let catalogs = Self.catalogs
            do {
                _ = try PlanLoader.load(plan, path: "plan.yaml", registry: BuiltinEvaluators.registry) { ref, _, at throws(LoadError) in
                    guard let c = catalogs.first(where: { $0.id == ref }) else { throw LoadError("unknown catalog", at: at, word: ref) }
                    return c
                }
                Issue.record("\(place): the unknown control '\(typo)' was accepted")
            } catch {
                #expect(error.description.contains(typo), "\(place): the message names '\(typo)': \(error.description)")
            }
            cases += 1
        }
        #expect(cases >= 100)
        print("no silent pass: \(cases) unknown control ids rejected as \(place)")
    }

    // MARK: Exception scope

    /// Seeded ConfigMaps in four namespaces, all failing check `a`, and one to three exceptions with random
    /// namespace, name, kind and check scopes: a finding is waived exactly when an exception's every field
    /// matches it, and a control with a finding outside every scope stays not-satisfied.
    @Test("an exception never covers more than its scope", arguments: 0..<64)
    func exceptionScope(_ seed: Int) throws {
        var rng = SeededGenerator(seed: 0x5C0 + UInt64(seed))
        let namespaces = ["ns0", "ns1", "ns2", "ns3"]
        var yaml = ""
        let count = 5 + Int(rng.next(upperBound: UInt64(25)))
        for i in 0..<count {
            yaml += "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm-\(i), namespace: \(HostileText.pick(namespaces, &rng)), "
                + "labels: {fail: a}}\n---\n"
        }
        var exceptions: [PlanException] = []
        for e in 0..<(1 + Int(rng.next(upperBound: UInt64(3)))) {
            var scope = ExceptionScope()
            if rng.next(upperBound: UInt64(3)) != 0 { scope.namespace = HostileText.pick(namespaces + ["other"], &rng) }
            if scope.namespace == nil || rng.next(upperBound: UInt64(2)) == 0 {
                scope.name = "cm-\(rng.next(upperBound: UInt64(count + 3)))"
            }
            if rng.next(upperBound: UInt64(3)) == 0 { scope.kind = HostileText.pick(["ConfigMap", "Pod", "Secret"], &rng) }
            if rng.next(upperBound: UInt64(3)) == 0 { scope.check = HostileText.pick(["a", "b"], &rng) }
            exceptions.append(PlanException(id: "E\(e)", control: "auto-1", scope: scope, justification: "j",
                                            approvedBy: "a", ticket: nil, expires: PlanDate(year: 2027, month: 1, day: 1)))
        }
        var (plan, catalogs) = try TestData.loadPlan(TestData.plan)
        plan.exceptions = exceptions
        let result = AuditEngine(registry: TestData.registry).run(
            snapshot: try TestData.snapshot(yaml), plan: plan, catalogs: catalogs, inputs: [],
            options: AuditOptions(now: Self.now, toolVersion: "test"))
        let control = try #require(result.controls.first { $0.control.id == "auto-1" })
        #expect(control.findings.count == count)
        func covers(_ s: ExceptionScope, _ f: Finding) -> Bool {
            guard let r = f.resource, s.namespace != nil || s.name != nil else { return false }
            return (s.namespace == nil || s.namespace == r.namespace) && (s.name == nil || s.name == r.name)
                && (s.kind == nil || s.kind == r.kind) && (s.check == nil || s.check == f.check)
        }
        var outside = 0
        for f in control.findings {
            let expected = exceptions.contains { covers($0.scope, f) }
            #expect((f.status == .waived) == expected,
                    "seed \(seed): \(f.resource?.description ?? "?") is \(f.status) under \(exceptions.map(\.scope.description))")
            if !expected { outside += 1 }
        }
        #expect(control.status == (outside > 0 ? .notSatisfied : .waived), "seed \(seed)")
    }
}

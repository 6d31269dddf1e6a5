@testable import EvidentCore
import Foundation
import Testing

@Suite("Audit engine: statuses, plan, gate")
struct AuditEngineTests {
    let now = TestData.date("2026-11-27T12:00:00Z")

    func configMap(_ name: String, labels: [String: String] = [:]) -> String {
        let l = labels.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
        return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: \(name), namespace: n, labels: {\(l)}}\n---\n"
    }

    let node = "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\n---\n"

    func audit(_ snapshot: String, plan extra: String = "", gate: GatePolicy = GatePolicy()) throws -> AuditResult {
        let (plan, catalogs) = try TestData.loadPlan(TestData.plan + "\n" + extra)
        return AuditEngine(registry: TestData.registry).run(
            snapshot: try TestData.snapshot(snapshot), plan: plan, catalogs: catalogs, inputs: [],
            options: AuditOptions(now: now, gate: gate, toolVersion: "test"))
    }

    func status(_ r: AuditResult, _ id: String) -> ControlStatus? { r.controls.first { $0.control.id == id }?.status }
    func control(_ r: AuditResult, _ id: String) -> ControlResult? { r.controls.first { $0.control.id == id } }

    @Test func passingChecksAndMissingEvidence() throws {
        let r = try audit(configMap("ok"))
        #expect(status(r, "auto-1") == .satisfied)
        #expect(status(r, "auto-2") == .needsEvidence)
        #expect(control(r, "auto-2")?.reason?.contains("no Node objects") == true)
        #expect(status(r, "part-1") == .needsEvidence)
        #expect(status(r, "man-1") == .needsEvidence)
        #expect(r.gate.exitCode == 0)
        let withNodes = try audit(configMap("ok") + node)
        #expect(status(withNodes, "auto-2") == .needsEvidence)
        #expect(control(withNodes, "auto-2")?.reason?.contains("parameter 'floor'") == true)
        let withFloor = try audit(configMap("ok") + node, plan: "parameters: {floor: '1'}")
        #expect(status(withFloor, "auto-2") == .satisfied)
    }

    @Test func failingCheckIsADeviationAndFailsTheGate() throws {
        let r = try audit(configMap("bad", labels: ["fail": "a"]) + configMap("ok"))
        let c = try #require(control(r, "auto-1"))
        #expect(c.status == .notSatisfied)
        #expect(c.checks.map(\.failed) == [1, 0])
        #expect(c.checks.map(\.evaluated) == [2, 2])
        #expect(c.findings.count == 1)
        #expect(c.findings[0].check == "a")
        #expect(c.findings[0].status == .fail)
        #expect(r.gate.exitCode == 1)
        #expect(r.gate.failingControls == ["auto-1"])
        #expect(r.deviations.map(\.control.id) == ["auto-1"])
    }

    @Test func severityThresholdAndFailOnStatuses() throws {
        let snapshot = configMap("bad", labels: ["fail": "a"])
        #expect(try audit(snapshot, gate: GatePolicy(minimumSeverity: .critical)).gate.exitCode == 0)
        #expect(try audit(snapshot, gate: GatePolicy(minimumSeverity: .high)).gate.exitCode == 1)
        // needs-evidence fails the gate only when asked.
        #expect(try audit(configMap("ok")).gate.exitCode == 0)
        #expect(try audit(configMap("ok"), gate: GatePolicy(failOn: [.notSatisfied, .needsEvidence])).gate.exitCode == 1)
    }

    @Test func validExceptionWaivesAndExpiredDoesNot() throws {
        let snapshot = configMap("bad", labels: ["fail": "a"])
        let exception = { (expires: String) in """
            exceptions:
              - {id: E1, control: auto-1, scope: {namespace: n, kind: ConfigMap, name: bad}, justification: j, approvedBy: c, ticket: T-1, expires: \(expires)}
            """ }
        let waived = try audit(snapshot, plan: exception("2026-11-27"))
        #expect(status(waived, "auto-1") == .waived)
        #expect(control(waived, "auto-1")?.findings.first?.status == .waived)
        #expect(control(waived, "auto-1")?.findings.first?.exception == "E1")
        #expect(control(waived, "auto-1")?.exceptions.map(\.id) == ["E1"])
        #expect(waived.gate.exitCode == 0)
        #expect(waived.hygiene.expiringSoon.map(\.id) == ["E1"])
        let expired = try audit(snapshot, plan: exception("2026-11-26"))
        #expect(status(expired, "auto-1") == .notSatisfied)
        #expect(control(expired, "auto-1")?.findings.first?.message.contains("expired") == true)
        #expect(expired.hygiene.expiredExceptions.map(\.id) == ["E1"])
        #expect(expired.gate.exitCode == 1)
    }

    @Test func exceptionScopeIsNarrow() throws {
        let snapshot = configMap("bad", labels: ["fail": "a"]) + configMap("other", labels: ["fail": "a"])
        let r = try audit(snapshot, plan: """
            exceptions:
              - {id: E1, control: auto-1, scope: {namespace: n, name: bad}, justification: j, approvedBy: c, expires: 2027-01-01}
              - {id: E2, control: auto-1, scope: {namespace: other-ns}, justification: j, approvedBy: c, expires: 2027-01-01}
              - {id: E3, control: auto-1, scope: {namespace: n, name: other, image: "quay.io/*"}, justification: j, approvedBy: c, expires: 2027-01-01}
            """)
        #expect(status(r, "auto-1") == .notSatisfied)
        #expect(control(r, "auto-1")?.findings.map(\.status) == [.waived, .fail])
        #expect(r.hygiene.staleExceptions.map(\.id) == ["E2", "E3"])
        #expect(r.diagnostics.contains { $0.message.contains("E2") && $0.message.contains("stale") })
        let image = try audit(snapshot, plan: """
            exceptions:
              - {id: E1, control: auto-1, scope: {namespace: n, image: "docker.io/library/*"}, justification: j, approvedBy: c, expires: 2027-01-01}
            """)
        #expect(status(image, "auto-1") == .waived)
    }

    @Test func errorWinsAndGivesExitThree() throws {
        let r = try audit(configMap("bad", labels: ["fail": "a"]) + configMap("boom", labels: ["error": "b"]))
        #expect(status(r, "auto-1") == .error)
        #expect(control(r, "auto-1")?.reason?.contains("boom") == true)
        #expect(r.gate.exitCode == 3)
    }

    @Test func attestationsDecideTheProceduralPart() throws {
        let attest = { (control: String, status: String, expires: String) in """
            attestations:
              - {control: \(control), status: \(status), statement: s, attestedBy: me, date: 2026-01-01, expires: \(expires)}
            """ }
        #expect(status(try audit(configMap("ok"), plan: attest("part-1", "satisfied", "2027-01-01")), "part-1") == .satisfied)
        #expect(status(try audit(configMap("ok"), plan: attest("part-1", "satisfied", "2026-01-02")), "part-1") == .notSatisfied)
        // An attestation never overrides a failing check.
        let failing = try audit(configMap("bad", labels: ["fail": "c"]), plan: attest("part-1", "satisfied", "2027-01-01"))
        #expect(status(failing, "part-1") == .notSatisfied)
        #expect(status(try audit(configMap("ok"), plan: attest("man-1", "satisfied", "2027-01-01")), "man-1") == .satisfied)
        #expect(status(try audit(configMap("ok"), plan: attest("man-1", "not-satisfied", "2027-01-01")), "man-1") == .notSatisfied)
        let lapsed = try audit(configMap("ok"), plan: attest("man-1", "satisfied", "2026-06-30"))
        #expect(status(lapsed, "man-1") == .notSatisfied)
        #expect(lapsed.hygiene.expiredAttestations.count == 1)
    }

    @Test func exclusionsAreNotApplicableWithTheirReason() throws {
        let (plan, catalogs) = try TestData.loadPlan(TestData.plan.replacingOccurrences(of: "  - id: test-catalog", with: """
              - id: test-catalog
                exclude: [{control: auto-1, reason: "inherited from the provider"}]
            """))
        let r = AuditEngine(registry: TestData.registry).run(
            snapshot: try TestData.snapshot(configMap("bad", labels: ["fail": "a"])), plan: plan, catalogs: catalogs,
            inputs: [], options: AuditOptions(now: now, toolVersion: "t"))
        #expect(status(r, "auto-1") == .notApplicable)
        #expect(control(r, "auto-1")?.reason == "excluded by the plan: inherited from the provider")
        #expect(r.hygiene.exclusions.count == 1)
    }

    @Test func nothingInScopeIsNotApplicable() throws {
        let r = try audit(node)
        #expect(status(r, "auto-1") == .notApplicable)
    }

    @Test func precedence() {
        #expect(ControlStatus.combine([.satisfied, .waived]) == .waived)
        #expect(ControlStatus.combine([.needsEvidence, .waived, .satisfied]) == .needsEvidence)
        #expect(ControlStatus.combine([.needsEvidence, .notSatisfied]) == .notSatisfied)
        #expect(ControlStatus.combine([.notSatisfied, .error]) == .error)
        #expect(ControlStatus.combine([.notApplicable, .satisfied]) == .satisfied)
        #expect(ControlStatus.combine([]) == nil)
    }

    @Test func sameInputsGiveTheSameResult() throws {
        let snapshot = configMap("bad", labels: ["fail": "a"]) + configMap("b2", labels: ["fail": "a"]) + node
        let a = try audit(snapshot), b = try audit(snapshot)
        #expect(a.controls == b.controls)
        #expect(a.gate == b.gate)
    }

    @Test func globs() {
        #expect(Glob.matches("vendor.example/billing:*", "vendor.example/billing:5.2"))
        #expect(!Glob.matches("vendor.example/billing:*", "vendor.example/billing-evil:5.2"))
        #expect(Glob.matches("*", ""))
        #expect(Glob.matches("a?c*", "abcdef"))
    }

    @Test func futureAttestationsDoNotCountYet() throws {
        let r = try audit(configMap("ok"), plan: """
            attestations:
              - {control: man-1, status: satisfied, statement: s, attestedBy: me, date: 2026-11-28}
            """)
        #expect(status(r, "man-1") == .needsEvidence)
        #expect(control(r, "man-1")?.reason?.contains("after the report time") == true)
    }

    @Test func waivedFindingsAreNotCountedAsFailed() throws {
        let r = try audit(configMap("bad", labels: ["fail": "a"]) + configMap("b2", labels: ["fail": "a"]), plan: """
            exceptions:
              - {id: E1, control: auto-1, scope: {namespace: n, name: bad}, justification: j, approvedBy: c, expires: 2027-01-01}
            """)
        #expect(control(r, "auto-1")?.checks.first?.failed == 1)
        #expect(control(r, "auto-1")?.reason == "check a: 1 resource(s) deviate")
    }

    @Test func requiredInputsKeepAControlWaitingForEvidence() throws {
        var catalog = try TestData.loadCatalog()
        catalog.families[0].controls[2].requiredInputs = ["image-scan"]
        let (plan, _) = try TestData.loadPlan(TestData.plan + """

            attestations:
              - {control: part-1, status: satisfied, statement: s, attestedBy: me, date: 2026-01-01}
            """)
        let run = { (inputs: Set<String>) in
            AuditEngine(registry: TestData.registry).run(
                snapshot: try TestData.snapshot(configMap("ok")), plan: plan, catalogs: [catalog], inputs: [],
                options: AuditOptions(now: now, toolVersion: "t", availableInputs: inputs))
        }
        let without = try run([])
        #expect(status(without, "part-1") == .needsEvidence)
        #expect(control(without, "part-1")?.reason?.contains("image-scan results") == true)
        #expect(status(try run(["image-scan"]), "part-1") == .satisfied)
    }

    @Test func checksThatBuildASharedValueStartFirstAndTheirSiblingsOnceItIsBuilt() {
        let queue = JobQueue([nil, "network", nil, "rbac", "network", nil, "rbac", "network"])
        // Both builders first; with nothing built yet, the jobs that share nothing.
        #expect(queue.next() == 1)
        #expect(queue.next() == 3)
        #expect(queue.next() == 0)
        // Once the network analysis is built, the jobs reading it come before the rest, and the last one
        // lets it go.
        #expect(queue.finished(1) == nil)
        #expect(queue.next() == 4)
        #expect(queue.next() == 7)
        #expect(queue.finished(4) == nil)
        #expect(queue.finished(7) == "network")
        #expect(queue.finished(0) == nil)
        #expect(queue.next() == 2)
        // With the RBAC graph still being built, its other job waits until nothing else is left.
        #expect(queue.next() == 5)
        #expect(queue.next() == 6)
        #expect(queue.next() == nil)
        #expect(queue.finished(3) == nil)
        #expect(queue.finished(6) == "rbac")
    }

    @Test func theSideComputationRunsOnceAlongsideTheChecks() throws {
        let (plan, catalogs) = try TestData.loadPlan(TestData.plan)
        let (result, side) = AuditEngine(registry: TestData.registry).run(
            snapshot: try TestData.snapshot(configMap("ok")), plan: plan, catalogs: catalogs, inputs: [],
            options: AuditOptions(now: now, toolVersion: "test"), alongside: { index in index.resources.count })
        #expect(side == 1)
        #expect(status(result, "auto-1") == .satisfied)
    }

    @Test func findingOrderComparesFieldByFieldLikeTheSortKey() {
        let ref = { (ns: String?, kind: String, name: String) in
            ResourceReference(apiVersion: "v1", kind: kind, namespace: ns, name: name)
        }
        var findings: [Finding] = []
        for check in ["b", "a"] {
            for resource in [ref("n2", "Pod", "x"), ref(nil, "Node", "x"), ref("n1", "Pod", "y"), ref("n1", "Deployment", "y"), nil] {
                for path in [nil, "spec.b", "spec.a"] {
                    for message in ["m2", "m1"] {
                        findings.append(Finding(check: check, resource: resource, source: nil, path: path, message: message))
                    }
                }
            }
        }
        let byKey = findings.sorted { Finding.sortKey($0).lexicographicallyPrecedes(Finding.sortKey($1)) }
        let byFields = findings.sorted(by: Finding.precedes)
        #expect(byKey.map(Finding.sortKey) == byFields.map(Finding.sortKey))
        #expect(byFields.first.map(Finding.sortKey) == ["a", "", "", "", "", "m1"])
    }
}

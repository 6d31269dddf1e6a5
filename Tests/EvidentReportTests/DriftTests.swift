import EvidentCore
@testable import EvidentReport
import Foundation
import Testing

@Suite("Baselines and drift")
struct DriftTests {
    @Test("a results.json read back gives the same deviations as the audit in memory")
    func roundTrip() throws {
        let result = Fixtures.auditResult()
        let json = ReportRenderer.json(result, options: Support.options())
        let loaded = try Baseline.load(Data(json.utf8), path: "results.json")
        let memory = Baseline(result)
        #expect(loaded.deviations.map(\.key) == memory.deviations.map(\.key))
        #expect(loaded.statuses.map(\.status) == memory.statuses.map(\.status))
        #expect(!loaded.deviations.isEmpty)
        // Waived findings and satisfied controls are not deviations; control-level ones are.
        #expect(!loaded.deviations.contains { $0.resource == "DaemonSet kube-system/cilium" })
        #expect(loaded.deviations.contains { $0.check.isEmpty })
    }

    @Test("identity ignores the line; the gate against a baseline counts only new deviations")
    func gate() throws {
        let result = Fixtures.auditResult()
        let baseline = Baseline(result)
        var moved = result
        for i in moved.controls.indices {
            for j in moved.controls[i].findings.indices {
                moved.controls[i].findings[j].source?.line += 7
            }
        }
        let policy = GatePolicy()
        // The fixture has a control in error: it is in the baseline, so it no longer decides the exit code.
        let same = policy.judge(moved.controls, baseline: baseline)
        #expect(same.exitCode == 0, "\(same.summary)")
        let diff = DeviationDiff(old: baseline.deviations, new: Deviation.of(moved))
        #expect(diff.new.isEmpty && diff.fixed.isEmpty && diff.stillPresent.count == baseline.deviations.count)

        // One new failing finding on a deviating control fails the gate because of that control alone.
        let index = try #require(moved.controls.firstIndex { $0.control.id == "sp800-190-4.5.3" })
        moved.controls[index].findings.append(
            Finding(check: "host-path", resource: Fixtures.ref("v1", "Pod", "debug", "another"), source: nil,
                    message: "mounts the host's root"))
        let gate = policy.judge(moved.controls, baseline: baseline)
        #expect(gate.exitCode == 1)
        #expect(gate.failingControls == ["sp800-190-4.5.3"])
        let after = DeviationDiff(old: baseline.deviations, new: Deviation.of(moved))
        #expect(after.new.map(\.resource) == ["Pod debug/another"])
    }

    @Test("drift renders as text and Markdown with every count")
    func render() {
        let result = Fixtures.auditResult()
        var later = result
        later.controls.removeAll { $0.control.id == "sp800-190-4.5.3" }
        let diff = DeviationDiff(old: Deviation.of(result), new: Deviation.of(later),
                                 oldStatuses: result.controls.map { ($0.control.id, $0.status.rawValue) },
                                 newStatuses: later.controls.map { ($0.control.id, $0.status.rawValue) })
        let text = DriftReport.text(diff, old: "a.json", new: "b.json")
        #expect(text.contains("new 0 · fixed 1 · still present"))
        #expect(text.contains("sp800-190-4.5.3: not-satisfied -> (absent)"))
        let md = DriftReport.markdown(diff, old: "a.json", new: "b.json")
        #expect(md.contains("### Fixed"))
        #expect(md.contains("| sp800-190-4.5.3 | host-path | Pod debug/toolbox |"))
    }
}

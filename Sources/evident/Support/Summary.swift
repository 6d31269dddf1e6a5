import EvidentCore
import Foundation

/// What `evident audit` prints on stdout: the verdict, counts, deviations, report paths and the gate.
enum Summary {
    static func print(_ result: AuditResult, reports: [String], quiet: Bool) {
        var out = ""
        if !quiet {
            let plan = result.plan
            out += "evident \(result.toolVersion) · plan \(plan.id) \(plan.version) · "
            out += result.catalogs.map { "\($0.id) \($0.version)" }.joined(separator: ", ") + "\n"
            out += result.verdictSentence + "\n"
            let counts = result.statusCounts
            out += "  " + ControlStatus.displayOrder.map { "\($0.rawValue) \(counts[$0] ?? 0)" }.joined(separator: " · ") + "\n"
            let deviations = result.deviations
            if !deviations.isEmpty {
                out += "Deviations:\n"
                for c in deviations.prefix(40) {
                    let resources = c.deviatingObjects().count
                    let what = resources > 0 ? " (\(resources) resource\(resources == 1 ? "" : "s"))" : ""
                    out += "  \(c.status == .error ? "!" : "✘") \(c.control.id) [\(c.severity.rawValue)] \(c.control.title)\(what)\n"
                }
                if deviations.count > 40 { out += "  … and \(deviations.count - 40) more\n" }
            }
            let warnings = result.diagnostics.filter { $0.severity == .warning }
            if !warnings.isEmpty {
                out += "Warnings:\n"
                for d in warnings.prefix(10) { out += "  \(d)\n" }
                if warnings.count > 10 { out += "  … and \(warnings.count - 10) more (see the reports)\n" }
            }
            if !reports.isEmpty { out += "Reports: " + reports.joined(separator: ", ") + "\n" }
        }
        out += "Gate: \(result.gate.passed ? "passed" : "FAILED") (exit \(result.gate.exitCode)): \(result.gate.summary)\n"
        // Snapshot text is data: every line is cleaned of control characters before it reaches the terminal.
        Swift.print(out.split(separator: "\n", omittingEmptySubsequences: false).map { Terminal.clean(String($0)) }
            .joined(separator: "\n"), terminator: "")
    }
}

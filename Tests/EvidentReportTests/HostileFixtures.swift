import EvidentCore
import Foundation

/// The fixture with hostile text in every field a snapshot, plan or catalog can fill.
enum Hostile {
    static let long = String(repeating: "A-very-long-value-", count: 400)
    static let text = "<script>alert(1)</script> | `tick` ]]> \u{0001}\u{202E}evil & \"q\" 'a' "
        + "[x](javascript:alert(1)) *b* _i_ <!-- c --> {{mustache}} \u{2028}\u{FFFE}\r\nsecond | line"

    static func h(_ label: String) -> String { "\(label) \(text)" }

    static func auditResult() -> AuditResult {
        var r = Fixtures.auditResult()
        r.plan.id = h("plan-id")
        r.plan.title = h("plan title")
        r.plan.version = h("v")
        r.plan.owner = h("owner")
        r.toolVersion = h("tool")
        for i in r.catalogs.indices {
            r.catalogs[i].title = h("catalog")
            r.catalogs[i].version = h("1.0")
        }
        r.inputs[0].path = h("input path")
        r.resourceCounts.append((kind: h("Kind"), count: 1))
        r.diagnostics.append(Diagnostic(.warning, h("diagnostic"), at: SourceLocation(file: h("file"), line: 3)))
        r.gate.summary = h("gate")
        r.hygiene.exclusions.append((catalog: h("catalog"), exclusion: .init(control: h("ctl"), reason: h("reason"))))
        for i in r.controls.indices {
            r.controls[i].control.title = h("title")
            r.controls[i].control.statement = h("statement")
            r.controls[i].control.objectives.append(Objective(id: h("obj"), text: h("objective")))
            r.controls[i].family.title = h("family")
            r.controls[i].reason = h("reason") + long
            r.controls[i].control.references = [h("ref"): [h("value")]]
            for j in r.controls[i].checks.indices {
                r.controls[i].checks[j].id = h("check")
                r.controls[i].checks[j].reason = h("check reason")
            }
            for j in r.controls[i].findings.indices {
                r.controls[i].findings[j].message = h("message") + long
                r.controls[i].findings[j].observed = h("observed")
                r.controls[i].findings[j].expected = h("expected")
                r.controls[i].findings[j].path = h("path")
                r.controls[i].findings[j].image = h("image")
                r.controls[i].findings[j].check = h("check")
                if var ref = r.controls[i].findings[j].resource {
                    ref.name = h("name")
                    ref.namespace = h("ns")
                    r.controls[i].findings[j].resource = ref
                }
                r.controls[i].findings[j].source = SourceLocation(file: h("file"), line: 7)
            }
            for j in r.controls[i].exceptions.indices {
                r.controls[i].exceptions[j].justification = h("justification")
                r.controls[i].exceptions[j].approvedBy = h("approver")
                r.controls[i].exceptions[j].ticket = h("ticket")
            }
            if var a = r.controls[i].attestation {
                a.attestation.statement = h("attestation")
                a.attestation.evidence = ["javascript:alert(1)", "https://ok.example.com/a\"onmouseover=\"x", h("evidence")]
                r.controls[i].attestation = a
            }
        }
        for i in r.plan.exceptions.indices {
            r.plan.exceptions[i].justification = h("plan justification")
            r.plan.exceptions[i].scope.name = h("scope")
        }
        for i in r.plan.attestations.indices {
            r.plan.attestations[i].evidence.append("javascript:alert(2)")
        }
        return r
    }
}

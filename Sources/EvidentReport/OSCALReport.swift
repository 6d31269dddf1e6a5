import Crypto
import EvidentCore
import Foundation

/// `assessment-results.json` and `poam.json`: OSCAL 1.2.1.
///
/// - A control's objectives are the finding targets (`objective-id` `<control>_obj.<objective>`; a control
///   without objectives is one `statement-id` target `<control>_smt`). An objective's status combines the
///   checks that name it (all checks when none does). `satisfied`, `waived` and `not-applicable` map to
///   `satisfied`; `not-satisfied`, `needs-evidence` and `error` to `not-satisfied`; the evident status is
///   the `reason` and a prop.
/// - Each check is an observation (method TEST) whose subjects are the objects with findings (inventory
///   items), or the snapshot as a whole when nothing failed; each attestation is an observation (EXAMINE
///   when it cites evidence, else INTERVIEW).
/// - Each exception of a control is a risk: `deviation-approved` with its expiry as the deadline, or `open`
///   once expired.
/// - The POA&M has an item for every control whose state is `not-satisfied`, with its risk and observations.
/// - The security plan and every input are back-matter resources with their SHA-256; `import-ap` points at
///   the plan's resource. UUIDs are version 5, from a fixed namespace and names built from the inputs'
///   digests, the report time and the element's identity: the same inputs and clock give the same UUIDs.
enum OSCALReport {
    static let oscalVersion = "1.2.1"
    /// The evident property namespace.
    static let ns = "urn:evident:oscal"
    /// The fixed namespace of every UUID evident writes (itself `uuid5(URL namespace, ns)`).
    static let namespace: [UInt8] = uuidBytes(uuid5(namespace: urlNamespace, name: ns))
    private static let urlNamespace: [UInt8] = [0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1,
                                                0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8]

    // MARK: UUID v5

    /// RFC 9562 version-5 UUID (SHA-1 of namespace and name), lowercase.
    static func uuid5(namespace: [UInt8], name: String) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: Array(name.utf8))
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Digits.hex(bytes)
        let chars = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }.joined(separator: "-")
    }

    private static func uuidBytes(_ uuid: String) -> [UInt8] {
        let hex = Array(uuid.replacingOccurrences(of: "-", with: ""))
        return stride(from: 0, to: hex.count - 1, by: 2).compactMap { UInt8(String(hex[$0...$0 + 1]), radix: 16) }
    }

    // MARK: Text for OSCAL's datatypes

    /// A TokenDatatype: letters, digits, `.`, `-`, `_`, starting with a letter or `_`.
    static func token(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            let ok = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                || scalar == "." || scalar == "-" || scalar == "_"
            out.unicodeScalars.append(ok ? scalar : "_")
        }
        if let first = out.unicodeScalars.first, first.properties.isAlphabetic || first == "_" { return out }
        return "_" + out
    }

    /// A StringDatatype / MarkupLine: one line, no leading or trailing space, never empty.
    static func line(_ text: String, or fallback: String = "-") -> String {
        let joined = text.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return joined.isEmpty ? fallback : joined
    }

    /// MarkupMultiline: never empty.
    static func text(_ text: String, or fallback: String = "-") -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.isEmpty ? fallback : trimmed
    }

    // MARK: The shared model

    /// Everything both documents draw on, with its UUIDs.
    struct Model {
        var result: AuditResult
        var seed: String
        var planResource: String
        var inputResources: [(input: InputFile, uuid: String)]
        var clusterItem: String
        /// Objects with findings, by their identity, in first-seen order.
        var items: [(ref: ResourceReference, uuid: String)] = []
        var itemIndex: [String: Int] = [:]

        init(_ result: AuditResult) {
            self.result = result
            let digests = result.inputs.map { "\($0.role.rawValue):\($0.path):\($0.sha256)" }.joined(separator: "\n")
            let name = "\(result.plan.id)\n\(result.plan.version)\n\(Text.rfc3339(result.generatedAt))\n\(digests)"
            seed = Digest.sha256(Array(name.utf8))
            planResource = ""
            inputResources = []
            clusterItem = ""
            planResource = uuid("resource", "plan")
            inputResources = result.inputs.enumerated().map {
                ($0.element, uuid("resource", "input", "\($0.offset)", $0.element.path))
            }
            clusterItem = uuid("inventory-item", "snapshot")
            for control in result.controls {
                for f in control.findings {
                    guard let r = f.resource else { continue }
                    let key = r.id.description + "|" + r.apiVersion
                    if itemIndex[key] == nil {
                        itemIndex[key] = items.count
                        items.append((r, uuid("inventory-item", key)))
                    }
                }
            }
        }

        func uuid(_ parts: String...) -> String {
            OSCALReport.uuid5(namespace: OSCALReport.namespace, name: ([seed] + parts).joined(separator: "|"))
        }

        func item(_ r: ResourceReference) -> String? {
            itemIndex[r.id.description + "|" + r.apiVersion].map { items[$0].uuid }
        }

        func observation(_ control: ControlResult, check: String) -> String {
            uuid("observation", control.control.id, "check", check)
        }

        func attestationObservation(_ control: ControlResult) -> String {
            uuid("observation", control.control.id, "attestation")
        }

        func risk(_ control: ControlResult, exception: String) -> String {
            uuid("risk", control.control.id, "exception", exception)
        }

        func deviationRisk(_ control: ControlResult) -> String { uuid("risk", control.control.id, "deviation") }

        /// The observations of a control: one per check result, then the attestation.
        func observations(of control: ControlResult) -> [String] {
            control.checks.map { observation(control, check: $0.id) }
                + (control.attestation == nil ? [] : [attestationObservation(control)])
        }
    }

    static func state(_ s: ControlStatus) -> String {
        switch s {
        case .satisfied, .waived, .notApplicable: return "satisfied"
        case .notSatisfied, .needsEvidence, .error: return "not-satisfied"
        }
    }

    // MARK: Rendering pieces

    private static func prop(_ name: String, _ value: String?, _ w: inout JSONWriter) {
        guard let value else { return }
        w.beginObject()
        w.member("name", name)
        w.member("ns", ns)
        w.member("value", line(value))
        w.endObject()
    }

    private static func props(_ w: inout JSONWriter, _ pairs: [(String, String?)]) {
        let present = pairs.filter { $0.1 != nil }
        guard !present.isEmpty else { return }
        w.array("props") { w in for (n, v) in present { prop(n, v, &w) } }
    }

    private static func metadata(_ model: Model, title: String, _ w: inout JSONWriter) {
        let r = model.result
        w.object("metadata") { w in
            w.member("title", line(title))
            w.member("last-modified", Text.rfc3339(r.generatedAt))
            w.member("version", line(r.plan.version, or: "1"))
            w.member("oscal-version", oscalVersion)
            props(&w, [("tool", "evident"), ("tool-version", r.toolVersion), ("plan-id", r.plan.id),
                       ("snapshot-time", r.snapshotTime.map(Text.rfc3339))]
                  + r.catalogs.map { ("catalog", "\($0.id) \($0.version)") })
        }
    }

    private static func backMatter(_ model: Model, _ w: inout JSONWriter) {
        let r = model.result
        w.object("back-matter") { w in
            w.array("resources") { w in
                w.beginObject()
                w.member("uuid", model.planResource)
                w.member("title", line("Security plan: \(r.plan.title)"))
                w.member("description", text("The security plan \(r.plan.id) version \(r.plan.version), "
                    + "which stands in for the assessment plan: it selects the catalogs and controls, sets the "
                    + "parameters and records exceptions and attestations."))
                props(&w, [("plan-id", r.plan.id), ("plan-version", r.plan.version), ("origin", r.plan.origin)])
                if let input = r.inputs.first(where: { $0.role == .plan }) { rlink(input, &w) }
                w.endObject()
                for (input, uuid) in model.inputResources {
                    w.beginObject()
                    w.member("uuid", uuid)
                    w.member("title", line("\(input.role.rawValue): \(input.path)"))
                    w.member("description", text("An input of the audit (\(input.role.rawValue), \(input.bytes) bytes)."))
                    props(&w, [("input-role", input.role.rawValue)])
                    rlink(input, &w)
                    w.endObject()
                }
            }
        }
    }

    private static func rlink(_ input: InputFile, _ w: inout JSONWriter) {
        w.array("rlinks") { w in
            w.beginObject()
            w.member("href", SARIFReport.uriReference(input.path).isEmpty ? "." : SARIFReport.uriReference(input.path))
            w.array("hashes") { w in
                w.beginObject()
                w.member("algorithm", "SHA-256")
                w.member("value", input.sha256)
                w.endObject()
            }
            w.endObject()
        }
    }

    /// Inventory items for the objects `uuids` select (nil: all), plus the snapshot as a whole.
    private static func localDefinitions(_ model: Model, only uuids: Set<String>?, _ w: inout JSONWriter) {
        w.object("local-definitions") { w in
            w.array("inventory-items") { w in
                w.beginObject()
                w.member("uuid", model.clusterItem)
                w.member("description", "The cluster snapshot as a whole (every object the audit read).")
                props(&w, [("snapshot-time", model.result.snapshotTime.map(Text.rfc3339))])
                w.endObject()
                for (ref, uuid) in model.items where uuids?.contains(uuid) ?? true {
                    w.beginObject()
                    w.member("uuid", uuid)
                    w.member("description", text("Kubernetes \(ref.description) (\(ref.apiVersion))."))
                    props(&w, [("api-version", ref.apiVersion), ("kind", ref.kind), ("namespace", ref.namespace),
                               ("name", ref.name)])
                    w.endObject()
                }
            }
        }
    }

    private static func subjects(_ model: Model, _ findings: [Finding]) -> [(uuid: String, title: String)] {
        var seen: Set<String> = []
        var out: [(String, String)] = []
        for f in findings {
            guard let r = f.resource, let uuid = model.item(r), seen.insert(uuid).inserted else { continue }
            out.append((uuid, r.description))
        }
        return out
    }

    /// The observations of one control.
    private static func observations(_ control: ControlResult, _ model: Model, _ w: inout JSONWriter) {
        let r = model.result
        for check in control.checks {
            let findings = control.findings.filter { $0.check == check.id }
            w.beginObject()
            w.member("uuid", model.observation(control, check: check.id))
            w.member("title", line("\(control.control.id) check \(check.id)"))
            var description = "The check \(check.id) (evaluator \(check.evaluator)) looked at \(check.evaluated) "
                + "object\(check.evaluated == 1 ? "" : "s"); \(check.failed) failed. Status: \(check.status.rawValue)."
            if let reason = check.reason { description += " \(reason)" }
            w.member("description", text(description))
            props(&w, [("control", control.control.id), ("check", check.id), ("evaluator", check.evaluator),
                       ("status", check.status.rawValue), ("evaluated", String(check.evaluated)),
                       ("failed", String(check.failed))])
            w.member("methods", strings: ["TEST"])
            w.member("types", strings: ["control-objective"])
            let subjects = subjects(model, findings)
            w.array("subjects") { w in
                if subjects.isEmpty {
                    w.beginObject()
                    w.member("subject-uuid", model.clusterItem)
                    w.member("type", "inventory-item")
                    w.member("title", "The cluster snapshot")
                    w.endObject()
                }
                for s in subjects {
                    w.beginObject()
                    w.member("subject-uuid", s.uuid)
                    w.member("type", "inventory-item")
                    w.member("title", line(s.title))
                    w.endObject()
                }
            }
            let evidence = model.inputResources.filter { $0.input.role == .snapshot || $0.input.role == .policy }
            if !evidence.isEmpty {
                w.array("relevant-evidence") { w in
                    for (input, uuid) in evidence {
                        w.beginObject()
                        w.member("href", "#\(uuid)")
                        w.member("description", text("The \(input.role.rawValue) input \(input.path)."))
                        w.endObject()
                    }
                }
            }
            w.member("collected", Text.rfc3339(r.snapshotTime ?? r.generatedAt))
            if !findings.isEmpty {
                let shown = findings.prefix(100).map { f -> String in
                    var s = "- \(f.status.rawValue): \(f.resource?.description ?? "cluster"): \(f.message)"
                    if let src = f.source { s += " (\(src.file):\(src.line))" }
                    return s
                }
                let more = findings.count > 100 ? "\n- and \(findings.count - 100) more in results.json" : ""
                w.member("remarks", text(shown.joined(separator: "\n") + more))
            }
            w.endObject()
        }
        if let a = control.attestation {
            let att = a.attestation
            w.beginObject()
            w.member("uuid", model.attestationObservation(control))
            w.member("title", line("\(control.control.id) attestation by \(att.attestedBy)"))
            w.member("description", text(att.statement))
            props(&w, [("control", control.control.id), ("attested-by", att.attestedBy),
                       ("attestation-status", att.status.rawValue), ("attestation-date", att.date.description),
                       ("expired", a.expired ? "true" : "false")])
            w.member("methods", strings: [att.evidence.isEmpty ? "INTERVIEW" : "EXAMINE"])
            if !att.evidence.isEmpty {
                w.array("relevant-evidence") { w in
                    for e in att.evidence {
                        w.beginObject()
                        w.member("description", text(e))
                        w.endObject()
                    }
                }
            }
            w.member("collected", Text.rfc3339(att.date.endOfDay))
            if let expires = att.expires { w.member("expires", Text.rfc3339(expires.endOfDay)) }
            w.endObject()
        }
    }

    private static func exceptionRisk(_ e: PlanException, _ control: ControlResult, _ model: Model,
                                      _ w: inout JSONWriter) {
        let expired = e.expires.hasPassed(at: model.result.generatedAt)
        w.beginObject()
        w.member("uuid", model.risk(control, exception: e.id))
        w.member("title", line("Exception \(e.id) to \(control.control.id)"))
        w.member("description", text(e.justification))
        w.member("statement", text("Findings of \(control.control.id) (\(control.control.title)) in scope "
            + "\(e.scope.description) are accepted by \(e.approvedBy) until \(e.expires.description)"
            + (expired ? "; the exception has expired and no longer waives them." : ".")))
        props(&w, [("exception", e.id), ("control", control.control.id), ("approved-by", e.approvedBy),
                   ("ticket", e.ticket), ("expired", expired ? "true" : "false")])
        w.member("status", expired ? "open" : "deviation-approved")
        w.member("deadline", Text.rfc3339(e.expires.endOfDay))
        relatedObservations(control, model, &w)
        w.endObject()
    }

    private static func deviationRisk(_ control: ControlResult, _ model: Model, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("uuid", model.deviationRisk(control))
        w.member("title", line("\(control.control.id) \(control.control.title): \(control.status.rawValue)"))
        w.member("description", text(control.control.statement, or: control.control.title))
        w.member("statement", text(control.reason ?? "The control is \(control.status.rawValue)."))
        props(&w, [("control", control.control.id), ("severity", control.severity.rawValue),
                   ("evident-status", control.status.rawValue)])
        w.member("status", "open")
        relatedObservations(control, model, &w)
        w.endObject()
    }

    private static func relatedObservations(_ control: ControlResult, _ model: Model, _ w: inout JSONWriter) {
        let obs = model.observations(of: control)
        guard !obs.isEmpty else { return }
        w.array("related-observations") { w in
            for o in obs {
                w.beginObject()
                w.member("observation-uuid", o)
                w.endObject()
            }
        }
    }

    private static func risks(of control: ControlResult) -> Bool {
        !control.exceptions.isEmpty || state(control.status) == "not-satisfied"
    }

    // MARK: assessment-results.json

    static func assessmentResults(_ result: AuditResult) -> String {
        let model = Model(result)
        var w = JSONWriter()
        w.beginObject()
        w.object("assessment-results") { w in
            w.member("uuid", model.uuid("assessment-results"))
            metadata(model, title: "Assessment results: \(result.plan.title)", &w)
            w.object("import-ap") { w in
                w.member("href", "#\(model.planResource)")
                w.member("remarks", "evident has no separate assessment plan: the security plan stands in for it.")
            }
            w.array("results") { w in
                w.beginObject()
                w.member("uuid", model.uuid("result"))
                w.member("title", line("evident audit of \(result.plan.title)"))
                w.member("description", text(result.verdictSentence + " " + result.gate.summary))
                w.member("start", Text.rfc3339(result.snapshotTime ?? result.generatedAt))
                w.member("end", Text.rfc3339(result.generatedAt))
                props(&w, [("gate-passed", result.gate.passed ? "true" : "false"),
                           ("exit-code", String(result.gate.exitCode))])
                localDefinitions(model, only: nil, &w)
                w.object("reviewed-controls") { w in
                    w.array("control-selections") { w in
                        w.beginObject()
                        if result.controls.isEmpty {
                            w.object("include-all") { _ in }
                        } else {
                            w.array("include-controls") { w in
                                for c in result.controls {
                                    w.beginObject()
                                    w.member("control-id", token(c.control.id))
                                    w.endObject()
                                }
                            }
                        }
                        w.endObject()
                    }
                }
                if result.controls.contains(where: { !$0.checks.isEmpty || $0.attestation != nil }) {
                    w.array("observations") { w in
                        for c in result.controls { observations(c, model, &w) }
                    }
                }
                if result.controls.contains(where: risks) {
                    w.array("risks") { w in
                        for c in result.controls {
                            for e in c.exceptions { exceptionRisk(e, c, model, &w) }
                            if state(c.status) == "not-satisfied" { deviationRisk(c, model, &w) }
                        }
                    }
                }
                if !result.controls.isEmpty {
                    w.array("findings") { w in
                        for c in result.controls { findings(c, model, &w) }
                    }
                }
                w.endObject()
            }
            backMatter(model, &w)
        }
        w.endObject()
        return w.output + "\n"
    }

    /// The targets of a control: its objectives with the status of the checks that name them.
    private typealias Target = (type: String, id: String, title: String, status: ControlStatus)

    private static func targets(_ control: ControlResult) -> [Target] {
        let cid = token(control.control.id)
        guard !control.control.objectives.isEmpty else {
            return [("statement-id", "\(cid)_smt", control.control.title, control.status)]
        }
        return control.control.objectives.map { objective in
            let checkIDs = Set(control.control.checks.filter { $0.objective == objective.id }.map(\.id))
            let parts = control.checks.filter { checkIDs.contains($0.id) }.map(\.status)
            // Without checks of its own the objective shares the control's status (attestations, exceptions).
            let status = parts.isEmpty || control.attestation != nil ? control.status
                : (ControlStatus.combine(parts) ?? control.status)
            return ("objective-id", "\(cid)_obj.\(token(objective.id))", objective.text, status)
        }
    }

    private static func findings(_ control: ControlResult, _ model: Model, _ w: inout JSONWriter) {
        for target in targets(control) {
            w.beginObject()
            w.member("uuid", model.uuid("finding", control.control.id, target.id))
            w.member("title", line("\(control.control.id) \(control.control.title)"))
            w.member("description", text(control.reason ?? "The control is \(control.status.rawValue)."))
            props(&w, [("control", control.control.id), ("catalog", control.catalogID),
                       ("family", control.family.id), ("severity", control.severity.rawValue),
                       ("evident-status", control.status.rawValue), ("mode", control.control.mode.rawValue)])
            w.object("target") { w in
                w.member("type", target.type)
                w.member("target-id", target.id)
                w.member("title", line(target.title, or: control.control.title))
                props(&w, [("evident-status", target.status.rawValue)])
                w.object("status") { w in
                    w.member("state", state(target.status))
                    w.member("reason", target.status.rawValue)
                }
            }
            relatedObservations(control, model, &w)
            let riskIDs = control.exceptions.map { model.risk(control, exception: $0.id) }
                + (state(control.status) == "not-satisfied" ? [model.deviationRisk(control)] : [])
            if !riskIDs.isEmpty {
                w.array("related-risks") { w in
                    for id in riskIDs {
                        w.beginObject()
                        w.member("risk-uuid", id)
                        w.endObject()
                    }
                }
            }
            w.endObject()
        }
    }

    // MARK: poam.json

    static func poam(_ result: AuditResult) -> String {
        let model = Model(result)
        let open = result.deviations + result.controls.filter { $0.status == .needsEvidence }
        var w = JSONWriter()
        w.beginObject()
        w.object("plan-of-action-and-milestones") { w in
            w.member("uuid", model.uuid("poam"))
            metadata(model, title: "Plan of action and milestones: \(result.plan.title)", &w)
            w.object("system-id") { w in
                w.member("identifier-type", "http://ietf.org/rfc/rfc4122")
                w.member("id", model.planResource)
            }
            var used: Set<String> = []
            for c in open {
                for check in c.checks {
                    for s in subjects(model, c.findings.filter { $0.check == check.id }) { used.insert(s.uuid) }
                }
            }
            localDefinitions(model, only: used, &w)
            if open.contains(where: { !$0.checks.isEmpty || $0.attestation != nil }) {
                w.array("observations") { w in
                    for c in open { observations(c, model, &w) }
                }
            }
            if !open.isEmpty {
                w.array("risks") { w in
                    for c in open {
                        for e in c.exceptions { exceptionRisk(e, c, model, &w) }
                        deviationRisk(c, model, &w)
                    }
                }
            }
            w.array("poam-items") { w in
                for c in open {
                    w.beginObject()
                    w.member("uuid", model.uuid("poam-item", c.control.id))
                    w.member("title", line("Remediate \(c.control.id) \(c.control.title)"))
                    w.member("description", text((c.reason ?? "The control is \(c.status.rawValue).") + " "
                        + (c.control.statement.isEmpty ? "" : "The plan requires: \(c.control.statement)")))
                    props(&w, [("control", c.control.id), ("catalog", c.catalogID), ("severity", c.severity.rawValue),
                               ("evident-status", c.status.rawValue)])
                    relatedObservations(c, model, &w)
                    w.array("related-risks") { w in
                        for id in c.exceptions.map({ model.risk(c, exception: $0.id) }) + [model.deviationRisk(c)] {
                            w.beginObject()
                            w.member("risk-uuid", id)
                            w.endObject()
                        }
                    }
                    w.endObject()
                }
                if open.isEmpty {
                    // The schema needs at least one item: say that nothing is open.
                    w.beginObject()
                    w.member("uuid", model.uuid("poam-item", "none"))
                    w.member("title", "No open items")
                    w.member("description", text("No control is not-satisfied: \(result.verdictSentence)"))
                    w.endObject()
                }
            }
            backMatter(model, &w)
        }
        w.endObject()
        return w.output + "\n"
    }
}

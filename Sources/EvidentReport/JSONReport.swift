import EvidentCore

/// `results.json`: the contract in PRODUCT.md ("The JSON results contract"), plus `gate`, `planHygiene`,
/// `diagnostics` and `resourceCounts` after `controls`.
///
/// Conventions: every key of an object is always written, in a fixed order; a missing optional value is
/// `null` (never omitted). Strings are the result's own text, unabridged and unsanitised, escaped per
/// RFC 8259. Times are RFC 3339 UTC; plan dates are `YYYY-MM-DD`.
enum JSONReport {
    /// The whole document; with a `sink`, handed over in pieces as it is written (and "" returned).
    static func render(_ result: AuditResult, sink: ((String) -> Void)? = nil) -> String {
        var w = JSONWriter(sink: sink)
        w.beginObject()
        w.member("schemaVersion", 1)
        w.object("tool") { w in
            w.member("name", "evident")
            w.member("version", result.toolVersion)
        }
        w.member("generatedAt", Text.rfc3339(result.generatedAt))
        w.object("plan") { w in
            w.member("id", result.plan.id)
            w.member("title", result.plan.title)
            w.member("version", result.plan.version)
            w.member("owner", result.plan.owner)
            w.member("origin", result.plan.origin)
        }
        w.array("catalogs") { w in
            for c in result.catalogs {
                w.beginObject()
                w.member("id", c.id)
                w.member("version", c.version)
                w.member("title", c.title)
                w.member("origin", c.origin)
                w.endObject()
            }
        }
        w.member("snapshotTime", result.snapshotTime.map(Text.rfc3339))
        w.array("inputs") { w in
            for input in result.inputs {
                w.beginObject()
                w.member("path", input.path)
                w.member("sha256", input.sha256)
                w.member("role", input.role.rawValue)
                w.member("bytes", input.bytes)
                w.endObject()
            }
        }
        let counts = result.statusCounts
        w.object("summary") { w in
            w.member("controls", result.controls.count)
            for status in ControlStatus.displayOrder { w.member(status.rawValue, counts[status] ?? 0) }
        }
        w.array("controls") { w in
            for control in result.controls { Self.control(control, now: result, into: &w) }
        }
        w.object("gate") { w in
            w.member("exitCode", Int(result.gate.exitCode))
            w.member("passed", result.gate.passed)
            w.member("summary", result.gate.summary)
            w.member("failOn", strings: result.gate.failOn.map(\.rawValue))
            w.member("failOnSeverity", result.gate.minimumSeverity.rawValue)
            w.member("failingControls", strings: result.gate.failingControls)
        }
        let h = result.hygiene
        w.object("planHygiene") { w in
            w.array("staleExceptions") { w in for e in h.staleExceptions { exception(e, result, &w) } }
            w.array("expiredExceptions") { w in for e in h.expiredExceptions { exception(e, result, &w) } }
            w.array("expiringSoon") { w in for e in h.expiringSoon { exception(e, result, &w) } }
            w.array("expiredAttestations") { w in
                for a in h.expiredAttestations { attestation(a, expired: true, &w) }
            }
            w.array("exclusions") { w in
                for (catalog, exclusion) in h.exclusions {
                    w.beginObject()
                    w.member("catalog", catalog)
                    w.member("control", exclusion.control)
                    w.member("reason", exclusion.reason)
                    source(exclusion.source, &w)
                    w.endObject()
                }
            }
        }
        w.array("diagnostics") { w in
            for d in result.diagnostics {
                w.beginObject()
                w.member("severity", d.severity.rawValue)
                w.member("message", d.message)
                source(d.location, &w)
                w.endObject()
            }
        }
        w.array("resourceCounts") { w in
            for (kind, count) in result.resourceCounts {
                w.beginObject()
                w.member("kind", kind)
                w.member("count", count)
                w.endObject()
            }
        }
        if let network = result.network { Self.network(network, &w) }
        w.endObject()
        guard sink != nil else { return w.output + "\n" }
        w.finish()
        sink?("\n")
        return ""
    }

    /// The network exposure summary (present when the network engine ran; lists capped, totals complete).
    private static func network(_ n: NetworkSummary, _ w: inout JSONWriter) {
        func workloads(_ name: String, _ rows: [NetworkSummary.WorkloadEntry], total: Int, _ w: inout JSONWriter) {
            w.object(name) { w in
                w.member("total", total)
                w.array("shown") { w in
                    for r in rows {
                        w.beginObject()
                        w.member("workload", r.workload)
                        w.member("level", r.level)
                        w.member("connections", r.connections)
                        if !r.exposure.isEmpty { w.member("exposure", r.exposure) }
                        w.member("allowedBy", strings: r.policies)
                        w.endObject()
                    }
                }
            }
        }
        w.object("network") { w in
            w.member("namespaces", n.namespaces)
            w.member("workloads", n.workloads)
            w.member("connectedNamespacePairs", n.connectedPairs)
            w.array("sensitivityMatrix") { w in
                for (g, from) in n.groups.enumerated() {
                    for (h, to) in n.groups.enumerated() where g < n.matrix.count && h < n.matrix[g].count {
                        w.beginObject()
                        w.member("from", from)
                        w.member("to", to)
                        w.member("connected", n.matrix[g][h].connected)
                        w.member("pairs", n.matrix[g][h].total)
                        w.endObject()
                    }
                }
            }
            workloads("internetReachable", n.internetReachable, total: n.internetReachableTotal, &w)
            workloads("internetEgress", n.internetEgress, total: n.internetEgressTotal, &w)
            w.object("crossSensitivity") { w in
                w.member("total", n.crossSensitivityTotal)
                w.array("shown") { w in
                    for p in n.crossSensitivity {
                        w.beginObject()
                        w.member("from", p.source)
                        w.member("fromLevel", p.sourceLevel)
                        w.member("to", p.destination)
                        w.member("toLevel", p.destinationLevel)
                        w.member("example", p.example)
                        w.member("allowedBy", strings: p.policies)
                        w.endObject()
                    }
                }
            }
            w.object("withoutDefaultDeny") { w in
                w.member("total", n.withoutDefaultDenyTotal)
                w.array("shown") { w in
                    for gap in n.withoutDefaultDeny {
                        w.beginObject()
                        w.member("namespace", gap.namespace)
                        w.member("level", gap.level)
                        w.member("open", strings: gap.directions)
                        w.member("openWorkloads", gap.openWorkloads)
                        w.member("workloads", gap.workloads)
                        w.endObject()
                    }
                }
            }
        }
    }

    private static func control(_ c: ControlResult, now result: AuditResult, into w: inout JSONWriter) {
        w.beginObject()
        w.member("id", c.control.id)
        w.member("title", c.control.title)
        w.member("catalog", c.catalogID)
        w.member("family", c.family.id)
        w.member("familyTitle", c.family.title)
        w.member("severity", c.severity.rawValue)
        w.member("mode", c.control.mode.rawValue)
        w.member("status", c.status.rawValue)
        w.member("reason", c.reason)
        w.array("checks") { w in
            for check in c.checks {
                w.beginObject()
                w.member("id", check.id)
                w.member("evaluator", check.evaluator)
                w.member("status", check.status.rawValue)
                w.member("evaluated", check.evaluated)
                w.member("failed", check.failed)
                w.member("reason", check.reason)
                w.endObject()
            }
        }
        w.array("findings") { w in w.elements(c.findings, finding) }
        w.array("exceptions") { w in for e in c.exceptions { exception(e, result, &w) } }
        w.key("attestation")
        if let a = c.attestation {
            attestation(a.attestation, expired: a.expired, &w)
        } else {
            w.null()
        }
        w.endObject()
    }

    private static func finding(_ f: Finding, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("check", f.check)
        w.member("status", f.status.rawValue)
        w.key("resource")
        if let r = f.resource {
            w.beginObject()
            w.member("apiVersion", r.apiVersion)
            w.member("kind", r.kind)
            w.member("namespace", r.namespace)
            w.member("name", r.name)
            w.endObject()
        } else {
            w.null()
        }
        source(f.source, &w)
        w.member("path", f.path)
        w.member("observed", f.observed)
        w.member("expected", f.expected)
        w.member("pods", f.pods)
        w.member("message", f.message)
        w.member("image", f.image)
        w.member("exception", f.exception)
        w.endObject()
    }

    private static func source(_ location: SourceLocation?, _ w: inout JSONWriter) {
        w.key("source")
        if let location {
            w.beginObject()
            w.member("file", location.file)
            w.member("line", location.line)
            w.endObject()
        } else {
            w.null()
        }
    }

    private static func exception(_ e: PlanException, _ result: AuditResult, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("id", e.id)
        w.member("control", e.control)
        w.object("scope") { w in
            w.member("namespace", e.scope.namespace)
            w.member("kind", e.scope.kind)
            w.member("name", e.scope.name)
            w.member("check", e.scope.check)
            w.member("image", e.scope.image)
        }
        w.member("justification", e.justification)
        w.member("approvedBy", e.approvedBy)
        w.member("ticket", e.ticket)
        w.member("expires", e.expires.description)
        w.member("expired", e.expires.hasPassed(at: result.generatedAt))
        source(e.source, &w)
        w.endObject()
    }

    private static func attestation(_ a: Attestation, expired: Bool, _ w: inout JSONWriter) {
        w.beginObject()
        w.member("control", a.control)
        w.member("status", a.status.rawValue)
        w.member("statement", a.statement)
        w.member("attestedBy", a.attestedBy)
        w.member("date", a.date.description)
        w.member("expires", a.expires?.description)
        w.member("expired", expired)
        w.member("evidence", strings: a.evidence)
        source(a.source, &w)
        w.endObject()
    }
}

import EvidentCore
import EvidentNetwork
import Foundation

/// Passes when no pod of a lower sensitivity level can open a connection to a pod of a higher level,
/// unless the plan's `allowed_flows` lists the flow (`low->moderate` by level, or `ns-a->ns-b` by
/// namespace). Levels come from the namespace label `sensitivity_label`, ordered by `sensitivity_levels`;
/// an unlabelled namespace (or one with an unknown value) counts as the lowest level. Fails on each
/// destination namespace reached this way, with example paths and the policies that allow them.
struct CrossSensitivityPaths: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "cross-sensitivity-paths",
        title: "Lower sensitivity levels cannot reach higher ones",
        summary: """
            Fails for every namespace that pods of a lower sensitivity level can open connections to, as the \
            Kubernetes and Calico policies allow, unless allowed_flows lists the flow (low->high or ns-a->ns-b).
            """,
        parameters: [
            EvaluatorParameter("sensitivity_label", "namespace label holding the sensitivity; default data-sensitivity"),
            EvaluatorParameter("sensitivity_levels", "the levels, lowest first; default [low, moderate, high]"),
            EvaluatorParameter("allowed_flows", "flows the plan accepts: `low->moderate` (levels) or `ns-a->ns-b`"),
            NetworkView.internalCIDRsParameter,
            EvaluatorParameter("exempt_namespaces", "namespaces that are neither sources nor destinations"),
        ],
        requiredKinds: ["Namespace"],
        sharedWork: "network",
        examples: [
            .passing("high namespace admits only its own pods; the plan allows low->moderate", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: blog, labels: {data-sensitivity: low}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: crm, labels: {data-sensitivity: moderate}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: same-namespace, namespace: payments}
                spec:
                  podSelector: {}
                  ingress: [{from: [{podSelector: {}}]}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-low-only, namespace: crm}
                spec:
                  podSelector: {}
                  ingress: [{from: [{namespaceSelector: {matchLabels: {data-sensitivity: low}}}]}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: wp, namespace: blog}
                spec: {containers: [{name: app, image: r/wp:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: crm, namespace: crm}
                spec: {containers: [{name: app, image: r/crm:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: ledger, namespace: payments}
                spec: {containers: [{name: app, image: r/ledger:1}]}
                """, parameters: ["allowed_flows": .list([.string("low->moderate")])]),
            .failing("an open high namespace, and a policy admitting a low namespace", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: blog, labels: {data-sensitivity: low}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: crm, labels: {data-sensitivity: moderate}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: from-blog, namespace: crm}
                spec:
                  podSelector: {}
                  ingress: [{from: [{namespaceSelector: {matchLabels: {data-sensitivity: low}}}], ports: [{port: 443}]}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: wp, namespace: blog}
                spec: {containers: [{name: app, image: r/wp:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: crm, namespace: crm}
                spec: {containers: [{name: app, image: r/crm:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: ledger, namespace: payments}
                spec: {containers: [{name: app, image: r/ledger:1}]}
                """, failing: ["Namespace crm", "Namespace payments"]),
            .passing("a namespace-to-namespace flow the plan allows", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: blog, labels: {data-sensitivity: low}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: wp, namespace: blog}
                spec: {containers: [{name: app, image: r/wp:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: ledger, namespace: payments}
                spec: {containers: [{name: app, image: r/ledger:1}]}
                """, parameters: ["allowed_flows": .list([.string("blog->payments")])]),
        ])

    /// How many example paths a finding shows, and how many it evaluates for their policies.
    static let examplePaths = 3
    static let policySamples = 25

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let convention = try SensitivityConvention(context.parameters)
        let flows = try Self.flows(context.parameters, convention: convention)
        let view = try NetworkView.of(context)
        let analysis = view.analysis
        let index = context.index
        let exempt = context.parameters

        // The level of every namespace that holds workloads; unlabelled or unknown is the lowest.
        let byNamespace = view.workloadsByNamespace
        let namespaces = byNamespace.keys.sorted()
        var rank: [String: Int] = [:]
        for ns in namespaces {
            rank[ns] = convention.level(ofNamespace: ns, in: index).flatMap(convention.rank) ?? 0
        }
        var classesByRank = Array(repeating: Bitset(count: analysis.classes.count), count: convention.levels.count)
        var classesByNamespace: [String: Bitset] = [:]
        for (c, endpoint) in analysis.classes.enumerated() where !exempt.isExempt(endpoint.namespace) {
            classesByRank[rank[endpoint.namespace] ?? 0].insert(c)
            classesByNamespace[endpoint.namespace, default: Bitset(count: analysis.classes.count)].insert(c)
        }

        // Classes in the order of their workloads' names, and each class's position in it.
        let workloadNames = analysis.workloads.map(\.connlistName)
        let byName = analysis.classes.indices.sorted {
            (workloadNames[analysis.classWorkload[$0]], $0) < (workloadNames[analysis.classWorkload[$1]], $1)
        }
        var rankByName = Array(repeating: 0, count: byName.count)
        for (position, c) in byName.enumerated() { rankByName[c] = position }

        // How each namespace's level reads in evidence: its label, or the lowest level when unlabelled.
        var levelName: [String: String] = [:]
        for ns in Set(analysis.classes.map(\.namespace)) {
            levelName[ns] = convention.level(ofNamespace: ns, in: index).flatMap { convention.rank($0) != nil ? $0 : nil }
                ?? "\(convention.levels[0]) (unlabelled)"
        }
        var summaries: [Bitset: SourceSummary] = [:]

        var evaluated = 0
        var findings: [Finding] = []
        for destination in namespaces where !exempt.isExempt(destination) {
            evaluated += 1
            let level = rank[destination] ?? 0
            guard level > 0 else { continue }
            // Sources: lower levels, minus the flows the plan allows.
            var sources = Bitset(count: analysis.classes.count)
            for r in 0..<level where !flows.levels.contains(Flow(from: convention.levels[r], to: convention.levels[level])) {
                sources.formUnion(classesByRank[r])
            }
            for flow in flows.namespaces where flow.to == destination {
                if let b = classesByNamespace[flow.from] { sources = sources.intersection(b.complement()) }
            }
            if sources.isEmpty { continue }
            let targets = Set(byNamespace[destination].map { ws in ws.flatMap { analysis.workloads[$0].classes } } ?? [])
            var reaching = Bitset(count: analysis.classes.count)
            var pairs: [(source: Int, target: Int)] = []
            // Examples in name order, so that input order does not change the evidence.
            for b in targets.sorted(by: { rankByName[$0] < rankByName[$1] }) {
                let from = analysis.reachingSources(of: b).intersection(sources)
                if from.isEmpty { continue }
                reaching.formUnion(from)
                if pairs.count < Self.policySamples {
                    // The first sources in name order (scanning every class in name order for each target was
                    // quadratic in the cluster).
                    let first = from.members.sorted { rankByName[$0] < rankByName[$1] }
                    for a in first.prefix(Self.policySamples - pairs.count) { pairs.append((a, b)) }
                }
            }
            guard !reaching.isEmpty else { continue }
            // Destinations reached from the same sources (the usual case: every namespace open to the same
            // lower levels) share one summary, so the work does not grow with namespaces times sources.
            let summary: SourceSummary
            if let known = summaries[reaching] {
                summary = known
            } else {
                summary = SourceSummary(reaching, analysis: analysis, levelName: levelName)
                summaries[reaching] = summary
            }
            let (sourceNamespaces, sourceWorkloads, sourceLevels) = (summary.namespaces, summary.workloads, summary.levels)
            var examples: [String] = []
            var allowing: Set<Int> = []
            var open = false
            for (a, b) in pairs {
                let allowed = analysis.allowance(fromClass: a, toClass: b)
                allowing.formUnion(allowed.allowedBy)
                open = open || allowed.unrestricted
                if examples.count < Self.examplePaths {
                    let src = analysis.workloads[analysis.classWorkload[a]]
                    let dst = analysis.workloads[analysis.classWorkload[b]]
                    let example = "\(src.namespace)/\(src.name) -> \(dst.name) (\(allowed.connections))"
                    if !examples.contains(example) { examples.append(example) }
                }
            }
            var why: [String] = []
            let names = analysis.policyNames(allowing)
            if !names.isEmpty { why.append("allowed by " + NameList.firstFew(names)) }
            if open { why.append("partly because no policy decides for the pods involved") }
            let destinationLevel = convention.levels[level]
            findings.append(.onNamespace(
                destination, in: index,
                observed: """
                    reachable from \(NameList.count(sourceWorkloads, "workload")) in \
                    \(NameList.count(sourceNamespaces.count, "namespace")) of level \(sourceLevels.joined(separator: ", "))
                    """,
                expected: "no path from a lower sensitivity level unless allowed_flows lists it",
                message: """
                    namespace \(destination) (\(convention.label)=\(destinationLevel)) can be reached from lower sensitivity \
                    levels: \(NameList.firstFew(sourceNamespaces)); e.g. \(examples.joined(separator: ", ")); \
                    \(why.joined(separator: "; "))
                    """))
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    /// The namespaces, workload count and levels of a set of source classes.
    struct SourceSummary {
        var namespaces: [String]
        var workloads: Int
        var levels: [String]

        init(_ classes: Bitset, analysis: NetworkAnalysis, levelName: [String: String]) {
            let members = classes.members
            namespaces = Set(members.map { analysis.classes[$0].namespace }).sorted()
            workloads = Set(members.map { analysis.classWorkload[$0] }).count
            levels = Set(namespaces.compactMap { levelName[$0] }).sorted()
        }
    }

    static func diagnostics(for index: SnapshotIndex, parameters: Parameters) -> [Diagnostic] {
        NetworkView.diagnostics(index, parameters: parameters)
    }

    struct Flow: Hashable {
        var from: String
        var to: String
    }

    /// Reads `allowed_flows`: entries whose two sides are both levels are level flows, the others
    /// namespace flows. An entry without `->` is a bad argument.
    static func flows(_ parameters: Parameters, convention: SensitivityConvention)
        throws(EvaluationError) -> (levels: Set<Flow>, namespaces: Set<Flow>) {
        var levels: Set<Flow> = [], namespaces: Set<Flow> = []
        for entry in parameters.stringList("allowed_flows") ?? [] {
            let sides = entry.components(separatedBy: "->").map { $0.trimmingCharacters(in: .whitespaces) }
            guard sides.count == 2, !sides[0].isEmpty, !sides[1].isEmpty else {
                throw EvaluationError("allowed_flows entry '\(entry)' is not of the form from->to")
            }
            let flow = Flow(from: sides[0], to: sides[1])
            if convention.rank(flow.from) != nil && convention.rank(flow.to) != nil {
                levels.insert(flow)
            } else {
                namespaces.insert(flow)
            }
        }
        return (levels, namespaces)
    }
}

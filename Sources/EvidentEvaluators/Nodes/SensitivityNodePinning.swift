import EvidentCore

/// Passes when every pod template in a namespace labelled `sensitivity_label=v` (default label
/// `data-sensitivity`) selects nodes labelled with the same value, through `nodeSelector` or a required
/// node affinity whose every term demands it, and when each of its running pods sits on a Node carrying
/// that label value (checked for nodes present in the snapshot). Namespaces without the label are skipped,
/// as are `exempt_namespaces`. Fails on the workload (or bare pod), once for the selector and once for the
/// misplaced pods.
struct SensitivityNodePinning: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "sensitivity-node-pinning",
        title: "Workloads are pinned to nodes of their sensitivity level",
        summary: """
            Fails for every workload in a namespace with a sensitivity label whose pods do not require nodes with \
            the same label value, and for workloads whose running pods are on nodes with another or no value.
            """,
        parameters: [
            EvaluatorParameter("sensitivity_label",
                               "namespace and node label holding the sensitivity; default data-sensitivity"),
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        ],
        requiredKinds: ["Namespace", "Node"],
        examples: [
            .passing("nodeSelector and required affinity both pin; unlabelled namespaces are skipped", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: blog}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n1, labels: {data-sensitivity: high}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: payments, uid: d1}
                spec:
                  template:
                    spec:
                      nodeSelector: {data-sensitivity: high}
                      containers: [{name: app, image: r/api:1}]
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api-1
                  namespace: payments
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: d1, controller: true}]
                spec:
                  nodeName: n1
                  nodeSelector: {data-sensitivity: high}
                  containers: [{name: app, image: r/api:1}]
                ---
                apiVersion: apps/v1
                kind: StatefulSet
                metadata: {name: db, namespace: payments}
                spec:
                  template:
                    spec:
                      affinity:
                        nodeAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                            nodeSelectorTerms:
                            - matchExpressions: [{key: data-sensitivity, operator: In, values: [high]}]
                      containers: [{name: db, image: r/postgres:16}]
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: blog, namespace: blog}
                spec: {containers: [{name: app, image: r/blog:1}]}
                """),
            .failing("no selector, a preferred affinity only, a term that allows other nodes, and a misplaced pod", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n1, labels: {data-sensitivity: high}}
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2, labels: {data-sensitivity: low}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: adhoc, namespace: payments}
                spec:
                  containers: [{name: sh, image: r/busybox:1}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: worker, namespace: payments}
                spec:
                  template:
                    spec:
                      affinity:
                        nodeAffinity:
                          preferredDuringSchedulingIgnoredDuringExecution:
                          - weight: 1
                            preference:
                              matchExpressions: [{key: data-sensitivity, operator: In, values: [high]}]
                      containers: [{name: w, image: r/worker:1}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: batch, namespace: payments}
                spec:
                  template:
                    spec:
                      affinity:
                        nodeAffinity:
                          requiredDuringSchedulingIgnoredDuringExecution:
                            nodeSelectorTerms:
                            - matchExpressions: [{key: data-sensitivity, operator: In, values: [high]}]
                            - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [arm64]}]
                      containers: [{name: b, image: r/batch:1}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: payments, uid: d1}
                spec:
                  template:
                    spec:
                      nodeSelector: {data-sensitivity: high}
                      containers: [{name: app, image: r/api:1}]
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: api-1
                  namespace: payments
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, uid: d1, controller: true}]
                spec:
                  nodeName: n2
                  containers: [{name: app, image: r/api:1}]
                """, failing: ["Pod payments/adhoc", "Deployment payments/worker", "Deployment payments/batch",
                               "Deployment payments/api"]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let label = context.parameters.string("sensitivity_label") ?? SensitivityConvention.defaultLabel
        guard !label.isEmpty else { throw EvaluationError("sensitivity_label must not be empty") }
        let index = context.index
        var evaluated = 0
        var findings: [Finding] = []
        for template in index.podTemplates where !context.parameters.isExempt(template.namespace) {
            guard let level = index.namespaceLabels(template.namespace)[label] else { continue }
            evaluated += 1
            let required = "\(label)=\(level)"
            let pods = template.resource.kind == "Pod" ? [template.resource] : template.pods
            if !Self.pins(template.spec, label: label, level: level) {
                let written = template.spec["nodeSelector"]?[label]?.string
                findings.append(Finding(
                    on: template.resource, path: template.objectPath("spec.nodeSelector"),
                    observed: written.map { "nodeSelector \(label)=\($0)" } ?? "no node selection on \(label)",
                    expected: "nodeSelector or required affinity \(required)", pods: pods.count,
                    message: """
                        the namespace is labelled \(required) but the pods do not require nodes labelled \(required), \
                        so they can be scheduled next to workloads of other sensitivity levels
                        """))
            }
            // By pod name; only the misplaced ones are sorted (usually none of a template's pods).
            var found: [(pod: String, text: String)] = []
            for pod in pods where Self.isRunning(pod) {
                guard let nodeName = pod.spec["nodeName"]?.string, let node = index.nodes[nodeName] else { continue }
                let nodeLevel = node.labels[label]
                guard nodeLevel != level else { continue }
                let placement = nodeLevel.map { "\(label)=\($0)" } ?? "no \(label) label"
                found.append((pod.name, "\(pod.name) on \(nodeName) (\(placement))"))
            }
            let misplaced = found.sorted { $0.pod < $1.pod }.map(\.text)
            if !misplaced.isEmpty {
                findings.append(Finding(
                    on: template.resource, path: template.resource.kind == "Pod" ? "spec.nodeName" : nil,
                    observed: "\(NameList.count(misplaced.count, "pod")) on other nodes",
                    expected: "nodes labelled \(required)",
                    pods: misplaced.count,
                    message: """
                        \(misplaced.count) of its pods \(misplaced.count == 1 ? "runs" : "run") on nodes not labelled \
                        \(required): \
                        \(NameList.firstFew(misplaced))
                        """))
            }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    /// Whether the pod spec only schedules onto nodes labelled `label=level`: through `nodeSelector`, or a
    /// required node affinity whose every (ORed) term demands `label In [level]`.
    static func pins(_ spec: Value, label: String, level: String) -> Bool {
        if spec["nodeSelector"]?.stringMap[label] == level { return true }
        let terms = spec.at("affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms")?
            .items ?? []
        guard !terms.isEmpty else { return false }
        return terms.allSatisfy { term in
            (term["matchExpressions"]?.items ?? []).contains { expression in
                let values = expression["values"]?.stringList ?? []
                return expression["key"]?.string == label && expression["operator"]?.string == "In"
                    && !values.isEmpty && values.allSatisfy { $0 == level }
            }
        }
    }

    /// A pod that was scheduled and has not finished.
    static func isRunning(_ pod: Resource) -> Bool {
        let phase = pod.status["phase"]?.string
        return phase != "Succeeded" && phase != "Failed"
    }
}

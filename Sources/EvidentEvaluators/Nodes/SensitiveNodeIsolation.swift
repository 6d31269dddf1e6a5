import EvidentCore

/// Passes when every Node labelled `sensitivity_label` = the highest level (the last of
/// `sensitivity_levels`, default `high`) carries a NoSchedule (or NoExecute) taint, and no running pod
/// whose namespace has another level, or none, is on such a node. Pods in `exempt_namespaces` and pods of
/// DaemonSets are not counted. Fails on each untainted node, and on each workload (or bare pod) with pods
/// on those nodes.
struct SensitiveNodeIsolation: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "sensitive-node-isolation",
        title: "Nodes for the most sensitive workloads are kept to them",
        summary: """
            Fails for every node labelled with the highest sensitivity level that has no NoSchedule taint, and \
            for every workload of a less sensitive or unlabelled namespace that has pods running on such nodes.
            """,
        parameters: [
            EvaluatorParameter("sensitivity_label",
                               "namespace and node label holding the sensitivity; default data-sensitivity"),
            EvaluatorParameter("sensitivity_levels", "the levels, lowest first; default [low, moderate, high]"),
            EvaluatorParameter("exempt_namespaces", "namespaces whose pods may run anywhere"),
        ],
        requiredKinds: ["Node", "Namespace"],
        examples: [
            .passing("a tainted high node running high pods, DaemonSet pods and exempt pods", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1, labels: {data-sensitivity: high}}
                spec:
                  taints: [{key: data-sensitivity, value: high, effect: NoSchedule}]
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: payments, labels: {data-sensitivity: high}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: api, namespace: payments}
                spec: {nodeName: n1, containers: [{name: app, image: r/api:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: node-exporter-x1
                  namespace: monitoring
                  ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: node-exporter, uid: ds1}]
                spec: {nodeName: n1, containers: [{name: e, image: r/node-exporter:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: coredns-1, namespace: kube-system}
                spec: {nodeName: n1, containers: [{name: dns, image: r/coredns:1}]}
                """, parameters: ["exempt_namespaces": .list([.string("kube-system")])]),
            .failing("an untainted high node, and pods of low and unlabelled namespaces on it", """
                apiVersion: v1
                kind: Node
                metadata: {name: n1, labels: {data-sensitivity: high}}
                spec:
                  taints: [{key: data-sensitivity, value: high, effect: PreferNoSchedule}]
                ---
                apiVersion: v1
                kind: Node
                metadata: {name: n2, labels: {data-sensitivity: high}}
                spec:
                  taints: [{key: data-sensitivity, value: high, effect: NoSchedule}]
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: blog, labels: {data-sensitivity: low}}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: blog, uid: d1}
                spec:
                  template:
                    spec: {containers: [{name: app, image: r/web:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web-1
                  namespace: blog
                  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: d1, controller: true}]
                spec: {nodeName: n2, containers: [{name: app, image: r/web:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: scratch, namespace: sandbox}
                spec: {nodeName: n2, containers: [{name: sh, image: r/busybox:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: done, namespace: sandbox}
                spec: {nodeName: n2, containers: [{name: sh, image: r/busybox:1}]}
                status: {phase: Succeeded}
                """, failing: ["Node n1", "Deployment blog/web", "Pod sandbox/scratch"]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let convention = try SensitivityConvention(context.parameters)
        let highest = convention.highest
        let index = context.index
        let sensitive = NodeFacts.all(in: index).filter { $0.node.labels[convention.label] == highest }
        var findings: [Finding] = []
        for node in sensitive where !node.hasTaint(withEffect: ["NoSchedule", "NoExecute"]) {
            let effects = Set(node.taints.map(\.effect)).sorted()
            findings.append(Finding(
                on: node.node, path: "spec.taints",
                observed: effects.isEmpty ? "no taints" : "taint effects: " + effects.joined(separator: ", "),
                expected: "a NoSchedule taint",
                message: """
                    node \(node.name) is labelled \(convention.label)=\(highest) but has no NoSchedule taint, so \
                    pods of any sensitivity can be scheduled onto it
                    """))
        }
        let sensitiveNames = Set(sensitive.map(\.name))
        // The pods on those nodes first (usually a few), then the owners of just those.
        let onSensitive = index.pods.compactMap { pod -> (pod: Resource, nodeName: String)? in
            guard let nodeName = pod.spec["nodeName"]?.string, sensitiveNames.contains(nodeName) else { return nil }
            return (pod, nodeName)
        }
        var owners: [ObjectIdentifier: PodTemplate] = [:]
        if !onSensitive.isEmpty {
            let wanted = Set(onSensitive.map { ObjectIdentifier($0.pod) })
            for template in index.podTemplates {
                for pod in template.pods where wanted.contains(ObjectIdentifier(pod)) { owners[ObjectIdentifier(pod)] = template }
            }
        }
        var intruders: [ResourceID: (resource: Resource, pods: [String])] = [:]
        for (pod, nodeName) in onSensitive
        where !context.parameters.isExempt(pod.namespace) && SensitivityNodePinning.isRunning(pod) {
            let owner = owners[ObjectIdentifier(pod)]
            if owner?.resource.kind == "DaemonSet" || pod.ownerReferences.contains(where: { $0.kind == "DaemonSet" }) {
                continue
            }
            let level = convention.level(ofNamespace: pod.namespace, in: index)
            guard level != highest else { continue }
            let reported = owner?.resource ?? pod
            intruders[reported.id, default: (reported, [])].pods
                .append("\(pod.name) on \(nodeName) (namespace \(convention.describe(level)))")
        }
        for (_, entry) in intruders.sorted(by: { $0.key < $1.key }) {
            let pods = entry.pods.sorted()
            findings.append(Finding(
                on: entry.resource, path: entry.resource.kind == "Pod" ? "spec.nodeName" : nil,
                observed: "\(NameList.count(pods.count, "pod")) on \(convention.label)=\(highest) nodes",
                expected: "only \(convention.label)=\(highest) workloads there", pods: pods.count,
                message: """
                    \(NameList.count(pods.count, "pod")) of a namespace not labelled \(convention.label)=\(highest) \
                    \(pods.count == 1 ? "runs" : "run") on nodes reserved for that level: \(NameList.firstFew(pods))
                    """))
        }
        return CheckOutcome(evaluated: sensitive.count, findings: findings)
    }
}

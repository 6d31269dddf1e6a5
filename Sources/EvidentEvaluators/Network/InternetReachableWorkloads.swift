import EvidentCore
import EvidentNetwork

/// Passes when every workload that the internet can reach lives in the public zone. A workload is
/// reachable from the internet when it is exposed (hostNetwork, a hostPort, a LoadBalancer or NodePort
/// Service, or an Ingress backend) and its ingress policies (Kubernetes and Calico) admit some address
/// outside `internal_cidrs`. Fails on each such workload outside namespaces labelled `public_zone_label`.
struct InternetReachableWorkloads: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "internet-reachable-workloads",
        title: "Only public-zone workloads are reachable from the internet",
        summary: """
            Fails for every workload outside the public zone (public_zone_label, default zone=public) that is \
            exposed (hostNetwork, hostPort, LoadBalancer or NodePort Service, Ingress backend) and whose policies \
            admit connections from internet addresses.
            """,
        parameters: [
            EvaluatorParameter("public_zone_label", "namespace label (key=value) marking the public zone; default zone=public"),
            NetworkView.internalCIDRsParameter,
            EvaluatorParameter("exempt_namespaces", "namespaces that are not checked"),
        ],
        sharedWork: "network",
        examples: [
            .passing("a LoadBalancer in the public zone; an exposed service whose policy admits only internal addresses", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: edge, labels: {zone: public}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: gateway, namespace: edge}
                spec: {type: LoadBalancer, selector: {app: gateway}, ports: [{port: 443}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: gateway, namespace: edge}
                spec:
                  template:
                    metadata: {labels: {app: gateway}}
                    spec: {containers: [{name: app, image: r/gw:1}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: admin, namespace: shop}
                spec: {type: NodePort, selector: {app: admin}, ports: [{port: 80}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: admin-internal, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: admin}}
                  ingress: [{from: [{ipBlock: {cidr: 10.0.0.0/8}}]}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: admin, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: admin}}
                    spec: {containers: [{name: app, image: r/admin:1}]}
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: internal, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: internal}}
                    spec: {containers: [{name: app, image: r/internal:1}]}
                """),
            .failing("an Ingress backend, a hostPort and a hostNetwork pod outside the public zone", """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop}
                spec: {selector: {app: web}, ports: [{port: 80}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: web, namespace: shop}
                spec:
                  rules:
                  - http:
                      paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: app, image: r/web:1}]}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: debug, namespace: shop}
                spec: {containers: [{name: sh, image: r/sh:1, ports: [{containerPort: 22, hostPort: 2222}]}]}
                ---
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: infra}
                spec:
                  template:
                    spec:
                      hostNetwork: true
                      containers: [{name: agent, image: r/agent:1}]
                ---
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: deny-all, namespace: infra}
                spec: {podSelector: {}}
                """, failing: ["Deployment shop/web", "Pod shop/debug", "DaemonSet infra/agent"]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let written = context.parameters.string("public_zone_label") ?? PublicExposureZone.defaultZoneLabel
        guard let equals = written.firstIndex(of: "="), equals != written.startIndex else {
            throw EvaluationError("public_zone_label must be written key=value, got '\(written)'")
        }
        let key = String(written[..<equals])
        let value = String(written[written.index(after: equals)...])
        let view = try NetworkView.of(context)
        let analysis = view.analysis
        let exposure = Exposure.of(analysis, index: context.index)
        var evaluated = 0
        var findings: [Finding] = []
        for (w, workload) in analysis.workloads.enumerated() where !context.parameters.isExempt(workload.namespace) {
            evaluated += 1
            guard let ways = exposure[w], context.index.namespaceLabels(workload.namespace)[key] != value else {
                continue
            }
            var allowed = Allowance.none
            for c in workload.classes {
                if let a = analysis.internetIngress(class: c, internalNetworks: view.internalNetworks) {
                    allowed.formUnion(a)
                }
            }
            guard !allowed.connections.isEmpty else { continue }
            findings.append(Finding(
                on: workload.resource,
                observed: "exposed by \(ways.joined(separator: ", ")); internet ingress: \(allowed.connections)",
                expected: "internet-reachable workloads only in namespaces labelled \(written)",
                pods: workload.podCount,
                message: """
                    \(workload.displayName) is reachable from the internet (\(allowed.connections)): it is exposed by \
                    \(ways.joined(separator: ", ")) and \(SensitiveInternetEgress.reason(allowed, analysis)), \
                    outside the public zone \(written)
                    """))
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    static func diagnostics(for index: SnapshotIndex, parameters: Parameters) -> [Diagnostic] {
        NetworkView.diagnostics(index, parameters: parameters)
    }
}

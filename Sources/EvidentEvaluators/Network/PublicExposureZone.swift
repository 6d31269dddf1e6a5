import EvidentCore
import Foundation

/// Passes when every LoadBalancer or NodePort Service and every Ingress (outside `exempt_namespaces`) lives
/// in a namespace labelled with `public_zone_label` (`key=value`, default `zone=public`); fails on each
/// Service or Ingress that exposes workloads from any other namespace.
struct PublicExposureZone: Evaluator {
    static let defaultZoneLabel = "zone=public"

    static let descriptor = EvaluatorDescriptor(
        id: "public-exposure-zone",
        title: "Only the public zone exposes workloads outside the cluster",
        summary: """
            Fails for every Service of type LoadBalancer or NodePort and every Ingress in a namespace that does \
            not carry the public-zone label (public_zone_label, default zone=public).
            """,
        parameters: [
            EvaluatorParameter("public_zone_label",
                               "namespace label (key=value) marking the public zone; default zone=public"),
            EvaluatorParameter("exempt_namespaces", "namespaces that are not checked"),
        ],
        requiredKinds: ["Namespace"],
        examples: [
            .passing("exposure only from the public zone; ClusterIP services anywhere", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: edge, labels: {zone: public}}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: gateway, namespace: edge}
                spec: {type: LoadBalancer, ports: [{port: 443}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: web, namespace: edge}
                spec: {rules: [{host: shop.example.com}]}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: api, namespace: shop}
                spec: {ports: [{port: 8080}]}
                """),
            .failing("a NodePort in an internal namespace, an Ingress in an unlabelled one", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: shop, labels: {zone: internal}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: api, namespace: shop}
                spec: {type: NodePort, ports: [{port: 8080, nodePort: 30080}]}
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata: {name: admin, namespace: backoffice}
                spec: {rules: [{host: admin.example.com}]}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: backoffice}
                """, failing: ["Service shop/api", "Ingress backoffice/admin"]),
            .passing("a custom zone label", """
                apiVersion: v1
                kind: Namespace
                metadata: {name: dmz, labels: {network.example.com/tier: dmz}}
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: lb, namespace: dmz}
                spec: {type: LoadBalancer}
                """, parameters: ["public_zone_label": .string("network.example.com/tier=dmz")]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        let written = context.parameters.string("public_zone_label") ?? Self.defaultZoneLabel
        guard let equals = written.firstIndex(of: "="), equals != written.startIndex else {
            throw EvaluationError("public_zone_label must be written key=value, got '\(written)'")
        }
        let key = String(written[..<equals])
        let value = String(written[written.index(after: equals)...])
        let index = context.index
        var evaluated = 0
        var findings: [Finding] = []
        var exposing: [(resource: Resource, path: String?, what: String)] = []
        for service in index.resources(ofKind: "Service") where service.group.isEmpty {
            guard let type = service.spec["type"]?.string, type == "LoadBalancer" || type == "NodePort" else { continue }
            exposing.append((service, "spec.type", "Service of type \(type)"))
        }
        for ingress in index.resources(ofKind: "Ingress") {
            exposing.append((ingress, nil, "Ingress"))
        }
        for item in exposing where !context.parameters.isExempt(item.resource.namespace) {
            evaluated += 1
            let namespace = item.resource.namespace ?? "default"
            let actual = index.namespaceLabels(namespace)[key]
            guard actual != value else { continue }
            let observed = actual.map { "\(key)=\($0)" } ?? "\(key) unset"
            let known = index.namespaces[namespace] == nil ? " (the namespace is not in the snapshot)" : ""
            findings.append(Finding(
                on: item.resource, path: item.path, observed: "namespace \(observed)", expected: written,
                message: """
                    \(item.what) exposes workloads outside the cluster from namespace \(namespace), which is not \
                    labelled \(written)\(known)
                    """))
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }
}

extension PublicExposureZone {
    /// The parameters are read before anything is looked at, so a run on an empty snapshot checks them.
    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        _ = try Self().evaluate(EvaluationContext(index: SnapshotIndex(Snapshot()), parameters: parameters,
                                                  now: Date(timeIntervalSince1970: 0)))
    }
}

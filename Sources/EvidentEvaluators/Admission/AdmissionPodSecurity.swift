import EvidentCore

/// Passes when every namespace with workloads is covered at admission by Pod Security Admission
/// (`pod-security.kubernetes.io/enforce` baseline or restricted) or by an enforcing policy-engine rule on
/// pod security (Kyverno podSecurity or securityContext patterns, Gatekeeper K8sPSP* constraints, a
/// Deny-bound ValidatingAdmissionPolicy).
struct AdmissionPodSecurity: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "admission-pod-security-enforced",
        title: "Pod security is enforced at admission",
        summary: """
            Fails for every namespace with workloads that neither enforces a Pod Security level by label \
            (baseline or restricted) nor is covered by an enforcing Kyverno, Gatekeeper (K8sPSP*) or \
            ValidatingAdmissionPolicy rule on pod security; audit and warn labels or policies do not count.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces that are not checked")],
        requiredKinds: ["Namespace"],
        examples: [
            .passing("PSA restricted on one namespace, a Gatekeeper privileged-container constraint on the other", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels: {pod-security.kubernetes.io/enforce: restricted}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: web, image: registry.example.com/shop/web:1.4.2}]}
                ---
                apiVersion: v1
                kind: Namespace
                metadata: {name: jobs}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: batch, namespace: jobs}
                spec: {containers: [{name: run, image: registry.example.com/jobs/run:1}]}
                ---
                apiVersion: constraints.gatekeeper.sh/v1beta1
                kind: K8sPSPPrivilegedContainer
                metadata: {name: psp-privileged-container}
                spec:
                  match:
                    kinds: [{apiGroups: [""], kinds: [Pod]}]
                    namespaces: [jobs]
                """),
            .failing("PSA only warns; a Kyverno podSecurity rule in Audit mode", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels: {pod-security.kubernetes.io/warn: restricted, pod-security.kubernetes.io/audit: restricted}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec: {containers: [{name: web, image: registry.example.com/shop/web:1.4.2}]}
                ---
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: podsecurity-subrule-restricted}
                spec:
                  rules:
                  - name: restricted
                    match:
                      any:
                      - resources: {kinds: [Pod]}
                    validate:
                      failureAction: Audit
                      podSecurity: {level: restricted, version: latest}
                """, failing: ["Namespace shop"]),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        AdmissionDriver.run(context, topics: [.podSecurity], what: "pod security", psaDecides: true)
    }
}

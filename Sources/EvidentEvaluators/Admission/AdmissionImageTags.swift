import EvidentCore

/// Passes when, in every namespace with workloads, an enforcing admission rule rejects mutable image tags
/// (`latest`, or any tag without a digest): Kyverno disallow-latest-tag / require-digest patterns, Gatekeeper
/// K8sDisallowedTags / K8sImageDigests in deny mode, Kyverno verifyImages (digest verification) or a
/// ValidatingAdmissionPolicy bound with Deny.
struct AdmissionImageTags: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "admission-image-tags-enforced",
        title: "Mutable image tags are rejected at admission",
        summary: """
            Fails for every namespace with workloads that no enforcing admission rule protects from mutable \
            tags (latest) or undigested images: Kyverno patterns such as !*:latest or *@*, verifyImages with \
            digest verification, Gatekeeper K8sDisallowedTags or K8sImageDigests (deny), or a Deny-bound \
            ValidatingAdmissionPolicy. Needs-evidence when the inputs hold no policy objects.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces that are not checked")],
        examples: [
            .passing("Gatekeeper K8sDisallowedTags without an enforcementAction (deny)", """
                \(AdmissionExamples.shop)
                ---
                apiVersion: constraints.gatekeeper.sh/v1beta1
                kind: K8sDisallowedTags
                metadata: {name: container-image-must-not-have-latest-tag}
                spec:
                  match:
                    kinds: [{apiGroups: [""], kinds: [Pod]}]
                    excludedNamespaces: [kube-system]
                  parameters: {tags: [latest], exemptImages: []}
                """),
            .failing("Kyverno disallow-latest-tag in Audit mode; Gatekeeper K8sImageDigests only warns", """
                \(AdmissionExamples.shop)
                ---
                apiVersion: kyverno.io/v1
                kind: ClusterPolicy
                metadata: {name: disallow-latest-tag}
                spec:
                  validationFailureAction: Audit
                  rules:
                  - name: validate-image-tag
                    match:
                      any:
                      - resources: {kinds: [Pod]}
                    validate:
                      message: "Using a mutable image tag e.g. 'latest' is not allowed."
                      pattern:
                        spec:
                          containers:
                          - image: "!*:latest"
                ---
                apiVersion: constraints.gatekeeper.sh/v1beta1
                kind: K8sImageDigests
                metadata: {name: container-image-must-have-digest}
                spec:
                  enforcementAction: warn
                  match:
                    kinds: [{apiGroups: [""], kinds: [Pod]}]
                """, failing: ["Namespace shop"]),
            .undecided("no policy objects in the inputs", AdmissionExamples.shop, status: .needsEvidence),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        AdmissionDriver.run(context, topics: [.tags, .digests], what: "the ban on mutable image tags")
    }
}

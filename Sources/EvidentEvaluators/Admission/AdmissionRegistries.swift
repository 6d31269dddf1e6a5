import EvidentCore

/// Passes when, in every namespace with workloads, an admission rule that rejects (not only audits)
/// restricts image registries: a Kyverno validate rule on image patterns, a Gatekeeper K8sAllowedRepos /
/// K8sDisallowedRepos constraint, or a ValidatingAdmissionPolicy bound with Deny.
struct AdmissionRegistries: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "admission-registries-enforced",
        title: "Allowed registries are enforced at admission",
        summary: """
            Fails for every namespace with workloads that no enforcing admission rule restricts to allowed \
            registries (Kyverno Enforce, Gatekeeper enforcementAction deny, ValidatingAdmissionPolicy bound with \
            Deny); Audit, warn and dryrun rules do not count. Needs-evidence when the inputs hold no policy objects.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces that are not checked")],
        examples: [
            .passing("a Kyverno allowed-registries policy in Enforce mode",
                     AdmissionExamples.shop + "\n---\n" + AdmissionExamples.kyvernoRegistries("Enforce")),
            .failing("the same policy in Audit mode is not enforcement",
                     AdmissionExamples.shop + "\n---\n" + AdmissionExamples.kyvernoRegistries("Audit"),
                     failing: ["Namespace shop"]),
            .failing("a Gatekeeper constraint in deny mode covers shop only; dryrun does not count", """
                \(AdmissionExamples.shop)
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: batch, namespace: jobs}
                spec: {containers: [{name: run, image: registry.example.com/jobs/run:1}]}
                ---
                apiVersion: constraints.gatekeeper.sh/v1beta1
                kind: K8sAllowedRepos
                metadata: {name: shop-repos}
                spec:
                  match:
                    kinds: [{apiGroups: [""], kinds: [Pod]}]
                    namespaces: [shop]
                  parameters: {repos: ["registry.example.com/"]}
                ---
                apiVersion: constraints.gatekeeper.sh/v1beta1
                kind: K8sAllowedRepos
                metadata: {name: jobs-repos}
                spec:
                  enforcementAction: dryrun
                  match:
                    kinds: [{apiGroups: [""], kinds: [Pod]}]
                    namespaces: [jobs]
                  parameters: {repos: ["registry.example.com/"]}
                """, failing: ["Namespace jobs"]),
            .passing("a ValidatingAdmissionPolicy bound with Deny", """
                \(AdmissionExamples.shop)
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: allowed-registries}
                spec:
                  failurePolicy: Fail
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [pods]}
                  validations:
                  - expression: "object.spec.containers.all(c, c.image.startsWith('registry.example.com/'))"
                    message: images must come from registry.example.com
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: allowed-registries}
                spec:
                  policyName: allowed-registries
                  validationActions: [Deny, Audit]
                """),
            .undecided("no policy objects in the inputs", AdmissionExamples.shop, status: .needsEvidence),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        AdmissionDriver.run(context, topics: [.registries], what: "the registry allow-list")
    }
}

import EvidentCore

/// Passes when, in every namespace with workloads, image signatures are verified at admission by an
/// enforcing rule: Kyverno verifyImages (Enforce) or a sigstore policy-controller ClusterImagePolicy in
/// enforce mode on a namespace labelled `policy.sigstore.dev/include: "true"`.
struct AdmissionSignatures: Evaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "admission-signatures-enforced",
        title: "Image signatures are verified at admission",
        summary: """
            Fails for every namespace with workloads where no enforcing rule verifies image signatures: Kyverno \
            verifyImages with attestors in Enforce mode, or a sigstore ClusterImagePolicy (mode enforce) with the \
            namespace labelled policy.sigstore.dev/include=true. Needs-evidence when the inputs hold no policy objects.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces that are not checked")],
        examples: [
            .passing("Kyverno verifyImages in Enforce mode",
                     AdmissionExamples.shop + "\n---\n" + AdmissionExamples.kyvernoVerifyImages("Enforce")),
            .failing("Kyverno verifyImages in Audit mode",
                     AdmissionExamples.shop + "\n---\n" + AdmissionExamples.kyvernoVerifyImages("Audit"),
                     failing: ["Namespace shop"]),
            .failing("a sigstore ClusterImagePolicy covers only namespaces that opt in", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels: {policy.sigstore.dev/include: "true"}
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
                apiVersion: policy.sigstore.dev/v1beta1
                kind: ClusterImagePolicy
                metadata: {name: signed-by-ci}
                spec:
                  images: [{glob: "registry.example.com/**"}]
                  authorities:
                  - keyless:
                      url: https://fulcio.sigstore.dev
                      identities: [{issuer: https://token.actions.githubusercontent.com, subjectRegExp: "https://github.com/example/.*"}]
                """, failing: ["Namespace jobs"]),
            .undecided("no policy objects in the inputs", AdmissionExamples.shop, status: .needsEvidence),
        ])

    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        AdmissionDriver.run(context, topics: [.signatures], what: "image signature verification")
    }
}

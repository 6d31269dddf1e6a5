/// Policy objects for the admission checks' examples, written as the engines document them.
enum AdmissionExamples {
    static let shop = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: shop}
        ---
        apiVersion: v1
        kind: Pod
        metadata: {name: web, namespace: shop}
        spec: {containers: [{name: web, image: registry.example.com/shop/web:1.4.2}]}
        """

    /// Kyverno's "Restrict Image Registries" library policy with the legacy policy-wide action.
    static func kyvernoRegistries(_ action: String) -> String {
        """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata:
          name: restrict-image-registries
          annotations: {policies.kyverno.io/title: Restrict Image Registries}
        spec:
          validationFailureAction: \(action)
          background: true
          rules:
          - name: validate-registries
            match:
              any:
              - resources: {kinds: [Pod]}
            validate:
              message: "Images may only come from registry.example.com."
              pattern:
                spec:
                  =(ephemeralContainers):
                  - image: "registry.example.com/*"
                  =(initContainers):
                  - image: "registry.example.com/*"
                  containers:
                  - image: "registry.example.com/*"
        """
    }

    /// Kyverno image verification (cosign keyless), with the rule-level failureAction of Kyverno 1.13.
    static func kyvernoVerifyImages(_ action: String) -> String {
        """
        apiVersion: kyverno.io/v1
        kind: ClusterPolicy
        metadata: {name: verify-signatures}
        spec:
          webhookTimeoutSeconds: 30
          rules:
          - name: verify-cosign
            match:
              any:
              - resources: {kinds: [Pod]}
            verifyImages:
            - imageReferences: ["registry.example.com/*"]
              failureAction: \(action)
              attestors:
              - entries:
                - keyless:
                    subject: "https://github.com/example/*"
                    issuer: https://token.actions.githubusercontent.com
              attestations:
              - type: https://cosign.sigstore.dev/attestation/vuln/v1
                attestors:
                - entries:
                  - keyless: {subject: "https://github.com/example/*", issuer: https://token.actions.githubusercontent.com}
                conditions:
                - all:
                  - key: "{{ scanner.result.summary.CRITICAL || `0` }}"
                    operator: Equals
                    value: 0
        """
    }
}

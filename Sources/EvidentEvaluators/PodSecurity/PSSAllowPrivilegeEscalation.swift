import EvidentCore

/// Pod Security restricted check `allowPrivilegeEscalation` (v1.8+). Passes when every container sets
/// `securityContext.allowPrivilegeEscalation: false`; fails for each container that sets true or leaves it
/// unset. Windows pods are exempt from v1.25; versions before v1.8 do not have this check.
struct PSSAllowPrivilegeEscalation: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-allowPrivilegeEscalation",
        title: "Privilege escalation is disabled",
        summary: "Fails for every container whose securityContext.allowPrivilegeEscalation is not false "
            + "(true or unset); Windows pods are exempt from v1.25.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("escalation disabled, and a Windows pod", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    securityContext: {allowPrivilegeEscalation: false}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: iis, namespace: shop}
                spec:
                  os: {name: windows}
                  containers:
                  - {name: iis, image: mcr.microsoft.com/windows/servercore/iis:2022}
                """),
            .failing("unset in one container, true in another", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: api, image: registry.example.com/api:2.0}
                      - name: helper
                        image: registry.example.com/helper:1.0
                        securityContext: {allowPrivilegeEscalation: true}
                """, failing: ["Deployment shop/api"]),
        ])

    static var introduced: PodSecurityVersion { .v1(8) }
    static var windowsExemptFrom: PodSecurityVersion? { .v1(25) }

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        pod.containers.compactMap { container in
            let value = container.securityContext["allowPrivilegeEscalation"]
            guard value?.bool != false else { return nil }
            let shown = (value?.isNull ?? true) ? "unset" : value?.display ?? "unset"
            return Violation(
                path: container.path + ".securityContext.allowPrivilegeEscalation", observed: shown,
                expected: "false",
                message: "container \(container.name) lets its processes gain more privileges than their parent "
                    + "(allowPrivilegeEscalation is \(shown))", image: container.image)
        }
    }
}

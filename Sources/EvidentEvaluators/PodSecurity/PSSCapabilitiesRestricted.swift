import EvidentCore

/// Pod Security restricted check `capabilities_restricted` (v1.22+). Passes when every container drops `ALL`
/// capabilities and adds back at most `NET_BIND_SERVICE`; fails for each container that does not drop ALL and
/// for each that adds anything else. Windows pods are exempt from v1.25; versions before v1.22 do not have
/// this check.
struct PSSCapabilitiesRestricted: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-capabilities_restricted",
        title: "All capabilities dropped",
        summary: "Fails for every container whose securityContext.capabilities.drop lacks ALL, or whose "
            + "capabilities.add names anything but NET_BIND_SERVICE. Windows pods are exempt from v1.25.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("drop ALL, add back NET_BIND_SERVICE", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    securityContext:
                      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
                """),
            .failing("no drop, and CHOWN added back", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: api, image: registry.example.com/api:2.0}
                      - name: fixer
                        image: registry.example.com/fixer:1.0
                        securityContext:
                          capabilities: {drop: [ALL], add: [CHOWN]}
                """, failing: ["Deployment shop/api"]),
        ])

    static var introduced: PodSecurityVersion { .v1(22) }
    static var windowsExemptFrom: PodSecurityVersion? { .v1(25) }

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        var out: [Violation] = []
        for container in pod.containers {
            let capabilities = container.securityContext["capabilities"] ?? .null
            let dropped = capabilities["drop"]?.items ?? []
            if !dropped.contains(.string("ALL")) {
                out.append(Violation(
                    path: container.path + ".securityContext.capabilities.drop",
                    observed: dropped.isEmpty ? "unset"
                        : dropped.count <= 4 ? PodSecurityFields.list(dropped)
                        : "\(dropped.count) capabilities, not ALL",
                    expected: "a list containing ALL",
                    message: "container \(container.name) keeps the runtime's default capabilities: it does not "
                        + "drop ALL",
                    image: container.image))
            }
            let extra = (capabilities["add"]?.items ?? []).filter { $0 != .string("NET_BIND_SERVICE") }
            if !extra.isEmpty {
                out.append(Violation(
                    path: container.path + ".securityContext.capabilities.add", observed: PodSecurityFields.list(extra),
                    expected: "only NET_BIND_SERVICE",
                    message: "container \(container.name) adds capabilities other than NET_BIND_SERVICE: "
                        + PodSecurityFields.list(extra), image: container.image))
            }
        }
        return out
    }
}

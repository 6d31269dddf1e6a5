import EvidentCore

/// Pod Security restricted check `procMount_restricted` (v1.35+). Passes when every container's
/// `securityContext.procMount` is unset or `Default`, whether or not the pod has its own user namespace;
/// fails for each container that unmasks `/proc`. Versions before v1.35 do not have this check (the baseline
/// `procMount` check covers them).
struct PSSProcMountRestricted: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-procMount_restricted",
        title: "/proc stays masked, even in a user namespace",
        summary: "Fails for every container whose securityContext.procMount is not Default or unset, including "
            + "pods with spec.hostUsers false (v1.35+).",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("default proc mount in a user namespace", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  hostUsers: false
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    securityContext: {procMount: Default}
                """),
            .failing("Unmasked in a user namespace", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: builder, namespace: ci}
                spec:
                  template:
                    spec:
                      hostUsers: false
                      containers:
                      - name: podman
                        image: registry.example.com/podman:5
                        securityContext: {procMount: Unmasked}
                """, failing: ["Deployment ci/builder"]),
        ])

    static var introduced: PodSecurityVersion { .v1(35) }

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        pod.containers.compactMap { container in
            guard let mount = container.securityContext["procMount"], !mount.isNull, mount.string != "Default" else {
                return nil
            }
            return Violation(
                path: container.path + ".securityContext.procMount", observed: mount.display,
                expected: "Default or unset",
                message: "container \(container.name) mounts /proc unmasked, exposing kernel interfaces the runtime "
                    + "normally hides", image: container.image)
        }
    }
}

import EvidentCore

/// Pod Security baseline check `procMount` (v1.0+). Passes when every container's `securityContext.procMount`
/// is unset or `Default`; from v1.35, pods in their own user namespace (`spec.hostUsers: false`) may also use
/// `Unmasked`. Fails for each other container that unmasks `/proc`.
struct PSSProcMount: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-procMount",
        title: "/proc stays masked",
        summary: "Fails for every container whose securityContext.procMount is not Default or unset; from v1.35 a pod "
            + "with spec.hostUsers false may use Unmasked.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("default proc mount, and Unmasked in a user namespace", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    securityContext: {procMount: Default}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sandbox, namespace: shop}
                spec:
                  hostUsers: false
                  containers:
                  - name: nested
                    image: registry.example.com/podman:5
                    securityContext: {procMount: Unmasked}
                """),
            .failing("Unmasked in the host user namespace, and in a user namespace at v1.34", """
                apiVersion: v1
                kind: Pod
                metadata: {name: nested, namespace: ci}
                spec:
                  containers:
                  - name: runner
                    image: registry.example.com/runner:2
                    securityContext: {procMount: Unmasked}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: sandbox, namespace: ci}
                spec:
                  hostUsers: false
                  containers:
                  - name: nested
                    image: registry.example.com/podman:5
                    securityContext: {procMount: Unmasked}
                """, failing: ["Pod ci/nested", "Pod ci/sandbox"], parameters: ["pss_version": .string("v1.34")]),
        ])

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        let userNamespace = pod.spec["hostUsers"]?.bool == false
        if version >= .v1(35), userNamespace { return [] }
        return pod.containers.compactMap { container in
            guard let mount = container.securityContext["procMount"], !mount.isNull, mount.string != "Default" else {
                return nil
            }
            return Violation(
                path: container.path + ".securityContext.procMount", observed: mount.display,
                expected: version >= .v1(35) ? "Default or unset (or a pod with hostUsers: false)" : "Default or unset",
                message: "container \(container.name) mounts /proc unmasked, exposing kernel interfaces the runtime "
                    + "normally hides", image: container.image)
        }
    }
}

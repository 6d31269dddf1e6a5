import EvidentCore

/// Pod Security baseline check `seLinuxOptions` (v1.0+). Passes when every `seLinuxOptions` (pod and
/// containers) leaves `user` and `role` empty and sets `type` to nothing or a container type: `container_t`,
/// `container_init_t`, `container_kvm_t`, and from v1.31 `container_engine_t`. Fails for each other value.
struct PSSSELinuxOptions: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-seLinuxOptions",
        title: "No custom SELinux user, role or type",
        summary: "Fails for every seLinuxOptions with a user or role, or a type other than container_t, "
            + "container_init_t, container_kvm_t or (v1.31+) container_engine_t; the level may be set.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("container types and a level", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  securityContext:
                    seLinuxOptions: {type: container_t, level: "s0:c123,c456"}
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    securityContext:
                      seLinuxOptions: {type: container_engine_t}
                """),
            .failing("spc_t type and a custom user", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: security}
                spec:
                  template:
                    spec:
                      securityContext:
                        seLinuxOptions: {user: system_u}
                      containers:
                      - name: agent
                        image: registry.example.com/agent:5.0
                        securityContext:
                          seLinuxOptions: {type: spc_t}
                """, failing: ["DaemonSet security/agent"]),
            .failing("container_engine_t under a namespace pinned to v1.30", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: builds
                  labels: {pod-security.kubernetes.io/enforce-version: v1.30}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: buildkit, namespace: builds}
                spec:
                  containers:
                  - name: buildkitd
                    image: registry.example.com/buildkit:0.15
                    securityContext:
                      seLinuxOptions: {type: container_engine_t}
                """, failing: ["Pod builds/buildkit"]),
        ])

    static func allowedTypes(at version: PodSecurityVersion) -> Set<String> {
        var types: Set<String> = ["", "container_t", "container_init_t", "container_kvm_t"]
        if version >= .v1(31) { types.insert("container_engine_t") }
        return types
    }

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        let types = Self.allowedTypes(at: version)
        let expectedType = version >= .v1(31)
            ? "container_t, container_init_t, container_kvm_t, container_engine_t or unset"
            : "container_t, container_init_t, container_kvm_t or unset"
        var out: [Violation] = []
        func inspect(_ options: Value?, at path: String, owner: String, image: String?) {
            guard let options, !options.isNull else { return }
            if let type = options["type"], !type.isNull, !types.contains(type.string ?? "\u{0}") {
                out.append(Violation(
                    path: path + ".type", observed: type.display, expected: expectedType,
                    message: "\(owner) sets SELinux type \(type.display), outside the container types", image: image))
            }
            for field in ["user", "role"] {
                guard let value = PodSecurityFields.nonEmpty(options[field]) else { continue }
                out.append(Violation(
                    path: path + "." + field, observed: value, expected: "unset or empty",
                    message: "\(owner) sets a custom SELinux \(field) \(value)", image: image))
            }
        }
        inspect(pod.podSecurityContext["seLinuxOptions"], at: "spec.securityContext.seLinuxOptions", owner: "the pod",
                image: nil)
        for container in pod.containers {
            inspect(container.securityContext["seLinuxOptions"], at: container.path + ".securityContext.seLinuxOptions",
                    owner: "container \(container.name)", image: container.image)
        }
        return out
    }
}

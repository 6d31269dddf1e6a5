import EvidentCore

/// Pod Security baseline check `capabilities_baseline` (v1.0+). Passes when every container adds only
/// capabilities from the container runtime's default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID,
/// KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT, spelled exactly so); fails for
/// each container that adds anything else.
struct PSSCapabilitiesBaseline: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-capabilities_baseline",
        title: "No capabilities beyond the default set",
        summary: "Fails for every container whose securityContext.capabilities.add names a capability outside the "
            + "runtime's default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, "
            + "SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT); names are case-sensitive and without the CAP_ prefix.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("only default capabilities added", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    securityContext:
                      capabilities: {add: [NET_BIND_SERVICE, CHOWN], drop: [NET_RAW]}
                """),
            .failing("NET_ADMIN and a lower-case name", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: vpn, namespace: edge}
                spec:
                  template:
                    spec:
                      containers:
                      - name: vpn
                        image: registry.example.com/wireguard:1.0
                        securityContext:
                          capabilities: {add: [NET_ADMIN, chown]}
                """, failing: ["Deployment edge/vpn"]),
        ])

    static let allowed: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP",
        "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT",
    ]

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        pod.containers.compactMap { container in
            let added = container.securityContext.at("capabilities.add")?.items ?? []
            let extra = added.filter { !Self.allowed.contains($0.string ?? "") }
            guard !extra.isEmpty else { return nil }
            return Violation(
                path: container.path + ".securityContext.capabilities.add", observed: PodSecurityFields.list(extra),
                expected: "only AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, "
                    + "SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT",
                message: "container \(container.name) adds capabilities beyond the runtime's default set: "
                    + PodSecurityFields.list(extra), image: container.image)
        }
    }
}

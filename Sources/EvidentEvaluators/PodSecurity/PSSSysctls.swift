import EvidentCore

/// Pod Security baseline check `sysctls` (v1.0+). Passes when `spec.securityContext.sysctls` names only the
/// safe, namespaced sysctls that the effective version allows (the list grows at v1.27, v1.29, v1.32 and
/// v1.37); fails for each other sysctl.
struct PSSSysctls: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-sysctls",
        title: "Only safe sysctls",
        summary: "Fails for every pod sysctl outside the version's safe set (kernel.shm_rmid_forced, "
            + "net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, "
            + "net.ipv4.ip_unprivileged_port_start, and the later additions of each version).",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("safe sysctls", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  securityContext:
                    sysctls:
                    - {name: net.ipv4.ip_unprivileged_port_start, value: "80"}
                    - {name: net.ipv4.tcp_keepalive_time, value: "600"}
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                """),
            .failing("unsafe sysctl, and a safe one that v1.28 does not know yet", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: cache, namespace: data}
                spec:
                  template:
                    spec:
                      securityContext:
                        sysctls:
                        - {name: kernel.msgmax, value: "65536"}
                        - {name: net.ipv4.tcp_keepalive_time, value: "600"}
                      containers:
                      - {name: redis, image: registry.example.com/redis:7}
                """, failing: ["Deployment data/cache"], parameters: ["pss_version": .string("v1.28")]),
        ])

    /// The safe sysctls, with the version that first allows each.
    static let safe: [(name: String, since: Int)] = [
        ("kernel.shm_rmid_forced", 0), ("net.ipv4.ip_local_port_range", 0), ("net.ipv4.tcp_syncookies", 0),
        ("net.ipv4.ping_group_range", 0), ("net.ipv4.ip_unprivileged_port_start", 0),
        ("net.ipv4.ip_local_reserved_ports", 27),
        ("net.ipv4.tcp_keepalive_time", 29), ("net.ipv4.tcp_fin_timeout", 29), ("net.ipv4.tcp_keepalive_intvl", 29),
        ("net.ipv4.tcp_keepalive_probes", 29),
        ("net.ipv4.tcp_rmem", 32), ("net.ipv4.tcp_wmem", 32),
        ("net.ipv4.tcp_slow_start_after_idle", 37), ("net.ipv4.tcp_notsent_lowat", 37),
    ]

    static func allowed(at version: PodSecurityVersion) -> Set<String> {
        Set(safe.filter { $0.since <= version.minor }.map(\.name))
    }

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        let allowed = Self.allowed(at: version)
        return (pod.podSecurityContext["sysctls"]?.items ?? []).enumerated().compactMap { i, sysctl in
            let name = sysctl["name"]?.string ?? ""
            guard !allowed.contains(name) else { return nil }
            return Violation(
                path: "spec.securityContext.sysctls[\(i)].name", observed: name.isEmpty ? "unnamed" : name,
                expected: "a safe sysctl of \(version)",
                message: "the pod sets sysctl \(name.isEmpty ? "(unnamed)" : name), which is not in the safe set of "
                    + "Pod Security \(version)")
        }
    }
}

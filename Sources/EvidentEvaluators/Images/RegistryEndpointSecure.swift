import EvidentCore

/// A heuristic for plain-HTTP registries: passes when every container image (init and ephemeral included)
/// names its registry by host name on a port other than 80; fails for each image whose registry is a bare
/// IPv4 or bracketed IPv6 address, or uses port 80.
struct RegistryEndpointSecure: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "registry-endpoint-secure",
        title: "Images are pulled from registries reached over TLS",
        summary: """
            Fails for every container whose image registry is written as a bare IP address or with port 80, \
            which usually means a plain-HTTP (insecure) registry; registries named by host name pass.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("registries named by host name", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: agent, namespace: ops}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: agent, image: "registry.example.com:443/ops/agent:3.1"}
                      - {name: helper, image: "busybox:1.36"}
                      - {name: local, image: "localhost:5000/ops/helper:1"}
                """),
            .failing("IPv4, IPv6 and port-80 registries", """
                apiVersion: v1
                kind: Pod
                metadata: {name: ipv4, namespace: ops}
                spec:
                  containers:
                  - {name: app, image: "10.0.0.5:5000/ops/app:1.0"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: ipv6, namespace: ops}
                spec:
                  initContainers:
                  - {name: init, image: "[fd00::5]:5000/ops/init:1.0"}
                  containers:
                  - {name: app, image: "registry.example.com/ops/app:1.0"}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: http, namespace: ops}
                spec:
                  containers:
                  - {name: app, image: "registry.example.com:80/ops/app:1.0"}
                """, failing: ["Pod ops/ipv4", "Pod ops/ipv6", "Pod ops/http"]),
        ])

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        pod.containers.compactMap { container in
            guard let reference = container.imageReference else { return nil }
            let reason: String
            if reference.hostIsIPAddress {
                reason = "is written as a bare IP address"
            } else if reference.port == 80 {
                reason = "uses port 80"
            } else {
                return nil
            }
            return Violation(
                path: container.path + ".image", observed: reference.registry,
                expected: "a registry host name over TLS",
                message: "container \(container.name) pulls from registry \(reference.registry), which \(reason); "
                    + "this usually means an insecure plain-HTTP registry", image: container.image)
        }
    }
}

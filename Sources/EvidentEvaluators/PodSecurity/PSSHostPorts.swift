import EvidentCore

/// Pod Security baseline check `hostPorts` (v1.0+). Passes when no container port sets a `hostPort` other
/// than 0; fails for each port bound on the node.
struct PSSHostPorts: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-hostPorts",
        title: "No host ports",
        summary: "Fails for every container port with a non-zero hostPort; unset or 0 passes.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("container ports only", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    ports:
                    - {containerPort: 8080}
                    - {containerPort: 9090, hostPort: 0}
                """),
            .failing("ingress controller bound to node ports 80 and 443", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: ingress, namespace: ingress}
                spec:
                  template:
                    spec:
                      containers:
                      - name: controller
                        image: registry.example.com/ingress-nginx:1.11
                        ports:
                        - {containerPort: 80, hostPort: 80}
                        - {containerPort: 443, hostPort: 443}
                """, failing: ["DaemonSet ingress/ingress"]),
        ])

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        var out: [Violation] = []
        for container in pod.containers {
            for (j, port) in (container.value["ports"]?.items ?? []).enumerated() {
                guard let hostPort = port["hostPort"], !hostPort.isNull, hostPort.int != 0 else { continue }
                out.append(Violation(
                    path: container.path + ".ports[\(j)].hostPort", observed: hostPort.display,
                    expected: "0 or unset",
                    message: "container \(container.name) binds port \(hostPort.display) on the node",
                    image: container.image))
            }
        }
        return out
    }
}

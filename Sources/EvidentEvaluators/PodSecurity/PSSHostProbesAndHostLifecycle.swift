import EvidentCore

/// Pod Security baseline check `hostProbesAndHostLifecycle` (v1.34+). Passes when no probe or lifecycle
/// handler of any container sets `httpGet.host` or `tcpSocket.host`; fails for each one that does (the kubelet
/// would connect to that host on the pod's behalf). Versions before v1.34 do not have this check.
struct PSSHostProbesAndHostLifecycle: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-hostProbesAndHostLifecycle",
        title: "Probes and lifecycle hooks stay on the pod",
        summary: "Fails for every liveness, readiness or startup probe and postStart or preStop hook whose "
            + "httpGet.host or tcpSocket.host is set (v1.34+); unset or empty passes.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("probes against the pod itself", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/web:1.0
                    livenessProbe:
                      httpGet: {path: /healthz, port: 8080}
                    readinessProbe:
                      tcpSocket: {port: 8080, host: ""}
                """),
            .failing("probe and hook that reach other hosts", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: api, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - name: api
                        image: registry.example.com/api:2.0
                        livenessProbe:
                          httpGet: {host: 169.254.169.254, path: /latest/meta-data, port: 80}
                        lifecycle:
                          preStop:
                            tcpSocket: {host: 127.0.0.1, port: 10250}
                """, failing: ["Deployment shop/api"]),
            .passing("same pod under a namespace pinned to v1.33", """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: legacy
                  labels:
                    pod-security.kubernetes.io/enforce: baseline
                    pod-security.kubernetes.io/enforce-version: v1.33
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: api, namespace: legacy}
                spec:
                  containers:
                  - name: api
                    image: registry.example.com/api:2.0
                    livenessProbe:
                      httpGet: {host: 169.254.169.254, path: /latest/meta-data, port: 80}
                """),
        ])

    static var introduced: PodSecurityVersion { .v1(34) }

    private static let handlers: [(path: String, what: String)] = [
        ("livenessProbe", "liveness probe"),
        ("readinessProbe", "readiness probe"),
        ("startupProbe", "startup probe"),
        ("lifecycle.postStart", "postStart hook"),
        ("lifecycle.preStop", "preStop hook"),
    ]

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        var out: [Violation] = []
        for container in pod.containers {
            for handler in Self.handlers {
                guard let h = container.value.at(handler.path) else { continue }
                for action in ["httpGet", "tcpSocket"] {
                    guard let host = PodSecurityFields.nonEmpty(h[action]?["host"]) else { continue }
                    out.append(Violation(
                        path: "\(container.path).\(handler.path).\(action).host", observed: host,
                        expected: "unset or empty",
                        message: "the \(handler.what) of container \(container.name) connects to host \(host) "
                            + "instead of the pod", image: container.image))
                }
            }
        }
        return out
    }
}

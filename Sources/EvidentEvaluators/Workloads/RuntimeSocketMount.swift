import EvidentCore

/// Passes when no pod mounts a container runtime socket (Docker, containerd, CRI-O, cri-dockerd) or a
/// runtime socket directory from the host; fails for each `hostPath` volume whose path is, or is under, one.
struct RuntimeSocketMount: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "runtime-socket-mount",
        title: "Containers cannot reach the container runtime socket",
        summary: """
            Fails for every hostPath volume whose path (slashes normalised) is or is under a container runtime \
            socket such as /var/run/docker.sock or /run/containerd/containerd.sock, or a runtime socket directory.
            """,
        parameters: [EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked")],
        examples: [
            .passing("ordinary host paths and volumes", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: logs, namespace: ops}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: agent, image: registry.example.com/agent:1}
                      volumes:
                      - {name: logs, hostPath: {path: /var/log}}
                      - {name: docker-sockets, hostPath: {path: /var/run/docker.sock.d}}
                      - {name: scratch, emptyDir: {}}
                """),
            .failing("the Docker socket, a containerd directory with a trailing slash, and CRI-O", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: ci-runner, namespace: ci}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: runner, image: registry.example.com/runner:1}
                      volumes:
                      - {name: docker, hostPath: {path: /var/run/docker.sock, type: Socket}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: inspector, namespace: ops}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/inspector:1}
                  volumes:
                  - {name: containerd, hostPath: {path: /run/containerd/}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: crio, namespace: ops}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/inspector:1}
                  volumes:
                  - {name: sock, hostPath: {path: //var/run/crio//crio.sock}}
                """, failing: ["Deployment ci/ci-runner", "Pod ops/inspector", "Pod ops/crio"]),
        ])

    /// Runtime sockets and the directories that hold them.
    static let runtimePaths = [
        "/var/run/docker.sock", "/run/docker.sock",
        "/var/run/containerd/containerd.sock", "/run/containerd/containerd.sock",
        "/var/run/crio/crio.sock", "/run/crio/crio.sock",
        "/var/run/cri-dockerd.sock", "/run/cri-dockerd.sock",
        "/var/run/containerd", "/run/containerd", "/var/run/crio", "/run/crio",
    ]

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        HostPaths.volumes(of: pod.spec).compactMap { volume in
            guard let socket = Self.runtimePaths.first(where: { HostPaths.isSame(volume.path, orUnder: $0) })
            else { return nil }
            return Violation(
                path: "spec.volumes[\(volume.index)].hostPath.path", observed: volume.raw,
                expected: "no container runtime socket",
                message: "volume \(volume.name) mounts the container runtime socket \(socket) from the host, "
                    + "which gives control over every container on the node")
        }
    }
}

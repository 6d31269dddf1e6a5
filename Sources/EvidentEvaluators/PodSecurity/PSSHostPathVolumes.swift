import EvidentCore

/// Pod Security baseline check `hostPathVolumes` (v1.0+). Passes when no volume is a `hostPath`; fails for
/// each hostPath volume.
struct PSSHostPathVolumes: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-hostPathVolumes",
        title: "No hostPath volumes",
        summary: "Fails for every volume that mounts a path of the node (spec.volumes[*].hostPath); other volume "
            + "types pass.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("emptyDir and configMap volumes", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                  volumes:
                  - {name: cache, emptyDir: {}}
                  - name: config
                    configMap: {name: web-config}
                """),
            .failing("DaemonSet mounting the container runtime socket", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: log-shipper, namespace: logging}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: shipper, image: registry.example.com/shipper:4.0}
                      volumes:
                      - {name: tmp, emptyDir: {}}
                      - name: sock
                        hostPath: {path: /run/containerd/containerd.sock, type: Socket}
                """, failing: ["DaemonSet logging/log-shipper"]),
        ])

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        (pod.spec["volumes"]?.items ?? []).enumerated().compactMap { i, volume in
            guard PodSecurityFields.isSet(volume["hostPath"]) else { return nil }
            let name = volume["name"]?.string ?? "#\(i)"
            let path = volume.at("hostPath.path")?.string ?? "unknown path"
            return Violation(
                path: "spec.volumes[\(i)].hostPath", observed: path, expected: "no hostPath volume",
                message: "volume \(name) mounts \(path) from the node's filesystem")
        }
    }
}

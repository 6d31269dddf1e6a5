import EvidentCore

/// Passes when a pod has no `hostPath` volumes, or only ones whose path is under an entry of
/// `allowed_host_paths`, is not a sensitive host directory, and is mounted read-only everywhere. Fails for each
/// hostPath volume outside the allow-list, each allowed one that is (or is under, or contains) a sensitive
/// directory such as /etc or /var/lib/kubelet, and each writable mount of an allowed one.
struct HostPathVolumes: PodSpecEvaluator {
    static let descriptor = EvaluatorDescriptor(
        id: "host-path-volumes",
        title: "Containers do not mount host directories",
        summary: """
            Fails for every hostPath volume not under allowed_host_paths; an allowed path still fails when it \
            is, lies under or contains a sensitive host directory (/, /etc, /proc, /var/lib/kubelet, ...), and \
            for every mount of it that is not readOnly.
            """,
        parameters: [
            EvaluatorParameter("allowed_host_paths", "host path prefixes pods may mount (read-only)"),
            EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        ],
        examples: [
            .passing("an allowed log directory mounted read-only by every container", """
                apiVersion: apps/v1
                kind: DaemonSet
                metadata: {name: logs, namespace: ops}
                spec:
                  template:
                    spec:
                      initContainers:
                      - name: init
                        image: registry.example.com/init:1
                        volumeMounts: [{name: pods, mountPath: /logs, readOnly: true}]
                      containers:
                      - name: agent
                        image: registry.example.com/agent:1
                        volumeMounts: [{name: pods, mountPath: /logs, readOnly: true}, {name: tmp, mountPath: /tmp}]
                      volumes:
                      - {name: pods, hostPath: {path: /var/log/pods/}}
                      - {name: tmp, emptyDir: {}}
                """, parameters: ["allowed_host_paths": .list([.string("/var/log")])]),
            .failing("not allowed, a look-alike prefix, a writable mount, and sensitive paths", """
                apiVersion: v1
                kind: Pod
                metadata: {name: data, namespace: ops}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/app:1}
                  volumes:
                  - {name: data, hostPath: {path: /srv/data}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: lookalike, namespace: ops}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/app:1}
                  volumes:
                  - {name: logs, hostPath: {path: /var/logs-evil}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: writable, namespace: ops}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/app:1
                    volumeMounts: [{name: logs, mountPath: /logs}]
                  volumes:
                  - {name: logs, hostPath: {path: /var/log}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: kubelet, namespace: ops}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/app:1
                    volumeMounts: [{name: kubelet, mountPath: /k, readOnly: true}]
                  volumes:
                  - {name: kubelet, hostPath: {path: /var/lib/kubelet/pods}}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: varlib, namespace: ops}
                spec:
                  containers:
                  - name: app
                    image: registry.example.com/app:1
                    volumeMounts: [{name: lib, mountPath: /host-lib, readOnly: true}]
                  volumes:
                  - {name: lib, hostPath: {path: /var/lib}}
                """, failing: ["Pod ops/data", "Pod ops/lookalike", "Pod ops/writable", "Pod ops/kubelet",
                          "Pod ops/varlib"],
                parameters: ["allowed_host_paths": .list([.string("/var/log"), .string("/var/lib/kubelet"),
                                                          .string("/var/lib")])]),
            .failing("any hostPath fails when nothing is allowed", """
                apiVersion: v1
                kind: Pod
                metadata: {name: opt, namespace: ops}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/app:1}
                  volumes:
                  - {name: opt, hostPath: {path: /opt/tools}}
                """, failing: ["Pod ops/opt"]),
        ])

    /// Host directories no pod should mount. `/` counts only by itself; the rest also cover what lies below.
    static let sensitivePaths = [
        "/", "/etc", "/boot", "/root", "/proc", "/sys", "/dev", "/run", "/var/run", "/var/lib/kubelet",
        "/var/lib/containerd", "/var/lib/docker",
    ]

    /// The sensitive directory that `path` equals, lies under, or contains; nil when none.
    static func sensitiveDirectory(for path: String) -> String? {
        sensitivePaths.first { sensitive in
            (sensitive != "/" && HostPaths.isSame(path, orUnder: sensitive))
                || HostPaths.isSame(sensitive, orUnder: path)
        }
    }

    func violations(in pod: PodSpecContext, parameters: Parameters) -> [Violation] {
        let allowed = (parameters.stringListOrSingle("allowed_host_paths") ?? []).filter { !$0.isEmpty }.map(HostPaths.normalise)
        var out: [Violation] = []
        for volume in HostPaths.volumes(of: pod.spec) {
            let path = "spec.volumes[\(volume.index)].hostPath.path"
            guard allowed.contains(where: { HostPaths.isSame(volume.path, orUnder: $0) }) else {
                out.append(Violation(
                    path: path, observed: volume.raw, expected: "no hostPath, or a path under allowed_host_paths",
                    message: "volume \(volume.name) mounts host directory \(volume.raw), which is not allowed"))
                continue
            }
            if let sensitive = Self.sensitiveDirectory(for: volume.path) {
                let relation = volume.path == sensitive ? "is" : HostPaths.isSame(volume.path, orUnder: sensitive)
                    ? "lies under" : "contains"
                out.append(Violation(
                    path: path, observed: volume.raw, expected: "not a sensitive host directory",
                    message: "volume \(volume.name) mounts \(volume.raw), which \(relation) the sensitive host "
                        + "directory \(sensitive)"))
            }
            for container in pod.containers {
                for (k, mount) in (container.value["volumeMounts"]?.items ?? []).enumerated()
                where mount["name"]?.string == volume.name && mount["readOnly"]?.bool != true {
                    out.append(Violation(
                        path: container.path + ".volumeMounts[\(k)].readOnly",
                        observed: mount["readOnly"]?.display ?? "unset", expected: "true",
                        message: "container \(container.name) can write to host directory \(volume.raw)",
                        image: container.image))
                }
            }
        }
        return out
    }
}

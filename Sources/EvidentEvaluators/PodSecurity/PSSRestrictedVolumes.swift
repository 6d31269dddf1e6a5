import EvidentCore

/// Pod Security restricted check `restrictedVolumes` (v1.0+). Passes when every volume is one of the types
/// that hold no node or network storage of their own: configMap, csi, downwardAPI, emptyDir, ephemeral, image,
/// persistentVolumeClaim, projected, secret (a volume with no source counts as emptyDir). Fails for each other
/// volume, such as hostPath, nfs or a cloud disk.
struct PSSRestrictedVolumes: PodSecurityCheck {
    static let descriptor = EvaluatorDescriptor(
        id: "pss-restrictedVolumes",
        title: "Only restricted volume types",
        summary: "Fails for every volume whose source is not configMap, csi, downwardAPI, emptyDir, ephemeral, image, "
            + "persistentVolumeClaim, projected or secret.",
        parameters: PodSecurityVersion.parameters,
        examples: [
            .passing("allowed volume types", """
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: shop}
                spec:
                  containers:
                  - {name: app, image: registry.example.com/web:1.0}
                  volumes:
                  - {name: cache, emptyDir: {}}
                  - {name: data, persistentVolumeClaim: {claimName: web-data}}
                  - {name: tls, secret: {secretName: web-tls}}
                  - {name: token, projected: {sources: []}}
                """),
            .failing("NFS share and a hostPath", """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: media, namespace: shop}
                spec:
                  template:
                    spec:
                      containers:
                      - {name: app, image: registry.example.com/media:3.0}
                      volumes:
                      - {name: assets, nfs: {server: nas.example.com, path: /exports/media}}
                      - {name: logs, hostPath: {path: /var/log}}
                """, failing: ["Deployment shop/media"]),
        ])

    static let allowed: Set<String> = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected",
        "secret",
    ]

    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        var out: [Violation] = []
        for (i, volume) in (pod.spec["volumes"]?.items ?? []).enumerated() {
            let name = volume["name"]?.string ?? "#\(i)"
            for (type, source) in (volume.map ?? [:]).sorted(by: { $0.key < $1.key }) {
                guard type != "name", !source.isNull, !Self.allowed.contains(type) else { continue }
                out.append(Violation(
                    path: "spec.volumes[\(i)].\(type)", observed: type,
                    expected: "configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, "
                        + "projected or secret",
                    message: "volume \(name) is of type \(type), which the restricted profile does not allow"))
            }
        }
        return out
    }
}

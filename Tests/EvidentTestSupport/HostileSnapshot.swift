import Foundation

/// A generated kubectl `List` whose names, labels, annotations, images, container names and env values are
/// hostile text, as an attacker who can create objects in a cluster would leave them in a snapshot. Each
/// generated string is recorded with the field it went into, so that tests can look for it in every output.
public struct HostileSnapshot {
    /// One generated string and where it was put.
    public struct Input: Sendable {
        /// `namespace`, `pod`, `deployment`, `container`, `image`, `label`, `annotation`, `env`, `configmap`.
        public var field: String
        public var text: String
    }

    public var objects: [[String: Any]] = []
    public var inputs: [Input] = []
    /// Kubernetes-valid canaries placed in Secret values, ConfigMap values, env values and annotations; none
    /// may appear in any output (nor their base64).
    public var canaries: [String] = []

    /// The snapshot as `kubectl get -o json` prints it.
    public var json: Data {
        let list: [String: Any] = ["apiVersion": "v1", "kind": "List", "items": objects]
        return (try? JSONSerialization.data(withJSONObject: list, options: [.sortedKeys])) ?? Data()
    }

    public init() {}

    /// `pods` pods (half of them under a Deployment) in `pods / 5 + 1` namespaces, every text field hostile.
    /// With `canaries`, every object also carries secret values that must never be shown.
    public static func make(seed: UInt64, pods: Int, firstID: Int = 0, canaries: Bool = false) -> HostileSnapshot {
        var rng = SeededGenerator(seed: seed)
        var s = HostileSnapshot()
        var next = firstID
        func hostile(_ field: String) -> String {
            defer { next += 1 }
            let text = HostileText.string(next, &rng)
            s.inputs.append(Input(field: field, text: text))
            return text
        }
        func canary(_ kind: String) -> String {
            let salt: UInt64 = rng.next(upperBound: 1_000_000_000)
            let value = "\(canaryPrefix)-\(kind)-\(s.canaries.count)-\(salt)"
            if canaries { s.canaries.append(value) }
            return value
        }
        let namespaces = (0...(pods / 5)).map { _ in hostile("namespace") }
        for ns in namespaces {
            s.objects.append([
                "apiVersion": "v1", "kind": "Namespace",
                "metadata": ["name": ns,
                             "labels": ["pod-security.kubernetes.io/enforce": hostile("label"), "team": hostile("label")],
                             "annotations": ["owner": hostile("annotation")]],
            ])
        }
        for i in 0..<pods {
            let ns = namespaces[i % namespaces.count]
            let container = hostile("container")
            var annotations: [String: String] = [
                "container.apparmor.security.beta.kubernetes.io/\(container)": hostile("annotation"),
                "note": hostile("annotation"),
            ]
            var env: [[String: Any]] = [["name": "GREETING", "value": hostile("env")]]
            if canaries {
                env.append(["name": "DB_PASSWORD", "value": canary("ENV")])
                env.append(["name": "API_TOKEN", "valueFrom": ["secretKeyRef": ["name": "db", "key": "password"]]])
                let secretCanary = canary("LAST")
                let lastApplied: [String: Any] = [
                    "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "db", "namespace": "x"],
                    "data": ["password": Data(secretCanary.utf8).base64EncodedString()],
                    "stringData": ["token": secretCanary],
                ]
                let text = (try? JSONSerialization.data(withJSONObject: lastApplied, options: [.sortedKeys]))
                    .map { String(decoding: $0, as: UTF8.self) } ?? ""
                annotations["kubectl.kubernetes.io/last-applied-configuration"] = text
                annotations["example.com/api-key"] = canary("ANNOT")
            }
            let podSpec: [String: Any] = [
                "hostNetwork": true,
                "containers": [[
                    "name": container,
                    "image": "registry.example.com/" + hostile("image") + ":latest",
                    "securityContext": ["privileged": true, "runAsUser": 0, "allowPrivilegeEscalation": true,
                                        "capabilities": ["add": ["SYS_ADMIN"]]],
                    "env": env,
                    "ports": [["containerPort": 80, "hostPort": 8000 + i % 1000]],
                ]],
            ]
            let labels = ["app": hostile("label")]
            if i % 2 == 0 {
                s.objects.append([
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": ["name": hostile("pod"), "namespace": ns, "labels": labels, "annotations": annotations],
                    "spec": podSpec,
                ])
            } else {
                s.objects.append([
                    "apiVersion": "apps/v1", "kind": "Deployment",
                    "metadata": ["name": hostile("deployment"), "namespace": ns, "annotations": annotations],
                    "spec": ["replicas": 1, "selector": ["matchLabels": labels],
                             "template": ["metadata": ["labels": labels, "annotations": annotations], "spec": podSpec]],
                ])
            }
            if i % 5 == 0 {
                var data: [String: String] = ["greeting": hostile("configmap")]
                var object: [String: Any] = ["apiVersion": "v1", "kind": "ConfigMap",
                                             "metadata": ["name": "cm-\(i)", "namespace": ns]]
                if canaries {
                    data["tls.key"] = "-----BEGIN PRIVATE KEY-----\n\(canary("PEM"))\n-----END PRIVATE KEY-----\n"
                    data["password"] = canary("CM")
                    object["binaryData"] = ["blob": Data(canary("BIN").utf8).base64EncodedString()]
                    let secret = canary("SECRET")
                    s.objects.append([
                        "apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                        "metadata": ["name": "db", "namespace": ns,
                                     "annotations": ["kubectl.kubernetes.io/last-applied-configuration":
                                                        "{\"stringData\":{\"token\":\"\(secret)\"}}"]],
                        "data": ["password": Data(secret.utf8).base64EncodedString(),
                                 "tls.key": Data("-----BEGIN RSA PRIVATE KEY-----\n\(canary("RSA"))\n-----END RSA PRIVATE KEY-----\n".utf8)
                                    .base64EncodedString()],
                        "stringData": ["token": canary("STRING")],
                    ])
                }
                object["data"] = data
                s.objects.append(object)
            }
        }
        return s
    }

    /// Every canary starts with this: finding it (or one of `canaryNeedles`) anywhere is a leak.
    public static let canaryPrefix = "CANARYQ7X9LMP2WZ"

    /// What no output may hold: the canary prefix, and the base64 of it at each of the three byte alignments
    /// (only the characters that do not depend on the bytes around it).
    public static let canaryNeedles: [String] = {
        var needles = [canaryPrefix]
        let prefix = Array(canaryPrefix.utf8)
        for pad in 0..<3 {
            let encoded = Array(Data(Array(repeating: UInt8(ascii: "x"), count: pad) + prefix + Array("-xyz".utf8))
                .base64EncodedString().utf8)
            // Groups of three bytes that lie wholly inside the prefix give four fixed characters each.
            let firstGroup = (pad + 2) / 3, endGroup = (pad + prefix.count) / 3
            needles.append(String(decoding: encoded[(firstGroup * 4)..<(endGroup * 4)], as: UTF8.self))
        }
        return needles
    }()
}

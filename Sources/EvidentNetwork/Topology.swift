import EvidentCore

/// An equivalence class of pods: pods alike in namespace (and so its labels), pod labels, service
/// account, named ports, host networking and which policy address blocks their IPs fall in. Every
/// policy treats the pods of one class the same, so the engine computes per class.
public struct EndpointClass: Sendable, Hashable {
    public var namespace: String
    public var labels: [String: String]
    public var serviceAccount: String
    public var namedPorts: [String: [NamedPort]]
    public var hostNetwork: Bool
    /// Indices (into the engine's block table) of the policy address blocks holding one of the pods' IPs.
    public var blockSignature: [Int]

    /// The namespace's labels, with `kubernetes.io/metadata.name` as the API server sets it.
    public internal(set) var namespaceLabels: [String: String] = [:]
    /// Labels as Calico selectors see them: the pod's plus `projectcalico.org/namespace`,
    /// `projectcalico.org/serviceaccount`, `pcns.<label>` and `pcsa.<label>`.
    public internal(set) var calicoLabels: [String: String] = [:]
    /// Namespace labels as Calico namespace selectors see them (with `projectcalico.org/name`).
    public internal(set) var calicoNamespaceLabels: [String: String] = [:]
    public internal(set) var serviceAccountLabels: [String: String] = [:]

    /// The identity used to group pods.
    struct Key: Hashable {
        var namespace: String
        var labels: [String: String]
        var serviceAccount: String
        var namedPorts: [String: [NamedPort]]
        var hostNetwork: Bool
        var blockSignature: [Int]
    }

    var key: Key {
        Key(namespace: namespace, labels: labels, serviceAccount: serviceAccount, namedPorts: namedPorts,
            hostNetwork: hostNetwork, blockSignature: blockSignature)
    }
}

/// A workload: the pods of one top-most owner (or one bare pod), or the pods a workload object without
/// pods in the inputs would create.
public struct Workload: Sendable {
    public var namespace: String
    public var name: String
    /// `Deployment`, `ReplicaSet`, `Pod`, ...
    public var kind: String
    /// The object the workload stands for (its top-most owner present in the inputs, or a pod).
    public var resource: Resource
    /// Indices of its endpoint classes.
    public var classes: [Int]
    /// The pods in the inputs with the class of each (empty when only the workload object was given).
    public var pods: [(pod: Resource, endpointClass: Int)] = []
    /// Pods in the inputs (0 when only the workload object was given).
    public var podCount: Int
    /// The pod spec of its template (or first pod), for exposure checks.
    public var podSpec: Value
    public var podLabels: [String: String]

    /// `namespace/name[Kind]`, as netpol-analyzer writes it.
    public var connlistName: String { "\(namespace)/\(name)[\(kind)]" }
    /// `Kind namespace/name`.
    public var displayName: String { "\(kind) \(namespace)/\(name)" }
}

/// One pod (or the template standing for the pods of a workload) before grouping.
struct PodFacts {
    var pod: Resource?
    var namespace: String
    var labels: [String: String]
    var spec: Value
    var ips: [UInt32]

    var serviceAccount: String {
        spec["serviceAccountName"]?.string ?? spec["serviceAccount"]?.string ?? "default"
    }

    var hostNetwork: Bool { spec["hostNetwork"]?.bool == true }

    var namedPorts: [String: [NamedPort]] {
        var out: [String: [NamedPort]] = [:]
        for container in (spec["containers"]?.items ?? []) + (spec["initContainers"]?.items ?? []) {
            for port in container["ports"]?.items ?? [] {
                guard let name = port["name"]?.string, let number = port["containerPort"]?.int,
                      (1...65535).contains(number) else { continue }
                let proto = TransportProtocol(name: port["protocol"]?.string ?? "TCP") ?? .tcp
                let entry = NamedPort(proto: proto, port: UInt32(number))
                if !(out[name]?.contains(entry) ?? false) { out[name, default: []].append(entry) }
            }
        }
        return out
    }

    static func ips(of pod: Resource) -> [UInt32] {
        var out: [UInt32] = []
        for entry in pod.status["podIPs"]?.items ?? [] {
            if let ip = entry["ip"]?.string.flatMap(IPv4.address) { out.append(ip) }
        }
        if out.isEmpty, let ip = pod.status["podIP"]?.string.flatMap(IPv4.address) { out.append(ip) }
        return out
    }
}

/// Groups the snapshot's pods into workloads, as netpol-analyzer names them: by the top-most owner in
/// the inputs; a pod whose owner is not in the inputs by its owner reference; a pod without owner by itself.
enum WorkloadBuilder {
    static func build(_ index: SnapshotIndex) -> [(workload: Workload, pods: [PodFacts])] {
        var out: [(Workload, [PodFacts])] = []
        var byName: [String: Int] = [:]
        for template in index.podTemplates {
            let r = template.resource
            let namespace = r.namespace ?? "default"
            var kind = r.kind, name = r.name
            var facts: [PodFacts]
            if r.kind == "Pod" {
                if let ref = Self.ownerReference(r) { kind = ref.kind; name = ref.name }
                facts = [PodFacts(pod: r, namespace: namespace, labels: r.labels, spec: r.spec, ips: PodFacts.ips(of: r))]
            } else if template.pods.isEmpty {
                facts = [PodFacts(pod: nil, namespace: namespace, labels: template.labels, spec: template.spec, ips: [])]
            } else {
                facts = template.pods.map {
                    PodFacts(pod: $0, namespace: namespace, labels: $0.labels, spec: $0.spec, ips: PodFacts.ips(of: $0))
                }
            }
            let key = "\(namespace)\u{1}\(kind)\u{1}\(name)"
            if let existing = byName[key] {
                out[existing].1 += facts
                out[existing].0.podCount += r.kind == "Pod" ? 1 : template.pods.count
                continue
            }
            byName[key] = out.count
            out.append((Workload(namespace: namespace, name: name, kind: kind, resource: r, classes: [],
                                 podCount: r.kind == "Pod" ? 1 : template.pods.count, podSpec: template.spec,
                                 podLabels: template.labels), facts))
        }
        return out
    }

    /// The controlling (or first) owner reference as written, kind `Pod` when the reference has none.
    static func ownerReference(_ pod: Resource) -> (kind: String, name: String)? {
        let refs = pod.body["metadata"]?["ownerReferences"]?.items ?? []
        guard let ref = refs.first(where: { $0["controller"]?.bool == true }) ?? refs.first,
              let name = ref["name"]?.string, !name.isEmpty else { return nil }
        let kind = ref["kind"]?.string ?? ""
        if kind.isEmpty { return ("Pod", name) }
        // Static pods name their Node as owner; they stand for themselves.
        guard SnapshotIndex.workloadKinds[kind] != nil, kind != "Pod" else { return nil }
        return (kind, name)
    }
}

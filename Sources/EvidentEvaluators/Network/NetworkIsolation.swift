import EvidentCore
import EvidentNetwork

/// A direction of traffic that a NetworkPolicy can isolate.
enum PolicyDirection: String, Sendable, Hashable, CaseIterable {
    case ingress = "Ingress"
    case egress = "Egress"

    /// `ingress` / `egress`, for messages.
    var word: String { rawValue.lowercased() }
}

/// One `networking.k8s.io/v1` NetworkPolicy, reduced to what isolation depends on: the pods it selects in
/// its namespace and the directions in its effective `policyTypes`.
struct IsolatingPolicy: Sendable {
    let resource: Resource
    let namespace: String
    /// The parsed `spec.podSelector`; nil when Kubernetes would reject it, and then the policy selects
    /// nothing (the conservative reading for an audit: it isolates no pod).
    let podSelector: LabelSelector?
    let directions: Set<PolicyDirection>

    init(_ resource: Resource) {
        self.resource = resource
        self.namespace = resource.namespace ?? "default"
        let spec = resource.spec
        self.podSelector = try? LabelSelector.parse(spec["podSelector"])
        self.directions = Self.policyTypes(of: spec)
    }

    /// The effective `policyTypes`: as written, or, when absent or empty, Ingress plus Egress when the
    /// policy has at least one egress rule (the API server's defaulting). Unknown entries are ignored.
    static func policyTypes(of spec: Value) -> Set<PolicyDirection> {
        let written = spec["policyTypes"]?.items.compactMap { $0.string.flatMap(PolicyDirection.init) } ?? []
        if let declared = spec["policyTypes"]?.list, !declared.isEmpty { return Set(written) }
        var types: Set<PolicyDirection> = [.ingress]
        if !(spec["egress"]?.items.isEmpty ?? true) { types.insert(.egress) }
        return types
    }

    func selects(podLabels labels: [String: String], in namespace: String) -> Bool {
        guard namespace == self.namespace, let podSelector else { return false }
        return podSelector.matches(labels)
    }
}

/// How one pod (or pod template) stands: the policies isolating it per direction, and whether it uses
/// the host network, which NetworkPolicies do not reliably isolate.
struct PodIsolation: Sendable, Hashable {
    /// Names of the policies selecting the pod for ingress, sorted.
    var ingressPolicies: [String]
    /// Names of the policies selecting the pod for egress, sorted.
    var egressPolicies: [String]
    var hostNetwork: Bool

    func policies(_ direction: PolicyDirection) -> [String] {
        direction == .ingress ? ingressPolicies : egressPolicies
    }

    /// Whether only explicitly allowed traffic passes in `direction`: some policy selects the pod for
    /// it and the pod is not on the host network.
    func isIsolated(_ direction: PolicyDirection) -> Bool {
        !hostNetwork && !policies(direction).isEmpty
    }
}

/// Which pods the cluster's Kubernetes NetworkPolicies isolate, in which direction.
///
/// A pod is isolated for a direction once a policy in its namespace selects it with that direction in
/// its effective `policyTypes`; a hostNetwork pod counts as never isolated. Only `networking.k8s.io`
/// NetworkPolicies are read (Calico's own kinds are not). This is the one place that answers the
/// question, so that a fuller reachability engine can replace it.
struct PolicyIsolation: Sendable {
    /// Every Kubernetes NetworkPolicy read, sorted by namespace and name.
    let policies: [IsolatingPolicy]
    private let byNamespace: [String: [IsolatingPolicy]]

    init(index: SnapshotIndex) {
        self.init(policies: index.resources(ofKind: "NetworkPolicy"))
    }

    /// Reads the Kubernetes NetworkPolicies among `resources`, skipping other groups' kinds of that name.
    init(policies resources: [Resource]) {
        let policies = resources
            .filter { $0.kind == "NetworkPolicy" && Self.isKubernetesPolicy($0) }
            .map(IsolatingPolicy.init)
            .sorted { ($0.namespace, $0.resource.name) < ($1.namespace, $1.resource.name) }
        self.policies = policies
        self.byNamespace = Dictionary(grouping: policies, by: \.namespace)
    }

    /// True for `networking.k8s.io` NetworkPolicies (Calico's `projectcalico.org` kind shares the name).
    static func isKubernetesPolicy(_ resource: Resource) -> Bool {
        resource.kind == "NetworkPolicy" && resource.group == "networking.k8s.io"
    }

    /// The policies that select pods with `labels` in `namespace` for `direction`, sorted by name.
    func policies(selecting labels: [String: String], in namespace: String,
                  direction: PolicyDirection) -> [IsolatingPolicy] {
        (byNamespace[namespace] ?? []).filter {
            $0.directions.contains(direction) && $0.selects(podLabels: labels, in: namespace)
        }
    }

    /// The isolation of a pod with these labels in this namespace, on the host network or not.
    func isolation(labels: [String: String], namespace: String, hostNetwork: Bool) -> PodIsolation {
        PodIsolation(
            ingressPolicies: policies(selecting: labels, in: namespace, direction: .ingress).map(\.resource.name),
            egressPolicies: policies(selecting: labels, in: namespace, direction: .egress).map(\.resource.name),
            hostNetwork: hostNetwork)
    }

    /// The isolation of a workload's pod template or a pod, from its labels, namespace and `hostNetwork`.
    func isolation(of template: PodTemplate) -> PodIsolation {
        isolation(labels: template.labels, namespace: template.namespace ?? "default",
                  hostNetwork: template.spec["hostNetwork"]?.bool == true)
    }
}

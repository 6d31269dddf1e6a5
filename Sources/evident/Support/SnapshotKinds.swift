/// The kinds the built-in checks read, as `kubectl get` takes them.
enum SnapshotKinds {
    static let kinds = [
        "namespaces", "nodes", "pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs",
        "replicationcontrollers", "services", "ingresses", "configmaps", "secrets", "serviceaccounts", "roles",
        "rolebindings", "clusterroles", "clusterrolebindings", "networkpolicies",
    ]

    static var kubectlList: String { kinds.joined(separator: ",") }
}

import EvidentCore

/// The kinds the built-in checks read, as `kubectl get` takes them.
enum SnapshotKinds {
    static let kinds = SnapshotCapture.builtIn.map(\.plural)

    static var kubectlList: String { kinds.joined(separator: ",") }
}

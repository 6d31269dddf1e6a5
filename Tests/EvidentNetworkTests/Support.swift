import EvidentCore
import EvidentNetwork
import Foundation

/// Builds an analysis from a multi-document YAML snapshot.
func analyze(_ yaml: String, options: NetworkOptions = .connlist) throws -> NetworkAnalysis {
    let snapshot = try SnapshotLoader.load(Data(yaml.utf8), path: "test.yaml")
    return NetworkAnalysis(index: SnapshotIndex(snapshot), options: options)
}

/// The connlist lines between workloads only (no external blocks), as `src => dst : conn` strings.
func podLines(_ analysis: NetworkAnalysis) -> Set<String> {
    Set(analysis.connlist().filter { !$0.source.contains("[External]") && !$0.destination.contains("[External]") }
        .map(\.description))
}

/// Every connlist line.
func allLines(_ analysis: NetworkAnalysis) -> Set<String> { Set(analysis.connlist().map(\.description)) }

/// A namespace with labels.
func namespace(_ name: String, _ labels: [String: String] = [:]) -> String {
    let l = labels.isEmpty ? "{}" : "{" + labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }
        .joined(separator: ", ") + "}"
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: \(name), labels: \(l)}
        ---

        """
}

/// A bare pod with labels, an optional service account, IP and named ports.
func pod(_ name: String, _ ns: String, _ labels: [String: String] = [:], serviceAccount: String? = nil,
         ip: String? = nil, ports: [(String, Int)] = []) -> String {
    let l = labels.isEmpty ? "{}" : "{" + labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \"\($0.value)\"" }
        .joined(separator: ", ") + "}"
    let p = ports.isEmpty ? "" : ", ports: [" + ports.map { "{name: \($0.0), containerPort: \($0.1)}" }
        .joined(separator: ", ") + "]"
    return """
        apiVersion: v1
        kind: Pod
        metadata: {name: \(name), namespace: \(ns), labels: \(l)}
        spec:
          serviceAccountName: \(serviceAccount ?? "default")
          containers: [{name: c, image: r/c:1\(p)}]
        status: {podIP: \(ip ?? "")}
        ---

        """
}

/// The lines that satisfy `condition`, as a set (Set.filter may resolve to the array overload).
func lines(_ all: Set<String>, where condition: (String) -> Bool) -> Set<String> {
    Set(all.filter(condition))
}

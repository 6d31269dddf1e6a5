import Foundation

/// Turns the bytes of one snapshot or policy input into resources. It accepts what `kubectl get -o json`
/// and `-o yaml` print (a `List`), single objects, and multi-document YAML manifests; JSON is read by a
/// fast reader of our own, YAML through Yams (libyaml).
///
/// Fails (exit 2) on input that is neither JSON nor YAML, or on a document that is not a mapping;
/// skips with a warning documents that are not Kubernetes objects (no `kind`), such as a Helm values file.
public enum SnapshotLoader {
    /// The annotation whose value repeats the whole object, env values included; never kept.
    static let lastApplied = "kubectl.kubernetes.io/last-applied-configuration"

    public static func load(_ data: Data, path: String) throws(LoadError) -> Snapshot {
        let documents: [(value: Value, line: Int, itemLines: [Int])]
        if Self.looksLikeJSON(data) {
            let read: Result<[JSONReader.Document], LoadError> = data.withUnsafeBytes { raw in
                do throws(LoadError) { return .success(try JSONReader.read(raw, file: path)) } catch { return .failure(error) }
            }
            documents = try read.get().map { ($0.value, $0.line, $0.itemLines) }
        } else {
            guard let text = String(data: data, encoding: .utf8) else {
                throw LoadError("not UTF-8 text", at: SourceLocation(file: path, line: 1),
                                hint: "a snapshot is the JSON or YAML that kubectl prints")
            }
            documents = try YAMLReader.read(text, file: path).map { ($0.value, $0.line, $0.itemLines) }
        }
        var snapshot = Snapshot()
        var newest = ""
        for document in documents {
            let location = SourceLocation(file: path, line: document.line)
            switch document.value {
            case .null:
                continue
            case .map(let members):
                if let kind = members["kind"]?.string, kind.hasSuffix("List"), let items = members["items"]?.list {
                    // A typed list (`PodList`) may leave kind and apiVersion out of its items.
                    let itemKind = kind == "List" ? nil : String(kind.dropLast(4))
                    for (i, var item) in items.enumerated() {
                        let line = i < document.itemLines.count ? document.itemLines[i] : document.line
                        if let itemKind, case .map(var object) = item, object["kind"] == nil {
                            object["kind"] = .string(itemKind)
                            if object["apiVersion"] == nil { object["apiVersion"] = members["apiVersion"] ?? .string("v1") }
                            item = .map(object)
                        }
                        try add(item, at: SourceLocation(file: path, line: line), to: &snapshot, newest: &newest)
                    }
                } else {
                    try add(document.value, at: location, to: &snapshot, newest: &newest)
                }
            default:
                throw LoadError("expected a Kubernetes object or a List, found \(describe(document.value))",
                                at: location, hint: "a snapshot is the JSON or YAML that kubectl prints")
            }
        }
        snapshot.newestTimestamp = Timestamp.parse(newest)
        return snapshot
    }

    static func looksLikeJSON(_ data: Data) -> Bool {
        for byte in data {
            switch byte {
            case 0x20, 0x09, 0x0A, 0x0D: continue
            case UInt8(ascii: "{"), UInt8(ascii: "["): return true
            default: return false
            }
        }
        return false
    }

    private static func describe(_ value: Value) -> String {
        switch value {
        case .string(let s): return "text ('\(s.prefix(40))')"
        case .list: return "a list"
        case .null: return "nothing"
        default: return "a scalar"
        }
    }

    private static func add(_ value: Value, at location: SourceLocation, to snapshot: inout Snapshot,
                            newest: inout String) throws(LoadError) {
        guard case .map(var object) = value else {
            throw LoadError("expected a Kubernetes object, found \(describe(value))", at: location)
        }
        guard let kind = object["kind"]?.string, let apiVersion = object["apiVersion"]?.string else {
            snapshot.diagnostics.append(Diagnostic(.warning, "skipped a document without apiVersion and kind", at: location))
            return
        }
        var metadata = object["metadata"]?.map ?? [:]
        guard let name = metadata["name"]?.string ?? metadata["generateName"]?.string else {
            snapshot.diagnostics.append(Diagnostic(.warning, "skipped a \(kind) without metadata.name", at: location))
            return
        }
        // Timestamps for snapshotTime, before managedFields go.
        Timestamp.collect(metadata["creationTimestamp"], into: &newest)
        for entry in metadata["managedFields"]?.items ?? [] { Timestamp.collect(entry["time"], into: &newest) }
        if let status = object["status"] {
            Timestamp.collect(status["startTime"], into: &newest)
            for condition in status["conditions"]?.items ?? [] {
                Timestamp.collect(condition["lastTransitionTime"], into: &newest)
                Timestamp.collect(condition["lastHeartbeatTime"], into: &newest)
            }
        }
        metadata["managedFields"] = nil
        var annotations = metadata["annotations"]?.stringMap ?? [:]
        if annotations.removeValue(forKey: lastApplied) != nil, case .map(var a) = metadata["annotations"] ?? .null {
            a[lastApplied] = nil
            metadata["annotations"] = .map(a)
        }
        object["metadata"] = .map(metadata)
        if kind == "Secret" {
            for field in ["data", "stringData"] {
                if let values = object[field]?.map {
                    object[field] = .map(values.mapValues { _ in .null })
                }
            }
        }
        if kind == "ConfigMap" { object["binaryData"] = nil }
        let owners: [OwnerReference] = (metadata["ownerReferences"]?.items ?? []).compactMap { ref in
            guard let kind = ref["kind"]?.string, let name = ref["name"]?.string else { return nil }
            return OwnerReference(apiVersion: ref["apiVersion"]?.string ?? "", kind: kind, name: name,
                                  uid: ref["uid"]?.string ?? "", controller: ref["controller"]?.bool ?? false)
        }
        let namespace = metadata["namespace"]?.string
        snapshot.resources.append(Resource(
            apiVersion: apiVersion, kind: kind,
            namespace: (namespace?.isEmpty ?? true) ? (Self.namespacedByDefault(kind) ? "default" : nil) : namespace,
            name: name, uid: metadata["uid"]?.string,
            labels: metadata["labels"]?.stringMap ?? [:], annotations: annotations, ownerReferences: owners,
            body: .map(object), source: location))
    }

    /// Kinds that live in a namespace: a manifest without `metadata.namespace` goes to `default`.
    static func namespacedByDefault(_ kind: String) -> Bool {
        !clusterScoped.contains(kind)
    }

    static let clusterScoped: Set<String> = [
        "Namespace", "Node", "ClusterRole", "ClusterRoleBinding", "PersistentVolume", "StorageClass",
        "CustomResourceDefinition", "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration",
        "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "PriorityClass", "RuntimeClass",
        "APIService", "CSIDriver", "CSINode", "IngressClass", "GlobalNetworkPolicy", "GlobalNetworkSet", "Tier",
        "ClusterPolicy", "ClusterImagePolicy", "HostEndpoint", "IPPool", "FelixConfiguration", "BGPConfiguration",
        "ClusterPolicyReport", "ConstraintTemplate", "PodSecurityPolicy", "VolumeAttachment",
    ]
}

/// RFC 3339 times as Kubernetes writes them (`2026-11-01T10:00:00Z`, optional fraction and offset).
public enum Timestamp {
    static func collect(_ value: Value?, into newest: inout String) {
        // Kubernetes writes UTC with `Z`, so the greatest string is the newest time.
        if let s = value?.string, s.count >= 20, s.hasSuffix("Z"), s > newest { newest = s }
    }

    /// Parses an RFC 3339 time; nil when malformed.
    public static func parse(_ text: String) -> Date? {
        guard !text.isEmpty else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = formatter.date(from: text) { return d }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }

    /// Formats as RFC 3339 in UTC without fractions: `2026-11-27T07:00:00Z`.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

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
        var newest: Double?
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
        snapshot.newestTimestamp = newest.map { Date(timeIntervalSince1970: $0) }
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
                            newest: inout Double?) throws(LoadError) {
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
    static func collect(_ value: Value?, into newest: inout Double?) {
        guard let text = value?.string, let seconds = seconds(text) else { return }
        if seconds > (newest ?? -.infinity) { newest = seconds }
    }

    /// Seconds since 1970 of an RFC 3339 time (`2026-11-01T10:00:00Z`, optional fraction and offset);
    /// nil when malformed. Hand-parsed: it runs for every object of a snapshot.
    public static func seconds(_ text: String) -> Double? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[4] == 0x2D, b[7] == 0x2D, b[10] == 0x54 || b[10] == 0x74, b[13] == 0x3A, b[16] == 0x3A
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var v = 0
            for i in from..<(from + count) {
                guard b[i] >= 0x30, b[i] <= 0x39 else { return nil }
                v = v * 10 + Int(b[i] - 0x30)
            }
            return v
        }
        guard let y = number(0, 4), let mo = number(5, 2), let d = number(8, 2), let h = number(11, 2),
              let mi = number(14, 2), let sec = number(17, 2), (1...12).contains(mo), (1...31).contains(d),
              h < 24, mi < 60, sec < 61 else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 0x2E {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { fraction += Double(b[i] - 0x30) * scale; scale /= 10; i += 1 }
            guard i > start else { return nil }
        }
        var offset = 0
        guard i < b.count else { return nil }
        if b[i] == 0x5A || b[i] == 0x7A {
            guard i + 1 == b.count else { return nil }
        } else if b[i] == 0x2B || b[i] == 0x2D, i + 6 == b.count, b[i + 3] == 0x3A, let oh = number(i + 1, 2), let om = number(i + 4, 2) {
            offset = (oh * 60 + om) * 60 * (b[i] == 0x2B ? 1 : -1)
        } else {
            return nil
        }
        // Days from the civil date (proleptic Gregorian), after Howard Hinnant's algorithm.
        let yy = mo <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + h * 3_600 + mi * 60 + sec - offset) + fraction
    }

    /// Parses an RFC 3339 time; nil when malformed.
    public static func parse(_ text: String) -> Date? { seconds(text).map { Date(timeIntervalSince1970: $0) } }

    /// Formats as RFC 3339 in UTC without fractions: `2026-11-27T07:00:00Z`.
    public static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}

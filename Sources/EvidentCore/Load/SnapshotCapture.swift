import Foundation

/// The pure part of `evident snapshot`: which kinds to ask `kubectl` for, what its answers mean, and the
/// List written from them (Secret values stripped). Running kubectl and writing the file is the CLI's job.
public enum SnapshotCapture {
    /// A kind as the catalogs read it: its plural, API group (empty for the core group) and object kind.
    public struct KindSpec: Sendable, Equatable {
        public var plural: String
        public var group: String
        public var kind: String?

        public init(_ plural: String, _ group: String, _ kind: String?) {
            self.plural = plural
            self.group = group
            self.kind = kind
        }

        /// The name `kubectl api-resources -o name` prints and `kubectl get` takes: `pods`, `deployments.apps`.
        public var resource: String { group.isEmpty ? plural : "\(plural).\(group)" }
    }

    /// The kinds the built-in checks read; every cluster serves them.
    public static let builtIn: [KindSpec] = [
        KindSpec("namespaces", "", "Namespace"), KindSpec("nodes", "", "Node"), KindSpec("pods", "", "Pod"),
        KindSpec("deployments", "apps", "Deployment"), KindSpec("replicasets", "apps", "ReplicaSet"),
        KindSpec("statefulsets", "apps", "StatefulSet"), KindSpec("daemonsets", "apps", "DaemonSet"),
        KindSpec("jobs", "batch", "Job"), KindSpec("cronjobs", "batch", "CronJob"),
        KindSpec("replicationcontrollers", "", "ReplicationController"), KindSpec("services", "", "Service"),
        KindSpec("ingresses", "networking.k8s.io", "Ingress"), KindSpec("configmaps", "", "ConfigMap"),
        KindSpec("secrets", "", "Secret"), KindSpec("serviceaccounts", "", "ServiceAccount"),
        KindSpec("roles", rbac, "Role"), KindSpec("rolebindings", rbac, "RoleBinding"),
        KindSpec("clusterroles", rbac, "ClusterRole"), KindSpec("clusterrolebindings", rbac, "ClusterRoleBinding"),
        KindSpec("networkpolicies", "networking.k8s.io", "NetworkPolicy"),
    ]

    private static let rbac = "rbac.authorization.k8s.io"

    /// Kinds collected only when the cluster serves them: Calico, Kyverno, ValidatingAdmissionPolicy and
    /// sigstore policy-controller. Gatekeeper constraints (`constraintsGroup`) are found by group.
    public static let optional: [KindSpec] = [
        KindSpec("networkpolicies", "projectcalico.org", "NetworkPolicy"),
        KindSpec("globalnetworkpolicies", "projectcalico.org", "GlobalNetworkPolicy"),
        KindSpec("tiers", "projectcalico.org", "Tier"),
        KindSpec("networksets", "projectcalico.org", "NetworkSet"),
        KindSpec("globalnetworksets", "projectcalico.org", "GlobalNetworkSet"),
        KindSpec("clusterpolicies", "kyverno.io", "ClusterPolicy"),
        KindSpec("policies", "kyverno.io", "Policy"),
        KindSpec("validatingadmissionpolicies", "admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
        KindSpec("validatingadmissionpolicybindings", "admissionregistration.k8s.io",
                 "ValidatingAdmissionPolicyBinding"),
        KindSpec("clusterimagepolicies", "policy.sigstore.dev", "ClusterImagePolicy"),
    ]

    /// The API group of Gatekeeper's constraint kinds (one kind per ConstraintTemplate).
    public static let constraintsGroup = "constraints.gatekeeper.sh"

    /// What to ask for, given the lines of `kubectl api-resources -o name`: every built-in kind (by its
    /// served name, so that `networkpolicies` cannot mean Calico's), the optional kinds the cluster serves
    /// and every Gatekeeper constraint kind. `absent` lists the kinds it does not serve.
    public static func plan(served lines: [String]) -> (collect: [KindSpec], absent: [KindSpec]) {
        let served = Set(lines.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        var collect: [KindSpec] = []
        var absent: [KindSpec] = []
        for spec in builtIn + optional {
            if served.contains(spec.resource) { collect.append(spec) } else { absent.append(spec) }
        }
        let suffix = "." + constraintsGroup
        let constraints = served.filter { $0.hasSuffix(suffix) }.sorted()
        for name in constraints { collect.append(KindSpec(String(name.dropLast(suffix.count)), constraintsGroup, nil)) }
        if constraints.isEmpty { absent.append(KindSpec("*", constraintsGroup, nil)) }
        return (collect, absent)
    }

    /// What a failed `kubectl get` means, from its error output.
    public enum Failure: Sendable, Equatable {
        /// The user may not list the kind (HTTP 403).
        case forbidden
        /// The cluster does not serve the kind (a CRD that is not installed, or was removed meanwhile).
        case absent
        /// Anything else (no connection, expired credentials): the capture cannot go on.
        case other
    }

    public static func classify(_ stderr: String) -> Failure {
        if stderr.contains("(Forbidden)") || stderr.contains(" is forbidden:") { return .forbidden }
        if stderr.contains("the server doesn't have a resource type") || stderr.contains("(NotFound)")
            || stderr.contains("could not find the requested resource") {
            return .absent
        }
        return .other
    }

    /// The objects of one `kubectl get -o json` answer, ready to write: Secret values removed, and the
    /// last-applied-configuration annotation and `managedFields` left out (the reader drops them).
    public static func items(_ output: Data, resource: String) throws(LoadError) -> [Value] {
        let read: Result<[JSONReader.Document], LoadError> = output.withUnsafeBytes { raw in
            do throws(LoadError) {
                return .success(try JSONReader.read(raw, file: "kubectl get \(resource)"))
            } catch {
                return .failure(error)
            }
        }
        var out: [Value] = []
        for document in try read.get() {
            guard case .map(let members) = document.value else { continue }
            if let kind = members["kind"]?.string, kind.hasSuffix("List"), let items = members["items"]?.list {
                out += items.map { sanitized(SnapshotLoader.typedListItem($0, of: members)) }
            } else if members["kind"] != nil {
                out.append(sanitized(document.value))
            }
        }
        return out
    }

    /// An object as it may be written: a Secret keeps its type, metadata and the names of its keys, each
    /// with an empty value; the last-applied-configuration annotation (which repeats the values) goes.
    public static func sanitized(_ object: Value) -> Value {
        guard case .map(var members) = object else { return object }
        if case .map(var metadata) = members["metadata"] ?? .null,
           case .map(var annotations) = metadata["annotations"] ?? .null,
           annotations.removeValue(forKey: SnapshotLoader.lastApplied) != nil {
            metadata["annotations"] = .map(annotations)
            members["metadata"] = .map(metadata)
        }
        if members["kind"]?.string == "Secret" {
            for field in ["data", "stringData"] {
                guard let value = members[field] else { continue }
                if case .map(let values) = value {
                    members[field] = .map(values.mapValues { _ in .string("") })
                } else {
                    members[field] = nil
                }
            }
        }
        return .map(members)
    }

    // MARK: Writing the List

    /// The start of the List, up to the first item.
    public static let header = "{\n    \"apiVersion\": \"v1\",\n    \"items\": ["

    /// Items as they follow the header (or earlier items): each on its own lines, indented as kubectl does.
    public static func render(items: [Value], first: Bool) -> String {
        var out = ""
        for (i, item) in items.enumerated() {
            out += first && i == 0 ? "\n        " : ",\n        "
            write(item, indent: 2, into: &out)
        }
        return out
    }

    /// The end of the List: kind, metadata and the capture record.
    public static func footer(record: CaptureRecord, empty: Bool) -> String {
        var out = empty ? "]" : "\n    ]"
        out += ",\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    },\n    \""
        out += CaptureRecord.member + "\": "
        write(record.value, indent: 1, into: &out)
        out += "\n}\n"
        return out
    }

    /// A whole List at once (tests and small captures).
    public static func list(items: [Value], record: CaptureRecord) -> String {
        header + render(items: items, first: true) + footer(record: record, empty: items.isEmpty)
    }

    /// JSON with keys sorted and four spaces per level.
    static func write(_ value: Value, indent: Int, into out: inout String) {
        let pad = String(repeating: "    ", count: indent + 1)
        let closing = String(repeating: "    ", count: indent)
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += d.isFinite ? "\(d)" : "null"
        case .string(let s): quote(s, into: &out)
        case .list(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (i, item) in items.enumerated() {
                out += i == 0 ? "\n" : ",\n"
                out += pad
                write(item, indent: indent + 1, into: &out)
            }
            out += "\n" + closing + "]"
        case .map(let members):
            guard !members.isEmpty else { out += "{}"; return }
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                out += i == 0 ? "\n" : ",\n"
                out += pad
                quote(key, into: &out)
                out += ": "
                write(members[key] ?? .null, indent: indent + 1, into: &out)
            }
            out += "\n" + closing + "}"
        }
    }

    private static let hex = Array("0123456789abcdef")

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                let v = scalar.value
                if v < 0x20 || v == 0x7F || v == 0x2028 || v == 0x2029 {
                    out += "\\u"
                    for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((v >> UInt32(shift)) & 0xF)]) }
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

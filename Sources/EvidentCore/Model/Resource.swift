/// Where something was read from: the file as given on the command line (or `-` for stdin) and the
/// 1-based line where it starts.
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int?

    public init(file: String, line: Int, column: Int? = nil) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String {
        if let column { return "\(file):\(line):\(column)" }
        return "\(file):\(line)"
    }

    public static func < (a: SourceLocation, b: SourceLocation) -> Bool {
        (a.file, a.line, a.column ?? 0) < (b.file, b.line, b.column ?? 0)
    }
}

/// The identity of an object across inputs and runs: API group, kind, namespace and name.
/// Two inputs holding the same identity merge (the later wins).
public struct ResourceID: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var group: String
    public var kind: String
    public var namespace: String?
    public var name: String

    public init(group: String, kind: String, namespace: String?, name: String) {
        self.group = group
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    /// `Kind namespace/name`, or `Kind name` for cluster-scoped objects.
    public var description: String {
        if let namespace { return "\(kind) \(namespace)/\(name)" }
        return "\(kind) \(name)"
    }

    /// The API group of an apiVersion: `apps` for `apps/v1`, empty for the core group `v1`.
    public static func group(of apiVersion: String) -> String {
        guard let slash = apiVersion.firstIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }

    public static func < (a: ResourceID, b: ResourceID) -> Bool {
        (a.namespace ?? "", a.kind, a.name, a.group) < (b.namespace ?? "", b.kind, b.name, b.group)
    }
}

/// An owner reference from `metadata.ownerReferences`.
public struct OwnerReference: Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool
}

/// One Kubernetes object from the inputs. `body` is the whole object as read, minus what no check
/// may ever need or leak: `managedFields`, the last-applied-configuration annotation, and the values of
/// Secret `data` / `stringData` (their keys are kept, the values become null).
///
/// Immutable and shared by reference: the indexes, pod templates, network workloads and findings of a
/// large cluster hold the same object many times over, and a struct of a dozen strings and collections
/// cost a copy and a dozen reference-count updates each time.
public final class Resource: Sendable {
    public let apiVersion: String
    public let kind: String
    public let namespace: String?
    public let name: String
    public let uid: String?
    public let labels: [String: String]
    public let annotations: [String: String]
    public let ownerReferences: [OwnerReference]
    public let body: Value
    public let source: SourceLocation

    public init(
        apiVersion: String, kind: String, namespace: String?, name: String, uid: String?,
        labels: [String: String], annotations: [String: String], ownerReferences: [OwnerReference],
        body: Value, source: SourceLocation
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
        self.body = body
        self.source = source
    }

    /// The API group: `apps` for `apps/v1`, empty for the core group `v1`.
    public var group: String { ResourceID.group(of: apiVersion) }

    public var id: ResourceID { ResourceID(group: group, kind: kind, namespace: namespace, name: name) }

    /// The `spec` member, or null.
    public var spec: Value { body["spec"] ?? .null }
    public var status: Value { body["status"] ?? .null }

    /// The reference written into findings.
    public var reference: ResourceReference {
        ResourceReference(apiVersion: apiVersion, kind: kind, namespace: namespace, name: name)
    }
}

/// An object as the reports name it (`ResourceID.description`): kind, namespace and name, without the API
/// group. Counting deviating objects counts these.
public struct ResourceName: Sendable, Hashable {
    public let kind: String
    public let namespace: String?
    public let name: String

    public init(_ reference: ResourceReference) {
        kind = reference.kind
        namespace = reference.namespace
        name = reference.name
    }
}

/// How findings and reports name a resource.
public struct ResourceReference: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var apiVersion: String
    public var kind: String
    public var namespace: String?
    public var name: String

    public init(apiVersion: String, kind: String, namespace: String?, name: String) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
    }

    public var group: String { ResourceID.group(of: apiVersion) }

    public var id: ResourceID { ResourceID(group: group, kind: kind, namespace: namespace, name: name) }

    public var description: String { id.description }

    public static func < (a: ResourceReference, b: ResourceReference) -> Bool { a.id < b.id }
}

import Foundation

/// What `evident snapshot` wrote beside the objects, as the top-level `evidentCapture` member of the List:
/// which kinds it collected, which the cluster refused (Forbidden) and which it does not serve, and when.
/// The audit reads it so that a kind the capture was not allowed to list is `needs-evidence`, never
/// "none exist".
public struct CaptureRecord: Sendable, Equatable {
    /// One kind as the capture asked for it.
    public struct Entry: Sendable, Equatable {
        /// The name given to `kubectl get`: `pods`, `deployments.apps`, `tiers.projectcalico.org`.
        public var resource: String
        /// The object kind (`Pod`), when known.
        public var kind: String?
        /// For collected kinds: how many objects.
        public var count: Int?
        /// For forbidden kinds: kubectl's message.
        public var message: String?

        public init(resource: String, kind: String? = nil, count: Int? = nil, message: String? = nil) {
            self.resource = resource
            self.kind = kind
            self.count = count
            self.message = message
        }
    }

    /// When the capture started and finished (RFC 3339, UTC).
    public var startedAt: String
    public var capturedAt: String
    /// The kubeconfig context given with `--context`, if any.
    public var context: String?
    public var collected: [Entry]
    public var forbidden: [Entry]
    public var absent: [Entry]

    public init(startedAt: String, capturedAt: String, context: String? = nil, collected: [Entry] = [],
                forbidden: [Entry] = [], absent: [Entry] = []) {
        self.startedAt = startedAt
        self.capturedAt = capturedAt
        self.context = context
        self.collected = collected
        self.forbidden = forbidden
        self.absent = absent
    }

    /// The name of the List member that holds the record.
    public static let member = "evidentCapture"

    /// The forbidden entry for an object kind (`Node`), if the capture was refused that kind.
    public func forbiddenEntry(kind: String) -> Entry? {
        forbidden.first { $0.kind == kind }
    }

    /// The record as it is written into the List.
    public var value: Value {
        func entries(_ list: [Entry]) -> Value {
            .list(list.map { entry in
                var members: ValueMap = ["resource": .string(entry.resource)]
                if let kind = entry.kind { members["kind"] = .string(kind) }
                if let count = entry.count { members["count"] = .int(count) }
                if let message = entry.message { members["message"] = .string(message) }
                return .map(members)
            })
        }
        var members: ValueMap = [
            "startedAt": .string(startedAt), "capturedAt": .string(capturedAt),
            "collected": entries(collected), "forbidden": entries(forbidden), "absent": entries(absent),
        ]
        if let context { members["context"] = .string(context) }
        return .map(members)
    }

    /// Reads a record back; nil when `value` is not one.
    public init?(_ value: Value) {
        guard case .map(let members) = value, let captured = members["capturedAt"]?.string else { return nil }
        func entries(_ key: String) -> [Entry]? {
            guard let list = members[key] else { return [] }
            guard case .list(let items) = list else { return nil }
            var out: [Entry] = []
            for item in items {
                guard let resource = item["resource"]?.string else { return nil }
                out.append(Entry(resource: resource, kind: item["kind"]?.string, count: item["count"]?.int,
                                 message: item["message"]?.string))
            }
            return out
        }
        guard let collected = entries("collected"), let forbidden = entries("forbidden"),
              let absent = entries("absent") else { return nil }
        self.init(startedAt: members["startedAt"]?.string ?? captured, capturedAt: captured,
                  context: members["context"]?.string, collected: collected, forbidden: forbidden, absent: absent)
    }

    /// Two records of inputs audited together: the lists joined, the later capture time kept.
    public func merged(with other: CaptureRecord) -> CaptureRecord {
        CaptureRecord(startedAt: min(startedAt, other.startedAt), capturedAt: max(capturedAt, other.capturedAt),
                      context: context ?? other.context, collected: collected + other.collected,
                      forbidden: forbidden + other.forbidden, absent: absent + other.absent)
    }
}

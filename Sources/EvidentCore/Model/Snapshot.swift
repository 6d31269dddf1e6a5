import CMemory
import Foundation

/// The merged objects of every snapshot and policy input, in input order, plus what the loaders noticed.
public struct Snapshot: Sendable {
    public var resources: [Resource]
    /// The newest timestamp found inside the objects (creation, managedFields and status times).
    public var newestTimestamp: Date?
    public var diagnostics: [Diagnostic]
    /// What `evident snapshot` recorded about the capture (kinds collected, forbidden, absent), if the
    /// input came from it.
    public var capture: CaptureRecord?

    public init(resources: [Resource] = [], newestTimestamp: Date? = nil, diagnostics: [Diagnostic] = [],
                capture: CaptureRecord? = nil) {
        self.resources = resources
        self.newestTimestamp = newestTimestamp
        self.diagnostics = diagnostics
        self.capture = capture
    }

    /// Joins several loaded inputs. When the same object (group, kind, namespace, name) appears twice,
    /// the later one wins and a diagnostic names both places.
    public static func merging(_ parts: [Snapshot]) -> Snapshot {
        var merged = Snapshot()
        let total = parts.reduce(0) { $0 + $1.resources.count }
        merged.resources.reserveCapacity(total)
        // The ids' hashes on every core; then an open-addressing table of positions, filled in input order.
        // A dictionary keyed by the ids took 0.45 s for the 466,000 objects of 150,000 pods: four strings
        // to copy and retain per entry, and a 40 MB table; this one is 4 bytes a slot, and compares ids only
        // when the hashes are equal.
        let all = parts.flatMap(\.resources)
        let hashes = Parallel.map(all.count) { all[$0].id.hashValue }
        var capacity = 16
        while capacity < total * 2 { capacity *= 2 }
        let mask = capacity - 1
        var slots = [Int32](repeating: -1, count: capacity)
        var firstOf: [Int] = []  // per merged position: the input position holding its first occurrence
        firstOf.reserveCapacity(total)
        var next = 0
        for part in parts {
            merged.diagnostics += part.diagnostics
            if let record = part.capture { merged.capture = merged.capture.map { $0.merged(with: record) } ?? record }
            if let t = part.newestTimestamp, t > (merged.newestTimestamp ?? .distantPast) { merged.newestTimestamp = t }
            for resource in part.resources {
                let g = next
                next += 1
                var slot = hashes[g] & mask
                while true {
                    let m = Int(slots[slot])
                    if m < 0 {
                        slots[slot] = Int32(merged.resources.count)
                        firstOf.append(g)
                        merged.resources.append(resource)
                        break
                    }
                    let f = firstOf[m]
                    if hashes[f] == hashes[g], all[f].id == resource.id {
                        let earlier = merged.resources[m].source
                        merged.diagnostics.append(Diagnostic(
                            .warning, "\(resource.id) appears again; the copy at \(resource.source) replaces the one at \(earlier)",
                            at: resource.source))
                        merged.resources[m] = resource
                        break
                    }
                    slot = (slot + 1) & mask
                }
            }
        }
        return merged
    }
}

/// Where a pod spec lives inside an object, and the pods that run it.
///
/// Pod-spec checks run once per template of a top-most owner (a Deployment, not its ReplicaSets or
/// Pods) and once per bare pod; pods whose results match their owner's template are folded into it.
///
/// A class: checks pass templates around by the hundred thousand, and a reference is one word to retain
/// where the fields of a struct are a dozen.
public final class PodTemplate: Sendable {
    /// The object reported for this template: the top-most owner present in the inputs, or the pod.
    public let resource: Resource
    /// Dotted path from the object to the pod spec: `spec`, `spec.template.spec`, ...
    public let specPath: String
    /// Dotted path from the object to the pod metadata: `metadata`, `spec.template.metadata`, ...
    public let metadataPath: String
    /// The pod spec.
    public let spec: Value
    /// The pod's (or template's) metadata: labels and annotations as the pods get them.
    public let metadata: Value
    /// Pods in the inputs that belong to this owner (directly or through a ReplicaSet or Job).
    public let pods: [Resource]
    /// `pods` grouped by what a pod-spec check can see of them (see `PodVariant`), in order of first pod.
    public let variants: [PodVariant]
    /// For each of `pods`, the index of its variant in `variants`.
    public let variantOfPod: [Int]
    /// Every container, init container and ephemeral container of `spec`, in that order.
    public let containers: [ContainerRef]

    public init(resource: Resource, specPath: String, metadataPath: String, spec: Value, metadata: Value,
                pods: [Resource]) {
        self.resource = resource
        self.specPath = specPath
        self.metadataPath = metadataPath
        self.spec = spec
        self.metadata = metadata
        self.pods = pods
        (self.variants, self.variantOfPod) = PodVariant.group(pods)
        self.containers = ContainerRef.all(in: spec)
    }

    private init(pod: Resource, spec: Value, metadata: Value) {
        self.resource = pod
        self.specPath = "spec"
        self.metadataPath = "metadata"
        self.spec = spec
        self.metadata = metadata
        self.pods = [pod]
        self.variants = []
        self.variantOfPod = []
        self.containers = ContainerRef.all(in: spec)
    }

    public var namespace: String? { resource.namespace }
    public var labels: [String: String] { metadata["labels"]?.stringMap ?? [:] }
    public var annotations: [String: String] { metadata["annotations"]?.stringMap ?? [:] }

    /// Maps a pod-relative path (`spec.containers[0]...`, `metadata.annotations...`) onto this object.
    public func objectPath(_ podPath: String) -> String {
        if podPath == "spec" || podPath.hasPrefix("spec.") || podPath.hasPrefix("spec[") {
            return specPath + podPath.dropFirst(4)
        }
        if podPath == "metadata" || podPath.hasPrefix("metadata.") {
            return metadataPath + podPath.dropFirst(8)
        }
        return podPath
    }

    /// The template of a single pod of this owner, so that its results can be compared with the owner's.
    public static func ofPod(_ pod: Resource) -> PodTemplate {
        PodTemplate(pod: pod, spec: pod.spec, metadata: pod.body["metadata"] ?? .null)
    }

    /// The template of a pod as pod-spec checks see it: the spec without `nodeName` and the metadata's
    /// labels and annotations only, so that pods of one owner that differ only in identity and placement
    /// share one evaluation.
    static func normalized(_ pod: Resource) -> PodTemplate {
        var spec = pod.spec
        if case .map(var members) = spec, members.removeValue(forKey: placementField) != nil { spec = .map(members) }
        var metadata = ValueMap()
        for key in visibleMetadata { if let v = pod.body["metadata"]?[key] { metadata[key] = v } }
        return PodTemplate(pod: pod, spec: spec, metadata: .map(metadata))
    }

    /// The spec member that only places a pod (on a node), left out of `normalized`.
    static let placementField = "nodeName"
    /// The metadata members `normalized` keeps.
    static let visibleMetadata = ["labels", "annotations"]
}

/// Pods of one owner that look the same to a pod-spec check: the same spec apart from `nodeName`, and the
/// same labels and annotations. Pod-spec checks judge the spec, the pod's labels and annotations, and its
/// namespace (shared by an owner's pods), never its name, uid or node; so one evaluation per variant
/// stands for all its pods. Computed once per snapshot and shared by every check.
public struct PodVariant: Sendable {
    /// What the checks see: the first pod of the variant, normalised (`PodTemplate.normalized`).
    public let template: PodTemplate
    /// How many of the owner's pods have this variant.
    public let count: Int

    /// What `PodTemplate.normalized` keeps of a pod, compared in place: the spec's members but the
    /// placement field, and the visible metadata. Grouping builds no normalised copy for pods that repeat
    /// a variant.
    private struct Key: Hashable {
        let spec: Value
        let metadata: [Value?]

        init(_ pod: Resource) {
            spec = pod.spec
            metadata = PodTemplate.visibleMetadata.map { pod.body["metadata"]?[$0] }
        }

        static func == (a: Key, b: Key) -> Bool {
            guard a.metadata == b.metadata else { return false }
            guard case .map(let x) = a.spec, case .map(let y) = b.spec else { return a.spec == b.spec }
            let placement = PodTemplate.placementField
            return x.lazy.filter { $0.key != placement }.elementsEqual(y.lazy.filter { $0.key != placement }) {
                $0.key == $1.key && $0.value == $1.value
            }
        }

        func hash(into hasher: inout Hasher) {
            hasher.combine(metadata)
            guard case .map(let members) = spec else { return hasher.combine(spec) }
            for (key, value) in members where key != PodTemplate.placementField {
                hasher.combine(key)
                hasher.combine(value)
            }
        }
    }

    static func group(_ pods: [Resource]) -> ([PodVariant], [Int]) {
        guard !pods.isEmpty else { return ([], []) }
        var templates: [PodTemplate] = []
        var counts: [Int] = []
        var of: [Int] = []
        of.reserveCapacity(pods.count)
        // An owner's pods mostly share one or two variants, and equal pods share most of their storage
        // (the loader shares identical subtrees), so comparing with the few known variants is quicker than
        // hashing every spec whole. Past a handful of variants, a hash table keeps it linear.
        var keys: [Key] = []
        var seen: [Key: Int]?
        for pod in pods {
            let key = Key(pod)
            if let i = seen.map({ $0[key] }) ?? keys.firstIndex(of: key) {
                counts[i] += 1
                of.append(i)
            } else {
                of.append(templates.count)
                if seen != nil {
                    seen?[key] = templates.count
                } else {
                    keys.append(key)
                    if keys.count > 8 { seen = Dictionary(uniqueKeysWithValues: keys.enumerated().map { ($1, $0) }) }
                }
                templates.append(PodTemplate.normalized(pod))
                counts.append(1)
            }
        }
        return (zip(templates, counts).map { PodVariant(template: $0, count: $1) }, of)
    }
}

/// Read-only indexes over a snapshot, built once and shared by every evaluator.
public final class SnapshotIndex: Sendable {
    /// The kinds that carry a pod spec, with the path to it and to its metadata.
    public static let workloadKinds: [String: (spec: String, metadata: String)] = [
        "Pod": ("spec", "metadata"),
        "Deployment": ("spec.template.spec", "spec.template.metadata"),
        "ReplicaSet": ("spec.template.spec", "spec.template.metadata"),
        "StatefulSet": ("spec.template.spec", "spec.template.metadata"),
        "DaemonSet": ("spec.template.spec", "spec.template.metadata"),
        "Job": ("spec.template.spec", "spec.template.metadata"),
        "ReplicationController": ("spec.template.spec", "spec.template.metadata"),
        "CronJob": ("spec.jobTemplate.spec.template.spec", "spec.jobTemplate.spec.template.metadata"),
    ]

    public let snapshot: Snapshot
    public let resources: [Resource]
    public let byKind: [String: [Resource]]
    public let namespaces: [String: Resource]
    public let nodes: [String: Resource]
    /// Every pod-spec holder to evaluate: top-most owners and pods without an owner in the inputs.
    public let podTemplates: [PodTemplate]
    /// All pods, each with its top-most owner present in the inputs (nil for bare pods).
    public let pods: [Resource]
    private let cache = SharedCache()

    /// A value derived from the snapshot (a resolved RBAC graph, say): built by the first check that asks
    /// for `key`, then shared by every check of the run. Checks run concurrently; one builds, others wait.
    public func shared<T: Sendable>(_ key: String, build: () -> T) -> T {
        cache.value(key, build: build)
    }

    /// Lets the shared values whose keys start with `prefix` go (every one by default): the engine does
    /// once the checks using them have run. A later `shared` builds anew.
    public func releaseShared(prefix: String = "") { cache.remove(prefix: prefix) }

    public init(_ snapshot: Snapshot) {
        self.snapshot = snapshot
        self.resources = snapshot.resources
        var byKind: [String: [Resource]] = [:]
        for r in snapshot.resources { byKind[r.kind, default: []].append(r) }
        self.byKind = byKind
        var namespaces: [String: Resource] = [:]
        for ns in byKind["Namespace"] ?? [] { namespaces[ns.name] = ns }
        self.namespaces = namespaces
        var nodes: [String: Resource] = [:]
        for n in byKind["Node"] ?? [] { nodes[n.name] = n }
        self.nodes = nodes
        self.pods = byKind["Pod"] ?? []

        // Owner lookup by uid, falling back to kind/namespace/name (manifests often lack uids).
        let workloads = snapshot.resources.filter { Self.workloadKinds[$0.kind] != nil }
        var byUID: [String: Resource] = [:]
        var byName: [NameKey: Resource] = [:]
        byUID.reserveCapacity(workloads.count)
        byName.reserveCapacity(workloads.count)
        for r in workloads {
            if let uid = r.uid { byUID[uid] = r }
            byName[NameKey(r.kind, r.namespace, r.name)] = r
        }
        // Read-only from here on, and read from every core.
        let uidIndex = byUID, nameIndex = byName
        func owner(of r: Resource) -> Resource? {
            let refs = r.ownerReferences
            guard let ref = refs.first(where: \.controller) ?? refs.first else { return nil }
            if !ref.uid.isEmpty, let o = uidIndex[ref.uid] { return o }
            return nameIndex[NameKey(ref.kind, r.namespace, ref.name)]
        }
        func topOwner(of r: Resource) -> Resource? {
            var current = r
            var top: Resource?
            // Owner chains are a few links long; a list finds a repeat (a cycle in hostile input) fastest.
            var seen: [NameKey] = []
            while let o = owner(of: current) {
                let key = NameKey(o.kind, o.namespace, o.name)
                if seen.contains(key) { break }
                seen.append(key)
                top = o
                current = o
            }
            return top
        }
        var podsByOwner: [ObjectIdentifier: [Resource]] = [:]
        var templates: [PodTemplate] = []
        var topLevel: [Resource] = []
        // Owner chains are followed on every core (a uid lookup per link); grouping stays in input order.
        let tops = Parallel.map(workloads.count) { topOwner(of: workloads[$0]) }
        for (r, top) in zip(workloads, tops) {
            if let top {
                if r.kind == "Pod" { podsByOwner[ObjectIdentifier(top), default: []].append(r) }
            } else {
                topLevel.append(r)
            }
        }
        // Grouping each owner's pods into variants hashes every pod spec: spread it over the cores.
        let owners = topLevel
        let byOwner = podsByOwner
        templates = Parallel.map(owners.count) { i in
            let r = owners[i]
            guard let paths = Self.workloadKinds[r.kind] else { return nil }
            let pods = r.kind == "Pod" ? [] : byOwner[ObjectIdentifier(r)] ?? []
            return PodTemplate(
                resource: r, specPath: paths.spec, metadataPath: paths.metadata, spec: r.body.at(paths.spec) ?? .null,
                metadata: r.body.at(paths.metadata) ?? .null, pods: pods)
        }.compactMap { $0 }
        self.podTemplates = templates
    }

    /// An object's kind, namespace and name, as owner references name their owner.
    private struct NameKey: Hashable {
        let kind: String, namespace: String?, name: String
        init(_ kind: String, _ namespace: String?, _ name: String) {
            self.kind = kind
            self.namespace = namespace
            self.name = name
        }
    }

    /// Objects of one kind, in input order.
    public func resources(ofKind kind: String) -> [Resource] { byKind[kind] ?? [] }

    /// Whether the inputs hold at least one object of `kind`.
    public func has(kind: String) -> Bool { !(byKind[kind]?.isEmpty ?? true) }

    /// The labels of a namespace, or empty when the namespace object is not in the inputs.
    public func namespaceLabels(_ name: String?) -> [String: String] {
        guard let name else { return [:] }
        return namespaces[name]?.labels ?? [:]
    }

    /// Namespaces that hold at least one pod or pod-bearing workload, sorted.
    public var namespacesWithWorkloads: [String] {
        Set(podTemplates.compactMap(\.namespace)).sorted()
    }
}

/// The values behind `SnapshotIndex.shared`: one lock per key, so that a long build (the network analysis
/// of a large cluster takes seconds) holds up only the checks that wait for the same value.
private final class SharedCache: @unchecked Sendable {
    private final class Entry: @unchecked Sendable {
        let lock = NSLock()
        var value: (any Sendable)?
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]

    /// Drops the values whose keys start with `prefix`. Freeing them (millions of small objects for a large
    /// cluster's network analysis) happens on another thread, alongside what the caller does next.
    func remove(prefix: String) {
        let dropped = Dropped(lock.withLock {
            let gone = entries.filter { $0.key.hasPrefix(prefix) }
            for key in gone.keys { entries[key] = nil }
            return gone
        })
        guard dropped.entries?.isEmpty == false else { return }
        DispatchQueue.global(qos: .utility).async {
            dropped.entries = nil
            // What they held goes back to the system now, not at the next phase: the evaluation's peak.
            evident_release_free_memory()
        }
    }

    /// Values on their way out, freed on the thread that empties this.
    private final class Dropped: @unchecked Sendable {
        var entries: [String: Entry]?
        init(_ entries: [String: Entry]) { self.entries = entries }
    }

    func value<T: Sendable>(_ key: String, build: () -> T) -> T {
        lock.lock()
        let entry: Entry
        if let known = entries[key] {
            entry = known
        } else {
            entry = Entry()
            entries[key] = entry
        }
        lock.unlock()
        entry.lock.lock()
        defer { entry.lock.unlock() }
        if let value = entry.value as? T { return value }
        let value = build()
        entry.value = value
        return value
    }
}

/// Work spread over the cores, results in input order.
public enum Parallel {
    /// `transform(0..<count)`, computed in chunks on every core.
    public static func map<T: Sendable>(_ count: Int, _ transform: (Int) -> T) -> [T] {
        guard count > 1 else { return (0..<count).map(transform) }
        let results = Slots<T>(count: count)
        let chunks = min(count, ProcessInfo.processInfo.activeProcessorCount * 4)
        withoutActuallyEscaping(transform) { transform in
            let work = UncheckedBox(transform)
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let lower = count * chunk / chunks
                let upper = count * (chunk + 1) / chunks
                for i in lower..<upper { results.set(i, work.value(i)) }
            }
        }
        return results.values
    }

    private final class UncheckedBox<V>: @unchecked Sendable {
        let value: V
        init(_ value: V) { self.value = value }
    }

    /// Each index written by exactly one worker, read after all have finished.
    private final class Slots<T>: @unchecked Sendable {
        private let storage: UnsafeMutableBufferPointer<T?>
        init(count: Int) {
            storage = .allocate(capacity: count)
            storage.initialize(repeating: nil)
        }
        deinit {
            storage.deinitialize()
            storage.deallocate()
        }
        func set(_ i: Int, _ value: T) { storage[i] = value }
        var values: [T] { storage.compactMap { $0 } }
    }
}

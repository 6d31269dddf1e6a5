/// One container of a pod spec, with its pod-relative path.
public struct ContainerRef: Sendable {
    /// `containers`, `initContainers` or `ephemeralContainers`.
    public let list: String
    public let index: Int
    public let value: Value

    /// Pod-relative path of the container, e.g. `spec.initContainers[1]`.
    public var path: String { "spec.\(list)[\(index)]" }
    public var name: String { value["name"]?.string ?? "" }
    public var image: String { value["image"]?.string ?? "" }
    public var securityContext: Value { value["securityContext"] ?? .null }

    /// Every container, init container and ephemeral container of a pod spec, in that order.
    static func all(in spec: Value) -> [ContainerRef] {
        var out: [ContainerRef] = []
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            for (i, c) in (spec[list]?.items ?? []).enumerated() { out.append(ContainerRef(list: list, index: i, value: c)) }
        }
        return out
    }
}

/// What a pod-spec check sees for one pod (or one workload's pod template).
public struct PodSpecContext: Sendable {
    public let template: PodTemplate
    public let index: SnapshotIndex

    public init(template: PodTemplate, index: SnapshotIndex) {
        self.template = template
        self.index = index
    }

    public var spec: Value { template.spec }
    public var metadata: Value { template.metadata }
    public var namespace: String? { template.namespace }
    public var podSecurityContext: Value { spec["securityContext"] ?? .null }
    public var namespaceLabels: [String: String] { index.namespaceLabels(namespace) }

    /// Every container, init container and ephemeral container, in that order (listed once per template).
    public var containers: [ContainerRef] { template.containers }

    /// `securityContext.<field>` of the container, falling back to the pod's (the spec's `eff(f)`).
    public func effective(_ field: String, of container: ContainerRef) -> Value? {
        if let v = container.securityContext.at(field), !v.isNull { return v }
        if let v = podSecurityContext.at(field), !v.isNull { return v }
        return nil
    }

    /// True when the pod declares `spec.os.name: windows`.
    public var isWindows: Bool { spec.at("os.name")?.string == "windows" }
}

/// One problem in one pod spec. `path` is pod-relative (`spec.containers[0].securityContext.privileged`,
/// `metadata.annotations.x`) and is mapped onto the reported object by the driver.
public struct Violation: Sendable, Hashable {
    public var path: String
    public var observed: String?
    public var expected: String?
    public var message: String
    public var image: String?

    public init(path: String, observed: String? = nil, expected: String? = nil, message: String, image: String? = nil) {
        self.path = path
        self.observed = observed
        self.expected = expected
        self.message = message
        self.image = image
    }
}

/// An evaluator that judges one pod spec at a time. The shared driver runs it over every top-most
/// workload and bare pod outside `exempt_namespaces`, folds pods whose results equal their owner's
/// template into the owner's finding (`pods` counts them), and reports pods that differ on their own.
public protocol PodSpecEvaluator: Evaluator {
    func violations(in pod: PodSpecContext, parameters: Parameters) throws(EvaluationError) -> [Violation]
}

extension PodSpecEvaluator {
    public func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        try PodSpecDriver.run(context) { pod throws(EvaluationError) in try violations(in: pod, parameters: context.parameters) }
    }
}

/// The shared pod-spec pass, for evaluators that prepare something first (a compiled pattern, an index)
/// and then judge pod specs: `PodSpecEvaluator`s use it, and others can call it with a closure.
public enum PodSpecDriver {
    /// Runs `violations` over every top-most workload template and bare pod outside `exempt_namespaces`,
    /// folds pods whose results equal their owner's template into the owner's finding (`pods` counts them),
    /// and reports pods that differ on their own.
    public static func run(_ context: EvaluationContext,
                           _ violations: (PodSpecContext) throws(EvaluationError) -> [Violation]) throws(EvaluationError) -> CheckOutcome {
        let parameters = context.parameters
        var evaluated = 0
        var findings: [Finding] = []
        var strings = Interner()
        for template in context.index.podTemplates where !parameters.isExempt(template.namespace) {
            let base = try violations(PodSpecContext(template: template, index: context.index))
            evaluated += 1
            var baseKeys: Set<String>?
            var folded = template.resource.kind == "Pod" ? 1 : 0
            // One evaluation per variant of the owner's pods (pods that look the same to the check). `differing`
            // holds the results of those that differ from the owner's, by variant; it stays empty (and
            // unallocated) while none does, which is the usual case.
            var differing: [[Violation]?] = []
            for (k, variant) in template.variants.enumerated() {
                let result = try violations(PodSpecContext(template: variant.template, index: context.index))
                // Usually the same violations in the same order; else compared as sets.
                if result.count == base.count, zip(result, base).allSatisfy(Self.sameProblem) { continue }
                let keys = baseKeys ?? Set(base.map(Self.comparisonKey))
                baseKeys = keys
                if Set(result.map(Self.comparisonKey)) == keys { continue }
                if differing.isEmpty { differing = Array(repeating: nil, count: template.variants.count) }
                differing[k] = result
            }
            if differing.isEmpty {
                // Every pod looks like its owner to this check (the usual case): nothing to look at per pod.
                folded += template.pods.count
            } else {
                for (pod, v) in zip(template.pods, template.variantOfPod) {
                    if let result = differing[v] {
                        evaluated += 1
                        let own = PodTemplate.ofPod(pod)
                        findings += result.map { Self.finding($0, on: own, pods: 1, strings: &strings) }
                    } else {
                        folded += 1
                    }
                }
            }
            findings += base.map { Self.finding($0, on: template, pods: folded, strings: &strings) }
        }
        return CheckOutcome(evaluated: evaluated, findings: findings)
    }

    private static func comparisonKey(_ v: Violation) -> String { v.path + "\u{1}" + (v.observed ?? "") }

    /// Whether two violations are the same problem: the same path and observed value (`comparisonKey`).
    private static func sameProblem(_ a: Violation, _ b: Violation) -> Bool { a.path == b.path && a.observed == b.observed }

    /// The finding of `v` on `template`. Its texts are interned: a check's findings repeat a few paths and
    /// expectations and many messages (at 150,000 pods, 374,000 findings hold 145 distinct paths and 127,000
    /// distinct messages), and each copy was an allocation held until the reports were written.
    private static func finding(_ v: Violation, on template: PodTemplate, pods: Int, strings: inout Interner) -> Finding {
        Finding(on: template.resource, path: strings(template.objectPath(v.path)), observed: v.observed.map { strings($0) },
                expected: v.expected.map { strings($0) }, pods: pods, message: strings(v.message), image: v.image)
    }

    /// One instance of each distinct text.
    struct Interner {
        private var seen: Set<String> = []

        mutating func callAsFunction(_ text: String) -> String { seen.insert(text).memberAfterInsert }
    }
}

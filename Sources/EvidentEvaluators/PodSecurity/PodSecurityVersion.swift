import EvidentCore

/// A Pod Security Admission policy version, `v1.<minor>`. Each Pod Security check behaves as the named
/// version defines it; `latest` is the newest version this release knows.
struct PodSecurityVersion: Sendable, Hashable, Comparable, CustomStringConvertible {
    let minor: Int

    /// The newest version this release knows; `latest` means this one.
    static let latest = PodSecurityVersion.v1(37)
    /// The namespace label that pins the version of the enforced level for the namespace's pods.
    static let enforceVersionLabel = "pod-security.kubernetes.io/enforce-version"

    static func v1(_ minor: Int) -> PodSecurityVersion { PodSecurityVersion(minor: minor) }

    /// Reads `latest` or `v1.<minor>` (no leading zeros). Versions newer than `latest` evaluate as `latest`,
    /// as Pod Security Admission does; anything else is nil.
    init?(parsing text: String) {
        if text == "latest" {
            self = .latest
            return
        }
        guard text.hasPrefix("v1.") else { return nil }
        let digits = text.dropFirst(3)
        guard !digits.isEmpty, digits.count <= 6, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber),
              digits == "0" || digits.first != "0", let minor = Int(digits) else { return nil }
        self.minor = min(minor, PodSecurityVersion.latest.minor)
    }

    private init(minor: Int) { self.minor = minor }

    var description: String { "v1.\(minor)" }

    static func < (a: PodSecurityVersion, b: PodSecurityVersion) -> Bool { a.minor < b.minor }

    /// The version that applies to one pod: its namespace's valid `enforce-version` label, else the
    /// `pss_version` parameter, else `latest`. Throws when `pss_version` is set but not a version.
    static func effective(for pod: PodSpecContext,
                          parameters: Parameters) throws(EvaluationError) -> PodSecurityVersion {
        if let pinned = pinned(pod.namespaceLabels) { return pinned }
        return try configured(parameters)
    }

    /// The version a namespace's valid `enforce-version` label pins, if any.
    static func pinned(_ namespaceLabels: [String: String]) -> PodSecurityVersion? {
        namespaceLabels[enforceVersionLabel].flatMap { PodSecurityVersion(parsing: $0) }
    }

    /// The `pss_version` parameter, else `latest`. Throws when it is set but not a version.
    static func configured(_ parameters: Parameters) throws(EvaluationError) -> PodSecurityVersion {
        guard let value = parameters["pss_version"], !value.isNull else { return .latest }
        guard let text = value.string, let version = PodSecurityVersion(parsing: text) else {
            throw EvaluationError("pss_version \(value.display) is not 'latest' or a version such as 'v1.29'")
        }
        return version
    }

    /// The parameters every Pod Security check reads.
    static let parameters: [EvaluatorParameter] = [
        EvaluatorParameter("exempt_namespaces", "namespaces whose workloads are not checked"),
        EvaluatorParameter("pss_version", "Pod Security Standards version: 'latest' (default) or 'v1.<minor>'; "
                           + "a namespace's pod-security.kubernetes.io/enforce-version label wins for its pods"),
    ]
}

/// One Pod Security Admission check (`pss-<checkId>`): it applies from the version that introduced it,
/// skips Windows pods from the version that exempts them, and judges the pod at its effective version.
protocol PodSecurityCheck: PodSpecEvaluator {
    /// The first version that has this check; older versions yield no violations.
    static var introduced: PodSecurityVersion { get }
    /// From this version on, pods with `spec.os.name: windows` are exempt (nil: never exempt).
    static var windowsExemptFrom: PodSecurityVersion? { get }
    /// The violations of one pod at `version` (already known to have this check).
    func check(_ pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation]
}

extension PodSecurityCheck {
    static var introduced: PodSecurityVersion { .v1(0) }

    static func validate(_ parameters: Parameters) throws(EvaluationError) {
        guard let value = parameters["pss_version"], !value.isNull else { return }
        guard let text = value.string, PodSecurityVersion(parsing: text) != nil else {
            throw EvaluationError("pss_version \(value.display) is not 'latest' or a version such as 'v1.29'")
        }
    }

    /// A namespace whose `enforce-version` label is not a version falls back to the default; say so.
    static func diagnostics(for index: SnapshotIndex, parameters: Parameters) -> [Diagnostic] {
        index.resources(ofKind: "Namespace").compactMap { ns in
            guard let label = ns.labels[PodSecurityVersion.enforceVersionLabel],
                  PodSecurityVersion(parsing: label) == nil else { return nil }
            return Diagnostic(.warning, "namespace \(ns.name): label \(PodSecurityVersion.enforceVersionLabel)='\(label)' "
                              + "is not a version (latest or v1.N); its pods are checked at the default version", at: ns.source)
        }
    }
    static var windowsExemptFrom: PodSecurityVersion? { nil }

    func violations(in pod: PodSpecContext, parameters: Parameters) throws(EvaluationError) -> [Violation] {
        violations(in: pod, at: try PodSecurityVersion.effective(for: pod, parameters: parameters))
    }

    /// `violations(in:parameters:)` with the effective version worked out once per namespace rather than per
    /// pod (a label lookup and a version parse each, for every pod of a large cluster and every check).
    func evaluate(_ context: EvaluationContext) throws(EvaluationError) -> CheckOutcome {
        var versions: [String: PodSecurityVersion] = [:]
        // Pods come grouped by namespace more often than not: the last one is checked first.
        var last: (namespace: String, version: PodSecurityVersion)?
        return try PodSpecDriver.run(context) { pod throws(EvaluationError) in
            if let namespace = pod.namespace {
                if let last, last.namespace == namespace { return violations(in: pod, at: last.version) }
                if let version = versions[namespace] {
                    last = (namespace, version)
                    return violations(in: pod, at: version)
                }
            }
            let version = try PodSecurityVersion.effective(for: pod, parameters: context.parameters)
            if let namespace = pod.namespace {
                versions[namespace] = version
                last = (namespace, version)
            }
            return violations(in: pod, at: version)
        }
    }

    private func violations(in pod: PodSpecContext, at version: PodSecurityVersion) -> [Violation] {
        guard version >= Self.introduced else { return [] }
        if let exempt = Self.windowsExemptFrom, version >= exempt, pod.isWindows { return [] }
        return check(pod, at: version)
    }
}

/// Small readers shared by the Pod Security checks.
enum PodSecurityFields {
    /// A string member that counts as set: present and not empty.
    static func nonEmpty(_ value: Value?) -> String? {
        guard let s = value?.string, !s.isEmpty else { return nil }
        return s
    }

    /// True when the value is present and not null.
    static func isSet(_ value: Value?) -> Bool {
        guard let value else { return false }
        return !value.isNull
    }

    /// The pod's annotations, in key order (for stable output).
    static func annotations(of pod: PodSpecContext) -> [(key: String, value: String)] {
        // A map's members are already in key order.
        (pod.metadata["annotations"]?.map ?? ValueMap()).compactMap { member in
            member.value.memberText.map { (member.key, $0) }
        }
    }

    /// A pod-relative path to one annotation.
    static func annotationPath(_ key: String) -> String { "metadata.annotations['\(key)']" }

    /// Renders a list of values for `observed`, e.g. `NET_RAW, SYS_ADMIN`.
    static func list(_ values: [Value]) -> String { values.map(\.display).joined(separator: ", ") }
}

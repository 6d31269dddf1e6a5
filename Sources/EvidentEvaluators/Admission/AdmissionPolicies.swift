import Foundation
import EvidentCore
import EvidentNetwork

/// What an admission policy can enforce, as far as the 800-190 controls care.
enum AdmissionTopic: String, Sendable, Hashable, CaseIterable {
    case registries = "allowed registries"
    case tags = "no mutable image tags"
    case digests = "image digests"
    case signatures = "image signature verification"
    case vulnerabilities = "a vulnerability gate (scan attestations)"
    case podSecurity = "pod security"
}

/// One policy object (or namespace label) that enforces, or only audits, some topics at admission, with
/// the namespaces it covers.
struct AdmissionRule: Sendable {
    enum Scope: Sendable {
        /// Namespaces whose name matches `include` (globs; nil means all), not `exclude`, and whose labels
        /// match `selector`.
        case namespaces(include: [String]?, exclude: [String], selector: LabelSelector?)
        /// Namespaces carrying `label=value` (sigstore policy-controller's opt-in label).
        case labelled(String, String)
    }

    /// `Kyverno ClusterPolicy restrict-registries`, `PSA label on namespace shop`.
    var name: String
    var topics: Set<AdmissionTopic>
    /// Whether it rejects (deny / Enforce), rather than only audits or warns.
    var enforced: Bool
    /// The mode in words, for evidence: `Enforce`, `Audit`, `dryrun`...
    var mode: String
    var scope: Scope

    /// The namespaces this rule can cover when it lists them by name, without wildcards; nil otherwise.
    var literalNamespaces: [String]? {
        guard case .namespaces(let include?, _, _) = scope,
              !include.contains(where: { $0.contains("*") || $0.contains("?") }) else { return nil }
        return include
    }

    func covers(_ namespace: String, labels: [String: String]) -> Bool {
        switch scope {
        case .labelled(let key, let value):
            return labels[key] == value
        case .namespaces(let include, let exclude, let selector):
            if let include, !include.contains(where: { Glob.matches($0, namespace) }) { return false }
            if exclude.contains(where: { Glob.matches($0, namespace) }) { return false }
            return selector?.matches(labels) ?? true
        }
    }
}

/// Reads what enforces policy at admission from the snapshot: Pod Security Admission labels, Kyverno
/// ClusterPolicy / Policy rules, Gatekeeper constraints, ValidatingAdmissionPolicy with its bindings, and
/// sigstore policy-controller ClusterImagePolicy objects.
enum AdmissionPolicies {
    /// Kinds whose pods a rule must match to count (Kyverno autogen extends Pod rules to controllers).
    static let podKinds: Set<String> = Set(SnapshotIndex.workloadKinds.keys).union(["*"])
    static let podResources: Set<String> = ["pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs",
                                            "cronjobs", "replicationcontrollers", "*"]

    /// Whether the inputs hold any policy-engine object (so the absence of a rule means something).
    static func hasPolicyObjects(_ index: SnapshotIndex) -> Bool {
        index.shared("admission.hasPolicyObjects") {
            index.resources.contains { isKyverno($0) || isGatekeeperConstraint($0) || isSigstore($0)
                || $0.kind == "ValidatingAdmissionPolicyBinding" }
        }
    }

    // By apiVersion prefix: these run over every object of the snapshot, and `group` builds a string.
    static func isKyverno(_ r: Resource) -> Bool {
        (r.kind == "ClusterPolicy" || r.kind == "Policy") && r.apiVersion.hasPrefix("kyverno.io/")
    }
    static func isGatekeeperConstraint(_ r: Resource) -> Bool { r.apiVersion.hasPrefix("constraints.gatekeeper.sh/") }
    static func isSigstore(_ r: Resource) -> Bool {
        r.kind == "ClusterImagePolicy" && r.apiVersion.hasPrefix("policy.sigstore.dev/")
    }

    /// Every rule found in the inputs, enforcing or not; read once per run and shared by the checks.
    static func rules(in index: SnapshotIndex) -> [AdmissionRule] {
        index.shared("admission.rules") { readRules(in: index) }
    }

    private static func readRules(in index: SnapshotIndex) -> [AdmissionRule] {
        var out: [AdmissionRule] = []
        for ns in index.resources(ofKind: "Namespace") {
            if let level = ns.labels[NamespacePSAEnforce.label] {
                out.append(AdmissionRule(
                    name: "Pod Security Admission label on namespace \(ns.name)", topics: [.podSecurity],
                    enforced: NamespacePSAEnforce.enforcingLevels.contains(level), mode: "enforce=\(level)",
                    scope: .namespaces(include: [ns.name], exclude: [], selector: nil)))
            }
        }
        for r in index.resources {
            if isKyverno(r) { out += kyverno(r) }
            else if isGatekeeperConstraint(r) { out += gatekeeper(r).map { [$0] } ?? [] }
            else if isSigstore(r) { out.append(sigstore(r)) }
        }
        out += validatingAdmissionPolicies(index)
        return out
    }

    // MARK: Kyverno

    static func kyverno(_ policy: Resource) -> [AdmissionRule] {
        let spec = policy.spec
        if spec["admission"]?.bool == false { return [] }
        let policyAction = spec["validationFailureAction"]?.string ?? "Audit"
        let policyOverrides = spec["validationFailureActionOverrides"]?.items ?? []
        let title = policy.annotations["policies.kyverno.io/title"] ?? ""
        let kind = policy.kind
        var out: [AdmissionRule] = []
        for rule in spec["rules"]?.items ?? [] {
            let ruleName = rule["name"]?.string ?? "?"
            guard matchesPods(rule) else { continue }
            let (include, exclude) = kyvernoNamespaces(rule, policy: policy)
            let selector = (rule.at("match.resources.namespaceSelector")).flatMap { try? LabelSelector.parse($0) }
            func add(_ topics: Set<AdmissionTopic>, action: String, overrides: [Value]) {
                guard !topics.isEmpty else { return }
                let enforce = action.lowercased() == "enforce"
                var extraExclude: [String] = []
                for o in overrides where (o["action"]?.string?.lowercased() == "enforce") != enforce {
                    extraExclude += o["namespaces"]?.stringList ?? []
                }
                out.append(AdmissionRule(
                    name: "Kyverno \(kind) \(policy.name) rule \(ruleName)", topics: topics, enforced: enforce, mode: action,
                    scope: .namespaces(include: include, exclude: exclude + extraExclude, selector: selector)))
                // Namespaces overridden to the other action.
                for o in overrides where (o["action"]?.string?.lowercased() == "enforce") != enforce {
                    let names = o["namespaces"]?.stringList ?? []
                    guard !names.isEmpty else { continue }
                    out.append(AdmissionRule(
                        name: "Kyverno \(kind) \(policy.name) rule \(ruleName) (override)", topics: topics, enforced: !enforce,
                        mode: o["action"]?.string ?? "?", scope: .namespaces(include: names, exclude: exclude, selector: selector)))
                }
            }
            if let validate = rule["validate"], validate.map != nil {
                let action = validate["failureAction"]?.string ?? policyAction
                let overrides = validate["failureActionOverrides"]?.items ?? policyOverrides
                add(validateTopics(validate, names: [policy.name, ruleName, title]), action: action, overrides: overrides)
            }
            for verify in rule["verifyImages"]?.items ?? [] {
                var topics: Set<AdmissionTopic> = []
                if !(verify["attestors"]?.items ?? []).isEmpty || verify["keys"] != nil || verify["key"] != nil {
                    topics.insert(.signatures)
                }
                let attestations = verify["attestations"]?.items ?? []
                if attestations.contains(where: { a in
                    ((a["predicateType"]?.string ?? "") + (a["type"]?.string ?? "")).lowercased().contains("vuln")
                }) {
                    topics.insert(.vulnerabilities)
                }
                if verify["verifyDigest"]?.bool != false || verify["mutateDigest"]?.bool == true { topics.insert(.digests) }
                if verify["required"]?.bool == false { topics = [] }
                add(topics, action: verify["failureAction"]?.string ?? policyAction, overrides: policyOverrides)
            }
        }
        return out
    }

    /// Whether a Kyverno rule's `match` selects pods or pod controllers (any block, or the legacy form).
    static func matchesPods(_ rule: Value) -> Bool {
        guard let match = rule["match"] else { return false }
        var blocks = (match["any"]?.items ?? []) + (match["all"]?.items ?? [])
        if let resources = match["resources"] { blocks.append(.map(["resources": resources])) }
        return blocks.contains { block in
            (block.at("resources.kinds")?.stringList ?? []).contains { kind in
                podKinds.contains(String(kind.split(separator: "/").last ?? ""))
            }
        }
    }

    /// The namespaces a Kyverno rule is limited to (nil: all) and those it excludes.
    static func kyvernoNamespaces(_ rule: Value, policy: Resource) -> ([String]?, [String]) {
        if policy.kind == "Policy" { return ([policy.namespace ?? ""], []) }
        func names(_ v: Value?) -> [String] {
            guard let v else { return [] }
            var blocks = (v["any"]?.items ?? []) + (v["all"]?.items ?? [])
            if let resources = v["resources"] { blocks.append(.map(["resources": resources])) }
            return blocks.flatMap { $0.at("resources.namespaces")?.stringList ?? [] }
        }
        let include = names(rule["match"])
        return (include.isEmpty ? nil : include, names(rule["exclude"]))
    }

    static let podSecurityKeys: Set<String> = [
        "privileged", "hostPID", "hostIPC", "hostNetwork", "hostPort", "capabilities", "allowPrivilegeEscalation",
        "runAsNonRoot", "runAsUser", "seccompProfile", "procMount", "hostPath", "sysctls", "seLinuxOptions",
        "appArmorProfile",
    ]

    /// The topics of a Kyverno `validate` block, from its pod-security level, its patterns, its deny
    /// conditions and CEL expressions, and (only to tell image rules apart) the policy and rule names.
    static func validateTopics(_ validate: Value, names: [String]) -> Set<AdmissionTopic> {
        var topics: Set<AdmissionTopic> = []
        if let level = validate.at("podSecurity.level")?.string, level == "baseline" || level == "restricted" {
            topics.insert(.podSecurity)
        }
        var images: [String] = []
        var keys: Set<String> = []
        for part in ["pattern", "anyPattern", "deny", "foreach", "cel"] {
            if let v = validate[part] { collect(v, images: &images, keys: &keys) }
        }
        if !keys.isDisjoint(with: podSecurityKeys) { topics.insert(.podSecurity) }
        let text = (validate["cel"].map(\.display) ?? "") + (validate["deny"].map(\.display) ?? "")
            + (validate["foreach"].map(\.display) ?? "")
        topics.formUnion(imageTopics(patterns: images, text: text, names: names))
        return topics
    }

    /// Walks a pattern: string values under `image` keys, and every key seen (Kyverno anchors stripped).
    static func collect(_ v: Value, images: inout [String], keys: inout Set<String>) {
        switch v {
        case .map(let m):
            for (k, child) in m {
                let key = k.trimmingCharacters(in: CharacterSet(charactersIn: "=()^<>+X!"))
                keys.insert(key)
                if key == "image", let s = child.string { images.append(s) }
                collect(child, images: &images, keys: &keys)
            }
        case .list(let l): for child in l { collect(child, images: &images, keys: &keys) }
        default: break
        }
    }

    /// Which image topics a rule enforces, from image patterns (`!*:latest`, `*@sha256:*`, `registry.io/*`)
    /// and from expression text that reads images.
    static func imageTopics(patterns: [String], text: String, names: [String]) -> Set<AdmissionTopic> {
        var topics: Set<AdmissionTopic> = []
        let lowerText = text.lowercased()
        let label = names.joined(separator: " ").lowercased()
        for p in patterns {
            if p.contains(":latest") { topics.insert(.tags) }
            else if p.contains("@") { topics.insert(.digests) }
            else if p.contains("/") { topics.insert(.registries) }
            else if p == "*:*" { topics.insert(.tags) }
        }
        if lowerText.contains("image") {
            if lowerText.contains("latest") { topics.insert(.tags) }
            if lowerText.contains("@sha256") || lowerText.contains("digest") { topics.insert(.digests) }
            if lowerText.contains("startswith") || lowerText.contains("registr") || label.contains("registr")
                || label.contains("repo") {
                topics.insert(.registries)
            }
        }
        return topics
    }

    // MARK: Gatekeeper

    static let gatekeeperKinds: [String: Set<AdmissionTopic>] = [
        "K8sAllowedRepos": [.registries], "K8sAllowedReposv2": [.registries], "K8sDisallowedRepos": [.registries],
        "K8sDisallowedTags": [.tags], "K8sImageDigests": [.digests],
    ]

    static func gatekeeper(_ c: Resource) -> AdmissionRule? {
        let topics = gatekeeperKinds[c.kind] ?? (c.kind.hasPrefix("K8sPSP") ? [.podSecurity] : [])
        guard !topics.isEmpty else { return nil }
        let spec = c.spec
        if let kinds = spec.at("match.kinds")?.items, !kinds.isEmpty,
           !kinds.contains(where: { ($0["kinds"]?.stringList ?? []).contains { podKinds.contains($0) } }) {
            return nil
        }
        let action = spec["enforcementAction"]?.string ?? "deny"
        var enforced = action == "deny"
        if action == "scoped" {
            enforced = (spec["scopedEnforcementActions"]?.items ?? []).contains { s in
                s["action"]?.string == "deny" && (s["enforcementPoints"]?.items ?? []).contains {
                    let name = $0["name"]?.string ?? ""
                    return name == "validation.gatekeeper.sh" || name == "*"
                }
            }
        }
        let include = spec.at("match.namespaces")?.stringList
        let selector = spec.at("match.namespaceSelector").flatMap { try? LabelSelector.parse($0) }
        return AdmissionRule(
            name: "Gatekeeper \(c.kind) \(c.name)", topics: topics, enforced: enforced, mode: action,
            scope: .namespaces(include: include?.isEmpty == false ? include : nil,
                               exclude: spec.at("match.excludedNamespaces")?.stringList ?? [], selector: selector))
    }

    // MARK: ValidatingAdmissionPolicy

    static func validatingAdmissionPolicies(_ index: SnapshotIndex) -> [AdmissionRule] {
        var policies: [String: Resource] = [:]
        for p in index.resources(ofKind: "ValidatingAdmissionPolicy") { policies[p.name] = p }
        var out: [AdmissionRule] = []
        for binding in index.resources(ofKind: "ValidatingAdmissionPolicyBinding") {
            guard let name = binding.spec["policyName"]?.string, let policy = policies[name] else { continue }
            let resources = (policy.spec.at("matchConstraints.resourceRules")?.items ?? [])
                .flatMap { $0["resources"]?.stringList ?? [] }
            guard resources.contains(where: podResources.contains) else { continue }
            var images: [String] = []
            var keys: Set<String> = []
            let validations = policy.spec["validations"] ?? .null
            let text = validations.items.map { ($0["expression"]?.string ?? "") + " " + ($0["message"]?.string ?? "") }
                .joined(separator: " ")
            collect(validations, images: &images, keys: &keys)
            var topics = imageTopics(patterns: [], text: text, names: [policy.name])
            if podSecurityKeys.contains(where: { text.contains($0) }) { topics.insert(.podSecurity) }
            guard !topics.isEmpty else { continue }
            let actions = binding.spec["validationActions"]?.stringList ?? []
            let selector = binding.spec.at("matchResources.namespaceSelector").flatMap { try? LabelSelector.parse($0) }
            out.append(AdmissionRule(
                name: "ValidatingAdmissionPolicy \(policy.name) (binding \(binding.name))", topics: topics,
                enforced: actions.contains("Deny"), mode: actions.isEmpty ? "no actions" : actions.joined(separator: ","),
                scope: .namespaces(include: nil, exclude: [], selector: selector)))
        }
        return out
    }

    // MARK: sigstore policy-controller

    static func sigstore(_ policy: Resource) -> AdmissionRule {
        let mode = policy.spec["mode"]?.string ?? "enforce"
        var topics: Set<AdmissionTopic> = [.signatures]
        let attestations = (policy.spec["authorities"]?.items ?? []).flatMap { $0["attestations"]?.items ?? [] }
        if attestations.contains(where: { ($0["predicateType"]?.string ?? "").lowercased().contains("vuln") }) {
            topics.insert(.vulnerabilities)
        }
        return AdmissionRule(name: "sigstore ClusterImagePolicy \(policy.name)", topics: topics, enforced: mode == "enforce",
                             mode: mode, scope: .labelled("policy.sigstore.dev/include", "true"))
    }
}

import EvidentCore
import EvidentNetwork

// RBAC resolved once from a snapshot: roles with their effective rules (aggregation included), bindings
// with their subjects and role, and rule matching as the Kubernetes RBAC authorizer does it.

/// Which objects of a resource a question is about, for rules restricted by `resourceNames`.
enum RBACNameScope: Sendable, Hashable {
    /// Every object: only rules without `resourceNames` grant it.
    case allObjects
    /// At least one object: name-restricted rules grant it too.
    case someObjects
    /// One named object: rules without `resourceNames`, or listing this name.
    case object(String)
}

/// One `rules[]` entry of a Role or ClusterRole.
struct RBACRule: Sendable, Hashable {
    var verbs: [String]
    var apiGroups: [String]
    var resources: [String]
    var resourceNames: [String]
    var nonResourceURLs: [String]

    init(verbs: [String], apiGroups: [String] = [""], resources: [String] = [], resourceNames: [String] = [],
         nonResourceURLs: [String] = []) {
        self.verbs = verbs
        self.apiGroups = apiGroups
        self.resources = resources
        self.resourceNames = resourceNames
        self.nonResourceURLs = nonResourceURLs
    }

    init(_ value: Value) {
        self.init(verbs: value["verbs"]?.stringList ?? [], apiGroups: value["apiGroups"]?.stringList ?? [],
                  resources: value["resources"]?.stringList ?? [],
                  resourceNames: value["resourceNames"]?.stringList ?? [],
                  nonResourceURLs: value["nonResourceURLs"]?.stringList ?? [])
    }

    func matchesVerb(_ verb: String) -> Bool { verbs.contains("*") || verbs.contains(verb) }

    /// `""` is the core group.
    func matchesGroup(_ group: String) -> Bool { apiGroups.contains("*") || apiGroups.contains(group) }

    /// Whether the rule covers `resource`, which may name a subresource (`pods/exec`). As in Kubernetes, `*`
    /// covers everything and `*/exec` covers the `exec` subresource of any resource, but `pods` does not
    /// cover `pods/exec`.
    func matchesResource(_ resource: String) -> Bool {
        var subresource: Substring = ""
        if let slash = resource.firstIndex(of: "/") { subresource = resource[resource.index(after: slash)...] }
        for entry in resources {
            if entry == "*" || entry == resource { return true }
            if !subresource.isEmpty, entry.hasPrefix("*/"), entry.dropFirst(2) == subresource { return true }
        }
        return false
    }

    func matchesName(_ scope: RBACNameScope) -> Bool {
        switch scope {
        case .allObjects: return resourceNames.isEmpty
        case .someObjects: return true
        case .object(let name): return resourceNames.isEmpty || resourceNames.contains(name)
        }
    }

    /// Whether the rule grants `verb` on `resource` in API group `group`.
    func grants(_ verb: String, on resource: String, group: String, names: RBACNameScope = .allObjects) -> Bool {
        matchesVerb(verb) && matchesGroup(group) && matchesResource(resource) && matchesName(names)
    }

    /// The subset of `verbs` the rule grants on `resource`, in the order asked.
    func grantedVerbs(_ verbs: [String], on resource: String, group: String,
                      names: RBACNameScope = .allObjects) -> [String] {
        guard matchesGroup(group), matchesResource(resource), matchesName(names) else { return [] }
        return verbs.filter(matchesVerb)
    }

    /// ADMIN: every verb on every resource in every API group, not restricted to named objects.
    var isAdmin: Bool {
        verbs.contains("*") && resources.contains("*") && apiGroups.contains("*") && resourceNames.isEmpty
    }

    /// `verbs [get, list] on secrets (group core)`, for observed values and messages.
    var summary: String {
        var text = "verbs [\(verbs.joined(separator: ", "))]"
        if !resources.isEmpty {
            let groups = apiGroups.map { $0.isEmpty ? "core" : $0 }.joined(separator: ", ")
            text += " on [\(resources.joined(separator: ", "))] in groups [\(groups)]"
        }
        if !resourceNames.isEmpty { text += " (only objects named \(resourceNames.joined(separator: ", ")))" }
        if !nonResourceURLs.isEmpty { text += " on URLs [\(nonResourceURLs.joined(separator: ", "))]" }
        return text
    }
}

/// A rule as a role holds it: declared by the role itself or by a ClusterRole aggregated into it.
struct RBACEffectiveRule: Sendable, Hashable {
    var rule: RBACRule
    /// The name of the role whose `rules` declare it.
    var source: String
    /// The index in the declaring role's `rules`.
    var index: Int
    /// Nil for the role's own rule; for an aggregated one, the `clusterRoleSelectors` entry that brought it in.
    var selector: Int?

    var isOwn: Bool { selector == nil }

    /// Where the rule comes from inside the role holding it: `rules[i]`, or the aggregation selector.
    var path: String {
        if let selector { return "aggregationRule.clusterRoleSelectors[\(selector)]" }
        return "rules[\(index)]"
    }
}

/// A Role or ClusterRole with its effective rules.
struct RBACRole: Sendable {
    let resource: Resource
    /// The role's own `rules`.
    let ownRules: [RBACRule]
    /// Own rules first, then those of aggregated ClusterRoles (by name), without repeats.
    let rules: [RBACEffectiveRule]
    /// Names of the ClusterRoles aggregated into this one, directly or through another aggregated role, sorted.
    let aggregated: [String]

    var kind: String { resource.kind }
    var name: String { resource.name }
    var namespace: String? { resource.namespace }

    /// The first rule that makes this role ADMIN, if any.
    var adminRule: RBACEffectiveRule? { rules.first { $0.rule.isAdmin } }
    var isAdmin: Bool { adminRule != nil }

    /// `ClusterRole cluster-admin` or `Role shop/deployer`.
    var display: String { resource.id.description }
}

/// A subject of a binding.
struct RBACSubject: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// `User`, `Group` or `ServiceAccount` (other values are kept as written).
    let kind: String
    let name: String
    /// The namespace of a ServiceAccount (defaulted to a RoleBinding's own); nil for users and groups.
    let namespace: String?

    init(kind: String, name: String, namespace: String? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = kind == "ServiceAccount" ? namespace : nil
    }

    /// `User:alice`, `Group:ops`, `ServiceAccount:ci/deployer`: the form `ci_subjects` uses.
    var key: String {
        kind == "ServiceAccount" ? "\(kind):\(namespace ?? "")/\(name)" : "\(kind):\(name)"
    }

    var description: String { key }

    var isUserOrGroup: Bool { kind == "User" || kind == "Group" }

    /// Whether the subject names a built-in identity (`system:masters`, `system:kube-scheduler`, ...).
    var isSystem: Bool { name.hasPrefix("system:") }

    /// Whether requests of service account `namespace/name` match this subject: the account itself, or a
    /// group every such account belongs to (`system:serviceaccounts`, `system:serviceaccounts:<ns>`,
    /// `system:authenticated`).
    func covers(serviceAccount name: String, in namespace: String) -> Bool {
        switch kind {
        case "ServiceAccount": return self.name == name && self.namespace == namespace
        case "Group":
            return self.name == "system:serviceaccounts" || self.name == "system:serviceaccounts:\(namespace)"
                || self.name == "system:authenticated"
        default: return false
        }
    }

    static func < (a: RBACSubject, b: RBACSubject) -> Bool { a.key < b.key }
}

/// A RoleBinding or ClusterRoleBinding, resolved.
struct RBACBinding: Sendable {
    let resource: Resource
    /// `roleRef.kind` (`Role` or `ClusterRole`) and `roleRef.name`.
    let roleKind: String
    let roleName: String
    /// The role referred to, when the snapshot holds it.
    let role: RBACRole?
    /// Each subject with its index in `subjects`, repeats removed.
    let subjects: [(index: Int, subject: RBACSubject)]

    var kind: String { resource.kind }
    var name: String { resource.name }
    var isClusterWide: Bool { resource.kind == "ClusterRoleBinding" }
    /// The namespace a RoleBinding grants in; nil for a ClusterRoleBinding.
    var namespace: String? { isClusterWide ? nil : resource.namespace }
    var rules: [RBACEffectiveRule] { role?.rules ?? [] }
    var isAdmin: Bool { role?.isAdmin ?? false }

    /// `ClusterRoleBinding ops-admin` or `RoleBinding shop/deployers`.
    var display: String { resource.id.description }
    /// `ClusterRole cluster-admin`, or `Role shop/deployer`.
    var roleDisplay: String {
        roleKind == "Role" ? "Role \(resource.namespace ?? "")/\(roleName)" : "\(roleKind) \(roleName)"
    }
    /// `cluster-wide` or `in namespace shop`.
    var scopeDisplay: String { isClusterWide ? "cluster-wide" : "in namespace \(resource.namespace ?? "")" }

    /// Whether the binding's grants apply to objects in `namespace`.
    func applies(in namespace: String) -> Bool { isClusterWide || resource.namespace == namespace }

    /// The subset of `verbs` any effective rule grants on `resource`, in the order asked.
    func grantedVerbs(_ verbs: [String], on resource: String, group: String,
                      names: RBACNameScope = .allObjects) -> [String] {
        var granted: Set<String> = []
        for effective in rules {
            granted.formUnion(effective.rule.grantedVerbs(verbs, on: resource, group: group, names: names))
        }
        return verbs.filter(granted.contains)
    }

    /// Whether some effective rule grants `verb` on `resource`.
    func grants(_ verb: String, on resource: String, group: String, names: RBACNameScope = .allObjects) -> Bool {
        rules.contains { $0.rule.grants(verb, on: resource, group: group, names: names) }
    }

    /// Subjects joined for messages: `User:alice, Group:ops`.
    static func list(_ subjects: [RBACSubject]) -> String { subjects.map(\.key).joined(separator: ", ") }
}

/// Every role and binding of a snapshot, resolved once.
struct RBACGraph: Sendable {
    /// ClusterRoles by name.
    let clusterRoles: [String: RBACRole]
    /// Roles by namespace and name.
    let roles: [String: [String: RBACRole]]
    /// ClusterRoles then Roles, each sorted by namespace and name.
    let allRoles: [RBACRole]
    /// ClusterRoleBindings then RoleBindings, each sorted by namespace and name.
    let bindings: [RBACBinding]
    /// Indexes into `bindings` of those naming service account `namespace/name` as a subject.
    private let serviceAccountBindings: [String: [Int]]
    /// Indexes into `bindings` of those naming each Group subject.
    private let groupBindings: [String: [Int]]

    var clusterRoleBindings: [RBACBinding] { bindings.filter(\.isClusterWide) }
    var roleBindings: [RBACBinding] { bindings.filter { !$0.isClusterWide } }

    /// The graph of `index`, resolved once and shared by every RBAC check of a run.
    static func shared(_ index: SnapshotIndex) -> RBACGraph {
        index.shared("rbac-graph") { RBACGraph(index) }
    }

    init(_ index: SnapshotIndex) {
        let clusterRoleObjects = index.resources(ofKind: "ClusterRole").sorted { $0.name < $1.name }
        var clusterRoles: [String: RBACRole] = [:]
        let byName = Dictionary(clusterRoleObjects.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        for object in clusterRoleObjects {
            clusterRoles[object.name] = Self.resolve(object, clusterRoles: clusterRoleObjects, byName: byName)
        }
        var roles: [String: [String: RBACRole]] = [:]
        for object in index.resources(ofKind: "Role") {
            let role = Self.resolve(object, clusterRoles: [], byName: [:])
            roles[object.namespace ?? "", default: [:]][object.name] = role
        }
        self.clusterRoles = clusterRoles
        self.roles = roles
        self.allRoles = Self.sortedByID(Array(clusterRoles.values)) + Self.sortedByID(roles.values.flatMap(\.values))

        var bindings: [RBACBinding] = []
        for kind in ["ClusterRoleBinding", "RoleBinding"] {
            for object in Self.sortedByID(index.resources(ofKind: kind), id: \.id) {
                let roleRef = object.body["roleRef"] ?? .null
                let roleKind = roleRef["kind"]?.string ?? ""
                let roleName = roleRef["name"]?.string ?? ""
                let role: RBACRole? = switch roleKind {
                case "ClusterRole": clusterRoles[roleName]
                case "Role" where kind == "RoleBinding": roles[object.namespace ?? ""]?[roleName]
                default: nil
                }
                var seen: Set<RBACSubject> = []
                var subjects: [(index: Int, subject: RBACSubject)] = []
                for (i, entry) in (object.body["subjects"]?.items ?? []).enumerated() {
                    guard let subjectKind = entry["kind"]?.string, let name = entry["name"]?.string else { continue }
                    // A ServiceAccount subject of a RoleBinding without a namespace means the binding's own.
                    var namespace = entry["namespace"]?.string
                    if namespace?.isEmpty ?? true { namespace = kind == "RoleBinding" ? object.namespace : nil }
                    let subject = RBACSubject(kind: subjectKind, name: name, namespace: namespace)
                    if seen.insert(subject).inserted { subjects.append((i, subject)) }
                }
                bindings.append(RBACBinding(resource: object, roleKind: roleKind, roleName: roleName, role: role,
                                            subjects: subjects))
            }
        }
        self.bindings = bindings
        var serviceAccountBindings: [String: [Int]] = [:]
        var groupBindings: [String: [Int]] = [:]
        for (i, binding) in bindings.enumerated() {
            var groups: Set<String> = []
            var accounts: Set<String> = []
            for (_, subject) in binding.subjects {
                if subject.kind == "Group" { groups.insert(subject.name) }
                if subject.kind == "ServiceAccount" { accounts.insert(Self.accountKey(subject.name, subject.namespace)) }
            }
            for group in groups { groupBindings[group, default: []].append(i) }
            for key in accounts { serviceAccountBindings[key, default: []].append(i) }
        }
        self.serviceAccountBindings = serviceAccountBindings
        self.groupBindings = groupBindings
    }

    /// Sorted by resource id, each id computed once.
    private static func sortedByID(_ roles: [RBACRole]) -> [RBACRole] {
        sortedByID(roles, id: \.resource.id)
    }

    private static func sortedByID<T>(_ items: [T], id: (T) -> ResourceID) -> [T] {
        items.map { (id($0), $0) }.sorted { $0.0 < $1.0 }.map(\.1)
    }

    private static func accountKey(_ name: String, _ namespace: String?) -> String {
        "\(namespace ?? "")\u{1}\(name)"
    }

    /// The role a binding in `namespace` (nil for a ClusterRoleBinding) refers to as `kind`/`name`.
    func role(kind: String, name: String, namespace: String?) -> RBACRole? {
        kind == "ClusterRole" ? clusterRoles[name] : roles[namespace ?? ""]?[name]
    }

    /// Bindings whose subjects cover service account `namespace/name` (directly or through its groups),
    /// with the subjects that match.
    func bindings(ofServiceAccount name: String,
                  in namespace: String) -> [(binding: RBACBinding, subjects: [RBACSubject])] {
        // Only bindings naming this account or one of its groups can match; visit them in binding order.
        var candidates = Set(serviceAccountBindings[Self.accountKey(name, namespace)] ?? [])
        for group in ["system:serviceaccounts", "system:serviceaccounts:\(namespace)", "system:authenticated"] {
            candidates.formUnion(groupBindings[group] ?? [])
        }
        return candidates.sorted().compactMap { i in
            let binding = bindings[i]
            let matching = binding.subjects.map(\.subject).filter { $0.covers(serviceAccount: name, in: namespace) }
            return matching.isEmpty ? nil : (binding, matching)
        }
    }

    /// A role's own rules, then the rules of every ClusterRole its `aggregationRule` selects (transitively,
    /// never itself), by name, without repeating a rule already present.
    private static func resolve(_ object: Resource, clusterRoles: [Resource], byName: [String: Resource]) -> RBACRole {
        let ownRules = (object.body["rules"]?.items ?? []).map(RBACRule.init)
        var rules = ownRules.enumerated().map {
            RBACEffectiveRule(rule: $1, source: object.name, index: $0, selector: nil)
        }
        var present = Set(ownRules)
        // Which ClusterRoles are aggregated, and through which of this role's selectors.
        var reached: [String: Int] = [:]
        if object.kind == "ClusterRole" {
            let selectors = object.body.at("aggregationRule.clusterRoleSelectors")?.items ?? []
            var queue: [(name: String, selector: Int)] = []
            for (s, selector) in selectors.enumerated() {
                for other in clusterRoles where other.name != object.name && reached[other.name] == nil
                    && RBACLabelSelector.matches(selector, labels: other.labels) {
                    reached[other.name] = s
                    queue.append((other.name, s))
                }
            }
            while let next = queue.popLast() {
                guard let inner = byName[next.name] else { continue }
                let s = next.selector
                for selector in inner.body.at("aggregationRule.clusterRoleSelectors")?.items ?? [] {
                    for other in clusterRoles where other.name != object.name && reached[other.name] == nil
                        && RBACLabelSelector.matches(selector, labels: other.labels) {
                        reached[other.name] = s
                        queue.append((other.name, s))
                    }
                }
            }
        }
        for name in reached.keys.sorted() {
            guard let source = byName[name], let selector = reached[name] else { continue }
            for (i, value) in (source.body["rules"]?.items ?? []).enumerated() {
                let rule = RBACRule(value)
                if present.insert(rule).inserted {
                    rules.append(RBACEffectiveRule(rule: rule, source: name, index: i, selector: selector))
                }
            }
        }
        return RBACRole(resource: object, ownRules: ownRules, rules: rules, aggregated: reached.keys.sorted())
    }
}

/// Kubernetes label selectors (`matchLabels`, `matchExpressions`), as aggregation rules use them: the
/// network engine's `LabelSelector`, with RBAC's reading of the edge cases.
enum RBACLabelSelector {
    /// An empty selector matches everything; a missing (null) or malformed one matches nothing.
    static func matches(_ selector: Value, labels: [String: String]) -> Bool {
        guard selector.map != nil, let parsed = try? LabelSelector.parse(selector) else { return false }
        return parsed.matches(labels)
    }
}

/// Parameter reading shared by the RBAC checks.
enum RBACParameters {
    /// A list of strings, or `fallback` when unset. A single string counts as a one-element list.
    static func strings(_ parameters: Parameters, _ name: String,
                        default fallback: [String]) throws(EvaluationError) -> [String] {
        guard let value = parameters[name], !value.isNull else { return fallback }
        if let text = value.string { return [text] }
        guard let items = value.list else { throw EvaluationError("parameter \(name) must be a list of strings") }
        let strings = items.compactMap(\.string)
        guard strings.count == items.count else { throw EvaluationError("parameter \(name) must be a list of strings") }
        return strings
    }

    /// Whether `name` matches one of `patterns`: equal to it, or starting with a pattern's text before a
    /// trailing `*` (`system:*`).
    static func matches(_ name: String, _ patterns: [String]) -> Bool {
        patterns.contains { pattern in
            pattern.hasSuffix("*") ? name.hasPrefix(pattern.dropLast()) : name == pattern
        }
    }

    /// The built-in allowlist of roles that may hold powerful grants.
    static let defaultPrivilegedRoles = ["cluster-admin", "admin", "edit", "system:*"]
}

import EvidentCore

/// How the engine reads address blocks.
public struct NetworkOptions: Sendable {
    /// Whether ipBlocks and Calico nets also match pods by their IPs (`status.podIPs`). Calico does, so
    /// the audit does; netpol-analyzer's connlist treats ipBlocks as external only.
    public var ipBlocksMatchPods: Bool
    /// Extra boundaries for the external blocks (the internal CIDRs), so that "the internet" is a union
    /// of whole blocks.
    public var extraBoundaries: [IntervalSet]
    /// Whether hostNetwork pods count as never isolated (policies do not reliably apply to them; the
    /// audit's reading). netpol-analyzer applies policies to them like to any pod.
    public var hostNetworkUnisolated: Bool

    public init(ipBlocksMatchPods: Bool = true, extraBoundaries: [IntervalSet] = [], hostNetworkUnisolated: Bool = true) {
        self.ipBlocksMatchPods = ipBlocksMatchPods
        self.extraBoundaries = extraBoundaries
        self.hostNetworkUnisolated = hostNetworkUnisolated
    }

    /// netpol-analyzer's conventions.
    public static let connlist = NetworkOptions(ipBlocksMatchPods: false, hostNetworkUnisolated: false)
}

/// What a direction allows towards one peer, and why.
public struct Allowance: Sendable, Hashable {
    /// The connections allowed.
    public var connections: ConnectionSet
    /// Indices of the policies whose Allow rules let some of `connections` through.
    public var allowedBy: Set<Int>
    /// True when some of `connections` passed because no tier decided (no policy isolates the endpoint,
    /// or every selecting tier passed).
    public var unrestricted: Bool

    /// Nothing allowed.
    public static let none = Allowance(connections: .none, allowedBy: [], unrestricted: false)

    /// What both allow (the two directions of one connection), with the reasons of both.
    public func intersection(_ other: Allowance) -> Allowance {
        let c = connections.intersection(other.connections)
        if c.isEmpty { return .none }
        return Allowance(connections: c, allowedBy: allowedBy.union(other.allowedBy),
                         unrestricted: unrestricted || other.unrestricted)
    }

    /// Adds what `other` allows, with its reasons.
    public mutating func formUnion(_ other: Allowance) {
        if other.connections.isEmpty { return }
        connections = connections.union(other.connections)
        allowedBy.formUnion(other.allowedBy)
        unrestricted = unrestricted || other.unrestricted
    }
}

/// An address block outside the pods: a disjoint piece of IPv4 space, with the network sets holding it.
public struct ExternalBlock: Sendable, Hashable {
    /// The addresses of the block (usually one range).
    public var range: IntervalSet
    /// Indices of the network sets that contain the whole block.
    public var networkSets: [Int]

    /// `first-last[External]`, as netpol-analyzer writes it.
    public var connlistName: String { IPv4.format(range) + "[External]" }
}

/// The reachability engine: reads policies, groups pods into endpoint classes and computes, for every
/// pair of classes and every class and external block, the connections both sides allow.
///
/// Computation is on types, not pods: classes that every policy treats alike as a source share a source
/// type, and likewise for destinations, so the work grows with the variety of policies, not with pods.
///
/// A class, immutable once built: checks hold and pass it around, and a copy of a struct of twenty
/// arrays retains each of them.
public final class NetworkAnalysis: Sendable {
    /// How address blocks and hostNetwork pods were read.
    public let options: NetworkOptions
    /// Workloads, in the order of the snapshot index's pod templates.
    public let workloads: [Workload]
    /// Endpoint classes; workloads refer to them by index.
    public let classes: [EndpointClass]
    /// The workload of each class.
    public let classWorkload: [Int]
    /// Every policy read (Kubernetes and Calico), in input order.
    public let policies: [NetworkPolicy]
    /// Tiers in evaluation order (the built-in default tier included).
    public let tiers: [Tier]
    /// Calico network sets, namespaced and global.
    public let networkSets: [NetworkSet]
    /// What could not be read, each naming its policy.
    public let problems: [PolicyProblem]
    /// External blocks that ingress rules can tell apart, and those that egress rules can.
    public let ingressBlocks: [ExternalBlock]
    /// See `ingressBlocks`.
    public let egressBlocks: [ExternalBlock]

    let rules: [PolicyRule]
    /// Per direction, per class: the plan index.
    let planOf: [Direction: [Int]]
    /// Per direction, per class: the policies that select it, in evaluation order.
    let classPolicies: [Direction: [[Int]]]
    let plans: [Plan]
    /// Per rule: the classes its peer matches.
    let ruleBits: [Bitset]
    /// Per class: the index of its named-port set.
    let portsOf: [Int]
    /// Sets of source classes whose egress lets them reach a destination, and each class's set.
    let egressSources: [Bitset]
    let egressSourcesOf: [Int]
    /// Sets of source classes that a destination's ingress lets in, and each class's set.
    let ingressSources: [Bitset]
    let ingressSourcesOf: [Int]
    /// Per class: what it may send to each egress block, and receive from each ingress block.
    let toExternal: [[Allowance]]
    let fromExternal: [[Allowance]]

    /// The tier steps that apply to one class in one direction, in evaluation order.
    struct Plan: Hashable {
        struct Step: Hashable {
            var defaultPass: Bool
            var rules: [Int]
        }
        var direction: Direction
        var steps: [Step]
        var ruleIDs: [Int] { steps.flatMap(\.rules) }
    }

    public init(index: SnapshotIndex, options: NetworkOptions = NetworkOptions()) {
        self.options = options
        let reader = PolicyReader(resources: index.resources)
        self.policies = reader.policies
        self.networkSets = reader.networkSets
        self.problems = reader.problems
        self.tiers = reader.tiers.values.sorted { Self.tierLess($0, $1) }

        // Address blocks named by rules, so that pods can be matched by IP through a class signature.
        var blockIndex: [IntervalSet: Int] = [:]
        var blockList: [IntervalSet] = []
        func register(_ set: IntervalSet?) -> Int? {
            guard let set else { return nil }
            if let i = blockIndex[set] { return i }
            blockIndex[set] = blockList.count
            blockList.append(set)
            return blockList.count - 1
        }
        var indexedRules: [PolicyRule] = []
        var boundaries: [Direction: [IntervalSet]] = [.ingress: [], .egress: []]
        for policy in reader.policies {
            for direction in Direction.allCases {
                for var rule in policy.rules(direction) {
                    switch rule.peer {
                    case .any: break
                    case .kubernetes(var peers):
                        for i in peers.indices {
                            peers[i].blockIndex = register(peers[i].ipBlock)
                            if let b = peers[i].ipBlock { boundaries[direction, default: []].append(b) }
                        }
                        rule.peer = .kubernetes(peers)
                    case .calico(var peer):
                        peer.netsIndex = register(peer.nets)
                        peer.notNetsIndex = register(peer.notNets)
                        boundaries[direction, default: []] += [peer.nets, peer.notNets].compactMap { $0 }
                        rule.peer = .calico(peer)
                    }
                    if var local = rule.local {
                        local.netsIndex = register(local.nets)
                        local.notNetsIndex = register(local.notNets)
                        rule.local = local
                    }
                    indexedRules.append(rule)
                }
            }
        }
        // `rules` were flattened per policy as ingress + egress, the same order as indexedRules.
        let allRules = indexedRules
        self.rules = allRules
        let setNets = reader.networkSets.map(\.nets)

        // Endpoint classes.
        var classes: [EndpointClass] = []
        var classIndex: [EndpointClass.Key: Int] = [:]
        var classWorkload: [Int] = []
        var workloads: [Workload] = []
        var serviceAccountLabels: [String: [String: String]] = [:]
        for sa in index.resources(ofKind: "ServiceAccount") {
            serviceAccountLabels["\(sa.namespace ?? "default")/\(sa.name)"] = sa.labels
        }
        for (var workload, pods) in WorkloadBuilder.build(index) {
            let w = workloads.count
            var seen: Set<Int> = []
            for pod in pods {
                var signature: [Int] = []
                if options.ipBlocksMatchPods && !pod.ips.isEmpty {
                    for (i, block) in blockList.enumerated() where pod.ips.contains(where: block.contains) {
                        signature.append(i)
                    }
                }
                var c = EndpointClass(namespace: pod.namespace, labels: pod.labels,
                                      serviceAccount: pod.serviceAccount, namedPorts: pod.namedPorts,
                                      hostNetwork: pod.hostNetwork, blockSignature: signature)
                let key = c.key
                let id: Int
                if let existing = classIndex[key] {
                    id = existing
                } else {
                    var nsLabels = index.namespaceLabels(c.namespace)
                    nsLabels["kubernetes.io/metadata.name"] = c.namespace
                    c.namespaceLabels = nsLabels
                    c.serviceAccountLabels = serviceAccountLabels["\(c.namespace)/\(c.serviceAccount)"] ?? [:]
                    var calico = c.labels
                    calico["projectcalico.org/namespace"] = c.namespace
                    calico["projectcalico.org/serviceaccount"] = c.serviceAccount
                    calico["projectcalico.org/orchestrator"] = "k8s"
                    for (k, v) in nsLabels { calico["pcns." + k] = v }
                    for (k, v) in c.serviceAccountLabels { calico["pcsa." + k] = v }
                    c.calicoLabels = calico
                    var calicoNS = nsLabels
                    calicoNS["projectcalico.org/name"] = c.namespace
                    c.calicoNamespaceLabels = calicoNS
                    id = classes.count
                    classIndex[key] = id
                    classes.append(c)
                    classWorkload.append(w)
                }
                if seen.insert(id).inserted { workload.classes.append(id) }
                if let resource = pod.pod { workload.pods.append((resource, id)) }
            }
            workloads.append(workload)
        }
        self.workloads = workloads
        self.classWorkload = classWorkload
        self.classes = classes

        // External blocks per direction.
        func externalBlocks(_ direction: Direction) -> [ExternalBlock] {
            let inputs = (boundaries[direction] ?? []) + setNets + options.extraBoundaries + [IPv4.all]
            return DisjointBlocks.split(inputs).map { block in
                ExternalBlock(range: block, networkSets: setNets.indices.filter { setNets[$0].isSuperset(of: block) })
            }
        }
        let ingressBlocks = externalBlocks(.ingress)
        let egressBlocks = externalBlocks(.egress)
        self.ingressBlocks = ingressBlocks
        self.egressBlocks = egressBlocks

        let context = MatchContext(options: options, classes: classes, policies: reader.policies,
                                   networkSets: reader.networkSets, namespaces: index)

        // Plans: per class and direction, the tier steps with the rules that apply.
        let tierOrder = Dictionary(uniqueKeysWithValues: self.tiers.enumerated().map { ($1.name, $0) })
        let tierByName = Dictionary(uniqueKeysWithValues: self.tiers.map { ($0.name, $0) })
        var ruleOffset: [Int] = []
        var offset = 0
        for p in reader.policies {
            ruleOffset.append(offset)
            offset += p.ingress.count + p.egress.count
        }
        // Fields are read in place: binding whole policies copied them, twice per comparison.
        let policyTier = reader.policies.map { tierOrder[$0.tier] ?? Int.max }
        let ordered = reader.policies.indices.sorted { a, b in
            if policyTier[a] != policyTier[b] { return policyTier[a] < policyTier[b] }
            let oa = reader.policies[a].order ?? .infinity, ob = reader.policies[b].order ?? .infinity
            if oa != ob { return oa < ob }
            return (reader.policies[a].namespace ?? "", reader.policies[a].name)
                < (reader.policies[b].namespace ?? "", reader.policies[b].name)
        }
        var byNamespace: [String: [Int]] = [:]
        var global: [Int] = []
        for (rank, p) in ordered.enumerated() {
            switch reader.policies[p].selection {
            case .kubernetes(let ns, _), .calicoNamespaced(let ns, _): byNamespace[ns, default: []].append(rank)
            case .calicoGlobal: global.append(rank)
            case .nothing: continue
            }
        }
        var plans: [Plan] = []
        var planIndex: [Plan: Int] = [:]
        var planOf: [Direction: [Int]] = [.ingress: [], .egress: []]
        var classPolicies: [Direction: [[Int]]] = [:]
        for (c, endpoint) in classes.enumerated() {
            let candidates = endpoint.hostNetwork && options.hostNetworkUnisolated ? []
                : ((byNamespace[endpoint.namespace] ?? []) + global).sorted()
            let selecting = candidates.map { ordered[$0] }.filter { context.selects($0, c) }
            var selected: [Direction: [Int]] = [:]
            defer {
                for direction in Direction.allCases { classPolicies[direction, default: []].append(selected[direction] ?? []) }
            }
            for direction in Direction.allCases {
                var steps: [Plan.Step] = []
                var currentTier: String?
                for p in selecting where reader.policies[p].types.contains(direction) {
                    let tier = reader.policies[p].tier
                    if tier != currentTier {
                        currentTier = tier
                        steps.append(Plan.Step(defaultPass: tierByName[tier]?.defaultPass ?? false, rules: []))
                    }
                    selected[direction, default: []].append(p)
                    let base = ruleOffset[p] + (direction == .ingress ? 0 : reader.policies[p].ingress.count)
                    let count = direction == .ingress ? reader.policies[p].ingress.count : reader.policies[p].egress.count
                    for k in 0..<count {
                        if let local = allRules[base + k].local,
                           !context.calicoMatches(local, policyNamespace: reader.policies[p].namespace, endpoint: c) {
                            continue
                        }
                        steps[steps.count - 1].rules.append(base + k)
                    }
                }
                let plan = Plan(direction: direction, steps: steps)
                let id: Int
                if let existing = planIndex[plan] { id = existing } else {
                    id = plans.count
                    planIndex[plan] = id
                    plans.append(plan)
                }
                planOf[direction, default: []].append(id)
            }
        }
        self.plans = plans
        self.planOf = planOf
        self.classPolicies = classPolicies

        // Which classes each rule's peer matches, computed once per distinct peer.
        var classesByNamespace: [String: [Int]] = [:]
        for (c, endpoint) in classes.enumerated() { classesByNamespace[endpoint.namespace, default: []].append(c) }
        let namespaceNames = classesByNamespace.keys.sorted()
        var peerCache: [PeerKey: Bitset] = [:]
        var componentCache: [PeerKey: Bitset] = [:]
        var ruleBits: [Bitset] = []
        ruleBits.reserveCapacity(allRules.count)
        for rule in allRules {
            let policyNamespace = reader.policies[rule.policy].namespace
            // The policy's namespace matters only to peers that pick pods by labels in "the same namespace".
            var keyNamespace = policyNamespace
            if case .calico(let peer) = rule.peer, peer.namespaceSelector != nil || !peer.selectsByLabels {
                keyNamespace = nil
            }
            let key = PeerKey(peer: rule.peer, namespace: keyNamespace)
            if let hit = peerCache[key] { ruleBits.append(hit); continue }
            var b = Bitset(count: classes.count)
            switch rule.peer {
            case .any:
                b = Bitset(count: classes.count, full: true)
            case .kubernetes(let peers):
                for peer in peers {
                    // A peer with a namespaceSelector does not depend on the policy's namespace.
                    let componentKey = PeerKey(peer: .kubernetes([peer]),
                                               namespace: peer.namespaceSelector == nil ? policyNamespace : nil)
                    if let hit = componentCache[componentKey] {
                        b.formUnion(hit)
                        continue
                    }
                    var part = Bitset(count: classes.count)
                    defer {
                        componentCache[componentKey] = part.compacted()
                        b.formUnion(part)
                    }
                    if peer.blockIndex != nil {
                        for c in classes.indices where context.peerMatches(
                            PolicyRule(action: .allow, peer: .kubernetes([peer]), local: nil, ports: .any,
                                       policy: rule.policy), endpoint: c) { part.insert(c) }
                        continue
                    }
                    let spaces: [String]
                    if let nsSelector = peer.namespaceSelector {
                        spaces = namespaceNames.filter { ns in
                            classesByNamespace[ns].map { nsSelector.matches(classes[$0[0]].namespaceLabels) } ?? false
                        }
                    } else {
                        spaces = [policyNamespace ?? "default"]
                    }
                    for ns in spaces {
                        for c in classesByNamespace[ns] ?? [] where peer.podSelector?.matches(classes[c].labels) ?? true {
                            part.insert(c)
                        }
                    }
                }
            case .calico(let peer):
                var spaces = namespaceNames
                if let nsSelector = peer.namespaceSelector {
                    spaces = spaces.filter { ns in
                        classesByNamespace[ns].map { nsSelector.matches(classes[$0[0]].calicoNamespaceLabels) } ?? false
                    }
                } else if let ns = policyNamespace, peer.selectsByLabels {
                    spaces = [ns]
                }
                for ns in spaces {
                    for c in classesByNamespace[ns] ?? [] where context.calicoMatches(peer, policyNamespace: policyNamespace, endpoint: c) {
                        b.insert(c)
                    }
                }
            }
            b = b.compacted()
            peerCache[key] = b
            ruleBits.append(b)
        }
        self.ruleBits = ruleBits

        // Named port sets, interned (they matter only to destinations).
        var portsIndex: [[String: [NamedPort]]: Int] = [:]
        var portsOf: [Int] = []
        for c in classes {
            if let i = portsIndex[c.namedPorts] { portsOf.append(i) } else {
                portsIndex[c.namedPorts] = portsIndex.count
                portsOf.append(portsIndex.count - 1)
            }
        }
        self.portsOf = portsOf

        let egressPlanOf = planOf[.egress] ?? []
        let ingressPlanOf = planOf[.ingress] ?? []

        // External blocks: a block's mask under each plan, then the evaluation.
        var egressBlockCache: [Int: [Allowance]] = [:]
        var toExternal: [[Allowance]] = []
        var ingressBlockCache: [[Int]: [Allowance]] = [:]
        var fromExternal: [[Allowance]] = []
        for c in classes.indices {
            let pe = egressPlanOf[c]
            if let hit = egressBlockCache[pe] { toExternal.append(hit) } else {
                let ids = plans[pe].ruleIDs
                let row = egressBlocks.map { block in
                    Self.evaluate(plans[pe], ids.map { context.peerMatches(allRules[$0], block: block) },
                                  rules: allRules, namedPorts: [:])
                }
                egressBlockCache[pe] = row
                toExternal.append(row)
            }
            let pi = ingressPlanOf[c]
            let key = [pi, portsOf[c]]
            if let hit = ingressBlockCache[key] { fromExternal.append(hit) } else {
                let ids = plans[pi].ruleIDs
                let row = ingressBlocks.map { block in
                    Self.evaluate(plans[pi], ids.map { context.peerMatches(allRules[$0], block: block) },
                                  rules: allRules, namedPorts: classes[c].namedPorts)
                }
                ingressBlockCache[key] = row
                fromExternal.append(row)
            }
        }
        self.toExternal = toExternal
        self.fromExternal = fromExternal

        // Which classes a plan lets through (some connection), towards a destination with named ports
        // `namedPorts` (nil: per candidate, for egress plans whose rules name ports).
        func permitted(_ p: Int, namedPorts: [String: [NamedPort]]?) -> Bitset {
            let plan = plans[p]
            let ids = plan.ruleIDs
            if plan.steps.isEmpty { return Bitset(count: classes.count, full: true) }
            let first = plan.steps[0]
            if !first.defaultPass, first.rules.allSatisfy({ allRules[$0].action == .allow }), let namedPorts {
                // Only the first tier decides, and it only allows: the union of the rules that allow something.
                var b = Bitset(count: classes.count)
                for r in first.rules where !allRules[r].ports.connections(namedPorts: namedPorts).isEmpty {
                    b.formUnion(ruleBits[r])
                }
                return b
            }
            var candidates = Bitset(count: classes.count)
            for r in ids { candidates.formUnion(ruleBits[r]) }
            let none = Self.evaluate(plan, Array(repeating: false, count: ids.count), rules: allRules,
                                     namedPorts: namedPorts ?? [:])
            var b = none.connections.isEmpty ? Bitset(count: classes.count) : candidates.complement()
            var verdicts: [GroupKey: Bool] = [:]
            let byPort = namedPorts == nil && ids.contains { allRules[$0].ports.usesNamedPorts }
            for c in candidates.members {
                let mask = ids.map { ruleBits[$0].contains(c) }
                let key = GroupKey(mask: mask, ports: byPort ? portsOf[c] : -1)
                let ok: Bool
                if let hit = verdicts[key] { ok = hit } else {
                    ok = !Self.evaluate(plan, mask, rules: allRules,
                                        namedPorts: namedPorts ?? classes[c].namedPorts).connections.isEmpty
                    verdicts[key] = ok
                }
                if ok { b.insert(c) }
            }
            return b
        }

        // Egress: the destinations each egress plan lets through, and the classes using each plan.
        let egressPlans = Array(Set(egressPlanOf)).sorted()
        var members: [Int: Bitset] = [:]
        for (c, p) in egressPlanOf.enumerated() {
            members[p, default: Bitset(count: classes.count)].insert(c)
        }
        let egressPermits = egressPlans.map { permitted($0, namedPorts: nil) }
        var egressIndex: [[Bool]: Int] = [:]
        var egressSources: [Bitset] = []
        var egressSourcesOf: [Int] = []
        for c in classes.indices {
            let signature = egressPermits.map { $0.contains(c) }
            if let i = egressIndex[signature] { egressSourcesOf.append(i); continue }
            var b = Bitset(count: classes.count)
            for (k, p) in egressPlans.enumerated() where signature[k] { b.formUnion(members[p] ?? b) }
            egressIndex[signature] = egressSources.count
            egressSourcesOf.append(egressSources.count)
            egressSources.append(b)
        }
        // Ingress: the sources each (plan, named ports) lets in.
        var ingressIndex: [[Int]: Int] = [:]
        var ingressSources: [Bitset] = []
        var ingressSourcesOf: [Int] = []
        // Equal sets are kept once: a large cluster has tens of thousands of (plan, ports) keys but only a
        // handful of different sets (5 for the 22,000 keys of 47,000 classes at 150,000 pods), and each
        // dense set is a bit per class.
        var sourceSetIndex: [Bitset: Int] = [:]
        for c in classes.indices {
            let key = [ingressPlanOf[c], portsOf[c]]
            if let i = ingressIndex[key] { ingressSourcesOf.append(i); continue }
            let set = permitted(ingressPlanOf[c], namedPorts: classes[c].namedPorts).compacted()
            let i = sourceSetIndex[set] ?? ingressSources.count
            if i == ingressSources.count {
                sourceSetIndex[set] = i
                ingressSources.append(set)
            }
            ingressIndex[key] = i
            ingressSourcesOf.append(i)
        }
        self.egressSources = egressSources.map { $0.compacted() }
        self.egressSourcesOf = egressSourcesOf
        self.ingressSources = ingressSources
        self.ingressSourcesOf = ingressSourcesOf
    }

    struct PeerKey: Hashable {
        var peer: PeerSpec
        var namespace: String?
    }

    struct GroupKey: Hashable {
        var mask: [Bool]
        var ports: Int
    }

    /// Runs one plan for a peer: `mask` tells which of the plan's rules match the peer.
    static func evaluate(_ plan: Plan, _ mask: [Bool], rules: [PolicyRule],
                         namedPorts: [String: [NamedPort]]) -> Allowance {
        if plan.steps.isEmpty { return Allowance(connections: .all, allowedBy: [], unrestricted: true) }
        var remaining = ConnectionSet.all
        var result = Allowance.none
        var k = 0
        for step in plan.steps {
            var passed = ConnectionSet.none
            for r in step.rules {
                defer { k += 1 }
                guard mask[k], !remaining.isEmpty else { continue }
                let rule = rules[r]
                let matched = rule.ports.connections(namedPorts: namedPorts).intersection(remaining)
                if matched.isEmpty { continue }
                switch rule.action {
                case .allow:
                    result.formUnion(Allowance(connections: matched, allowedBy: [rule.policy], unrestricted: false))
                    remaining = remaining.subtracting(matched)
                case .deny:
                    remaining = remaining.subtracting(matched)
                case .pass:
                    passed = passed.union(matched)
                    remaining = remaining.subtracting(matched)
                case .log:
                    continue
                }
            }
            if step.defaultPass { passed = passed.union(remaining) }
            remaining = passed
        }
        if !remaining.isEmpty {
            result.formUnion(Allowance(connections: remaining, allowedBy: [], unrestricted: true))
        }
        return result
    }

    static func tierLess(_ a: Tier, _ b: Tier) -> Bool {
        let oa = a.order ?? .infinity, ob = b.order ?? .infinity
        if oa != ob { return oa < ob }
        return a.name < b.name
    }

    // MARK: Queries

    /// What class `a` may open to class `b` (both directions' policies applied).
    public func allowance(fromClass a: Int, toClass b: Int) -> Allowance {
        guard reachingSources(of: b).contains(a) else { return .none }
        let pe = planOf[.egress]?[a] ?? 0, pi = planOf[.ingress]?[b] ?? 0
        let out = Self.evaluate(plans[pe], plans[pe].ruleIDs.map { ruleBits[$0].contains(b) }, rules: rules,
                                namedPorts: classes[b].namedPorts)
        if out.connections.isEmpty { return .none }
        let into = Self.evaluate(plans[pi], plans[pi].ruleIDs.map { ruleBits[$0].contains(a) }, rules: rules,
                                 namedPorts: classes[b].namedPorts)
        return out.intersection(into)
    }

    /// The classes that may open some connection to class `c`.
    public func reachingSources(of c: Int) -> Bitset {
        egressSources[egressSourcesOf[c]].intersection(ingressSources[ingressSourcesOf[c]])
    }

    /// What class `c` may open to egress block `block`.
    public func allowance(fromClass c: Int, toBlock block: Int) -> Allowance { toExternal[c][block] }

    /// What ingress block `block` may open to class `c`.
    public func allowance(fromBlock block: Int, toClass c: Int) -> Allowance { fromExternal[c][block] }

    /// Workload to workload: the union over their classes.
    public func allowance(fromWorkload a: Int, toWorkload b: Int) -> Allowance {
        var result = Allowance.none
        for ca in workloads[a].classes {
            for cb in workloads[b].classes { result.formUnion(allowance(fromClass: ca, toClass: cb)) }
        }
        return result
    }

    /// Workload to egress block: the union over its classes.
    public func allowance(fromWorkload w: Int, toBlock block: Int) -> Allowance {
        var result = Allowance.none
        for c in workloads[w].classes { result.formUnion(toExternal[c][block]) }
        return result
    }

    /// Ingress block to workload: the union over its classes.
    public func allowance(fromBlock block: Int, toWorkload w: Int) -> Allowance {
        var result = Allowance.none
        for c in workloads[w].classes { result.formUnion(fromExternal[c][block]) }
        return result
    }

    /// Whether a class is isolated in a direction: some tier whose default is Deny selects it, so that
    /// only what its rules allow gets through. hostNetwork classes never are.
    public func isIsolated(class c: Int, _ direction: Direction) -> Bool {
        guard let p = planOf[direction]?[c] else { return false }
        return plans[p].steps.contains { !$0.defaultPass }
    }

    /// The policies that select a class in a direction, in evaluation order.
    public func selectingPolicies(class c: Int, _ direction: Direction) -> [Int] {
        classPolicies[direction]?[c] ?? []
    }

    /// Counts for benchmarks and evidence: classes, plans, distinct source sets.
    public var statistics: (classes: Int, plans: Int, egressSets: Int, ingressSets: Int) {
        (classes.count, plans.count, egressSources.count, ingressSources.count)
    }
}

/// A fixed-size set of small integers (class indices).
///
/// Dense (one bit per value) while it is built; `compacted()` turns a set with few members into the sorted
/// list of its members. A large cluster has tens of thousands of classes and as many rule peers and
/// source sets, most of them naming the few classes of one namespace: dense, they would take the square of
/// the cluster's size in memory.
public struct Bitset: Sendable, Hashable {
    /// The dense form; empty while the set is sparse.
    private var words: [UInt64]
    /// The sparse form: the members, ascending; nil while the set is dense.
    private var list: [Int32]?
    /// How many values the set can hold (0..<count).
    public let count: Int

    public init(count: Int, full: Bool = false) {
        self.count = count
        words = Array(repeating: full ? UInt64.max : 0, count: (count + 63) / 64)
        if full { trim() }
    }

    private mutating func trim() {
        let extra = words.count * 64 - count
        if extra > 0, !words.isEmpty { words[words.count - 1] &= UInt64.max >> UInt64(extra) }
    }

    /// The dense form of a sparse set.
    private mutating func densify() {
        guard let members = list else { return }
        words = Array(repeating: 0, count: (count + 63) / 64)
        for m in members { words[Int(m) >> 6] |= 1 << UInt64(m & 63) }
        list = nil
    }

    /// The same set, kept as a list of members when that is at most a quarter of the dense size.
    public func compacted() -> Bitset {
        guard list == nil, memberCount * 4 * 4 <= words.count * 8 else { return self }
        var out = self
        var members: [Int32] = []
        members.reserveCapacity(memberCount)
        forEachMember { members.append(Int32($0)) }
        out.list = members
        out.words = []
        return out
    }

    /// Adds `i`.
    public mutating func insert(_ i: Int) {
        densify()
        words[i >> 6] |= 1 << UInt64(i & 63)
    }

    /// Whether `i` is in the set.
    public func contains(_ i: Int) -> Bool {
        guard let members = list else { return words[i >> 6] & (1 << UInt64(i & 63)) != 0 }
        var low = 0, high = members.count
        let target = Int32(i)
        while low < high {
            let mid = (low + high) / 2
            if members[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low < members.count && members[low] == target
    }

    /// Adds every member of `other` (of the same count).
    public mutating func formUnion(_ other: Bitset) {
        densify()
        if let members = other.list {
            for m in members { words[Int(m) >> 6] |= 1 << UInt64(m & 63) }
        } else {
            for i in words.indices { words[i] |= other.words[i] }
        }
    }

    /// Members of both sets (sparse when either is).
    public func intersection(_ other: Bitset) -> Bitset {
        if let members = list ?? other.list {
            let dense = list == nil ? self : other
            var out = Bitset(count: count)
            out.words = []
            out.list = members.filter { dense.contains(Int($0)) }
            return out
        }
        var out = self
        for i in words.indices { out.words[i] &= other.words[i] }
        return out
    }

    /// Every value of 0..<count not in the set.
    public func complement() -> Bitset {
        var out = self
        out.densify()
        for i in out.words.indices { out.words[i] = ~out.words[i] }
        out.trim()
        return out
    }

    /// True when the set has no member.
    public var isEmpty: Bool { list.map(\.isEmpty) ?? words.allSatisfy { $0 == 0 } }

    /// How many members the set has.
    public var memberCount: Int { list?.count ?? words.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// Calls `body` with each member, ascending, without gathering them.
    public func forEachMember(_ body: (Int) -> Void) {
        if let members = list {
            for m in members { body(Int(m)) }
            return
        }
        for (w, word) in words.enumerated() where word != 0 {
            var bits = word
            while bits != 0 {
                body(w * 64 + bits.trailingZeroBitCount)
                bits &= bits - 1
            }
        }
    }

    /// The members, ascending.
    public var members: [Int] {
        var out: [Int] = []
        forEachMember { out.append($0) }
        return out
    }

    /// Calls `body` with each non-zero word of the dense form and its position, ascending, in either form.
    private func forEachWord(_ body: (Int, UInt64) -> Void) {
        guard let members = list else {
            for (w, word) in words.enumerated() where word != 0 { body(w, word) }
            return
        }
        var current = -1
        var word: UInt64 = 0
        for m in members {
            let w = Int(m) >> 6
            if w != current {
                if current >= 0 { body(current, word) }
                current = w
                word = 0
            }
            word |= 1 << UInt64(m & 63)
        }
        if current >= 0 { body(current, word) }
    }

    // Equal sets are equal whatever their form.
    public static func == (a: Bitset, b: Bitset) -> Bool {
        guard a.count == b.count else { return false }
        if a.list == nil, b.list == nil { return a.words == b.words }
        if let x = a.list, let y = b.list { return x == y }
        return a.members == b.members
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        forEachWord { w, word in
            hasher.combine(w)
            hasher.combine(word)
        }
    }
}


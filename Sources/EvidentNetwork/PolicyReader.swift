import EvidentCore

/// Reads Kubernetes NetworkPolicies and Calico policies, tiers and network sets into the engine's model.
/// Every problem is reported with the object's name; nothing unreadable is silently ignored.
struct PolicyReader {
    var policies: [NetworkPolicy] = []
    var tiers: [String: Tier] = ["default": .defaultTier]
    var networkSets: [NetworkSet] = []
    var problems: [PolicyProblem] = []

    static let calicoGroup = "projectcalico.org"

    init(resources: [Resource]) {
        for r in resources {
            switch (r.group, r.kind) {
            case ("networking.k8s.io", "NetworkPolicy"): readKubernetes(r)
            case (Self.calicoGroup, "NetworkPolicy"), (Self.calicoGroup, "GlobalNetworkPolicy"): readCalico(r)
            case (Self.calicoGroup, "Tier"): readTier(r)
            case (Self.calicoGroup, "NetworkSet"), (Self.calicoGroup, "GlobalNetworkSet"): readNetworkSet(r)
            default: continue
            }
        }
        for p in policies where tiers[p.tier] == nil {
            problems.append(PolicyProblem(
                isError: false, message: "\(p.displayName) names tier '\(p.tier)', which is not in the inputs; "
                    + "it is evaluated as a tier without order, after all others",
                source: p.resource.source))
            tiers[p.tier] = Tier(name: p.tier, order: nil, defaultPass: false)
        }
    }

    private mutating func problem(_ r: Resource, _ message: String, error: Bool = true) {
        let name = r.namespace.map { "\(r.kind) \($0)/\(r.name)" } ?? "\(r.kind) \(r.name)"
        problems.append(PolicyProblem(isError: error, message: "\(name): \(message)", source: r.source))
    }

    // MARK: Kubernetes

    private mutating func readKubernetes(_ r: Resource) {
        let spec = r.spec
        let namespace = r.namespace ?? "default"
        var selection = EndpointSelection.nothing
        do {
            selection = .kubernetes(namespace: namespace, try LabelSelector.parse(spec["podSelector"]))
        } catch {
            problem(r, "invalid spec.podSelector (\(error)); the policy is ignored")
        }
        var types: Set<Direction> = []
        if let declared = spec["policyTypes"]?.list, !declared.isEmpty {
            for t in declared {
                guard let name = t.string, let d = Direction(rawValue: name) else {
                    problem(r, "unknown policyTypes entry \(t.display)")
                    continue
                }
                types.insert(d)
            }
        } else {
            types = [.ingress]
            if !(spec["egress"]?.items.isEmpty ?? true) { types.insert(.egress) }
        }
        let index = policies.count
        var policy = NetworkPolicy(kind: .kubernetes, name: r.name, namespace: namespace, tier: "default",
                                   order: 1000, types: types, selection: selection, serviceAccountSelector: nil,
                                   ingress: [], egress: [], resource: r)
        for (direction, key, peerKey) in [(Direction.ingress, "ingress", "from"), (.egress, "egress", "to")] {
            for (i, rule) in (spec[key]?.items ?? []).enumerated() {
                let path = "spec.\(key)[\(i)]"
                let peers = rule[peerKey]?.items ?? []
                let peer: PeerSpec
                if peers.isEmpty {
                    peer = .any
                } else {
                    peer = .kubernetes(peers.enumerated().compactMap { j, p in
                        kubernetesPeer(p, r, path: "\(path).\(peerKey)[\(j)]")
                    })
                }
                guard let ports = kubernetesPorts(rule["ports"]?.items ?? [], r, path: path) else { continue }
                let compiled = PolicyRule(action: .allow, peer: peer, local: nil, ports: ports, policy: index)
                if direction == .ingress { policy.ingress.append(compiled) } else { policy.egress.append(compiled) }
            }
        }
        policies.append(policy)
    }

    private mutating func kubernetesPeer(_ p: Value, _ r: Resource, path: String) -> KubernetesPeer? {
        if let block = p["ipBlock"], !block.isNull {
            guard let cidr = block["cidr"]?.string else {
                problem(r, "\(path).ipBlock has no cidr; the peer matches nothing")
                return nil
            }
            if IPv4.isIPv6(cidr) {
                problem(r, "\(path).ipBlock \(cidr) is IPv6, which the engine does not model; the peer is skipped",
                        error: false)
                return nil
            }
            guard let range = IPv4.cidr(cidr) else {
                problem(r, "\(path).ipBlock has an invalid cidr '\(cidr)'; the peer matches nothing")
                return nil
            }
            var set = IntervalSet(range)
            for except in block["except"]?.stringList ?? [] {
                guard let cut = IPv4.cidr(except) else {
                    if !IPv4.isIPv6(except) { problem(r, "\(path).ipBlock.except has an invalid cidr '\(except)'") }
                    continue
                }
                set = set.subtracting(IntervalSet(cut))
            }
            return KubernetesPeer(namespaceSelector: nil, podSelector: nil, ipBlock: set)
        }
        let hasNS = p["namespaceSelector"].map { !$0.isNull } ?? false
        let hasPod = p["podSelector"].map { !$0.isNull } ?? false
        guard hasNS || hasPod else {
            problem(r, "\(path) names no podSelector, namespaceSelector or ipBlock; the peer matches nothing")
            return nil
        }
        do {
            let ns = hasNS ? try LabelSelector.parse(p["namespaceSelector"]) : nil
            let pod = hasPod ? try LabelSelector.parse(p["podSelector"]) : nil
            return KubernetesPeer(namespaceSelector: ns, podSelector: pod, ipBlock: nil)
        } catch {
            problem(r, "\(path) has an invalid selector (\(error)); the peer matches nothing")
            return nil
        }
    }

    private mutating func kubernetesPorts(_ items: [Value], _ r: Resource, path: String) -> PortMatch? {
        if items.isEmpty { return .any }
        var entries: [PortMatch.Entry] = []
        for (i, item) in items.enumerated() {
            let protoName = item["protocol"]?.string ?? "TCP"
            guard let proto = TransportProtocol(name: protoName), protoName == protoName.uppercased() else {
                problem(r, "\(path).ports[\(i)] has unsupported protocol '\(protoName)'; the rule is ignored")
                return nil
            }
            var ports: [PortItem]?
            let endPort = item["endPort"]?.int
            switch item["port"] {
            case .none, .some(.null):
                if endPort != nil {
                    problem(r, "\(path).ports[\(i)] has endPort without port; the rule is ignored")
                    return nil
                }
                ports = nil
            case .some(let value):
                if let n = value.int {
                    let end = endPort ?? n
                    guard (1...65535).contains(n), (1...65535).contains(end), end >= n else {
                        problem(r, "\(path).ports[\(i)] has an invalid port range \(n)-\(end); the rule is ignored")
                        return nil
                    }
                    ports = [.range(UInt32(n)...UInt32(end))]
                } else if let name = value.string {
                    if let n = Int(name) {
                        ports = [.range(UInt32(clamping: n)...UInt32(clamping: endPort ?? n))]
                    } else {
                        if endPort != nil {
                            problem(r, "\(path).ports[\(i)] uses endPort with the named port '\(name)', "
                                + "which Kubernetes rejects; the rule is ignored")
                            return nil
                        }
                        ports = [.named(name)]
                    }
                } else {
                    problem(r, "\(path).ports[\(i)].port is neither a number nor a name; the rule is ignored")
                    return nil
                }
            }
            entries.append(PortMatch.Entry(protocols: [proto], other: false, ports: ports, notPorts: []))
        }
        return PortMatch(entries: entries)
    }

    // MARK: Calico

    private mutating func readCalico(_ r: Resource) {
        let spec = r.spec
        let global = r.kind == "GlobalNetworkPolicy"
        let namespace = global ? nil : (r.namespace ?? "default")
        var failed = false
        func selector(_ key: String, in value: Value, at path: String) -> CalicoSelector? {
            guard let v = value[key], !v.isNull else { return nil }
            guard let text = v.string else {
                problem(r, "\(path).\(key) is not a string; the policy is ignored")
                failed = true
                return nil
            }
            do {
                return try CalicoSelector.parse(text)
            } catch {
                problem(r, "cannot parse \(path).\(key) \"\(text)\": \(error); the policy is ignored")
                failed = true
                return nil
            }
        }
        let selected = selector("selector", in: spec, at: "spec") ?? .all
        let namespaceSelector = global ? selector("namespaceSelector", in: spec, at: "spec") : nil
        let serviceAccountSelector = selector("serviceAccountSelector", in: spec, at: "spec")
        let hasIngress = !(spec["ingress"]?.items.isEmpty ?? true)
        let hasEgress = !(spec["egress"]?.items.isEmpty ?? true)
        var types: Set<Direction> = []
        if let declared = spec["types"]?.list, !declared.isEmpty {
            for t in declared {
                if let name = t.string, let d = Direction(rawValue: name) { types.insert(d) } else {
                    problem(r, "unknown types entry \(t.display)")
                }
            }
        } else if hasEgress && !hasIngress {
            types = [.egress]
        } else if hasEgress {
            types = [.ingress, .egress]
        } else {
            types = [.ingress]
        }
        let index = policies.count
        var rules: [Direction: [PolicyRule]] = [:]
        for direction in Direction.allCases {
            for (i, rule) in (spec[direction.word]?.items ?? []).enumerated() {
                let path = "spec.\(direction.word)[\(i)]"
                guard let actionName = rule["action"]?.string, let action = RuleAction(rawValue: actionName) else {
                    problem(r, "\(path) has no valid action (Allow, Deny, Pass or Log); the policy is ignored")
                    failed = true
                    continue
                }
                func entity(_ key: String) -> CalicoPeer? {
                    let v = rule[key] ?? .map([:])
                    let p = "\(path).\(key)"
                    var peer = CalicoPeer(
                        selector: selector("selector", in: v, at: p),
                        notSelector: selector("notSelector", in: v, at: p),
                        namespaceSelector: selector("namespaceSelector", in: v, at: p),
                        serviceAccountNames: v["serviceAccounts"]?["names"]?.stringList ?? [],
                        serviceAccountSelector: v["serviceAccounts"].flatMap {
                            selector("selector", in: $0, at: p + ".serviceAccounts")
                        },
                        nets: nil, notNets: nil)
                    peer.nets = nets(v["nets"], r, path: p + ".nets")
                    peer.notNets = nets(v["notNets"], r, path: p + ".notNets")
                    if v["services"] != nil {
                        problem(r, "\(p).services is not modelled; the rule is treated as if it named no service",
                                error: false)
                    }
                    return peer
                }
                guard let source = entity("source"), let destination = entity("destination") else { continue }
                guard let ports = calicoPorts(rule, action: action, r, path: path) else {
                    failed = true
                    continue
                }
                let (peer, local) = direction == .ingress ? (source, destination) : (destination, source)
                rules[direction, default: []].append(PolicyRule(
                    action: action, peer: peer.isEmpty ? .any : .calico(peer), local: local.isEmpty ? nil : local,
                    ports: ports, policy: index))
            }
        }
        let selection: EndpointSelection = failed ? .nothing
            : namespace.map { .calicoNamespaced(namespace: $0, selected) }
            ?? .calicoGlobal(selected, namespaceSelector: namespaceSelector)
        policies.append(NetworkPolicy(
            kind: global ? .calicoGlobal : .calico, name: r.name, namespace: namespace,
            tier: spec["tier"]?.string ?? "default", order: spec["order"]?.double, types: types,
            selection: selection, serviceAccountSelector: serviceAccountSelector,
            ingress: failed ? [] : rules[.ingress] ?? [],
            egress: failed ? [] : rules[.egress] ?? [], resource: r))
    }

    private mutating func nets(_ value: Value?, _ r: Resource, path: String) -> IntervalSet? {
        guard let list = value?.list else { return nil }
        var ranges: [ClosedRange<UInt32>] = []
        var skipped = false
        for item in list {
            guard let text = item.string else { continue }
            if IPv4.isIPv6(text) { skipped = true; continue }
            if let range = IPv4.cidr(text) { ranges.append(range) } else {
                problem(r, "\(path) has an invalid CIDR '\(text)'")
            }
        }
        if skipped { problem(r, "\(path) lists IPv6 ranges, which the engine does not model", error: false) }
        return IntervalSet(ranges)
    }

    private mutating func calicoPorts(_ rule: Value, action: RuleAction, _ r: Resource, path: String) -> PortMatch? {
        let destination = rule["destination"] ?? .null
        let ports = destination["ports"].map { portItems($0, r, path: path + ".destination.ports") }
        let notPorts = destination["notPorts"].map { portItems($0, r, path: path + ".destination.notPorts") } ?? []
        if rule["source"]?["ports"] != nil || rule["source"]?["notPorts"] != nil {
            problem(r, "\(path).source ports are not modelled (every source port is assumed)", error: false)
        }
        var protocols = Set(TransportProtocol.allCases)
        var other = true
        if let p = rule["protocol"], !p.isNull {
            let name = p.string ?? p.int.map(String.init) ?? ""
            if let t = TransportProtocol(name: name) { protocols = [t]; other = false } else { protocols = [] }
        }
        if let p = rule["notProtocol"], !p.isNull {
            let name = p.string ?? p.int.map(String.init) ?? ""
            if let t = TransportProtocol(name: name) { protocols.remove(t) } else { other = false }
        }
        let hasPorts = ports != nil || !notPorts.isEmpty
        if hasPorts && (rule["protocol"] == nil || protocols.isEmpty) {
            problem(r, "\(path) gives ports without protocol TCP, UDP or SCTP, which Calico rejects; "
                + "the policy is ignored")
            return nil
        }
        let icmp = rule["icmp"] != nil || rule["notICMP"] != nil
        if icmp && action != .allow {
            // ICMP types are not modelled: a narrowed Deny or Pass is taken as matching nothing, so that
            // the engine never reports less reachability than the cluster has.
            other = false
        }
        if protocols.isEmpty && !other { return PortMatch(entries: []) }
        return PortMatch(entries: [PortMatch.Entry(protocols: protocols, other: other, ports: ports,
                                                   notPorts: notPorts)])
    }

    private mutating func portItems(_ value: Value, _ r: Resource, path: String) -> [PortItem] {
        var items: [PortItem] = []
        for item in value.items {
            if let n = item.int, (0...65535).contains(n) {
                items.append(.range(UInt32(n)...UInt32(n)))
            } else if let text = item.string {
                let bounds = text.split(separator: ":", omittingEmptySubsequences: false)
                if bounds.count == 2, let a = UInt32(bounds[0]), let b = UInt32(bounds[1]), a <= b, b <= 65535 {
                    items.append(.range(a...b))
                } else if let n = UInt32(text), n <= 65535 {
                    items.append(.range(n...n))
                } else if !text.isEmpty, !text.contains(":") {
                    items.append(.named(text))
                } else {
                    problem(r, "\(path) has an invalid port '\(text)'")
                }
            } else {
                problem(r, "\(path) has an invalid port \(item.display)")
            }
        }
        return items
    }

    private mutating func readTier(_ r: Resource) {
        let action = r.spec["defaultAction"]?.string ?? "Deny"
        if action != "Deny" && action != "Pass" {
            problem(r, "unknown defaultAction '\(action)'; Deny is assumed", error: false)
        }
        let order = r.name == "default" ? (r.spec["order"]?.double ?? 1_000_000) : r.spec["order"]?.double
        tiers[r.name] = Tier(name: r.name, order: order, defaultPass: action == "Pass")
    }

    private mutating func readNetworkSet(_ r: Resource) {
        let global = r.kind == "GlobalNetworkSet"
        networkSets.append(NetworkSet(
            name: r.name, namespace: global ? nil : (r.namespace ?? "default"), labels: r.labels,
            nets: nets(r.spec["nets"], r, path: "spec.nets") ?? .empty))
    }
}

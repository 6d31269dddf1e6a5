import EvidentCore

/// Answers "does this policy select that class" and "does this rule's peer match that class or block".
struct MatchContext {
    let options: NetworkOptions
    let classes: [EndpointClass]
    let policies: [NetworkPolicy]
    let networkSets: [NetworkSet]
    let namespaces: SnapshotIndex

    func selects(_ policy: NetworkPolicy, _ c: Int) -> Bool {
        let e = classes[c]
        if let s = policy.serviceAccountSelector, !s.matches(e.serviceAccountLabels) { return false }
        switch policy.selection {
        case .kubernetes(let ns, let selector): return e.namespace == ns && selector.matches(e.labels)
        case .calicoNamespaced(let ns, let selector): return e.namespace == ns && selector.matches(e.calicoLabels)
        case .calicoGlobal(let selector, let nsSelector):
            return selector.matches(e.calicoLabels) && (nsSelector?.matches(e.calicoNamespaceLabels) ?? true)
        case .nothing: return false
        }
    }

    func peerMatches(_ rule: PolicyRule, endpoint c: Int) -> Bool {
        let policy = policies[rule.policy]
        switch rule.peer {
        case .any: return true
        case .kubernetes(let peers):
            let e = classes[c]
            return peers.contains { peer in
                if let block = peer.blockIndex {
                    return options.ipBlocksMatchPods && e.blockSignature.contains(block)
                }
                let nsOK = peer.namespaceSelector.map { $0.matches(e.namespaceLabels) }
                    ?? (e.namespace == policy.namespace)
                return nsOK && (peer.podSelector?.matches(e.labels) ?? true)
            }
        case .calico(let peer): return calicoMatches(peer, policy: policy, endpoint: c)
        }
    }

    func calicoMatches(_ peer: CalicoPeer, policy: NetworkPolicy, endpoint c: Int) -> Bool {
        let e = classes[c]
        if let nsSelector = peer.namespaceSelector {
            guard nsSelector.matches(e.calicoNamespaceLabels) else { return false }
        } else if let ns = policy.namespace, peer.selectsByLabels {
            guard e.namespace == ns else { return false }
        }
        if let s = peer.selector, !s.matches(e.calicoLabels) { return false }
        if let s = peer.notSelector, s.matches(e.calicoLabels) { return false }
        if !peer.serviceAccountNames.isEmpty && !peer.serviceAccountNames.contains(e.serviceAccount) { return false }
        if let s = peer.serviceAccountSelector, !s.matches(e.serviceAccountLabels) { return false }
        if let nets = peer.netsIndex {
            guard options.ipBlocksMatchPods, e.blockSignature.contains(nets) else { return false }
        }
        if let notNets = peer.notNetsIndex, options.ipBlocksMatchPods, e.blockSignature.contains(notNets) {
            return false
        }
        return true
    }

    func peerMatches(_ rule: PolicyRule, block: ExternalBlock) -> Bool {
        let policy = policies[rule.policy]
        switch rule.peer {
        case .any: return true
        case .kubernetes(let peers):
            return peers.contains { $0.ipBlock?.isSuperset(of: block.range) ?? false }
        case .calico(let peer):
            if peer.selectsByLabels {
                guard peer.serviceAccountNames.isEmpty, peer.serviceAccountSelector == nil else { return false }
                guard block.networkSets.contains(where: { setMatches(peer, policy: policy, set: networkSets[$0]) })
                else { return false }
            }
            if let nets = peer.nets, !nets.isSuperset(of: block.range) { return false }
            if let notNets = peer.notNets, notNets.overlaps(block.range) { return false }
            return true
        }
    }

    /// Whether a label-based Calico peer matches a network set (namespaced sets like endpoints of their
    /// namespace; global sets only through `global()` or from a global policy without namespaceSelector).
    func setMatches(_ peer: CalicoPeer, policy: NetworkPolicy, set: NetworkSet) -> Bool {
        var labels = set.labels
        if let ns = set.namespace {
            labels["projectcalico.org/namespace"] = ns
            if let nsSelector = peer.namespaceSelector {
                var nsLabels = namespaces.namespaceLabels(ns)
                nsLabels["kubernetes.io/metadata.name"] = ns
                nsLabels["projectcalico.org/name"] = ns
                guard nsSelector.matches(nsLabels) else { return false }
            } else if let policyNS = policy.namespace, policyNS != ns {
                return false
            }
        } else {
            if let nsSelector = peer.namespaceSelector {
                guard nsSelector.matches([:], isGlobal: true) else { return false }
            } else if policy.namespace != nil {
                return false
            }
        }
        if let s = peer.selector, !s.matches(labels, isGlobal: set.namespace == nil) { return false }
        if let s = peer.notSelector, s.matches(labels, isGlobal: set.namespace == nil) { return false }
        return true
    }
}

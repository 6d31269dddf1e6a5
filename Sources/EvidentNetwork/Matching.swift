import EvidentCore

/// Answers "does this policy select that class" and "does this rule's peer match that class or block".
struct MatchContext {
    let options: NetworkOptions
    let classes: [EndpointClass]
    let policies: [NetworkPolicy]
    let networkSets: [NetworkSet]
    let namespaces: SnapshotIndex

    // The functions below read fields of `classes[c]` and `policies[p]` in place: binding a whole endpoint
    // class or policy to a constant copies it (a dozen retains and releases), for every pair they judge.

    func selects(_ p: Int, _ c: Int) -> Bool {
        if let s = policies[p].serviceAccountSelector, !s.matches(classes[c].serviceAccountLabels) { return false }
        switch policies[p].selection {
        case .kubernetes(let ns, let selector): return classes[c].namespace == ns && selector.matches(classes[c].labels)
        case .calicoNamespaced(let ns, let selector):
            return classes[c].namespace == ns && selector.matches(classes[c].calicoLabels)
        case .calicoGlobal(let selector, let nsSelector):
            return selector.matches(classes[c].calicoLabels) && (nsSelector?.matches(classes[c].calicoNamespaceLabels) ?? true)
        case .nothing: return false
        }
    }

    func peerMatches(_ rule: PolicyRule, endpoint c: Int) -> Bool {
        switch rule.peer {
        case .any: return true
        case .kubernetes(let peers):
            return peers.contains { peer in
                if let block = peer.blockIndex {
                    return options.ipBlocksMatchPods && classes[c].blockSignature.contains(block)
                }
                let nsOK = peer.namespaceSelector.map { $0.matches(classes[c].namespaceLabels) }
                    ?? (classes[c].namespace == policies[rule.policy].namespace)
                return nsOK && (peer.podSelector?.matches(classes[c].labels) ?? true)
            }
        case .calico(let peer): return calicoMatches(peer, policyNamespace: policies[rule.policy].namespace, endpoint: c)
        }
    }

    /// Whether a Calico peer of a policy in `policyNamespace` (nil: a global policy) matches endpoint class `c`.
    func calicoMatches(_ peer: CalicoPeer, policyNamespace: String?, endpoint c: Int) -> Bool {
        if let nsSelector = peer.namespaceSelector {
            guard nsSelector.matches(classes[c].calicoNamespaceLabels) else { return false }
        } else if let ns = policyNamespace, peer.selectsByLabels {
            guard classes[c].namespace == ns else { return false }
        }
        if let s = peer.selector, !s.matches(classes[c].calicoLabels) { return false }
        if let s = peer.notSelector, s.matches(classes[c].calicoLabels) { return false }
        if !peer.serviceAccountNames.isEmpty && !peer.serviceAccountNames.contains(classes[c].serviceAccount) { return false }
        if let s = peer.serviceAccountSelector, !s.matches(classes[c].serviceAccountLabels) { return false }
        if let nets = peer.netsIndex {
            guard options.ipBlocksMatchPods, classes[c].blockSignature.contains(nets) else { return false }
        }
        if let notNets = peer.notNetsIndex, options.ipBlocksMatchPods, classes[c].blockSignature.contains(notNets) {
            return false
        }
        return true
    }

    func peerMatches(_ rule: PolicyRule, block: ExternalBlock) -> Bool {
        let policyNamespace = policies[rule.policy].namespace
        switch rule.peer {
        case .any: return true
        case .kubernetes(let peers):
            return peers.contains { $0.ipBlock?.isSuperset(of: block.range) ?? false }
        case .calico(let peer):
            if peer.selectsByLabels {
                guard peer.serviceAccountNames.isEmpty, peer.serviceAccountSelector == nil else { return false }
                guard block.networkSets.contains(where: { setMatches(peer, policyNamespace: policyNamespace, set: networkSets[$0]) })
                else { return false }
            }
            if let nets = peer.nets, !nets.isSuperset(of: block.range) { return false }
            if let notNets = peer.notNets, notNets.overlaps(block.range) { return false }
            return true
        }
    }

    /// Whether a label-based Calico peer matches a network set (namespaced sets like endpoints of their
    /// namespace; global sets only through `global()` or from a global policy without namespaceSelector).
    func setMatches(_ peer: CalicoPeer, policyNamespace: String?, set: NetworkSet) -> Bool {
        var labels = set.labels
        if let ns = set.namespace {
            labels["projectcalico.org/namespace"] = ns
            if let nsSelector = peer.namespaceSelector {
                var nsLabels = namespaces.namespaceLabels(ns)
                nsLabels["kubernetes.io/metadata.name"] = ns
                nsLabels["projectcalico.org/name"] = ns
                guard nsSelector.matches(nsLabels) else { return false }
            } else if let policyNS = policyNamespace, policyNS != ns {
                return false
            }
        } else {
            if let nsSelector = peer.namespaceSelector {
                guard nsSelector.matches([:], isGlobal: true) else { return false }
            } else if policyNamespace != nil {
                return false
            }
        }
        if let s = peer.selector, !s.matches(labels, isGlobal: set.namespace == nil) { return false }
        if let s = peer.notSelector, s.matches(labels, isGlobal: set.namespace == nil) { return false }
        return true
    }
}

/// Namespace-to-namespace reachability: which namespaces have some pod that may open a connection to
/// some pod of another, aggregated from the class-level analysis.
public struct NamespaceMatrix: Sendable {
    /// Namespaces with workloads, sorted.
    public let namespaces: [String]
    /// `sources[d]`: the namespaces (indices into `namespaces`) that reach namespace `d`. One bit per
    /// namespace: a large cluster has tens of millions of connected pairs.
    public let sources: [Bitset]

    public init(_ analysis: NetworkAnalysis) {
        let names = Array(Set(analysis.classes.map(\.namespace))).sorted()
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let classNamespace = analysis.classes.map { position[$0.namespace] ?? 0 }
        var classesOf = Array(repeating: [Int](), count: names.count)
        for (c, n) in classNamespace.enumerated() { classesOf[n].append(c) }
        // A class's sources depend only on its egress and ingress source sets, which classes share (every
        // class no policy isolates has the same ones): each pair is turned into namespaces once.
        struct Pair: Hashable {
            var egress: Int
            var ingress: Int
        }
        var byPair: [Pair: Bitset] = [:]
        var sources: [Bitset] = []
        sources.reserveCapacity(names.count)
        for d in names.indices {
            var reached = Bitset(count: names.count)
            for c in classesOf[d] {
                let pair = Pair(egress: analysis.egressSourcesOf[c], ingress: analysis.ingressSourcesOf[c])
                if let known = byPair[pair] {
                    reached.formUnion(known)
                    continue
                }
                var set = Bitset(count: names.count)
                analysis.reachingSources(of: c).forEachMember { set.insert(classNamespace[$0]) }
                byPair[pair] = set
                reached.formUnion(set)
            }
            sources.append(reached)
        }
        self.namespaces = names
        self.sources = sources
    }

    /// How many ordered pairs of distinct namespaces are connected.
    public var connectedPairs: Int {
        sources.enumerated().reduce(0) { total, entry in
            total + entry.element.memberCount - (entry.element.contains(entry.offset) ? 1 : 0)
        }
    }
}

/// Namespace-to-namespace reachability: which namespaces have some pod that may open a connection to
/// some pod of another, aggregated from the class-level analysis.
public struct NamespaceMatrix: Sendable {
    /// Namespaces with workloads, sorted.
    public let namespaces: [String]
    /// `sources[d]`: indices (into `namespaces`) of the namespaces that reach namespace `d`.
    public let sources: [[Int]]

    public init(_ analysis: NetworkAnalysis) {
        let names = Array(Set(analysis.classes.map(\.namespace))).sorted()
        let position = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        let classNamespace = analysis.classes.map { position[$0.namespace] ?? 0 }
        var classesOf = Array(repeating: [Int](), count: names.count)
        for (c, n) in classNamespace.enumerated() { classesOf[n].append(c) }
        var sources: [[Int]] = []
        for d in names.indices {
            var reaching = Bitset(count: analysis.classes.count)
            for c in classesOf[d] { reaching.formUnion(analysis.reachingSources(of: c)) }
            var seen = Set<Int>()
            for c in reaching.members { seen.insert(classNamespace[c]) }
            sources.append(seen.sorted())
        }
        self.namespaces = names
        self.sources = sources
    }

    /// How many ordered pairs of distinct namespaces are connected.
    public var connectedPairs: Int {
        sources.enumerated().reduce(0) { total, entry in total + entry.element.filter { $0 != entry.offset }.count }
    }
}

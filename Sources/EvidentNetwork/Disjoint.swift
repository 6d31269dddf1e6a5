/// Splits address space into disjoint blocks such that every input set is a union of blocks, the way
/// netpol-analyzer does it (so that `evident reach` names external peers as it does): inputs are taken
/// from the smallest to the largest, each is cut against the blocks found so far, and what it adds on
/// its own is split into contiguous ranges.
enum DisjointBlocks {
    static func split(_ inputs: [IntervalSet]) -> [IntervalSet] {
        var unique: [IntervalSet] = []
        var seen: Set<IntervalSet> = []
        for set in inputs where !set.isEmpty && seen.insert(set).inserted { unique.append(set) }
        unique.sort { ($0.count, $0.ranges.first?.lowerBound ?? 0) < ($1.count, $1.ranges.first?.lowerBound ?? 0) }
        var blocks: [IntervalSet] = []
        for input in unique {
            var remaining = input
            var added: [IntervalSet] = []
            for i in blocks.indices {
                guard remaining.overlaps(blocks[i]) else { continue }
                let shared = blocks[i].intersection(remaining)
                remaining = remaining.subtracting(shared)
                if shared != blocks[i] {
                    added.append(shared)
                    blocks[i] = blocks[i].subtracting(shared)
                }
                if remaining.isEmpty { break }
            }
            blocks += remaining.ranges.map { IntervalSet($0) }
            blocks += added
        }
        return blocks.sorted { ($0.ranges.first?.lowerBound ?? 0) < ($1.ranges.first?.lowerBound ?? 0) }
    }
}

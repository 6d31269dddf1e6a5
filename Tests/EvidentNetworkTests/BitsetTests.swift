import Testing
@testable import EvidentNetwork

/// The sparse form of a set behaves as the dense one in every operation, whatever the mix of forms.
@Suite("Bitset forms")
struct BitsetTests {
    /// A deterministic pseudo-random set of `members` values out of `count`.
    static func set(count: Int, members: Int, seed: UInt64) -> Bitset {
        var state = seed
        var b = Bitset(count: count)
        for _ in 0..<members {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            b.insert(Int((state >> 33) % UInt64(count)))
        }
        return b
    }

    @Test("sparse and dense sets agree", arguments: [(1000, 3), (1000, 200), (130, 1), (64, 0), (5000, 40)])
    func agree(count: Int, members: Int) {
        for seed in UInt64(1)...20 {
            let a = Self.set(count: count, members: members, seed: seed)
            let b = Self.set(count: count, members: members * 2 + 1, seed: seed &* 31)
            let sa = a.compacted(), sb = b.compacted()
            #expect(sa == a && sa.hashValue == a.hashValue)
            #expect(sa.members == a.members && sa.memberCount == a.memberCount && sa.isEmpty == a.isEmpty)
            for i in 0..<count { #expect(sa.contains(i) == a.contains(i)) }
            let dense = a.intersection(b)
            for (x, y) in [(sa, b), (a, sb), (sa, sb)] {
                #expect(x.intersection(y) == dense)
                var u = x
                u.formUnion(y)
                var v = a
                v.formUnion(b)
                #expect(u == v && u.members == v.members)
            }
            #expect(sa.complement() == a.complement())
            var inserted = sa
            inserted.insert(count - 1)
            var expected = a
            expected.insert(count - 1)
            #expect(inserted == expected)
        }
    }

    @Test func compactingKeepsTheMembersOfSmallAndFullSets() {
        let few = Self.set(count: 10_000, members: 5, seed: 7).compacted()
        let many = Bitset(count: 10_000, full: true).compacted()
        #expect(few.memberCount <= 5 && few.members.allSatisfy { few.contains($0) })
        #expect(many.memberCount == 10_000 && many.contains(9_999) && !many.complement().contains(0))
    }
}

import Testing
@testable import EvidentCore

/// `ValueMap` behaves as the dictionary it replaced: lookups, updates, removal, equality and hashing do not
/// depend on the order members were added, and iteration is sorted by key.
@Suite("ValueMap")
struct ValueMapTests {
    @Test func lookupsUpdatesAndRemovalInSmallAndLargeMaps() {
        for size in [0, 1, 5, 8, 9, 40] {
            var map = ValueMap()
            var reference: [String: Value] = [:]
            for i in (0..<size).reversed() {
                map["k\(i * 7 % 41)"] = .int(i)
                reference["k\(i * 7 % 41)"] = .int(i)
            }
            #expect(map.count == reference.count)
            #expect(map.keys == reference.keys.sorted())
            for (key, value) in reference { #expect(map[key] == value) }
            #expect(map["missing"] == nil)
            if let first = reference.keys.sorted().first {
                #expect(map.updateValue(.string("x"), forKey: first) == reference[first])
                #expect(map.removeValue(forKey: first) == .string("x"))
                #expect(map[first] == nil && map.count == reference.count - 1)
            }
        }
    }

    @Test func equalityAndHashIgnoreInsertionOrder() {
        let a = ValueMap([("b", .int(2)), ("a", .int(1)), ("c", .null)])
        let b: ValueMap = ["c": .null, "a": .int(1), "b": .int(2)]
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a.map(\.key) == ["a", "b", "c"])
        #expect(ValueMap([("a", .int(1)), ("a", .int(2))])["a"] == .int(2), "a later pair replaces an earlier one")
        #expect(a != ValueMap([("a", .int(1)), ("b", .int(2))]))
    }

    @Test func theLoadersRefuseRepeatedKeysInLargeObjects() {
        var members = MemberList()
        var added = 0
        for i in 0..<100 where members.add("k\(i)", .int(i)) { added += 1 }
        let repeated = [members.add("k42", .null), members.add("k3", .null)]
        #expect(added == 100 && repeated == [false, false])
        #expect(members.map.count == 100 && members.map["k42"] == .int(42))
    }
}

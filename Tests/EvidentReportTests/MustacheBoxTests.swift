@testable import EvidentReport
import Testing

@Suite("Mustache boxing")
struct MustacheBoxTests {
    struct Inner: Encodable {
        let name: String
        let note: String?
    }

    struct Outer: Encodable {
        let title: String
        let count: Int
        let open: Bool
        let share: Double
        let missing: String?
        let present: Int?
        let inner: Inner
        let rows: [Inner]
        let words: [String]
        let grid: [[Int]]
    }

    @Test("a view becomes dictionaries and arrays of its stored properties; nil optionals are absent")
    func shape() throws {
        let value = Outer(title: "t", count: 3, open: true, share: 0.5, missing: nil, present: 7,
                          inner: Inner(name: "a", note: nil), rows: [Inner(name: "b", note: "n"), Inner(name: "c", note: nil)],
                          words: ["x", "y"], grid: [[1, 2], []])
        let box = try #require(MustacheBox.box(value) as? [String: Any])
        #expect(Set(box.keys) == ["title", "count", "open", "share", "present", "inner", "rows", "words", "grid"])
        #expect(box["title"] as? String == "t")
        #expect(box["count"] as? Int == 3)
        #expect(box["open"] as? Bool == true)
        #expect(box["share"] as? Double == 0.5)
        #expect(box["present"] as? Int == 7)
        let inner = try #require(box["inner"] as? [String: Any])
        #expect(Set(inner.keys) == ["name"])
        let rows = try #require(box["rows"] as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["b", "c"])
        #expect(rows.map { $0["note"] as? String } == ["n", nil])
        #expect(box["words"] as? [String] == ["x", "y"])
        #expect(box["grid"] as? [[Int]] == [[1, 2], []])
    }

    @Test("a leaf boxes as itself")
    func leaves() {
        #expect(MustacheBox.box("text") as? String == "text")
        #expect(MustacheBox.box(42) as? Int == 42)
        #expect(MustacheBox.box(false) as? Bool == false)
    }
}

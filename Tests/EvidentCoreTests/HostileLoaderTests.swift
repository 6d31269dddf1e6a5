@testable import EvidentCore
import Foundation
import Testing

/// Core-level hostile inputs, cheaper than going through the CLI (see HostileInputTests there).
@Suite("Hostile loader inputs", .timeLimit(.minutes(1)))
struct HostileLoaderTests {
    func snapshotError(_ data: Data, path: String) -> LoadError? {
        do {
            _ = try SnapshotLoader.load(data, path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["s.json", "s.yaml"])
    func aScalarOverTheLimitFails(_ path: String) throws {
        let long = String(repeating: "x", count: Limits.maxScalarBytes + 1)
        let text = path.hasSuffix("json")
            ? #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"},"data":{"a":""# + long + #""}}"#
            : "kind: ConfigMap\napiVersion: v1\nmetadata: {name: x}\ndata: {a: \"\(long)\"}\n"
        let error = try #require(snapshotError(Data(text.utf8), path: path))
        #expect(error.location.file == path)
        #expect(error.message.contains("longer than the limit"))
    }

    @Test func aScalarAtTheLimitLoads() throws {
        let long = String(repeating: "x", count: 1 << 20)
        let text = #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x"},"data":{"a":""# + long + #""}}"#
        let snapshot = try SnapshotLoader.load(Data(text.utf8), path: "s.json")
        #expect(snapshot.resources.count == 1)
    }

    @Test(arguments: [
        ("kind: Pod\napiVersion: v1\nmetadata: [a]\n", "metadata"),
        ("kind: Pod\napiVersion: v1\nmetadata: 5\n", "metadata"),
        ("kind: PodList\napiVersion: v1\nitems: {a: 1}\n", "items"),
        (#"{"kind":"List","apiVersion":"v1","items":7}"#, "items"),
    ])
    func wrongShapesFail(_ text: String, word: String) throws {
        let error = try #require(snapshotError(Data(text.utf8), path: "s.yaml"))
        #expect(error.word == word)
        #expect(error.location.file == "s.yaml")
    }

    @Test func nullMetadataAndItemsStayLenient() throws {
        let snapshot = try SnapshotLoader.load(Data("kind: List\napiVersion: v1\nitems: null\n".utf8), path: "s.yaml")
        #expect(snapshot.resources.isEmpty)
    }

    @Test func documentLoaderBoundsAliasesAndKeys() throws {
        var bomb = "a0: &a0 [x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 { bomb += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n" }
        #expect(throws: LoadError.self) { try DocumentLoader.load(Data(bomb.utf8), path: "p.yaml") }
        #expect(throws: LoadError.self) { try DocumentLoader.load(Data("a: 1\na: 2\n".utf8), path: "p.yaml") }
        #expect(throws: LoadError.self) { try DocumentLoader.load(Data("a: 1\n---\nb: 2\n".utf8), path: "p.yaml") }
        #expect(try DocumentLoader.load(Data(#"{"max": 5}"#.utf8), path: "p.json") == .map(["max": .int(5)]))
        #expect(try DocumentLoader.load(Data(), path: "p.yaml") == .null)
    }
}

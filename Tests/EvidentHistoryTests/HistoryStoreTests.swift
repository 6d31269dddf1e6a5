import EvidentCore
import EvidentHistory
import Foundation
import GRDB
import Testing

/// A run with `deviating` controls of the family `fam-a` failing with one finding each, the rest satisfied.
private func run(_ day: Int, cluster: String = "prod", deviating: Set<String>, controls: [String] = ["c1", "c2", "c3", "c4"],
                 family: (String) -> String = { $0 == "c4" ? "fam-b" : "fam-a" }) -> HistoryRun {
    HistoryRun(
        time: Date(timeIntervalSince1970: 1_790_000_000 + Double(day) * 86_400), snapshotTime: nil, cluster: cluster,
        planID: "plan", planVersion: "1.\(day)", toolVersion: "0.1.0", exitCode: deviating.isEmpty ? 0 : 1,
        catalogs: [.init(id: "cat", version: "2")],
        inputs: [.init(path: "snap-\(day).json", role: "snapshot", sha256: String(repeating: "a", count: 64), bytes: 10)],
        controls: controls.map { id in
            HistoryRun.Control(id: id, catalogID: "cat", familyID: family(id), familyTitle: family(id).uppercased(),
                               title: "Control \(id)", status: deviating.contains(id) ? .notSatisfied : .satisfied,
                               severity: .high, deviations: deviating.contains(id) ? 2 : 0, waived: 0)
        })
}

private func temporaryFile(_ name: String) -> String {
    FileManager.default.temporaryDirectory.appendingPathComponent("evident-history-\(UUID().uuidString)-\(name)").path
}

@Suite("History store")
struct HistoryStoreTests {
    @Test("Runs round-trip through the database, oldest first, filtered by cluster and count")
    func roundTrip() throws {
        let path = temporaryFile("a.sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try HistoryStore(path: path)
        try store.append(run(1, deviating: ["c1"]))
        try store.append(run(2, cluster: "stage", deviating: []))
        try store.append(run(3, deviating: ["c1", "c2"]))
        let reopened = try HistoryStore(path: path, create: false)
        let all = try reopened.runs()
        #expect(all.count == 3)
        #expect(all.map(\.cluster) == ["prod", "stage", "prod"])
        let prod = try reopened.runs(cluster: "prod")
        #expect(prod.map(\.planVersion) == ["1.1", "1.3"])
        var expected = run(3, deviating: ["c1", "c2"])
        expected.id = prod[1].id
        #expect(prod[1] == expected)
        #expect(try reopened.runs(cluster: "prod", last: 1).map(\.planVersion) == ["1.3"])
        #expect(try reopened.clusters() == ["prod", "stage"])
    }

    @Test("The trend counts deviations per family and run, and lists when controls opened and closed")
    func trend() throws {
        let store = try HistoryStore()
        try store.append(run(1, deviating: ["c1", "c2"]))
        try store.append(run(2, deviating: ["c2", "c4"]))
        try store.append(run(3, deviating: ["c4"]))
        let trend = try store.trend(cluster: "prod")
        #expect(trend.families.map(\.title) == ["FAM-A", "FAM-B"])
        #expect(trend.families[0].deviations == [4, 2, 0])
        #expect(trend.families[1].deviations == [0, 2, 2])
        #expect(trend.families[0].deviatingControls == [2, 1, 0])
        let moves = trend.transitions.map { "\($0.run) \($0.opened ? "opened" : "closed") \($0.controlID)" }
        #expect(moves == ["1 opened c4", "1 closed c1", "2 closed c2"])
    }

    @Test("An append that fails halfway leaves the database as it was")
    func interruptedAppend() throws {
        let path = temporaryFile("b.sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try HistoryStore(path: path)
        for day in 1...3 { try store.append(run(day, deviating: ["c1"])) }
        let next = run(4, deviating: ["c2"])
        let half = HistoryStore.rowCount(of: next) / 2
        struct Stop: Error {}
        #expect(throws: HistoryError.self) {
            try store.append(next) { rows in if rows == half { throw Stop() } }
        }
        let after = try HistoryStore(path: path, create: false).runs()
        #expect(after.map(\.planVersion) == ["1.1", "1.2", "1.3"])
        #expect(after.allSatisfy { $0.controls.count == 4 && $0.inputs.count == 1 })
        // The database still takes appends afterwards.
        try store.append(next)
        #expect(try store.runs().count == 4)
    }

    @Test("A file that is not SQLite is refused, naming the file")
    func notADatabase() throws {
        let path = temporaryFile("notes.txt")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(String(repeating: "these are not the rows you are looking for\n", count: 200).utf8)
            .write(to: URL(fileURLWithPath: path))
        do {
            _ = try HistoryStore(path: path)
            Issue.record("opened a text file as a history")
        } catch {
            #expect(error == .notADatabase(path: path))
            #expect(error.description.contains(path))
        }
    }

    @Test("A history with a newer schema is refused, not misread")
    func newerSchema() throws {
        let path = temporaryFile("c.sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            let store = try HistoryStore(path: path)
            try store.append(run(1, deviating: []))
        }
        try TestSQL.execute(path: path, "INSERT INTO grdb_migrations (identifier) VALUES ('v2')")
        do {
            _ = try HistoryStore(path: path)
            Issue.record("opened a newer schema")
        } catch {
            #expect(error == .newerSchema(path: path, unknown: ["v2"]))
            #expect(error.description.contains("newer evident"))
        }
    }

    @Test("Somebody else's SQLite database is refused")
    func foreignDatabase() throws {
        let path = temporaryFile("d.sqlite")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try TestSQL.execute(path: path, "CREATE TABLE invoices (id INTEGER)")
        #expect(throws: HistoryError.foreignDatabase(path: path)) { try HistoryStore(path: path) }
    }

    @Test("Without create, a missing file is an error and nothing is created")
    func missingFile() throws {
        let path = temporaryFile("missing.sqlite")
        #expect(throws: HistoryError.self) { try HistoryStore(path: path, create: false) }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}

/// Raw SQL against a database file, to build the cases the store itself never writes.
enum TestSQL {
    static func execute(path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in try db.execute(sql: sql) }
    }
}

import EvidentCore
import Foundation
import GRDB

/// Why a history database cannot be used. Each case names the file and says what to do.
public enum HistoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file is not a SQLite database (or is damaged).
    case notADatabase(path: String)
    /// A SQLite database, but not an evident history (it has tables of its own and no evident schema).
    case foreignDatabase(path: String)
    /// The database was written by a newer evident: it holds schema migrations this version does not know.
    case newerSchema(path: String, unknown: [String])
    /// SQLite refused an operation (locked, read-only, disk full, ...).
    case sqlite(path: String, message: String)
    /// A stored value this version cannot read (an unknown status or severity, a malformed time).
    case corrupt(path: String, message: String)
    /// An append stopped before it committed (the caller's `afterEachRow` threw); nothing was written.
    case interrupted(path: String, message: String)

    public var description: String {
        switch self {
        case let .notADatabase(path):
            return "\(path): not an evident history database (not a SQLite file, or damaged); "
                + "give a new file name to start a history, or the file an earlier `evident audit --history` wrote"
        case let .foreignDatabase(path):
            return "\(path): a SQLite database, but not an evident history (it holds other tables); "
                + "give a new file name to start a history"
        case let .newerSchema(path, unknown):
            return "\(path): the history was written by a newer evident (schema migrations "
                + "\(unknown.joined(separator: ", ")) are unknown to this version, which knows up to "
                + "\(HistoryStore.schemaVersion)); upgrade evident to read or append to it"
        case let .sqlite(path, message):
            return "\(path): the history database failed: \(message)"
        case let .corrupt(path, message):
            return "\(path): the history database holds a value this evident cannot read: \(message)"
        case let .interrupted(path, message):
            return "\(path): the run was not recorded (\(message)); the history is as it was"
        }
    }
}

/// The audit history: a SQLite database (through GRDB) of runs, each with its controls' statuses and
/// counts. The schema is versioned by GRDB's `DatabaseMigrator` (migrations `v1`, ...): opening a database
/// applies the migrations it lacks, and a database with migrations this version does not know is refused
/// (`HistoryError.newerSchema`) rather than misread. Every append is one transaction: a run that fails or
/// is killed halfway leaves the database as it was (SQLite rolls the journal back).
///
/// Values in, values out: the store takes and returns `HistoryRun`s; the trend is computed from them by
/// `HistoryTrend`.
public final class HistoryStore: Sendable {
    /// The newest schema this version writes: the name of the last migration.
    public static let schemaVersion = "v1"

    /// The file's path (`:memory:` for an in-memory store), for messages.
    public let path: String
    private let queue: DatabaseQueue

    /// Opens (or, with `create`, creates) the history at `path` and brings its schema up to date.
    /// Fails with `.notADatabase` for a file that is not SQLite, `.foreignDatabase` for somebody else's
    /// SQLite database, `.newerSchema` for a history of a newer evident, and `.sqlite` when SQLite refuses.
    /// Without `create`, a missing file is `.sqlite` (nothing is created).
    public init(path: String, create: Bool = true) throws(HistoryError) {
        self.path = path
        var configuration = Configuration()
        // Several audits (a CI fleet) may append to one file: wait for each other's transactions.
        configuration.busyMode = .timeout(30)
        if !create && !FileManager.default.fileExists(atPath: path) {
            throw .sqlite(path: path, message: "no such file")
        }
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch {
            throw Self.describe(error, path: path)
        }
        try prepare()
    }

    /// A store that lives in memory only (for tests and previews).
    public init() throws(HistoryError) {
        path = ":memory:"
        do {
            queue = try DatabaseQueue()
        } catch {
            throw Self.describe(error, path: path)
        }
        try prepare()
    }

    private func prepare() throws(HistoryError) {
        let migrator = Self.migrator
        let path = self.path
        do {
            try queue.read { db in
                let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
                if !tables.isEmpty && !tables.contains("grdb_migrations") {
                    throw HistoryError.foreignDatabase(path: path)
                }
                if tables.contains("grdb_migrations") {
                    let known = Set(migrator.migrations)
                    let unknown = try migrator.appliedIdentifiers(db).subtracting(known)
                    if !unknown.isEmpty { throw HistoryError.newerSchema(path: path, unknown: unknown.sorted()) }
                }
            }
            try migrator.migrate(queue)
        } catch let error as HistoryError {
            throw error
        } catch {
            throw Self.describe(error, path: path)
        }
    }

    /// The schema, one named migration per version. Never edit a shipped migration: add the next one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    time TEXT NOT NULL,            -- RFC 3339, UTC: the audit's clock
                    snapshotTime TEXT,             -- RFC 3339, UTC, when known
                    cluster TEXT NOT NULL,
                    planID TEXT NOT NULL,
                    planVersion TEXT NOT NULL,
                    toolVersion TEXT NOT NULL,
                    exitCode INTEGER NOT NULL
                );
                CREATE INDEX run_cluster_time ON run(cluster, time);
                CREATE TABLE runCatalog (
                    runID INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    catalogID TEXT NOT NULL,
                    version TEXT NOT NULL,
                    PRIMARY KEY (runID, position)
                );
                CREATE TABLE runInput (
                    runID INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    path TEXT NOT NULL,
                    role TEXT NOT NULL,
                    sha256 TEXT NOT NULL,
                    bytes INTEGER NOT NULL,
                    PRIMARY KEY (runID, position)
                );
                CREATE TABLE controlResult (
                    runID INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    position INTEGER NOT NULL,
                    controlID TEXT NOT NULL,
                    catalogID TEXT NOT NULL,
                    familyID TEXT NOT NULL,
                    familyTitle TEXT NOT NULL,
                    title TEXT NOT NULL,
                    status TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    deviations INTEGER NOT NULL,   -- failing findings
                    waived INTEGER NOT NULL,       -- waived findings
                    PRIMARY KEY (runID, position)
                );
                CREATE INDEX controlResult_control ON controlResult(catalogID, controlID);
                """)
        }
        return migrator
    }

    /// How many rows `append` writes for `run`: the run, its catalogs, inputs and controls.
    public static func rowCount(of run: HistoryRun) -> Int {
        1 + run.catalogs.count + run.inputs.count + run.controls.count
    }

    /// Appends `run` in one transaction and returns its id. `afterEachRow` is called with the number of
    /// rows written so far, inside the transaction; if it throws, the transaction is rolled back and the
    /// append fails with `.interrupted` (tests use it to stop a write halfway). Fails with `.sqlite` when
    /// SQLite refuses; either way the database is left as it was.
    @discardableResult
    public func append(_ run: HistoryRun,
                       afterEachRow: (@Sendable (Int) throws -> Void)? = nil) throws(HistoryError) -> Int64 {
        do {
            // An immediate transaction takes the write lock at once, so a second writer waits (busy timeout)
            // instead of failing when it upgrades; everything below commits together or not at all.
            return try queue.writeWithoutTransaction { db -> Int64 in
                var id: Int64 = 0
                try db.inTransaction(.immediate) {
                    id = try Self.insert(run, into: db, afterEachRow: afterEachRow)
                    return .commit
                }
                return id
            }
        } catch let hook as Hook {
            throw .interrupted(path: path, message: "\(hook.error)")
        } catch {
            throw Self.describe(error, path: path)
        }
    }

    /// Raised inside the transaction when `afterEachRow` throws, to tell it from a database error.
    private struct Hook: Error { let error: any Error }

    private static func insert(_ run: HistoryRun, into db: Database,
                        afterEachRow: (@Sendable (Int) throws -> Void)?) throws -> Int64 {
        var rows = 0
        func written() throws {
            rows += 1
            do { try afterEachRow?(rows) } catch { throw Hook(error: error) }
        }
        try db.execute(
            sql: """
                INSERT INTO run (time, snapshotTime, cluster, planID, planVersion, toolVersion, exitCode)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [Timestamp.format(run.time), run.snapshotTime.map(Timestamp.format), run.cluster,
                        run.planID, run.planVersion, run.toolVersion, run.exitCode])
        let id = db.lastInsertedRowID
        try written()
        for (i, c) in run.catalogs.enumerated() {
            try db.execute(sql: "INSERT INTO runCatalog (runID, position, catalogID, version) VALUES (?, ?, ?, ?)",
                           arguments: [id, i, c.id, c.version])
            try written()
        }
        for (i, input) in run.inputs.enumerated() {
            try db.execute(
                sql: "INSERT INTO runInput (runID, position, path, role, sha256, bytes) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [id, i, input.path, input.role, input.sha256, input.bytes])
            try written()
        }
        for (i, c) in run.controls.enumerated() {
            try db.execute(
                sql: """
                    INSERT INTO controlResult (runID, position, controlID, catalogID, familyID, familyTitle,
                                               title, status, severity, deviations, waived)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [id, i, c.id, c.catalogID, c.familyID, c.familyTitle, c.title, c.status.rawValue,
                            c.severity.rawValue, c.deviations, c.waived])
            try written()
        }
        return id
    }

    /// The cluster names in the history, sorted.
    public func clusters() throws(HistoryError) -> [String] {
        do {
            return try queue.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT cluster FROM run ORDER BY cluster") }
        } catch {
            throw Self.describe(error, path: path)
        }
    }

    /// The runs, oldest first (by audit time, then by the order they were appended): of `cluster` only when
    /// given, and only the last `last` when given. Fails with `.corrupt` on a value it cannot read.
    public func runs(cluster: String? = nil, last: Int? = nil) throws(HistoryError) -> [HistoryRun] {
        let path = self.path
        do {
            return try queue.read { db -> [HistoryRun] in
                var sql = "SELECT * FROM run"
                var arguments: StatementArguments = []
                if let cluster {
                    sql += " WHERE cluster = ?"
                    arguments += [cluster]
                }
                sql += " ORDER BY time DESC, id DESC"
                if let last {
                    sql += " LIMIT ?"
                    arguments += [max(0, last)]
                }
                let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).reversed()
                return try rows.map { row throws -> HistoryRun in try Self.run(row, db: db, path: path) }
            }
        } catch let error as HistoryError {
            throw error
        } catch let error as DatabaseError {
            throw Self.describe(error, path: path)
        } catch {
            throw .corrupt(path: path, message: "\(error)")
        }
    }

    /// The trend of `cluster`'s last `last` runs (all when nil).
    public func trend(cluster: String, last: Int? = nil) throws(HistoryError) -> HistoryTrend {
        HistoryTrend(cluster: cluster, runs: try runs(cluster: cluster, last: last))
    }

    private static func run(_ row: Row, db: Database, path: String) throws -> HistoryRun {
        let id: Int64 = try row.decode(forColumn: "id")
        let timeText: String = try row.decode(forColumn: "time")
        guard let time = Timestamp.parse(timeText) else {
            throw HistoryError.corrupt(path: path, message: "run \(id) has the time '\(timeText)'")
        }
        let snapshotText: String? = try row.decode(forColumn: "snapshotTime")
        let catalogs = try Row.fetchAll(db, sql: "SELECT * FROM runCatalog WHERE runID = ? ORDER BY position",
                                        arguments: [id]).map { c throws -> HistoryRun.CatalogVersion in
            HistoryRun.CatalogVersion(id: try c.decode(forColumn: "catalogID"), version: try c.decode(forColumn: "version"))
        }
        let inputs = try Row.fetchAll(db, sql: "SELECT * FROM runInput WHERE runID = ? ORDER BY position",
                                      arguments: [id]).map { i throws -> HistoryRun.Input in
            HistoryRun.Input(path: try i.decode(forColumn: "path"), role: try i.decode(forColumn: "role"),
                             sha256: try i.decode(forColumn: "sha256"), bytes: try i.decode(forColumn: "bytes"))
        }
        let controls = try Row.fetchAll(db, sql: "SELECT * FROM controlResult WHERE runID = ? ORDER BY position",
                                        arguments: [id]).map { c throws -> HistoryRun.Control in
            let statusText: String = try c.decode(forColumn: "status")
            let severityText: String = try c.decode(forColumn: "severity")
            guard let status = ControlStatus(rawValue: statusText), let severity = Severity(rawValue: severityText) else {
                throw HistoryError.corrupt(path: path, message: "run \(id) has the status '\(statusText)' "
                                           + "or severity '\(severityText)'")
            }
            return HistoryRun.Control(
                id: try c.decode(forColumn: "controlID"), catalogID: try c.decode(forColumn: "catalogID"),
                familyID: try c.decode(forColumn: "familyID"), familyTitle: try c.decode(forColumn: "familyTitle"),
                title: try c.decode(forColumn: "title"), status: status, severity: severity,
                deviations: try c.decode(forColumn: "deviations"), waived: try c.decode(forColumn: "waived"))
        }
        return HistoryRun(
            id: id, time: time, snapshotTime: snapshotText.flatMap(Timestamp.parse),
            cluster: try row.decode(forColumn: "cluster"), planID: try row.decode(forColumn: "planID"),
            planVersion: try row.decode(forColumn: "planVersion"), toolVersion: try row.decode(forColumn: "toolVersion"),
            exitCode: try row.decode(forColumn: "exitCode"), catalogs: catalogs, inputs: inputs, controls: controls)
    }

    private static func describe(_ error: any Error, path: String) -> HistoryError {
        if let error = error as? HistoryError { return error }
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT { return .notADatabase(path: path) }
            return .sqlite(path: path, message: error.message ?? "\(error.resultCode)")
        }
        return .sqlite(path: path, message: "\(error)")
    }
}

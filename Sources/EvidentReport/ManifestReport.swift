import EvidentCore

/// One report file as the manifest records it.
public struct ManifestEntry: Sendable, Hashable {
    /// The file name in the output folder, e.g. `report.html`.
    public var file: String
    /// The lowercase hex SHA-256 of the file's bytes.
    public var sha256: String
    public var bytes: Int

    public init(file: String, sha256: String, bytes: Int) {
        self.file = file
        self.sha256 = sha256
        self.bytes = bytes
    }
}

/// `manifest.json`: the evidence manifest written on every run. It holds the SHA-256 of every input and of
/// every report written beside it, the tool version, the catalog and plan versions and the snapshot time,
/// so that anyone can check later that a report folder is what the tool wrote. Reports are listed by file
/// name; the output depends only on the result and the reports, so the same inputs and `--now` give the
/// same manifest.
enum ManifestReport {
    static func render(_ result: AuditResult, reports: [ManifestEntry]) -> String {
        var w = JSONWriter()
        w.beginObject()
        w.member("manifestVersion", 1)
        w.object("tool") { w in
            w.member("name", "evident")
            w.member("version", result.toolVersion)
        }
        w.member("generatedAt", Text.rfc3339(result.generatedAt))
        w.member("snapshotTime", result.snapshotTime.map(Text.rfc3339))
        w.object("plan") { w in
            w.member("id", result.plan.id)
            w.member("version", result.plan.version)
            w.member("origin", result.plan.origin)
        }
        w.array("catalogs") { w in
            for c in result.catalogs {
                w.beginObject()
                w.member("id", c.id)
                w.member("version", c.version)
                w.member("origin", c.origin)
                w.endObject()
            }
        }
        w.array("inputs") { w in
            for input in result.inputs {
                w.beginObject()
                w.member("path", input.path)
                w.member("role", input.role.rawValue)
                w.member("sha256", input.sha256)
                w.member("bytes", input.bytes)
                w.endObject()
            }
        }
        w.array("reports") { w in
            for r in reports.sorted(by: { $0.file < $1.file }) {
                w.beginObject()
                w.member("file", r.file)
                w.member("sha256", r.sha256)
                w.member("bytes", r.bytes)
                w.endObject()
            }
        }
        w.endObject()
        return w.output + "\n"
    }
}

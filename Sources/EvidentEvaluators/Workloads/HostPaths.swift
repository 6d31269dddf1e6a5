import EvidentCore

/// Host path handling shared by `runtime-socket-mount` and `host-path-volumes`.
enum HostPaths {
    /// Lexically normalises an absolute host path: repeated and trailing slashes go, `.` segments go and
    /// `..` segments climb. `/var/run//docker.sock/` becomes `/var/run/docker.sock`; `` and `/` become `/`.
    static func normalise(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// Whether normalised `path` equals normalised `base` or lies below it (at a path boundary).
    static func isSame(_ path: String, orUnder base: String) -> Bool {
        if base == "/" || path == base { return true }
        return path.hasPrefix(base + "/")
    }

    /// The `hostPath` volumes of a pod spec: index, volume name and normalised path.
    static func volumes(of spec: Value) -> [(index: Int, name: String, path: String, raw: String)] {
        (spec["volumes"]?.items ?? []).enumerated().compactMap { i, volume in
            guard let raw = volume["hostPath"]?["path"]?.string else { return nil }
            return (i, volume["name"]?.string ?? "", normalise(raw), raw)
        }
    }
}

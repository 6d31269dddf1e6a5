import EvidentResources
import Foundation
import Testing

/// controls/ and templates/ are the source; the executable embeds copies. This keeps them in sync.
@Suite("Embedded resources")
struct EmbeddedResourcesTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func sourceFiles() -> [String: String] {
        var files: [String: String] = [:]
        for folder in ["controls", "templates"] {
            let base = root.appendingPathComponent(folder)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil,
                                                              options: [.skipsHiddenFiles]) else { continue }
            for case let url as URL in walker where !url.hasDirectoryPath {
                guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                files[folder + "/" + url.path.dropFirst(base.path.count + 1)] = text
            }
        }
        return files
    }

    @Test("the embedded copies equal controls/ and templates/ (run python3 scripts/embed-resources.py)")
    func inSync() {
        let source = Self.sourceFiles()
        #expect(!source.isEmpty)
        #expect(Set(source.keys) == Set(EmbeddedResources.files.keys), "run python3 scripts/embed-resources.py")
        for (path, text) in source where EmbeddedResources.files[path] != text {
            Issue.record("\(path) differs from its embedded copy: run python3 scripts/embed-resources.py")
        }
    }
}

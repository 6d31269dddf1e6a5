// libFuzzer target: the security plan loader, as `evident audit --plan` calls it, with the built-in
// catalogs (NIST SP 800-190, Pod Security Standards) resolvable by id so that plans get past their
// `catalogs:` list. Catalogs named by path are refused here (the fuzzer does no file I/O); the catalog
// loader has a target of its own. A plan that loads must also pass the cross-catalog check.
import CFuzzer
import EvidentCore
import EvidentEvaluators
import EvidentResources
import Foundation

/// Made once, on first use (statics are lazy and safe to share; top-level variables would be main-actor state).
private enum Fixed {
    static let registry = BuiltinEvaluators.registry

    static let builtins: [Catalog] = EmbeddedResources.files.keys
        .filter { $0.hasPrefix("controls/") && $0.split(separator: "/").count == 2 && $0.hasSuffix(".yaml") }
        .sorted()
        .compactMap { path in
            guard let text = EmbeddedResources.files[path] else { return nil }
            do { return try CatalogLoader.load(text, path: "builtin:\(path)", registry: registry) } catch {
                fatalError("a built-in catalog does not load: \(error)")
            }
        }
}

private func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    // The CLI refuses text that is not UTF-8 before the loader sees it.
    let bytes = UnsafeBufferPointer(start: start, count: count)
    guard let text = String(validating: bytes, as: UTF8.self) else { return -1 }
    do {
        let (_, catalogs) = try PlanLoader.load(text, path: "fuzz-plan.yaml", registry: Fixed.registry) {
            reference, isPath, location throws(LoadError) in
            if !isPath, let catalog = Fixed.builtins.first(where: { $0.id == reference }) { return catalog }
            throw LoadError("unknown catalog '\(reference)'", at: location, word: reference)
        }
        try CatalogLoader.checkTogether(catalogs)
    } catch {
        _ = String(describing: error)
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })

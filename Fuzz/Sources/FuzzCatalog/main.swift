// libFuzzer target: the control catalog loader, as `evident audit --catalog` calls it, with the
// built-in evaluators registered so that checks and their parameters are validated.
import CFuzzer
import EvidentCore
import EvidentEvaluators
import Foundation

/// Made once, on first use (a static is lazy and safe to share; a top-level variable would be main-actor state).
private enum Fixed {
    static let registry = BuiltinEvaluators.registry
}

private func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    // The CLI refuses text that is not UTF-8 before the loader sees it.
    let bytes = UnsafeBufferPointer(start: start, count: count)
    guard let text = String(validating: bytes, as: UTF8.self) else { return -1 }
    do {
        let catalog = try CatalogLoader.load(text, path: "fuzz-catalog.yaml", registry: Fixed.registry)
        try CatalogLoader.checkTogether([catalog])
    } catch {
        _ = String(describing: error)
    }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })

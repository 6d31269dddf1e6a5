// libFuzzer target: the snapshot loader's JSON path (our own byte-level JSONReader), as `evident audit`
// calls it. Inputs that would take the YAML path are left to FuzzSnapshotYAML.
//
// Beyond "no crash, no hang": the same bytes are loaded once sequentially and once with the two-thread
// List split forced on (`parallelFrom: 0`, normally 32 MiB), and both must agree on success and on the
// resources read. A disagreement traps, so libFuzzer saves the input.
import CFuzzer
import EvidentCore
import Foundation

private func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let data = Data(bytes: start, count: count)
    guard routesToJSON(data) else { return -1 }  // -1: not added to the corpus
    func load(parallelFrom: Int) -> Result<Snapshot, LoadError> {
        Result { () throws(LoadError) in try SnapshotLoader.load(data, path: "fuzz.json", parallelFrom: parallelFrom) }
    }
    let sequential = load(parallelFrom: .max)
    let parallel = load(parallelFrom: 0)
    switch (sequential, parallel) {
    case (.success(let a), .success(let b)):
        let same = a.resources.count == b.resources.count
            && zip(a.resources, b.resources).allSatisfy {
                $0.id == $1.id && $0.body == $1.body && $0.source == $1.source
            }
            && a.diagnostics == b.diagnostics
        if !same { fatalError("the two-thread load read different resources or warnings than the sequential one") }
    case (.failure, .failure):
        break
    case (.success, .failure(let error)), (.failure(let error), .success):
        fatalError("one of the sequential and two-thread loads failed, the other did not: \(error)")
    }
    return 0
}

/// The loader's own test: the first byte that is not white space opens an object or an array.
private func routesToJSON(_ data: Data) -> Bool {
    for byte in data {
        switch byte {
        case 0x20, 0x09, 0x0A, 0x0D: continue
        case UInt8(ascii: "{"), UInt8(ascii: "["): return true
        default: return false
        }
    }
    return false
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })

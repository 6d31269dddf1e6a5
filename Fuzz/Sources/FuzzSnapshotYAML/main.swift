// libFuzzer target: the snapshot loader's YAML path (libyaml's event reader, our own tree builder with
// its alias, depth and size limits), as `evident audit` calls it. Inputs that would take the JSON path
// are left to FuzzSnapshotJSON.
import CFuzzer
import EvidentCore
import Foundation

private func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    let data = Data(bytes: start, count: count)
    if routesToJSON(data) { return -1 }  // -1: not added to the corpus
    _ = try? SnapshotLoader.load(data, path: "fuzz.yaml")
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

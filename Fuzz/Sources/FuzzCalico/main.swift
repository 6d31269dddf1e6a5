// libFuzzer target: the Calico selector parser. A selector that parses is evaluated against fixed label
// sets, and its printed form (`description`, shown in reports) must parse back to the same selector.
import CFuzzer
import Foundation
import EvidentNetwork

/// Label sets to match against (a static, not a top-level variable, which would be main-actor state).
private enum Fixed {
    static let labelSets: [[String: String]] = [
        [:],
        ["app": "web", "tier": "frontend", "env": "prod"],
        ["app": "db", "projectcalico.org/name": "default", "k8s-app": "kube-dns", "role": ""],
    ]
}

private func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    // Selectors come from YAML strings, so they are always valid UTF-8.
    let bytes = UnsafeBufferPointer(start: start, count: count)
    guard let text = String(validating: bytes, as: UTF8.self) else { return -1 }
    guard let selector = try? CalicoSelector.parse(text) else { return 0 }
    for labels in Fixed.labelSets {
        _ = selector.matches(labels)
        _ = selector.matches(labels, isGlobal: true)
    }
    _ = selector.mentionsGlobal
    let printed = selector.description
    let again: CalicoSelector
    do {
        again = try CalicoSelector.parse(printed)
    } catch {
        fatalError("the printed selector \(printed) of \(text) does not parse: \(error)")
    }
    if again != selector { fatalError("the printed selector \(printed) of \(text) parses to \(again)") }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })

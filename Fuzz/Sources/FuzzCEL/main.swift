// libFuzzer target: the CEL parser, and evaluation of what parses against a fixed Pod-like `object`,
// `namespaceObject` and `params` (the variables the `cel-expression` check binds).
import CFuzzer
import Foundation
import EvidentCEL

private func map(_ pairs: [(String, CELValue)]) -> CELValue {
    var m = CELMap()
    for (k, v) in pairs { _ = m.insert(.string(k), v) }
    return .map(m)
}

/// The variables (a static, not a top-level variable, which would be main-actor state).
private enum Fixed {
    static let variables: [String: CELValue] = {
    let container = map([
        ("name", .string("web")), ("image", .string("registry.example/web:1.2@sha256:abc")),
        ("securityContext", map([("runAsNonRoot", .bool(true)), ("allowPrivilegeEscalation", .bool(false))])),
        ("ports", .list([map([("containerPort", .int(8080))])])),
    ])
    let object = map([
        ("apiVersion", .string("v1")), ("kind", .string("Pod")),
        ("metadata", map([("name", .string("web-1")), ("namespace", .string("shop")),
                          ("labels", map([("app", .string("web"))])), ("annotations", map([]))])),
        ("spec", map([("containers", .list([container])), ("hostNetwork", .bool(false)),
                      ("replicas", .int(3)), ("ratio", .double(0.5)), ("limit", .uint(10)),
                      ("data", .bytes([0, 1, 255])), ("nothing", .null)])),
    ])
    return [
        "object": object,
        "namespaceObject": map([("metadata", map([("name", .string("shop")), ("labels", map([]))]))]),
        "params": map([("maxReplicas", .int(5)), ("allowed", .list([.string("a"), .string("b")]))]),
    ]
    }()
}

private func fuzz(_ start: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    guard let start else { return 0 }
    // Expressions come from YAML strings, so they are always valid UTF-8.
    let bytes = UnsafeBufferPointer(start: start, count: count)
    guard let text = String(validating: bytes, as: UTF8.self) else { return -1 }
    guard let program = try? CELProgram(text) else { return 0 }
    if let value = try? program.evaluate(Fixed.variables) { _ = value.typedJSON }
    return 0
}

var argc = CommandLine.argc
var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
exit(LLVMFuzzerRunDriver(&argc, &argv) { fuzz($0, $1) })

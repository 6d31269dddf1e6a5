/// The report model as nested dictionaries and arrays, for the Mustache renderer. Mustache looks names
/// up by reflecting on structs (a `Mirror` per lookup, and every miss walks up the context stack), which
/// made rendering the slowest phase for small clusters; dictionaries answer lookups directly. The values
/// are exactly what reflection gives: stored properties, optionals unwrapped, and a nil optional absent,
/// so that a lookup goes on to the enclosing object as before.
enum MustacheBox {
    static func box(_ value: Any) -> Any {
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .struct, .class:
            var members: [String: Any] = [:]
            for child in mirror.children {
                guard let label = child.label, let present = unwrap(child.value) else { continue }
                members[label] = box(present)
            }
            return members
        case .collection:
            return mirror.children.map { box($0.value) }
        default:
            return value
        }
    }

    private static func unwrap(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }
}

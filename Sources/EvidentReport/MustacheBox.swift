/// The report model as nested dictionaries and arrays, for the Mustache renderer. Mustache looks names
/// up by reflecting on structs (a `Mirror` per lookup, and every miss walks up the context stack), which
/// made rendering the slowest phase for small clusters; dictionaries answer lookups directly. The values
/// are exactly what reflection gives: stored properties, optionals unwrapped, and a nil optional absent,
/// so that a lookup goes on to the enclosing object as before.
enum MustacheBox {
    static func box(_ value: Any) -> Any {
        // Text and numbers, most of the leaves, without a Mirror each.
        switch value {
        case is String, is Int, is Bool, is Double: return value
        default: break
        }
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
        guard let optional = value as? AnyOptional else { return value }
        return optional.wrapped
    }
}

/// Any `Optional`, to tell a nil optional held in an `Any` without a Mirror.
private protocol AnyOptional {
    var wrapped: Any? { get }
}

extension Optional: AnyOptional {
    fileprivate var wrapped: Any? { self.map { $0 } }
}

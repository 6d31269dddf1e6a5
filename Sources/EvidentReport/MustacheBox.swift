/// The report views as nested dictionaries and arrays, for the Mustache renderer. Mustache looks names
/// up by reflecting on structs (a `Mirror` per lookup, and every miss walks up the context stack), which
/// made rendering the slowest phase for small clusters; dictionaries answer lookups directly.
///
/// The dictionaries are built through the views' synthesized `Encodable` conformances rather than a
/// `Mirror` (which made each label a new string and each child an existential: a quarter of the HTML
/// report's time at 1,000 pods). The values are what reflection gave: every stored property under its
/// name, text, numbers and booleans as they are, and a nil optional absent (synthesized code skips it), so
/// that a lookup goes on to the enclosing object.
enum MustacheBox {
    static func box<T: Encodable>(_ value: T) -> Any {
        // Text and numbers, most of the leaves, without an encoder each.
        switch value {
        case let text as String: return text
        case let number as Int: return number
        case let flag as Bool: return flag
        default: break
        }
        let encoder = BoxEncoder()
        // The encoder itself never throws; a view's conformance is synthesized and throws only what it does.
        try? value.encode(to: encoder)
        return encoder.value
    }
}

/// Collects one value: a leaf, the members of a struct, or the elements of an array. Children encoded
/// through `encode` are boxed completely (by their own encoder) before they are stored; the rare nested
/// containers and super-encoders are kept as encoders and read when `value` is asked for.
private final class BoxEncoder: Encoder {
    var members: [String: Any] = [:]
    var elements: [Any] = []
    var leaf: Any?
    var pendingMembers: [(key: String, encoder: BoxEncoder)] = []
    var pendingElements: [(index: Int, encoder: BoxEncoder)] = []
    private var shape = Shape.leaf

    private enum Shape { case leaf, members, elements }

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    var value: Any {
        switch shape {
        case .members:
            for (key, child) in pendingMembers { members[key] = child.value }
            return members
        case .elements:
            for (index, child) in pendingElements { elements[index] = child.value }
            return elements
        case .leaf:
            return leaf as Any
        }
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        shape = .members
        return KeyedEncodingContainer(Members(encoder: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        shape = .elements
        return Elements(encoder: self)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Leaf(encoder: self) }

    func member(_ key: String) -> BoxEncoder {
        let child = BoxEncoder()
        pendingMembers.append((key, child))
        return child
    }

    func element() -> BoxEncoder {
        let child = BoxEncoder()
        pendingElements.append((elements.count, child))
        elements.append(())
        return child
    }

    private struct Members<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: BoxEncoder
        var codingPath: [any CodingKey] { [] }

        func encodeNil(forKey key: Key) {}
        func encode(_ value: Bool, forKey key: Key) { encoder.members[key.stringValue] = value }
        func encode(_ value: String, forKey key: Key) { encoder.members[key.stringValue] = value }
        func encode(_ value: Int, forKey key: Key) { encoder.members[key.stringValue] = value }
        func encode(_ value: Double, forKey key: Key) { encoder.members[key.stringValue] = value }
        func encode<T: Encodable>(_ value: T, forKey key: Key) { encoder.members[key.stringValue] = MustacheBox.box(value) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type,
                                                   forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            encoder.member(key.stringValue).container(keyedBy: keyType)
        }

        func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            encoder.member(key.stringValue).unkeyedContainer()
        }

        func superEncoder() -> any Encoder { encoder.member("super") }
        func superEncoder(forKey key: Key) -> any Encoder { encoder.member(key.stringValue) }
    }

    private struct Elements: UnkeyedEncodingContainer {
        let encoder: BoxEncoder
        var codingPath: [any CodingKey] { [] }
        var count: Int { encoder.elements.count }

        func encodeNil() { encoder.elements.append(Optional<Any>.none as Any) }
        func encode(_ value: Bool) { encoder.elements.append(value) }
        func encode(_ value: String) { encoder.elements.append(value) }
        func encode(_ value: Int) { encoder.elements.append(value) }
        func encode(_ value: Double) { encoder.elements.append(value) }
        func encode<T: Encodable>(_ value: T) { encoder.elements.append(MustacheBox.box(value)) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            encoder.element().container(keyedBy: keyType)
        }

        func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer { encoder.element().unkeyedContainer() }

        func superEncoder() -> any Encoder { encoder.element() }
    }

    private struct Leaf: SingleValueEncodingContainer {
        let encoder: BoxEncoder
        var codingPath: [any CodingKey] { [] }

        func encodeNil() {}
        func encode(_ value: Bool) { encoder.leaf = value }
        func encode(_ value: String) { encoder.leaf = value }
        func encode(_ value: Int) { encoder.leaf = value }
        func encode(_ value: Double) { encoder.leaf = value }
        func encode<T: Encodable>(_ value: T) { encoder.leaf = MustacheBox.box(value) }
    }
}

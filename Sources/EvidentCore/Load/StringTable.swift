/// Interns strings read from bytes, so that the many repeats of a snapshot (image references, label values,
/// times, annotation keys) share one heap copy. Only strings of 16 to 96 bytes go through it: shorter ones
/// live inline in a Swift `String`, longer ones rarely repeat. A fixed-size table where a newer string
/// replaces an older one in the same slot: bounded memory, no rehashing.
struct StringTable {
    private static let slotBits = 14
    private var slots: [String?] = []

    /// The interned string equal to `bytes`, or nil when `bytes` is out of range or not valid UTF-8 (the
    /// caller then decodes it itself, and reports invalid UTF-8).
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> String? {
        let count = bytes.count
        guard count >= 16, count <= 96 else { return nil }
        if slots.isEmpty { slots = Array(repeating: nil, count: 1 << Self.slotBits) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let slot = Int(truncatingIfNeeded: (hash ^ (hash >> 29)) & UInt64((1 << Self.slotBits) - 1))
        if let existing = slots[slot], existing.utf8.count == count {
            let same = existing.utf8.withContiguousStorageIfAvailable { stored in
                stored.elementsEqual(bytes)
            } ?? existing.utf8.elementsEqual(bytes)
            if same { return existing }
        }
        guard let string = String(validating: bytes, as: UTF8.self) else { return nil }
        slots[slot] = string
        return string
    }
}

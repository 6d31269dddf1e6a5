import Foundation

/// Strings from the bytes of an input, nil when they are not valid UTF-8.
enum UTF8Text {
    /// `String(validating:as:)` is generic over the encoding and, not specialised here, costs a runtime
    /// metadata lookup per call: a tenth of loading a large snapshot. Nearly every string in one is ASCII,
    /// which needs no validation, so those take the specialised `String(decoding:as:)`.
    @inline(__always)
    static func string(_ bytes: UnsafeRawBufferPointer) -> String? {
        if isASCII(bytes) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self)
    }

    @inline(__always)
    static func isASCII(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var i = 0
        let count = bytes.count
        while i + 8 <= count {
            if bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            i += 8
        }
        while i < count {
            if bytes[i] >= 0x80 { return false }
            i += 1
        }
        return true
    }
}

/// Sizes of the loaders' fixed-size tables.
enum TableSize {
    /// About one slot per `bytesPerSlot` bytes of input: a power of two from 256 to `1 << maxBits`.
    static func slots(for inputBytes: Int, bytesPerSlot: Int, maxBits: Int) -> Int {
        var count = 256
        while count < (1 << maxBits), count < inputBytes / bytesPerSlot { count *= 2 }
        return count
    }
}

/// Interns strings read from bytes, so that the many repeats of a snapshot (image references, label values,
/// times, annotation keys) share one heap copy. Only strings of 16 to 96 bytes go through it: shorter ones
/// live inline in a Swift `String`, longer ones rarely repeat. A fixed-size table where a newer string
/// replaces an older one in the same slot: bounded memory, no rehashing.
struct StringTable {
    private let mask: Int
    private var slots: [String?] = []

    /// For an input of `inputBytes`: the table grows with it up to 16,384 slots (a table per file of a
    /// folder of small manifests would otherwise cost more than the strings it saves).
    init(inputBytes: Int = .max) { mask = TableSize.slots(for: inputBytes, bytesPerSlot: 64, maxBits: 14) - 1 }

    /// The interned string equal to `bytes`, or nil when `bytes` is out of range or not valid UTF-8 (the
    /// caller then decodes it itself, and reports invalid UTF-8).
    mutating func intern(_ bytes: UnsafeRawBufferPointer) -> String? {
        let count = bytes.count
        guard count >= 16, count <= 96 else { return nil }
        if slots.isEmpty { slots = Array(repeating: nil, count: mask + 1) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
        if let existing = slots[slot], existing.utf8.count == count {
            let same = existing.utf8.withContiguousStorageIfAvailable { stored in
                stored.elementsEqual(bytes)
            } ?? existing.utf8.elementsEqual(bytes)
            if same { return existing }
        }
        guard let string = UTF8Text.string(bytes) else { return nil }
        slots[slot] = string
        return string
    }
}

/// Shares the values of small objects and arrays that are written out identically elsewhere in the input
/// (the containers, tolerations and security contexts of the pods of one owner, common resource limits,
/// ...): equal JSON text read in the same place gives an equal value, so the second reader of that text
/// gets the first one's value, whose storage is shared. A fixed-size table keyed by the bytes (which stay
/// in the input buffer), where a newer entry replaces an older one: bounded memory.
///
/// Subtrees up to `limit` bytes are shared: 2 KB by default, since every level hashes its own bytes again.
/// Callers raise it for arrays, whose elements are shared anyway: a pod's `containers` is often 2 to 4 KB,
/// and sharing it whole saved a tenth of a 150,000-pod snapshot's memory (878 to 800 MiB).
struct SubtreeTable {
    static let maxBytes = 2048
    static let maxArrayBytes = 16384
    private struct Entry {
        var value: Value
        var start: Int
        var count: Int
        var salt: Int
    }
    private let mask: Int
    private var slots: [Entry?] = []

    /// For an input of `inputBytes`: up to 32,768 slots, fewer for a small file.
    init(inputBytes: Int = .max) { mask = TableSize.slots(for: inputBytes, bytesPerSlot: 256, maxBits: 15) - 1 }

    /// `salt`: what else the text's meaning depends on (YAML: the column it starts at); only equal salts
    /// share.
    mutating func share(_ value: Value, _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>,
                        limit: Int = maxBytes, salt: Int = 0) -> Value {
        let count = range.count
        guard count >= 8, count <= limit, let base = bytes.baseAddress else { return value }
        if slots.isEmpty { slots = Array(repeating: nil, count: mask + 1) }
        let start = base + range.lowerBound
        var hash: UInt64 = (0x9E37_79B9_7F4A_7C15 ^ UInt64(count)) &+ UInt64(truncatingIfNeeded: salt) &* 0x2545_F491_4F6C_DD1D
        var offset = 0
        while offset + 8 <= count {
            hash = (hash ^ start.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 29
            offset += 8
        }
        while offset < count {
            hash = (hash ^ UInt64(start.load(fromByteOffset: offset, as: UInt8.self))) &* 0xC4CE_B9FE_1A85_EC53
            offset += 1
        }
        hash ^= hash >> 31
        let slot = Int(truncatingIfNeeded: hash) & mask
        if let entry = slots[slot], entry.count == count, entry.salt == salt,
           memcmp(base + entry.start, start, count) == 0 {
            return entry.value
        }
        slots[slot] = Entry(value: value, start: range.lowerBound, count: count, salt: salt)
        return value
    }
}

/// Remembers, per member name and depth, the last object or array written under it, so that the same text
/// met again (the containers, volumes and tolerations of the next pod of the same owner) is recognised by
/// comparing bytes, before anything is built: the reader then skips the text and reuses the value.
///
/// Equal bytes give an equal value: JSON text that parsed once, at the same depth, parses the same way again
/// and ends at the same offset, so nothing needs checking but the comparison. A fixed-size table keyed by
/// the raw bytes of the member name (which stay in the input buffer): bounded memory, no string hashing.
struct RepeatTable {
    private static let slotBits = 10
    /// Shorter values are cheaper to read than to look up.
    static let minBytes = 64
    struct Entry {
        var value: Value
        var keyStart: Int
        var keyCount: Int
        var depth: Int
        var start: Int
        var count: Int
        /// Newlines in the value's text, and the bytes after its last one.
        var newlines: Int
        var tail: Int
    }
    private var slots: [Entry?] = []

    private static func slot(_ base: UnsafeRawPointer, _ key: Range<Int>, depth: Int) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(depth)
        for i in key {
            hash ^= UInt64(base.load(fromByteOffset: i, as: UInt8.self))
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return Int(truncatingIfNeeded: (hash ^ (hash >> 32)) & UInt64((1 << slotBits) - 1))
    }

    /// The entry for the member name at `key` (raw bytes, without quotes) whose value's text, at `depth`,
    /// is what starts at `position`.
    func match(_ bytes: UnsafeRawBufferPointer, key: Range<Int>, depth: Int, at position: Int) -> Entry? {
        guard !slots.isEmpty, let base = bytes.baseAddress,
              let entry = slots[Self.slot(base, key, depth: depth)],
              entry.depth == depth, entry.keyCount == key.count, entry.count <= bytes.count - position,
              memcmp(base + entry.keyStart, base + key.lowerBound, key.count) == 0,
              memcmp(base + entry.start, base + position, entry.count) == 0
        else { return nil }
        return entry
    }

    mutating func remember(_ entry: Entry, _ bytes: UnsafeRawBufferPointer) {
        guard entry.count >= Self.minBytes, let base = bytes.baseAddress else { return }
        if slots.isEmpty { slots = Array(repeating: nil, count: 1 << Self.slotBits) }
        slots[Self.slot(base, entry.keyStart..<(entry.keyStart + entry.keyCount), depth: entry.depth)] = entry
    }
}

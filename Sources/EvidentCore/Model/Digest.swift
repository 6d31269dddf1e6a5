import Crypto
import Foundation

public enum Digest {
    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: some DataProtocol) -> String {
        Digits.hex(SHA256.hash(data: bytes))
    }

    /// The SHA-256 of `bytes`, hashed in chunks; `done` is told each range once it has been read, so that a
    /// caller holding a mapped file can let the pages go.
    public static func sha256(_ bytes: UnsafeRawBufferPointer, done: (Range<Int>) -> Void) -> String {
        var hasher = SHA256()
        let chunk = 16 << 20
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunk)
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
            done(start..<end)
            start = end
        }
        return Digits.hex(hasher.finalize())
    }

    /// A SHA-256 taken piece by piece as bytes go by (a report as it is written), with their count.
    public struct Running: Sendable {
        private var hasher = SHA256()
        public private(set) var bytes = 0

        public init() {}

        public mutating func update(_ piece: UnsafeRawBufferPointer) {
            hasher.update(bufferPointer: piece)
            bytes += piece.count
        }

        /// The lowercase hex digest of everything so far.
        public var hex: String { Digits.hex(hasher.finalize()) }
    }
}

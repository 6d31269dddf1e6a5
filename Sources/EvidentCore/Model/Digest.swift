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

    /// The SHA-256 and length of a stream that `next` hands over in chunks (nil at the end), so that a large
    /// file is hashed without being held whole.
    public static func sha256(reading next: () -> Data?) -> (hex: String, bytes: Int) {
        var hasher = SHA256()
        var count = 0
        while let chunk = next(), !chunk.isEmpty {
            hasher.update(data: chunk)
            count += chunk.count
        }
        return (Digits.hex(hasher.finalize()), count)
    }
}

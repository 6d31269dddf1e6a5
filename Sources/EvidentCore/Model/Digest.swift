import Crypto
import Foundation

public enum Digest {
    /// The lowercase hex SHA-256 of `bytes`.
    public static func sha256(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
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
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

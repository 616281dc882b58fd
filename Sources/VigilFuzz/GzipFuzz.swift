import VigilService

/// gzip inflated by zlib.
///
/// Properties: never traps; output never exceeds the cap (a bomb is refused, not allocated).
enum GzipFuzz {
    static let cap = 1 << 20

    static func run(_ bytes: [UInt8]) {
        guard let out = try? Gzip.decompress(bytes, maximumSize: cap) else { return }
        precondition(out.count <= cap, "inflated beyond the cap")
    }
}

import VigilWire

/// A Smithy RPC v2 CBOR body: the codec, then the members an operation would decode.
///
/// Properties: never traps; what decodes re-encodes to bytes that decode and re-encode to the same bytes
/// (preferred serialization is a fixed point).
enum CBORFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let item = try? CBOR.decode(bytes) else { return }
        let once = item.encoded
        guard let again = try? CBOR.decode(once) else { preconditionFailure("an encoded item does not decode") }
        precondition(again.encoded == once, "re-encoding is not a fixed point")
        _ = try? CBORMembers.tree(item)
    }
}

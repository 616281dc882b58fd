/// The few DER encodings (ITU-T X.690) a self-signed X.509 certificate needs: lengths, sequences,
/// integers, object identifiers, strings, times and bit strings, each as a tag, a length and content.
enum DER {
    static func element(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        [tag] + length(content.count) + content
    }

    static func length(_ n: Int) -> [UInt8] {
        if n < 0x80 { return [UInt8(n)] }
        var bytes: [UInt8] = []
        var rest = n
        while rest > 0 {
            bytes.insert(UInt8(rest & 0xFF), at: 0)
            rest >>= 8
        }
        return [0x80 | UInt8(bytes.count)] + bytes
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { element(0x30, parts.flatMap { $0 }) }
    static func set(_ parts: [UInt8]...) -> [UInt8] { element(0x31, parts.flatMap { $0 }) }

    /// A non-negative integer from its big-endian bytes (a leading zero added when the top bit is set).
    static func unsignedInteger(_ bytes: [UInt8]) -> [UInt8] {
        var content = Array(bytes.drop { $0 == 0 })
        if content.isEmpty { content = [0] }
        if let first = content.first, first & 0x80 != 0 { content.insert(0, at: 0) }
        return element(0x02, content)
    }

    static func objectIdentifier(_ arcs: [UInt]) -> [UInt8] {
        guard arcs.count >= 2 else { return element(0x06, []) }
        var content: [UInt8] = [UInt8(truncatingIfNeeded: arcs[0] * 40 + arcs[1])]
        for arc in arcs.dropFirst(2) {
            var chunk: [UInt8] = [UInt8(arc & 0x7F)]
            var rest = arc >> 7
            while rest > 0 {
                chunk.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
                rest >>= 7
            }
            content += chunk
        }
        return element(0x06, content)
    }

    static let null: [UInt8] = [0x05, 0x00]
    static func utf8String(_ text: String) -> [UInt8] { element(0x0C, Array(text.utf8)) }
    /// UTCTime, `YYMMDDHHMMSSZ` (dates before 2050, as RFC 5280 requires of it).
    static func utcTime(_ text: String) -> [UInt8] { element(0x17, Array(text.utf8)) }
    static func bitString(_ bytes: [UInt8]) -> [UInt8] { element(0x03, [0] + bytes) }
    static func explicit(_ number: UInt8, _ content: [UInt8]) -> [UInt8] { element(0xA0 | number, content) }
}

/// A CBOR data item ([RFC 8949](https://www.rfc-editor.org/rfc/rfc8949)) and its codec: ``decode(_:maximumDepth:)``
/// reads one well-formed item (definite and indefinite lengths, half, single and double floats, tags,
/// simple values) from untrusted bytes, bounded in depth and never allocating more than the input could
/// hold; ``encoded`` writes an item in RFC 8949's preferred serialization (the shortest argument, the
/// shortest float that keeps the value, definite lengths).
///
/// ```swift
/// let item = try CBOR.decode([0xa1, 0x61, 0x61, 0x01])   // {"a": 1}
/// item.encoded == [0xa1, 0x61, 0x61, 0x01]
/// ```
public indirect enum CBOR: Sendable, Equatable {
    /// Major type 0: 0 … 2⁶⁴−1.
    case unsigned(UInt64)
    /// Major type 1: the integer −1 − n.
    case negative(UInt64)
    case bytes([UInt8])
    case text(String)
    case array([CBOR])
    /// A map's pairs in the order they came (keys of any type; duplicates kept as they are).
    case map([Pair])
    case tagged(UInt64, CBOR)
    /// A simple value other than false, true, null and undefined (0 … 19, 32 … 255).
    case simple(UInt8)
    case bool(Bool)
    case null
    case undefined
    case float(Double)

    public struct Pair: Sendable, Equatable {
        public var key: CBOR
        public var value: CBOR

        public init(_ key: CBOR, _ value: CBOR) {
            self.key = key
            self.value = value
        }
    }

    /// The nesting a decoded item may have by default (arrays, maps and tags count).
    public static let defaultMaximumDepth = 64

    /// Why bytes are not one well-formed CBOR item, and where.
    public struct DecodingError: Error, Equatable, CustomStringConvertible {
        public let offset: Int
        public let reason: String

        public var description: String { "CBOR at byte \(offset): \(reason)" }
    }

    /// The one item `bytes` holds; anything after it is an error.
    public static func decode(_ bytes: [UInt8], maximumDepth: Int = defaultMaximumDepth) throws(DecodingError) -> CBOR {
        var reader = Reader(bytes: bytes, maximumDepth: maximumDepth)
        let item = try reader.item(depth: 0)
        guard reader.offset == bytes.count else {
            throw DecodingError(offset: reader.offset, reason: "\(bytes.count - reader.offset) bytes follow the item")
        }
        return item
    }

    /// The item in preferred serialization.
    public var encoded: [UInt8] {
        var out: [UInt8] = []
        Self.write(self, into: &out)
        return out
    }

    /// The member of a map with a text key, if this is a map that has it.
    public subscript(key: String) -> CBOR? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == .text(key) }?.value
    }

    // MARK: reading

    struct Reader {
        let bytes: [UInt8]
        let maximumDepth: Int
        var offset = 0

        func failure(_ reason: String, at position: Int? = nil) -> DecodingError {
            DecodingError(offset: position ?? offset, reason: reason)
        }

        mutating func byte() throws(DecodingError) -> UInt8 {
            guard offset < bytes.count else { throw failure("the input ends inside an item") }
            defer { offset += 1 }
            return bytes[offset]
        }

        mutating func take(_ count: UInt64) throws(DecodingError) -> ArraySlice<UInt8> {
            guard count <= UInt64(bytes.count - offset) else {
                throw failure("a length of \(count) bytes runs past the end of the input")
            }
            let start = offset
            offset += Int(count)
            return bytes[start..<offset]
        }

        /// The argument of a head whose additional information is `info` (not 31).
        mutating func argument(_ info: UInt8) throws(DecodingError) -> UInt64 {
            switch info {
            case 0..<24: return UInt64(info)
            case 24: return UInt64(try byte())
            case 25, 26, 27:
                let count = 1 << Int(info - 24)
                var value: UInt64 = 0
                for byte in try take(UInt64(count)) { value = value << 8 | UInt64(byte) }
                return value
            default: throw failure("additional information \(info) is reserved", at: offset - 1)
            }
        }

        func atBreak() -> Bool { offset < bytes.count && bytes[offset] == 0xFF }

        mutating func item(depth: Int) throws(DecodingError) -> CBOR {
            guard depth <= maximumDepth else { throw failure("items nest deeper than \(maximumDepth)") }
            let start = offset
            let initial = try byte()
            let major = initial >> 5
            let info = initial & 0x1F
            switch major {
            case 0: return .unsigned(try argument(info))
            case 1: return .negative(try argument(info))
            case 2: return .bytes(try string(major: 2, info: info))
            case 3:
                let utf8 = try string(major: 3, info: info)
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw failure("a text string is not valid UTF-8", at: start)
                }
                return .text(text)
            case 4:
                var elements: [CBOR] = []
                if info == 31 {
                    while !atBreak() { elements.append(try item(depth: depth + 1)) }
                    offset += 1
                } else {
                    let count = try argument(info)
                    // Each element takes at least a byte: a count beyond what is left is refused before
                    // anything is allocated for it.
                    guard count <= UInt64(bytes.count - offset) else {
                        throw failure("an array of \(count) items cannot fit in the input", at: start)
                    }
                    elements.reserveCapacity(Int(count))
                    for _ in 0..<count { elements.append(try item(depth: depth + 1)) }
                }
                return .array(elements)
            case 5:
                var pairs: [Pair] = []
                if info == 31 {
                    while !atBreak() {
                        let key = try item(depth: depth + 1)
                        guard !atBreak() else { throw failure("an indefinite map ends after a key") }
                        pairs.append(Pair(key, try item(depth: depth + 1)))
                    }
                    offset += 1
                } else {
                    let count = try argument(info)
                    guard count <= UInt64(bytes.count - offset) / 2 else {
                        throw failure("a map of \(count) pairs cannot fit in the input", at: start)
                    }
                    pairs.reserveCapacity(Int(count))
                    for _ in 0..<count { pairs.append(Pair(try item(depth: depth + 1), try item(depth: depth + 1))) }
                }
                return .map(pairs)
            case 6:
                guard info != 31 else { throw failure("a tag cannot have an indefinite length", at: start) }
                let tag = try argument(info)
                return .tagged(tag, try item(depth: depth + 1))
            default:
                switch info {
                case 0..<20: return .simple(info)
                case 20: return .bool(false)
                case 21: return .bool(true)
                case 22: return .null
                case 23: return .undefined
                case 24:
                    let value = try byte()
                    // RFC 8949 §3.3: the two-byte form is not well-formed for values below 32.
                    guard value >= 32 else {
                        throw failure("simple value \(value) must use the one-byte form", at: start)
                    }
                    return .simple(value)
                case 25: return .float(Self.half(UInt16(try argument(25))))
                case 26: return .float(Double(Float(bitPattern: UInt32(try argument(26)))))
                case 27: return .float(Double(bitPattern: try argument(27)))
                case 31: throw failure("a break stops nothing here", at: start)
                default: throw failure("additional information \(info) is reserved", at: start)
                }
            }
        }

        /// A byte or text string's bytes, its chunks joined when its length is indefinite.
        mutating func string(major: UInt8, info: UInt8) throws(DecodingError) -> [UInt8] {
            guard info == 31 else { return Array(try take(try argument(info))) }
            var out: [UInt8] = []
            while !atBreak() {
                let chunkStart = offset
                let head = try byte()
                guard head >> 5 == major, head & 0x1F != 31 else {
                    throw failure(
                        "a chunk of an indefinite-length string must be a definite string of its type", at: chunkStart)
                }
                let chunk = try take(try argument(head & 0x1F))
                if major == 3, String(validating: chunk, as: UTF8.self) == nil {
                    throw failure("a text chunk is not valid UTF-8", at: chunkStart)
                }
                out += chunk
            }
            offset += 1
            return out
        }

        /// An IEEE 754 half-precision value.
        static func half(_ bits: UInt16) -> Double {
            let exponent = Int(bits >> 10 & 0x1F)
            let mantissa = Double(bits & 0x3FF)
            let magnitude: Double
            switch exponent {
            case 0: magnitude = mantissa * 0x1p-24
            case 31: magnitude = mantissa == 0 ? .infinity : .nan
            default: magnitude = (mantissa + 1024) * Double(sign: .plus, exponent: exponent - 25, significand: 1)
            }
            return bits & 0x8000 == 0 ? magnitude : -magnitude
        }
    }

    // MARK: writing

    static func head(_ major: UInt8, _ argument: UInt64, into out: inout [UInt8]) {
        let type = major << 5
        switch argument {
        case 0..<24: out.append(type | UInt8(argument))
        case 24...0xFF: out += [type | 24, UInt8(argument)]
        case 0x100...0xFFFF: out += [type | 25, UInt8(argument >> 8), UInt8(argument & 0xFF)]
        case 0x1_0000...0xFFFF_FFFF:
            out.append(type | 26)
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(argument >> UInt64(shift) & 0xFF)) }
        default:
            out.append(type | 27)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(argument >> UInt64(shift) & 0xFF)) }
        }
    }

    static func write(_ item: CBOR, into out: inout [UInt8]) {
        switch item {
        case .unsigned(let n): head(0, n, into: &out)
        case .negative(let n): head(1, n, into: &out)
        case .bytes(let b):
            head(2, UInt64(b.count), into: &out)
            out += b
        case .text(let s):
            head(3, UInt64(s.utf8.count), into: &out)
            out += s.utf8
        case .array(let elements):
            head(4, UInt64(elements.count), into: &out)
            for e in elements { write(e, into: &out) }
        case .map(let pairs):
            head(5, UInt64(pairs.count), into: &out)
            for p in pairs {
                write(p.key, into: &out)
                write(p.value, into: &out)
            }
        case .tagged(let tag, let inner):
            head(6, tag, into: &out)
            write(inner, into: &out)
        case .simple(let v):
            if v < 24 {
                out.append(0xE0 | v)
            } else {
                out += [0xF8, v]
            }
        case .bool(let b): out.append(b ? 0xF5 : 0xF4)
        case .null: out.append(0xF6)
        case .undefined: out.append(0xF7)
        case .float(let d): writeFloat(d, into: &out)
        }
    }

    /// The shortest of half, single and double that holds `d` exactly (NaN as the half 0x7E00).
    static func writeFloat(_ d: Double, into out: inout [UInt8]) {
        if let half = halfBits(d) {
            out += [0xF9, UInt8(half >> 8), UInt8(half & 0xFF)]
        } else if let single = Float(exactly: d) {
            out.append(0xFA)
            let bits = single.bitPattern
            for shift in stride(from: 24, through: 0, by: -8) { out.append(UInt8(bits >> UInt32(shift) & 0xFF)) }
        } else {
            out.append(0xFB)
            let bits = d.bitPattern
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(bits >> UInt64(shift) & 0xFF)) }
        }
    }

    /// `d` as half-precision bits, when a half holds it exactly.
    static func halfBits(_ d: Double) -> UInt16? {
        if d.isNaN { return 0x7E00 }
        let sign: UInt16 = d.sign == .minus ? 0x8000 : 0
        if d.isInfinite { return sign | 0x7C00 }
        let m = abs(d)
        if m == 0 { return sign }
        let e = Int(m.exponent)
        if (-14...15).contains(e) {
            let scaled = m * Double(sign: .plus, exponent: 10 - e, significand: 1)
            guard scaled == scaled.rounded(.towardZero) else { return nil }
            return sign | UInt16(e + 15) << 10 | (UInt16(scaled) - 1024)
        }
        if (-24 ..< -14).contains(e) {
            let scaled = m * 0x1p24
            guard scaled == scaled.rounded(.towardZero) else { return nil }
            return sign | UInt16(scaled)
        }
        return nil
    }
}

import Foundation
import Testing
import VigilWire

/// The CBOR codec against RFC 8949's Appendix A (CBORAppendixA/appendix_a.json): every example decodes
/// to its value (or its diagnostic notation), and re-encodes to the same bytes where the example is in
/// preferred serialization. Then what RFC 8949 calls not well-formed, and hostile inputs.
@Suite struct CBORTests {
    struct Vector {
        let hex: String
        let roundtrip: Bool
        let decoded: Any?
        let diagnostic: String?
    }

    static var vectors: [Vector] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
            "CBORAppendixA/appendix_a.json")
        let list = (try? JSONSerialization.jsonObject(with: Data(contentsOf: url))) as? [[String: Any]] ?? []
        return list.map {
            Vector(
                hex: $0["hex"] as? String ?? "", roundtrip: $0["roundtrip"] as? Bool ?? false, decoded: $0["decoded"],
                diagnostic: $0["diagnostic"] as? String)
        }
    }

    static func bytes(_ hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex, let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex) {
            out.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return out
    }

    /// RFC 8949 §8's diagnostic notation (the subset Appendix A uses); indefinite strings print joined.
    static func diagnostic(_ item: CBOR) -> String {
        switch item {
        case .unsigned(let n): return "\(n)"
        case .negative(let n): return n == .max ? "-18446744073709551616" : "-\(n + 1)"
        case .bytes(let b): return "h'" + b.map { String(format: "%02x", $0) }.joined() + "'"
        case .text(let s): return "\"" + s + "\""
        case .array(let elements): return "[" + elements.map(diagnostic).joined(separator: ", ") + "]"
        case .map(let pairs):
            return "{" + pairs.map { diagnostic($0.key) + ": " + diagnostic($0.value) }.joined(separator: ", ") + "}"
        case .tagged(let tag, let inner): return "\(tag)(\(diagnostic(inner)))"
        case .simple(let v): return "simple(\(v))"
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .undefined: return "undefined"
        case .float(let d):
            if d.isNaN { return "NaN" }
            if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
            return "\(d)"
        }
    }

    /// Whether a decoded item is the JSON value Appendix A gives for it.
    static func matches(_ item: CBOR, _ json: Any) -> Bool {
        switch item {
        case .unsigned(let n): return (json as? NSNumber)?.doubleValue == Double(n)
        case .negative(let n): return (json as? NSNumber)?.doubleValue == -1 - Double(n)
        case .float(let d):
            // JSONSerialization may read 3.4028234663852886e+38 as a decimal a last digit away; the bytes
            // are checked exactly by the round trip.
            guard let j = (json as? NSNumber)?.doubleValue else { return false }
            return j == d || abs(j - d) <= abs(d) * 1e-15
        case .tagged(2, .bytes(let b)): return (json as? NSNumber)?.doubleValue == b.reduce(0) { $0 * 256 + Double($1) }
        case .tagged(3, .bytes(let b)):
            return (json as? NSNumber)?.doubleValue == -1 - b.reduce(0) { $0 * 256 + Double($1) }
        case .text(let s): return json as? String == s
        case .bool(let b): return json as? Bool == b
        case .null: return json is NSNull
        case .array(let elements):
            guard let list = json as? [Any], list.count == elements.count else { return false }
            return zip(elements, list).allSatisfy { matches($0, $1) }
        case .map(let pairs):
            guard let object = json as? [String: Any], object.count == pairs.count else { return false }
            return pairs.allSatisfy { pair in
                guard case .text(let key) = pair.key, let value = object[key] else { return false }
                return matches(pair.value, value)
            }
        default: return false
        }
    }

    @Test func appendixAIsHere() {
        #expect(Self.vectors.count == 82)
    }

    @Test(arguments: 0..<82)
    func appendixAExample(_ index: Int) throws {
        let vector = try #require(Self.vectors.indices.contains(index) ? Self.vectors[index] : nil)
        let bytes = Self.bytes(vector.hex)
        // RFC 7049 listed simple(24) as f818; RFC 8949 §3.3 made that form not well-formed.
        if vector.diagnostic == "simple(24)" {
            #expect(throws: CBOR.DecodingError.self) { try CBOR.decode(bytes) }
            return
        }
        let item = try CBOR.decode(bytes)
        if let diagnostic = vector.diagnostic {
            let joined =
                diagnostic.hasPrefix("(_ ")
                ? diagnostic.replacingOccurrences(of: "(_ ", with: "").replacingOccurrences(of: "', h'", with: "")
                    .replacingOccurrences(of: ")", with: "")
                : diagnostic
            #expect(Self.diagnostic(item) == joined, "\(vector.hex)")
        } else {
            #expect(Self.matches(item, vector.decoded ?? NSNull()), "\(vector.hex): \(Self.diagnostic(item))")
        }
        if vector.roundtrip {
            #expect(item.encoded == bytes, "\(vector.hex)")
        }
    }

    @Test(arguments: [
        ("18", "ends inside"),  // an argument byte missing
        ("1c", "reserved"), ("5c", "reserved"), ("fc", "reserved"),
        ("ff", "break stops nothing"), ("9f01", "ends inside"), ("8301", "cannot fit"), ("82010101", "1 bytes follow"),
        ("8301011901", "runs past the end"),
        ("5f4101", "ends inside"), ("5f6161ff", "definite string of its type"),
        ("5f5f4101ffff", "definite string of its type"),
        ("62c328", "not valid UTF-8"), ("7f61ffff", "not valid UTF-8"), ("f81f", "one-byte form"),
        ("bf01ff", "ends after a key"), ("dfff", "indefinite length"), ("0000", "1 bytes follow"),
        ("5b00000000ffffffff", "runs past the end"), ("9b00000000ffffffff00", "cannot fit"),
        ("bb00000000ffffffff0000", "cannot fit"),
    ])
    func notWellFormedIsAnErrorSayingWhereAndWhy(_ hex: String, _ reason: String) {
        #expect {
            try CBOR.decode(Self.bytes(hex))
        } throws: { error in
            (error as? CBOR.DecodingError)?.reason.contains(reason) == true
        }
    }

    @Test("nesting is bounded: 65 arrays deep is refused, 64 is read")
    func depthIsBounded() throws {
        let deep = [UInt8](repeating: 0x81, count: 65) + [0x00]
        #expect(throws: CBOR.DecodingError.self) { try CBOR.decode(deep) }
        let ok = [UInt8](repeating: 0x81, count: 64) + [0x00]
        #expect(try CBOR.decode(ok).encoded == ok)
        let indefinite = [UInt8](repeating: 0x9F, count: 100_000)
        #expect(throws: CBOR.DecodingError.self) { try CBOR.decode(indefinite) }
    }

    @Test(
        "floats are written in the shortest form that keeps them",
        arguments: [
            (0.0, "f90000"), (-0.0, "f98000"), (1.5, "f93e00"), (65504.0, "f97bff"), (65505.0, "fa477fe100"),
            (5.960464477539063e-8, "f90001"), (1.0e-8, "fb3e45798ee2308c3a"), (100000.0, "fa47c35000"),
            (0.1, "fb3fb999999999999a"), (Double.greatestFiniteMagnitude, "fb7fefffffffffffff"),
        ])
    func floats(_ value: Double, _ hex: String) throws {
        #expect(CBOR.float(value).encoded == Self.bytes(hex))
        #expect(try CBOR.decode(Self.bytes(hex)) == .float(value))
    }

    @Test("integers at each boundary of the argument's width round-trip")
    func integerBoundaries() throws {
        for n: UInt64 in [0, 23, 24, 255, 256, 65535, 65536, 4_294_967_295, 4_294_967_296, .max] {
            #expect(try CBOR.decode(CBOR.unsigned(n).encoded) == .unsigned(n))
            #expect(try CBOR.decode(CBOR.negative(n).encoded) == .negative(n))
        }
        #expect(CBOR.unsigned(24).encoded == [0x18, 24])
        #expect(CBOR.unsigned(256).encoded == [0x19, 1, 0])
    }
}

import Foundation
import VigilAPI
public import VigilPatterns

/// The members of a Smithy RPC v2 CBOR body as the tree of members every codec hands an operation, and an
/// operation's output as a CBOR map: numbers as their text, tag-1 timestamps as epoch seconds (and back),
/// byte strings as base64, maps keyed by text.
public enum CBORMembers {
    /// A body that is not a CBOR map of named members.
    public struct MalformedBody: Error, Equatable {
        public let reason: String

        public init(reason: String) { self.reason = reason }
    }

    /// A CBOR item as the JSON tree of members.
    public static func tree(_ item: CBOR) throws(MalformedBody) -> JSONValue {
        switch item {
        case .unsigned(let n): return .number("\(n)")
        case .negative(let n): return .number(n == .max ? "-18446744073709551616" : "-\(n + 1)")
        case .float(let d): return .number(d.isFinite ? "\(d)" : d.isNaN ? "NaN" : d < 0 ? "-Infinity" : "Infinity")
        case .text(let s): return .string(s)
        case .bytes(let b): return .string(Data(b).base64EncodedString())
        case .bool(let b): return .bool(b)
        case .null, .undefined: return .null
        case .array(let elements):
            var out: [JSONValue] = []
            out.reserveCapacity(elements.count)
            for e in elements { out.append(try tree(e)) }
            return .array(out)
        case .map(let pairs):
            var members: [JSONMember] = []
            members.reserveCapacity(pairs.count)
            for p in pairs {
                guard case .text(let key) = p.key else {
                    throw MalformedBody(reason: "A map key is not a text string; members are named by text.")
                }
                members.append(JSONMember(key, try tree(p.value)))
            }
            return .object(JSONObject(members))
        // Tag 1 is a timestamp in epoch seconds: the number is what the JSON protocols carry too.
        case .tagged(1, let inner):
            switch inner {
            case .unsigned, .negative, .float: return try tree(inner)
            default: throw MalformedBody(reason: "A timestamp (tag 1) must be a number of seconds.")
            }
        case .tagged(_, let inner): return try tree(inner)
        case .simple(let v): throw MalformedBody(reason: "simple(\(v)) is no value of any member.")
        }
    }

    /// An output as a CBOR map. Its tree is made twice, with timestamps as epoch seconds and as text:
    /// a number in the first that is text in the second is a timestamp, written as tag 1.
    public static func body(_ output: any Encodable & Sendable) throws -> CBOR {
        item(try AWSCLIJSON.value(output, epochSeconds: true), try AWSCLIJSON.value(output))
    }

    static func item(_ value: JSONValue, _ shown: JSONValue) -> CBOR {
        switch (value, shown) {
        case (.number(let text), .string): return .tagged(1, seconds(text))
        case (.number(let text), _): return number(text)
        case (.string(let s), _): return .text(s)
        case (.bool(let b), _): return .bool(b)
        case (.null, _): return .null
        case (.array(let elements), .array(let shownElements)):
            return .array(zip(elements, shownElements).map { item($0, $1) })
        case (.object(let object), .object(let shownObject)):
            return .map(
                zip(object.members, shownObject.members).compactMap { m, s in
                    m.value == .null ? nil : CBOR.Pair(.text(m.key), item(m.value, s.value))
                })
        case (.array(let elements), _): return .array(elements.map { item($0, $0) })
        case (.object(let object), _):
            return .map(object.members.map { CBOR.Pair(.text($0.key), item($0.value, $0.value)) })
        }
    }

    /// A number's text as CBOR: an integer when it is one, else a float.
    static func number(_ text: String) -> CBOR {
        if let n = UInt64(text) { return .unsigned(n) }
        if let n = Int64(text), n < 0 { return .negative(UInt64(-(n + 1))) }
        return .float(Double(text) ?? .nan)
    }

    /// A timestamp's epoch seconds: an integer when whole (the usual case, and the shorter one).
    static func seconds(_ text: String) -> CBOR {
        guard let d = Double(text), d == d.rounded(), abs(d) < 0x1p53 else { return number(text) }
        return d >= 0 ? .unsigned(UInt64(d)) : .negative(UInt64(-d - 1))
    }

    /// An error's body: `__type` is the error shape's id in the service's namespace.
    public static func errorBody(type: String, namespace: String, message: String) -> [UInt8] {
        CBOR.map([
            CBOR.Pair(.text("__type"), .text("\(namespace)#\(type)")), CBOR.Pair(.text("message"), .text(message)),
        ])
        .encoded
    }
}

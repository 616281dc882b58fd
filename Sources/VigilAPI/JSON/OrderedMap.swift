public import VigilPatterns

/// A JSON object of string members kept in the order given, for the few outputs whose order means
/// something (TestMetricFilter's extractedValues follow the fields of the event). Other maps print
/// in key order.
public struct OrderedMap<Value: Codable & Sendable & Equatable>: Codable, Sendable, Equatable, JSONValueDecodable {
    public var members: [(key: String, value: Value)]

    public init(_ members: [(key: String, value: Value)] = []) { self.members = members }

    public subscript(key: String) -> Value? { members.first { $0.key == key }?.value }

    public static func == (a: OrderedMap, b: OrderedMap) -> Bool {
        a.members.map(\.key) == b.members.map(\.key) && a.members.map(\.value) == b.members.map(\.value)
    }

    public init(json: JSONValue, path: [APIInputError.PathElement]) throws(APIInputError) {
        guard case .object(let o) = json else {
            throw APIInputError(path: path, .typeMismatch(expected: "an object", found: json.kindDescription))
        }
        var members: [(key: String, value: Value)] = []
        for m in o.members {
            members.append((m.key, try APIDecoder.decode(Value.self, from: m.value, at: path + [.member(m.key)])))
        }
        self.init(members)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        self.init(try c.allKeys.map { ($0.stringValue, try c.decode(Value.self, forKey: $0)) })
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        for (k, v) in members { try c.encode(v, forKey: Key(stringValue: k)) }
    }

    struct Key: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }
}

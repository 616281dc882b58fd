import VigilMetrics
public import VigilPatterns

/// An instant as CloudWatch's API carries it (the model's `timestamp` type), in milliseconds since
/// the epoch.
///
/// Decodes from ISO 8601 text (`2026-11-25T10:00:00Z`, offsets and fractions allowed, read by
/// ``UTCDateText/parse(_:)-(String)``) or from a number of seconds since the epoch (as awsJson sends
/// it and the aws CLI accepts it), in years 0001 to 9999; anything else is an ``APIInputError``.
/// Encodes as ISO 8601 in whole seconds (`2026-11-25T10:00:00Z`), as the aws CLI prints it.
public struct Timestamp: Sendable, Hashable, Comparable, Codable, JSONValueDecodable, CustomStringConvertible {
    public var millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) { self.millisecondsSinceEpoch = millisecondsSinceEpoch }

    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z, the instants accepted.
    public static let earliest: Int64 = -62_135_596_800_000
    public static let latest: Int64 = 253_402_300_799_999

    public init(json: JSONValue, path: [APIInputError.PathElement]) throws(APIInputError) {
        switch json {
        case .string(let text):
            guard let ms = UTCDateText.parse(text), (Self.earliest...Self.latest).contains(ms) else {
                throw APIInputError(path: path, .invalidTimestamp(text: text))
            }
            self.init(millisecondsSinceEpoch: ms)
        case .number(let text):
            let seconds = try CheckedNumber.double(text, path: path)
            let ms = (seconds * 1000).rounded(.down)
            guard ms >= Double(Self.earliest), ms <= Double(Self.latest) else {
                throw APIInputError(path: path, .invalidTimestamp(text: text))
            }
            self.init(millisecondsSinceEpoch: Int64(ms))
        default:
            throw APIInputError(path: path, .typeMismatch(expected: "a time", found: json.kindDescription))
        }
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let ms = UTCDateText.parse(text), (Self.earliest...Self.latest).contains(ms) else {
            throw APIInputError(path: [], .invalidTimestamp(text: text))
        }
        self.init(millisecondsSinceEpoch: ms)
    }

    /// Set in an encoder's `userInfo` to write timestamps as epoch seconds (the AWS JSON protocols'
    /// form) instead of ISO 8601 text (what the aws CLI prints).
    public static let epochSecondsKey = CodingUserInfoKey(rawValue: "vigil.timestamp.epochSeconds")!

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if encoder.userInfo[Self.epochSecondsKey] as? Bool == true {
            try c.encode(Double(millisecondsSinceEpoch) / 1000)
        } else {
            try c.encode(description)
        }
    }

    /// `2026-11-25T10:00:00Z`.
    public var description: String { UTCDateText.seconds(millisecondsSinceEpoch) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }
}

/// A JSON value as RFC 8259 defines it, read strictly by ``JSONReader``.
///
/// Objects keep their members in the order written (a request's members are reported in that order,
/// and a template's resources are created in it). Numbers keep their text, so each field converts
/// it to its own type exactly: an integer beyond 2^53 is not rounded through `Double` on the way.
///
/// ```swift
/// let value = try JSONValue(parsing: Array(#"{"Period": 300, "Dimensions": []}"#.utf8))
/// value["Period"]  // .number("300")
/// ```
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// Number text in RFC 8259's syntax, as written.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// Parses `bytes` as exactly one JSON value with only whitespace around it.
    public init(parsing bytes: [UInt8], maximumDepth: Int = JSONReader.defaultMaximumDepth) throws(JSONSyntaxError) {
        self = try bytes.withUnsafeBufferPointer { (p) throws(JSONSyntaxError) -> JSONValue in
            var reader = JSONReader(p)
            let value = try reader.readValue(maximumDepth: maximumDepth)
            try reader.end()
            return value
        }
    }

    /// The member `key` of an object; nil for a missing member or a value that is not an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { o[key] } else { nil }
    }

    /// What kind of value this is, in words for error messages ("a string", "an object").
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

/// A JSON object's members in the order written; names are unique (``JSONReader`` refuses a repeated one).
public struct JSONObject: Sendable, Equatable {
    public var members: [JSONMember]

    public init(_ members: [JSONMember] = []) { self.members = members }

    /// The value of the member named `key`.
    public subscript(key: String) -> JSONValue? {
        for m in members where m.key == key { return m.value }
        return nil
    }
}

/// One member of a ``JSONObject``.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}

public import VigilPatterns

/// Decodes an operation's input from JSON: the one path from `--cli-input-json`, `--metric-data`
/// and awsJson request bodies to the typed inputs.
///
/// Types are as strict as the AWS service model: a string member takes only a JSON string, a boolean
/// only `true`/`false`; numbers convert through ``CheckedNumber`` into the field's own width (an
/// `Int32` field refuses 1e20 with ``APIInputError/Problem/outOfRange(text:range:)``, it never traps).
/// `null` reads as absent. Members the input type does not know are ignored, as AWS's services
/// ignore them. Every error names the member path.
///
/// ```swift
/// let input = try APIDecoder.decode(PutMetricAlarmInput.self, from: Array(json.utf8))
/// ```
public enum APIDecoder {
    /// Decodes `T` from JSON text.
    public static func decode<T: Decodable>(_ type: T.Type, from json: [UInt8]) throws(APIInputError) -> T {
        let value: JSONValue
        do { value = try JSONValue(parsing: json) } catch { throw APIInputError(path: [], .syntax(error)) }
        return try decode(type, from: value)
    }

    /// Decodes `T` from a parsed value that stands at `path` of a request (for the errors' paths).
    ///
    /// `textScalars` reads numbers and booleans from their text as well (`"60"`, `"true"`), and an empty
    /// string as an empty list: the awsQuery protocol, whose form values are all text.
    public static func decode<T: Decodable>(
        _ type: T.Type, from value: JSONValue, at path: [APIInputError.PathElement] = [], textScalars: Bool = false
    ) throws(APIInputError) -> T {
        do {
            return try ValueDecoder(value: value, path: path, textScalars: textScalars).decodeValue(T.self)
        } catch let error as APIInputError {
            throw error
        } catch {
            // Only a type's own init(from:) can throw anything else; it is still the input's fault.
            throw APIInputError(path: [], .invalid("\(error)"))
        }
    }
}

/// A type that reads itself from the raw JSON value (to tell a number from a string, say), with the
/// path for its errors. ``APIDecoder`` uses this instead of `init(from:)` when a type has it.
public protocol JSONValueDecodable {
    init(json: JSONValue, path: [APIInputError.PathElement]) throws(APIInputError)
}

struct ValueDecoder: Decoder {
    let value: JSONValue
    let path: [APIInputError.PathElement]
    /// Numbers and booleans may come as text (awsQuery).
    var textScalars = false

    init(value: JSONValue, path: [APIInputError.PathElement], textScalars: Bool = false) {
        self.value = value
        self.path = path
        self.textScalars = textScalars
    }

    var codingPath: [any CodingKey] {
        path.map { e in
            switch e {
            case .member(let name): PathKey(stringValue: name)
            case .index(let i): PathKey(intValue: i)
            }
        }
    }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch(_ expected: String) -> APIInputError {
        APIInputError(path: path, .typeMismatch(expected: expected, found: value.kindDescription))
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if let custom = T.self as? any JSONValueDecodable.Type {
            guard let result = try custom.init(json: value, path: path) as? T else { throw mismatch("\(T.self)") }
            return result
        }
        if let e = T.self as? any APIEnumeration.Type {
            guard case .string(let s) = value else { throw mismatch("a string") }
            guard let result = e.init(apiValue: s) as? T else {
                throw APIInputError(path: path, .notInSet(value: s, allowed: e.apiValues))
            }
            return result
        }
        // Scalars come here when they are elements of a list or values of a map.
        if let scalar = try scalar(T.self) { return scalar }
        return try T(from: self)
    }

    func scalar<T>(_ type: T.Type) throws(APIInputError) -> T? {
        if T.self == String.self { return try string() as? T }
        if T.self == Bool.self { return try bool() as? T }
        if T.self == Double.self { return try double() as? T }
        if T.self == Int.self { return try integer(Int.self) as? T }
        if T.self == Int32.self { return try integer(Int32.self) as? T }
        if T.self == Int64.self { return try integer(Int64.self) as? T }
        return nil
    }

    func string() throws(APIInputError) -> String {
        guard case .string(let s) = value else { throw mismatch("a string") }
        return s
    }

    func bool() throws(APIInputError) -> Bool {
        switch value {
        case .bool(let b): return b
        case .string("true") where textScalars: return true
        case .string("false") where textScalars: return false
        default: throw mismatch("true or false")
        }
    }

    /// A number's text: a JSON number, or (awsQuery) a string.
    func numberText(_ expected: String) throws(APIInputError) -> String {
        switch value {
        case .number(let text): return text
        case .string(let text) where textScalars: return text
        default: throw mismatch(expected)
        }
    }

    func double() throws(APIInputError) -> Double {
        try CheckedNumber.double(try numberText("a number"), path: path)
    }

    func integer<I: FixedWidthInteger & SignedInteger>(_ type: I.Type) throws(APIInputError) -> I {
        try CheckedNumber.integer(try numberText("a whole number"), as: I.self, path: path)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = value else { throw mismatch("an object") }
        return KeyedDecodingContainer(KeyedContainer<Key>(object: object, path: path, textScalars: textScalars))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        // awsQuery sends an empty list as the list's name with an empty value.
        if textScalars, value == .string("") { return UnkeyedContainer(elements: [], path: path, textScalars: true) }
        guard case .array(let elements) = value else { throw mismatch("a list") }
        return UnkeyedContainer(elements: elements, path: path, textScalars: textScalars)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { SingleValue(decoder: self) }
}

/// A coding key made from a path element.
struct PathKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(stringValue: String) {
        self.stringValue = stringValue
        self.intValue = nil
    }
    init(intValue: Int) {
        self.stringValue = "\(intValue)"
        self.intValue = intValue
    }
}

struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let object: JSONObject
    let path: [APIInputError.PathElement]
    var textScalars = false

    var codingPath: [any CodingKey] { ValueDecoder(value: .object(object), path: path).codingPath }
    var allKeys: [Key] { object.members.compactMap { Key(stringValue: $0.key) } }

    func contains(_ key: Key) -> Bool {
        guard let v = object[key.stringValue] else { return false }
        return v != .null
    }

    func decoder(_ key: Key) throws(APIInputError) -> ValueDecoder {
        let at = path + [.member(key.stringValue)]
        guard let v = object[key.stringValue], v != .null else { throw APIInputError(path: at, .missing) }
        return ValueDecoder(value: v, path: at, textScalars: textScalars)
    }

    func decodeNil(forKey key: Key) throws -> Bool { !contains(key) }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try decoder(key).bool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try decoder(key).string() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try decoder(key).double() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try decoder(key).double()) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try decoder(key).integer(Int.self) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try decoder(key).integer(Int8.self) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try decoder(key).integer(Int16.self) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try decoder(key).integer(Int32.self) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try decoder(key).integer(Int64.self) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw unsupported(key) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw unsupported(key) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw unsupported(key) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw unsupported(key) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { throw unsupported(key) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try decoder(key).decodeValue(T.self) }

    /// AWS's models have no unsigned integers; an input type that declares one is a programming error,
    /// reported rather than trapped.
    func unsupported(_ key: Key) -> APIInputError {
        APIInputError(
            path: path + [.member(key.stringValue)], .invalid("unsigned integers are not part of AWS's models"))
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try decoder(key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try decoder(key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        ValueDecoder(value: .object(object), path: path, textScalars: textScalars)
    }
    func superDecoder(forKey key: Key) throws -> any Decoder { try decoder(key) }
}

struct UnkeyedContainer: UnkeyedDecodingContainer {
    let elements: [JSONValue]
    let path: [APIInputError.PathElement]
    let textScalars: Bool
    var currentIndex = 0

    init(elements: [JSONValue], path: [APIInputError.PathElement], textScalars: Bool = false) {
        self.elements = elements
        self.path = path
        self.textScalars = textScalars
    }

    var codingPath: [any CodingKey] { ValueDecoder(value: .array(elements), path: path).codingPath }
    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    mutating func next() throws(APIInputError) -> ValueDecoder {
        guard currentIndex < elements.count else {
            throw APIInputError(path: path + [.index(currentIndex)], .missing)
        }
        defer { currentIndex += 1 }
        return ValueDecoder(
            value: elements[currentIndex], path: path + [.index(currentIndex)], textScalars: textScalars)
    }

    mutating func decodeNil() throws -> Bool {
        guard currentIndex < elements.count, elements[currentIndex] == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try next().bool() }
    mutating func decode(_ type: String.Type) throws -> String { try next().string() }
    mutating func decode(_ type: Double.Type) throws -> Double { try next().double() }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try next().double()) }
    mutating func decode(_ type: Int.Type) throws -> Int { try next().integer(Int.self) }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try next().integer(Int8.self) }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try next().integer(Int16.self) }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try next().integer(Int32.self) }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try next().integer(Int64.self) }
    mutating func decode(_ type: UInt.Type) throws -> UInt { throw unsupported() }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { throw unsupported() }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { throw unsupported() }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { throw unsupported() }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { throw unsupported() }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

    func unsupported() -> APIInputError {
        APIInputError(path: path + [.index(currentIndex)], .invalid("unsigned integers are not part of AWS's models"))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws
        -> KeyedDecodingContainer<NestedKey>
    {
        try next().container(keyedBy: type)
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

struct SingleValue: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }

    func decodeNil() -> Bool { decoder.value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try decoder.bool() }
    func decode(_ type: String.Type) throws -> String { try decoder.string() }
    func decode(_ type: Double.Type) throws -> Double { try decoder.double() }
    func decode(_ type: Float.Type) throws -> Float { Float(try decoder.double()) }
    func decode(_ type: Int.Type) throws -> Int { try decoder.integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decoder.integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decoder.integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decoder.integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decoder.integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { throw unsupported() }
    func decode(_ type: UInt8.Type) throws -> UInt8 { throw unsupported() }
    func decode(_ type: UInt16.Type) throws -> UInt16 { throw unsupported() }
    func decode(_ type: UInt32.Type) throws -> UInt32 { throw unsupported() }
    func decode(_ type: UInt64.Type) throws -> UInt64 { throw unsupported() }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(T.self) }

    func unsupported() -> APIInputError {
        APIInputError(path: decoder.path, .invalid("unsigned integers are not part of AWS's models"))
    }
}

public import VigilPatterns

/// Writes an operation's output as the `aws` CLI prints it: Python's
/// `json.dumps(response, indent=4, ensure_ascii=False)` over the parsed response.
///
/// Members appear in the order the output type declares them (the service model's order, which is
/// the order botocore parses them in); absent optional members are left out. Four spaces of
/// indentation, `": "` after a name, non-ASCII characters as they are, control characters escaped.
/// Whole numbers print as integers; `Double`s as Python prints floats (`2.0`, `0.1`, `1e+16`),
/// which is also Swift's shortest round-trip form.
///
/// ```swift
/// print(try AWSCLIJSON.text(GetMetricStatisticsOutput(label: "Errors", datapoints: [])))
/// // {
/// //     "Label": "Errors",
/// //     "Datapoints": []
/// // }
/// ```
public enum AWSCLIJSON {
    /// The JSON text of `value`, without a final newline.
    public static func text(_ value: some Encodable) throws -> String {
        var out: [UInt8] = []
        write(try Self.value(value), indent: 0, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` as compact JSON text (no whitespace), members in declaration order: how a stored
    /// document (an alarm's definition) is written.
    public static func compact(_ value: some Encodable) throws -> String {
        var out: [UInt8] = []
        write(try Self.value(value), indent: nil, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` as compact JSON text with timestamps as epoch seconds (`1764000000.5`): the body of an
    /// AWS JSON protocol response, which every SDK parses.
    public static func wire(_ value: some Encodable) throws -> String {
        var out: [UInt8] = []
        write(try Self.value(value, epochSeconds: true), indent: nil, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// `value` as a JSON value (numbers already in their printed form).
    public static func value(_ value: some Encodable, epochSeconds: Bool = false) throws -> JSONValue {
        let root = EncodingNode(epochSeconds: epochSeconds)
        try value.encode(to: TreeEncoder(node: root, codingPath: []))
        return root.value
    }

    /// Appends `value` as text, nested `indent` levels deep (four spaces each, `": "` after names);
    /// with no `indent`, compactly (no whitespace at all).
    public static func write(_ value: JSONValue, indent: Int?, into out: inout [UInt8]) {
        func newline(_ level: Int) {
            guard indent != nil else { return }
            out.append(10)
            out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 4 * level))
        }
        let level = indent ?? 0
        let inner = indent.map { $0 + 1 }
        switch value {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let s): JSONString.append(s, quotedTo: &out)
        case .array(let elements):
            guard !elements.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(UInt8(ascii: "["))
            for (k, e) in elements.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                write(e, indent: inner, into: &out)
            }
            newline(level)
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            guard !object.members.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(UInt8(ascii: "{"))
            for (k, m) in object.members.enumerated() {
                if k > 0 { out.append(UInt8(ascii: ",")) }
                newline(level + 1)
                JSONString.append(m.key, quotedTo: &out)
                out.append(contentsOf: (indent == nil ? ":" : ": ").utf8)
                write(m.value, indent: inner, into: &out)
            }
            newline(level)
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A number as Python prints it: an integer as its digits, a double in its shortest round-trip form.
    static func number(_ v: Double) -> String { v.description }
}

/// A value being encoded: filled in by its container, read when encoding ends.
final class EncodingNode {
    enum Kind {
        case empty, scalar, object, array
    }

    /// Timestamps as epoch seconds (the AWS JSON protocols' wire form) rather than ISO 8601 text (the
    /// aws CLI's printed form); inherited by every node below.
    let epochSeconds: Bool

    init(epochSeconds: Bool = false) {
        self.epochSeconds = epochSeconds
    }

    var kind = Kind.empty
    var scalar = JSONValue.null
    var members: [(key: String, node: EncodingNode)] = []
    var elements: [EncodingNode] = []

    /// Sets a scalar value.
    var content: JSONValue {
        get { scalar }
        set {
            kind = .scalar
            scalar = newValue
        }
    }

    var value: JSONValue {
        switch kind {
        case .empty: .null
        case .scalar: scalar
        case .object: .object(JSONObject(members.map { JSONMember($0.key, $0.node.value) }))
        case .array: .array(elements.map(\.value))
        }
    }

    /// The node of member `key`, replacing an earlier one of the same name.
    func member(_ key: String) -> EncodingNode {
        beginObject()
        let node = EncodingNode(epochSeconds: epochSeconds)
        if let i = members.firstIndex(where: { $0.key == key }) {
            members[i].node = node
        } else {
            members.append((key, node))
        }
        return node
    }

    func beginObject() { kind = .object }

    func appendElement() -> EncodingNode {
        beginArray()
        let node = EncodingNode(epochSeconds: epochSeconds)
        elements.append(node)
        return node
    }

    func beginArray() { kind = .array }
}

struct TreeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { node.epochSeconds ? [Timestamp.epochSecondsKey: true] : [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        node.beginObject()
        return KeyedEncodingContainer(KeyedTreeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        node.beginArray()
        return UnkeyedTreeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleTreeContainer(node: node, codingPath: codingPath)
    }
}

/// Scalars as JSON values, shared by the three containers.
enum TreeScalar {
    static func integer(_ v: some BinaryInteger) -> JSONValue { .number("\(v)") }
    static func double(_ v: Double) -> JSONValue { .number(AWSCLIJSON.number(v)) }

    static func encode<T: Encodable>(_ value: T, into node: EncodingNode, path: [any CodingKey]) throws {
        switch value {
        case let s as String: node.content = .string(s)
        case let b as Bool: node.content = .bool(b)
        case let d as Double: node.content = double(d)
        case let i as Int: node.content = integer(i)
        case let i as Int32: node.content = integer(i)
        case let i as Int64: node.content = integer(i)
        case let e as any APIEnumeration: node.content = .string(e.apiValue)
        case let map as any StringKeyedMap:
            // Dictionaries have no order of their own: members are written in key order, so output is stable.
            node.beginObject()
            for (key, element) in map.sortedMembers() { try encode(element, into: node.member(key), path: path) }
        default: try value.encode(to: TreeEncoder(node: node, codingPath: path))
        }
    }
}

/// A dictionary keyed by strings, encoded in key order.
protocol StringKeyedMap {
    func sortedMembers() -> [(String, any Encodable)]
}

extension Dictionary: StringKeyedMap where Key == String, Value: Encodable {
    func sortedMembers() -> [(String, any Encodable)] { sorted { $0.key < $1.key }.map { ($0.key, $0.value) } }
}

struct KeyedTreeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil(forKey key: Key) throws { node.member(key.stringValue).content = .null }
    mutating func encode(_ value: Bool, forKey key: Key) throws { node.member(key.stringValue).content = .bool(value) }
    mutating func encode(_ value: String, forKey key: Key) throws {
        node.member(key.stringValue).content = .string(value)
    }
    mutating func encode(_ value: Double, forKey key: Key) throws {
        node.member(key.stringValue).content = TreeScalar.double(value)
    }
    mutating func encode(_ value: Float, forKey key: Key) throws {
        node.member(key.stringValue).content = TreeScalar.double(Double(value))
    }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(key, value) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(key, value) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(key, value) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(key, value) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(key, value) }
    mutating func encode(_ value: UInt, forKey key: Key) throws { set(key, value) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(key, value) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(key, value) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(key, value) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws { set(key, value) }

    func set(_ key: Key, _ value: some BinaryInteger) {
        node.member(key.stringValue).content = TreeScalar.integer(value)
    }

    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try TreeScalar.encode(value, into: node.member(key.stringValue), path: codingPath + [key])
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = node.member(key.stringValue)
        child.beginObject()
        return KeyedEncodingContainer(KeyedTreeContainer<NestedKey>(node: child, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let child = node.member(key.stringValue)
        child.beginArray()
        return UnkeyedTreeContainer(node: child, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(node: node, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder {
        TreeEncoder(node: node.member(key.stringValue), codingPath: codingPath + [key])
    }
}

struct UnkeyedTreeContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var count: Int { node.elements.count }

    mutating func encodeNil() throws { node.appendElement().content = .null }
    mutating func encode(_ value: Bool) throws { node.appendElement().content = .bool(value) }
    mutating func encode(_ value: String) throws { node.appendElement().content = .string(value) }
    mutating func encode(_ value: Double) throws { node.appendElement().content = TreeScalar.double(value) }
    mutating func encode(_ value: Float) throws {
        node.appendElement().content = TreeScalar.double(Double(value))
    }
    mutating func encode(_ value: Int) throws { add(value) }
    mutating func encode(_ value: Int8) throws { add(value) }
    mutating func encode(_ value: Int16) throws { add(value) }
    mutating func encode(_ value: Int32) throws { add(value) }
    mutating func encode(_ value: Int64) throws { add(value) }
    mutating func encode(_ value: UInt) throws { add(value) }
    mutating func encode(_ value: UInt8) throws { add(value) }
    mutating func encode(_ value: UInt16) throws { add(value) }
    mutating func encode(_ value: UInt32) throws { add(value) }
    mutating func encode(_ value: UInt64) throws { add(value) }

    func add(_ value: some BinaryInteger) { node.appendElement().content = TreeScalar.integer(value) }

    mutating func encode<T: Encodable>(_ value: T) throws {
        try TreeScalar.encode(value, into: node.appendElement(), path: codingPath)
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type)
        -> KeyedEncodingContainer<NestedKey>
    {
        let child = node.appendElement()
        child.beginObject()
        return KeyedEncodingContainer(KeyedTreeContainer<NestedKey>(node: child, codingPath: codingPath))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let child = node.appendElement()
        child.beginArray()
        return UnkeyedTreeContainer(node: child, codingPath: codingPath)
    }

    mutating func superEncoder() -> any Encoder { TreeEncoder(node: node.appendElement(), codingPath: codingPath) }
}

struct SingleTreeContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .null }
    mutating func encode(_ value: Bool) throws { node.content = .bool(value) }
    mutating func encode(_ value: String) throws { node.content = .string(value) }
    mutating func encode(_ value: Double) throws { node.content = TreeScalar.double(value) }
    mutating func encode(_ value: Float) throws { node.content = TreeScalar.double(Double(value)) }
    mutating func encode(_ value: Int) throws { node.content = TreeScalar.integer(value) }
    mutating func encode(_ value: Int8) throws { node.content = TreeScalar.integer(value) }
    mutating func encode(_ value: Int16) throws { node.content = TreeScalar.integer(value) }
    mutating func encode(_ value: Int32) throws { node.content = TreeScalar.integer(value) }
    mutating func encode(_ value: Int64) throws { node.content = TreeScalar.integer(value) }
    mutating func encode(_ value: UInt) throws { node.content = TreeScalar.integer(value) }
    mutating func encode(_ value: UInt8) throws { node.content = TreeScalar.integer(value) }
    mutating func encode(_ value: UInt16) throws { node.content = TreeScalar.integer(value) }
    mutating func encode(_ value: UInt32) throws { node.content = TreeScalar.integer(value) }
    mutating func encode(_ value: UInt64) throws { node.content = TreeScalar.integer(value) }
    mutating func encode<T: Encodable>(_ value: T) throws { try TreeScalar.encode(value, into: node, path: codingPath) }
}

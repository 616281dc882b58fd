/// One message of AWS's event-stream framing (`application/vnd.amazon.eventstream`), which streaming
/// operations such as StartLiveTail answer with:
///
/// ```
/// total length (UInt32) | headers length (UInt32) | prelude CRC-32 | headers | payload | message CRC-32
/// ```
///
/// every integer big-endian, the prelude's CRC over its first eight bytes and the message's over all that
/// precedes it. A header is a name (a length byte, UTF-8) and a typed value (a type byte, then the value:
/// 2-byte-length strings and byte arrays, big-endian integers, milliseconds, a UUID).
///
/// ``encoded()`` writes a message; ``EventStreamDecoder`` reads them from a byte stream.
public struct EventStreamMessage: Sendable, Equatable {
    public var headers: [EventStreamHeader]
    public var payload: [UInt8]

    public init(headers: [EventStreamHeader], payload: [UInt8] = []) {
        self.headers = headers
        self.payload = payload
    }

    /// A message may be 16 MiB at most, prelude and checksums included (the AWS SDKs' limit).
    public static let maximumLength = 16 * 1024 * 1024
    /// Its headers may take 128 KiB at most.
    public static let maximumHeadersLength = 128 * 1024
    /// The prelude (12 bytes) and the message CRC (4).
    public static let overhead = 16

    /// The value of the header named `name`, if the message has one.
    public subscript(header name: String) -> EventStreamHeader.Value? {
        headers.first { $0.name == name }?.value
    }

    /// The message framed, or why it cannot be: a header name or value too long for its length field, a
    /// name given twice, headers or message past the limits.
    public func encoded() throws(EventStreamError) -> [UInt8] {
        var headerBytes: [UInt8] = []
        var seen = Set<String>()
        for header in headers {
            guard seen.insert(header.name).inserted else {
                throw EventStreamError(offset: 0, reason: "the header \"\(header.name)\" is given twice")
            }
            try header.write(into: &headerBytes)
        }
        guard headerBytes.count <= Self.maximumHeadersLength else {
            throw EventStreamError(
                offset: 0, reason: "the headers take \(headerBytes.count) bytes, more than 131,072")
        }
        let total = Self.overhead + headerBytes.count + payload.count
        guard total <= Self.maximumLength else {
            throw EventStreamError(offset: 0, reason: "the message would take \(total) bytes, more than 16 MiB")
        }
        var out: [UInt8] = []
        out.reserveCapacity(total)
        out.appendBigEndian(UInt32(total))
        out.appendBigEndian(UInt32(headerBytes.count))
        out.appendBigEndian(CRC32.checksum(out))
        out.append(contentsOf: headerBytes)
        out.append(contentsOf: payload)
        out.appendBigEndian(CRC32.checksum(out))
        return out
    }
}

/// A header of an ``EventStreamMessage``: a name of at most 255 UTF-8 bytes and a typed value.
public struct EventStreamHeader: Sendable, Equatable {
    public var name: String
    public var value: Value

    public init(_ name: String, _ value: Value) {
        self.name = name
        self.value = value
    }

    /// A header value with its wire type (the number is the type byte).
    public enum Value: Sendable, Equatable {
        /// Types 0 and 1: the value is the type.
        case bool(Bool)
        /// Type 2.
        case byte(Int8)
        /// Type 3.
        case short(Int16)
        /// Type 4.
        case integer(Int32)
        /// Type 5.
        case long(Int64)
        /// Type 6: at most 32,767 bytes.
        case bytes([UInt8])
        /// Type 7: at most 32,767 bytes of UTF-8.
        case string(String)
        /// Type 8: milliseconds since 1970.
        case timestamp(Int64)
        /// Type 9: sixteen bytes.
        case uuid(UUIDBytes)
    }

    /// The sixteen bytes of a UUID header.
    public struct UUIDBytes: Sendable, Equatable {
        public let bytes: [UInt8]

        /// Nil unless `bytes` holds exactly sixteen.
        public init?(_ bytes: [UInt8]) {
            guard bytes.count == 16 else { return nil }
            self.bytes = bytes
        }
    }

    /// Longest string or byte array a header may carry (the AWS SDKs read the 2-byte length as signed).
    public static let maximumValueLength = Int(Int16.max)
    /// Longest name (its length is one byte).
    public static let maximumNameLength = Int(UInt8.max)

    /// A string header, the kind `:message-type`, `:event-type` and `:content-type` are.
    public static func string(_ name: String, _ value: String) -> EventStreamHeader {
        EventStreamHeader(name, .string(value))
    }

    func write(into out: inout [UInt8]) throws(EventStreamError) {
        let nameBytes = Array(name.utf8)
        guard nameBytes.count <= Self.maximumNameLength else {
            throw EventStreamError(offset: 0, reason: "a header name of \(nameBytes.count) bytes is longer than 255")
        }
        out.append(UInt8(truncatingIfNeeded: nameBytes.count))
        out.append(contentsOf: nameBytes)
        switch value {
        case .bool(let flag): out.append(flag ? 0 : 1)
        case .byte(let number):
            out.append(2)
            out.append(UInt8(bitPattern: number))
        case .short(let number):
            out.append(3)
            out.appendBigEndian(UInt16(bitPattern: number))
        case .integer(let number):
            out.append(4)
            out.appendBigEndian(UInt32(bitPattern: number))
        case .long(let number):
            out.append(5)
            out.appendBigEndian(UInt64(bitPattern: number))
        case .bytes(let bytes): try Self.writeVariable(type: 6, bytes, name: name, into: &out)
        case .string(let text): try Self.writeVariable(type: 7, Array(text.utf8), name: name, into: &out)
        case .timestamp(let milliseconds):
            out.append(8)
            out.appendBigEndian(UInt64(bitPattern: milliseconds))
        case .uuid(let uuid):
            out.append(9)
            out.append(contentsOf: uuid.bytes)
        }
    }

    private static func writeVariable(
        type: UInt8, _ bytes: [UInt8], name: String, into out: inout [UInt8]
    ) throws(EventStreamError) {
        guard bytes.count <= maximumValueLength else {
            throw EventStreamError(
                offset: 0, reason: "the header \"\(name)\" has \(bytes.count) bytes, more than 32,767")
        }
        out.append(type)
        out.appendBigEndian(UInt16(truncatingIfNeeded: bytes.count))
        out.append(contentsOf: bytes)
    }
}

/// Why bytes are not an event-stream message, or a message cannot be framed, and where (a byte offset
/// into the stream read so far; 0 when encoding).
public struct EventStreamError: Error, Equatable, CustomStringConvertible {
    public let offset: Int
    public let reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "event stream at byte \(offset): \(reason)" }
}

extension [UInt8] {
    mutating func appendBigEndian<Integer: FixedWidthInteger>(_ value: Integer) {
        var big = value.bigEndian
        Swift.withUnsafeBytes(of: &big) { append(contentsOf: $0) }
    }
}

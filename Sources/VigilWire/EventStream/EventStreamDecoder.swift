/// Reads ``EventStreamMessage``s from a byte stream that arrives in pieces of any size: ``append(_:)`` what
/// came, then call ``next()`` until it returns nil (a message is not complete yet).
///
/// Untrusted input is checked before anything is allocated for it: the prelude's CRC before its lengths
/// are believed, the lengths against the limits (16 MiB, 128 KiB of headers), the message's CRC before
/// its headers are read, every header against the bytes its message has. After an error the stream is
/// out of step and every later ``next()`` throws the same error.
///
/// ```swift
/// var decoder = EventStreamDecoder()
/// decoder.append(chunk)
/// while let message = try decoder.next() { … }
/// ```
public struct EventStreamDecoder: Sendable {
    private var buffer: [UInt8] = []
    /// Where the next message starts in `buffer`.
    private var start = 0
    /// Bytes consumed before `buffer`'s first byte (for error offsets).
    private var consumed = 0
    private var failure: EventStreamError?

    public init() {}

    /// Bytes received and not yet returned as a message.
    public var pendingCount: Int { buffer.count - start }

    /// Takes more of the stream.
    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start * 2 >= buffer.count {
            buffer.removeSubrange(0..<start)
            consumed += start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next whole message, or nil if the bytes so far end inside one.
    public mutating func next() throws(EventStreamError) -> EventStreamMessage? {
        if let failure { throw failure }
        do {
            guard let (message, length) = try Self.message(in: buffer[start...], at: consumed + start) else {
                return nil
            }
            start += length
            return message
        } catch {
            failure = error
            throw error
        }
    }

    /// The one message `frame` holds, which must hold nothing else.
    public static func decode(_ frame: [UInt8]) throws(EventStreamError) -> EventStreamMessage {
        guard let (message, length) = try message(in: frame[...], at: 0) else {
            throw EventStreamError(offset: frame.count, reason: "the input ends inside a message")
        }
        guard length == frame.count else {
            throw EventStreamError(offset: length, reason: "\(frame.count - length) bytes follow the message")
        }
        return message
    }

    /// The message at the start of `bytes` and its length, or nil if `bytes` ends first.
    static func message(
        in bytes: ArraySlice<UInt8>, at offset: Int
    ) throws(EventStreamError) -> (EventStreamMessage, Int)? {
        guard bytes.count >= 12 else { return nil }
        let base = bytes.startIndex
        let total = Int(bytes.bigEndianUInt32(at: base))
        let headersLength = Int(bytes.bigEndianUInt32(at: base + 4))
        let preludeCRC = bytes.bigEndianUInt32(at: base + 8)
        let computedPrelude = CRC32.checksum(bytes[base..<base + 8])
        guard preludeCRC == computedPrelude else {
            throw EventStreamError(
                offset: offset + 8,
                reason: "the prelude's CRC-32 is \(hex(preludeCRC)), its bytes give \(hex(computedPrelude))")
        }
        guard total >= EventStreamMessage.overhead, total <= EventStreamMessage.maximumLength else {
            throw EventStreamError(
                offset: offset,
                reason: "a message length of \(total) bytes is outside 16 … 16,777,216")
        }
        guard headersLength <= EventStreamMessage.maximumHeadersLength,
            headersLength <= total - EventStreamMessage.overhead
        else {
            throw EventStreamError(
                offset: offset + 4,
                reason:
                    "a headers length of \(headersLength) bytes does not fit a message of \(total) (at most 131,072)")
        }
        guard bytes.count >= total else { return nil }
        let messageCRC = bytes.bigEndianUInt32(at: base + total - 4)
        let computedMessage = CRC32.checksum(bytes[base..<base + total - 4])
        guard messageCRC == computedMessage else {
            throw EventStreamError(
                offset: offset + total - 4,
                reason: "the message's CRC-32 is \(hex(messageCRC)), its bytes give \(hex(computedMessage))")
        }
        var reader = HeaderReader(bytes: bytes[base + 12..<base + 12 + headersLength], streamOffset: offset + 12)
        var headers: [EventStreamHeader] = []
        var names = Set<String>()
        while !reader.atEnd {
            let header = try reader.header()
            guard names.insert(header.name).inserted else {
                throw EventStreamError(
                    offset: reader.streamOffset, reason: "the header \"\(header.name)\" appears twice")
            }
            headers.append(header)
        }
        let payload = Array(bytes[base + 12 + headersLength..<base + total - 4])
        return (EventStreamMessage(headers: headers, payload: payload), total)
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// Reads headers from exactly the bytes the prelude gave them.
    private struct HeaderReader {
        let bytes: ArraySlice<UInt8>
        let origin: Int
        var index: Int

        init(bytes: ArraySlice<UInt8>, streamOffset: Int) {
            self.bytes = bytes
            self.index = bytes.startIndex
            self.origin = streamOffset - bytes.startIndex
        }

        var atEnd: Bool { index == bytes.endIndex }
        var streamOffset: Int { origin + index }

        func failure(_ reason: String) -> EventStreamError {
            EventStreamError(offset: streamOffset, reason: reason)
        }

        mutating func take(_ count: Int, _ what: String) throws(EventStreamError) -> ArraySlice<UInt8> {
            guard count <= bytes.endIndex - index else {
                throw failure("\(what) runs past the end of the headers")
            }
            defer { index += count }
            return bytes[index..<index + count]
        }

        mutating func integer<Integer: FixedWidthInteger>(_: Integer.Type, _ what: String) throws(EventStreamError)
            -> Integer
        {
            var value: Integer = 0
            for byte in try take(MemoryLayout<Integer>.size, what) { value = value << 8 | Integer(byte) }
            return value
        }

        mutating func header() throws(EventStreamError) -> EventStreamHeader {
            let nameLength = Int(try integer(UInt8.self, "a header name length"))
            let nameStart = streamOffset
            guard let name = String(validating: try take(nameLength, "a header name"), as: UTF8.self) else {
                throw EventStreamError(offset: nameStart, reason: "a header name is not valid UTF-8")
            }
            let type = try integer(UInt8.self, "the type of header \"\(name)\"")
            let value: EventStreamHeader.Value
            switch type {
            case 0: value = .bool(true)
            case 1: value = .bool(false)
            case 2: value = .byte(Int8(bitPattern: try integer(UInt8.self, "header \"\(name)\"")))
            case 3: value = .short(Int16(bitPattern: try integer(UInt16.self, "header \"\(name)\"")))
            case 4: value = .integer(Int32(bitPattern: try integer(UInt32.self, "header \"\(name)\"")))
            case 5: value = .long(Int64(bitPattern: try integer(UInt64.self, "header \"\(name)\"")))
            case 6, 7:
                let length = Int(try integer(UInt16.self, "the length of header \"\(name)\""))
                guard length <= EventStreamHeader.maximumValueLength else {
                    throw failure("header \"\(name)\" has \(length) bytes, more than 32,767")
                }
                let valueStart = streamOffset
                let raw = try take(length, "header \"\(name)\"")
                if type == 6 {
                    value = .bytes(Array(raw))
                } else if let text = String(validating: raw, as: UTF8.self) {
                    value = .string(text)
                } else {
                    throw EventStreamError(offset: valueStart, reason: "header \"\(name)\" is not valid UTF-8")
                }
            case 8: value = .timestamp(Int64(bitPattern: try integer(UInt64.self, "header \"\(name)\"")))
            case 9:
                guard let uuid = EventStreamHeader.UUIDBytes(Array(try take(16, "header \"\(name)\""))) else {
                    throw failure("header \"\(name)\" is not sixteen bytes")
                }
                value = .uuid(uuid)
            default:
                throw EventStreamError(
                    offset: streamOffset - 1, reason: "header \"\(name)\" has type \(type), which is not 0 … 9")
            }
            return EventStreamHeader(name, value)
        }
    }
}

extension ArraySlice<UInt8> {
    /// Four bytes from `index` (the caller has checked they are there), big-endian.
    fileprivate func bigEndianUInt32(at index: Int) -> UInt32 {
        UInt32(self[index]) << 24 | UInt32(self[index + 1]) << 16 | UInt32(self[index + 2]) << 8
            | UInt32(self[index + 3])
    }
}

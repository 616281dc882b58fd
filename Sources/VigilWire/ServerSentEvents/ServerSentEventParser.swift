/// One event of a Server-Sent Events stream, as the HTML standard's "dispatch the event" gives it: its
/// type (`message` unless an `event:` field named one), its data (the `data:` lines joined by newlines),
/// and the last event id the stream has set so far (what a client sends back as `Last-Event-ID`).
public struct ServerSentEvent: Sendable, Equatable {
    public var type: String
    public var data: [UInt8]
    public var lastEventID: String

    public init(type: String = "message", data: [UInt8], lastEventID: String = "") {
        self.type = type
        self.data = data
        self.lastEventID = lastEventID
    }
}

/// What a Server-Sent Events stream said: an event, a comment line (its text after the colon and one
/// space), a `retry:` time in milliseconds, or an `id:` set by a block that has no data (no event is
/// dispatched, but a client resumes from it).
public enum ServerSentEventItem: Sendable, Equatable {
    case event(ServerSentEvent)
    case comment(String)
    case retry(Int)
    case lastEventID(String)
}

/// A stream whose line is longer than the parser allows (a hostile or broken server).
public struct ServerSentEventError: Error, Sendable, Equatable, CustomStringConvertible {
    public let maximumLineLength: Int

    public init(maximumLineLength: Int) { self.maximumLineLength = maximumLineLength }

    public var description: String {
        "the event stream has a line or an event longer than \(maximumLineLength) bytes"
    }
}

/// Reads a `text/event-stream` body in pieces of any size, as the HTML standard's "Interpreting an event
/// stream" says: lines end with CRLF, LF or CR (a CR at the end of one piece and an LF at the start of
/// the next are one line end), a leading byte-order mark is skipped, a field's value loses one leading
/// space, an `id` holding NUL is ignored, a `retry` that is not all digits is ignored, and an empty line
/// dispatches the event (none when no `data` field came). Bytes in, no text decoding on the way: data
/// stays bytes.
///
/// ```swift
/// var parser = ServerSentEventParser()
/// for item in try parser.append(Array("id: 7\ndata: hi\n\n".utf8)) { … }   // .event(data "hi", lastEventID "7")
/// ```
///
/// <https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation>
public struct ServerSentEventParser: Sendable {
    public let maximumLineLength: Int
    private var line: [UInt8] = []
    private var skipLineFeed = false
    private var firstLine = true
    private var type = ""
    private var data: [UInt8] = []
    private var lastEventID = ""
    private var idSetInBlock = false

    /// `maximumLineLength`: the longest line, and the longest event data, accepted (8 MiB by default).
    public init(maximumLineLength: Int = 8 << 20) {
        self.maximumLineLength = max(1, maximumLineLength)
    }

    /// The items that `bytes`, following everything appended before, complete.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(ServerSentEventError) -> [ServerSentEventItem] {
        var items: [ServerSentEventItem] = []
        for byte in bytes {
            if skipLineFeed {
                skipLineFeed = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0A:
                try finishLine(into: &items)
            case 0x0D:
                try finishLine(into: &items)
                skipLineFeed = true
            default:
                guard line.count < maximumLineLength else {
                    throw ServerSentEventError(maximumLineLength: maximumLineLength)
                }
                line.append(byte)
            }
        }
        return items
    }

    private static let byteOrderMark: [UInt8] = [0xEF, 0xBB, 0xBF]

    private mutating func finishLine(into items: inout [ServerSentEventItem]) throws(ServerSentEventError) {
        defer { line.removeAll(keepingCapacity: true) }
        if firstLine {
            firstLine = false
            if line.starts(with: Self.byteOrderMark) { line.removeFirst(Self.byteOrderMark.count) }
        }
        guard let first = line.first else {
            dispatch(into: &items)
            return
        }
        if first == UInt8(ascii: ":") {
            var text = line.dropFirst()
            if text.first == 0x20 { text = text.dropFirst() }
            items.append(.comment(String(decoding: text, as: UTF8.self)))
            return
        }
        let colon = line.firstIndex(of: UInt8(ascii: ":"))
        let name = line[..<(colon ?? line.endIndex)]
        var value = colon.map { line[line.index(after: $0)...] } ?? line[line.endIndex...]
        if value.first == 0x20 { value = value.dropFirst() }
        switch String(decoding: name, as: UTF8.self) {
        case "event":
            type = String(decoding: value, as: UTF8.self)
        case "data":
            guard data.count + value.count < maximumLineLength else {
                throw ServerSentEventError(maximumLineLength: maximumLineLength)
            }
            data += value
            data.append(0x0A)
        case "id":
            if !value.contains(0) {
                lastEventID = String(decoding: value, as: UTF8.self)
                idSetInBlock = true
            }
        case "retry":
            if !value.isEmpty, value.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), value.count <= 12,
                let milliseconds = Int(String(decoding: value, as: UTF8.self))
            {
                items.append(.retry(milliseconds))
            }
        default:
            break
        }
    }

    private mutating func dispatch(into items: inout [ServerSentEventItem]) {
        defer {
            type = ""
            data.removeAll(keepingCapacity: true)
            idSetInBlock = false
        }
        guard !data.isEmpty else {
            if idSetInBlock { items.append(.lastEventID(lastEventID)) }
            return
        }
        data.removeLast()
        items.append(
            .event(ServerSentEvent(type: type.isEmpty ? "message" : type, data: data, lastEventID: lastEventID)))
    }
}

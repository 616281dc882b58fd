import Testing
import VigilWire

/// The event-stream interpretation of the HTML standard (§9.2.6), on the streams its own examples give
/// and on what its rules imply: every line ending, pieces split anywhere, the fields that are ignored,
/// and a server that never ends a line.
@Suite struct ServerSentEventParserTests {
    static func items(_ text: String, pieceSize: Int? = nil) throws -> [ServerSentEventItem] {
        try items(Array(text.utf8), pieceSize: pieceSize)
    }

    static func items(_ bytes: [UInt8], pieceSize: Int? = nil) throws -> [ServerSentEventItem] {
        var parser = ServerSentEventParser()
        guard let size = pieceSize else { return try parser.append(bytes) }
        var all: [ServerSentEventItem] = []
        for start in stride(from: 0, to: bytes.count, by: size) {
            all += try parser.append(bytes[start..<min(start + size, bytes.count)])
        }
        return all
    }

    static func event(_ data: String, id: String = "", type: String = "message") -> ServerSentEventItem {
        .event(ServerSentEvent(type: type, data: Array(data.utf8), lastEventID: id))
    }

    @Test("the standard's stock-ticker example: three data lines make one event joined by newlines")
    func multilineData() throws {
        #expect(try Self.items("data: YHOO\ndata: +2\ndata: 10\n\n") == [Self.event("YHOO\n+2\n10")])
    }

    @Test(
        "the standard's first example: a comment, an id kept for the next event, an id reset by a bare id line, and a last block without its blank line is not dispatched"
    )
    func commentsAndIDs() throws {
        let stream = ": test stream\n\ndata: first event\nid: 1\n\ndata:second event\nid\n\ndata:  third event\n"
        #expect(
            try Self.items(stream) == [
                .comment("test stream"), Self.event("first event", id: "1"), Self.event("second event", id: ""),
            ])
    }

    @Test(
        "the standard's second example: a bare data line is an empty event, two make one newline, and the unfinished block is dropped"
    )
    func emptyData() throws {
        #expect(try Self.items("data\n\ndata\ndata\n\ndata:") == [Self.event(""), Self.event("\n")])
    }

    @Test("the standard's third example: one space after the colon is dropped, so both events are 'test'")
    func oneLeadingSpace() throws {
        #expect(try Self.items("data:test\n\ndata: test\n\n") == [Self.event("test"), Self.event("test")])
    }

    @Test("an id carries over to later events until another sets it", arguments: [nil, 1, 2, 3, 7])
    func idPersists(pieceSize: Int?) throws {
        #expect(
            try Self.items("id: 7\ndata: a\n\ndata: b\n\nid: 8\nevent: x\ndata: c\n\n", pieceSize: pieceSize) == [
                Self.event("a", id: "7"), Self.event("b", id: "7"), Self.event("c", id: "8", type: "x"),
            ])
    }

    @Test(
        "LF, CR and CRLF end lines alike, also when a CRLF is split between two pieces",
        arguments: ["\n", "\r", "\r\n"], [nil, 1, 2, 5])
    func lineEnds(end: String, pieceSize: Int?) throws {
        let stream = ["retry: 1000", "id: 42", "", ": keep-alive", "", "data: x", "data: y", "", ""].joined(
            separator: end)
        #expect(
            try Self.items(stream, pieceSize: pieceSize) == [
                .retry(1000), .lastEventID("42"), .comment("keep-alive"), Self.event("x\ny", id: "42"),
            ])
    }

    @Test("a block with an id and no data dispatches nothing but tells the id (what Vigil's tail opens with)")
    func idWithoutData() throws {
        #expect(try Self.items("retry: 1000\nid: 4711\n\n") == [.retry(1000), .lastEventID("4711")])
        #expect(try Self.items("\n\n") == [])
    }

    @Test("a leading byte-order mark is skipped; one later is part of the line")
    func byteOrderMark() throws {
        let mark: [UInt8] = [0xEF, 0xBB, 0xBF]
        #expect(try Self.items(mark + Array("data: a\n\n".utf8), pieceSize: 1) == [Self.event("a")])
        #expect(try Self.items(Array("data: a\n\n".utf8) + mark + Array("data: b\n\n".utf8)) == [Self.event("a")])
    }

    @Test("ignored as the standard says: an id holding NUL, a retry that is not all digits, unknown fields")
    func ignoredFields() throws {
        let stream: [UInt8] =
            Array("id: 1\n\nid: 2".utf8) + [0] + Array("3\nretry: 10x\nretry: -5\nretry:\nfoo: bar\ndata: d\n\n".utf8)
        #expect(try Self.items(stream) == [.lastEventID("1"), Self.event("d", id: "1")])
    }

    @Test("data stays bytes: invalid UTF-8 and NUL come through as sent")
    func bytesKept() throws {
        let payload: [UInt8] = [0xFF, 0x00, 0xC3]
        #expect(
            try Self.items(Array("data: ".utf8) + payload + [0x0A, 0x0A])
                == [.event(ServerSentEvent(data: payload))])
    }

    @Test("a line longer than the limit, or an event whose data is, throws instead of growing without end")
    func limits() throws {
        var parser = ServerSentEventParser(maximumLineLength: 16)
        #expect(try parser.append(Array("data: 0123456789\n".utf8)) == [])
        #expect(throws: ServerSentEventError(maximumLineLength: 16)) {
            try parser.append(Array("data: 0123456789ABCDEF".utf8))
        }
        var many = ServerSentEventParser(maximumLineLength: 16)
        #expect(throws: ServerSentEventError(maximumLineLength: 16)) {
            try many.append(Array(String(repeating: "data: 0123\n", count: 5).utf8))
        }
    }
}

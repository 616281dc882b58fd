import Testing
import VigilWire

/// AWS's event-stream framing against botocore's own test vectors (tests/unit/test_eventstream.py: frames
/// and the messages they hold, and the frames its decoder refuses): each message encodes to exactly its
/// frame, each frame decodes to its message, byte by byte or all at once; then limits and hostile input.
@Suite struct EventStreamTests {
    static func frame(_ hex: String) -> [UInt8] { CBORTests.bytes(hex) }

    /// botocore's positive cases: the frame, then the message it holds.
    static let vectors: [(String, EventStreamMessage)] = [
        ("000000100000000005c248eb7d98c8ff", EventStreamMessage(headers: [])),
        (
            "000000170000000729860158046279746502ffc2f869dc",
            EventStreamMessage(headers: [EventStreamHeader("byte", .byte(-1))])
        ),
        (
            "0000001900000009710e923e0573686f727403ffffb27cb6cc",
            EventStreamMessage(headers: [EventStreamHeader("short", .short(-1))])
        ),
        (
            "0000001d0000000d83e3f0e707696e746567657204ffffffff8b8e12eb",
            EventStreamMessage(headers: [EventStreamHeader("integer", .integer(-1))])
        ),
        (
            "0000001e0000000e5d4adb8d046c6f6e6705ffffffffffffffff4bc232da",
            EventStreamMessage(headers: [EventStreamHeader("long", .long(-1))])
        ),
        (
            "0000001d00000000fd528c5a7b27666f6f273a27626172277dc3653936",
            EventStreamMessage(headers: [], payload: Array("{'foo':'bar'}".utf8))
        ),
        (
            "0000003d0000002007fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a"
                + "27626172277d8d9c08b1",
            EventStreamMessage(
                headers: [.string("content-type", "application/json")], payload: Array("{'foo':'bar'}".utf8))
        ),
        (
            "000000620000005203b5cb9c013000013101013202020133030003013404000000040135050000000000000005013606000562"
                + "7974657301370700047574663801380800000000000000080139093031323334353637383961626364656663353671",
            EventStreamMessage(headers: [
                EventStreamHeader("0", .bool(true)), EventStreamHeader("1", .bool(false)),
                EventStreamHeader("2", .byte(2)), EventStreamHeader("3", .short(3)),
                EventStreamHeader("4", .integer(4)), EventStreamHeader("5", .long(5)),
                EventStreamHeader("6", .bytes(Array("bytes".utf8))), EventStreamHeader("7", .string("utf8")),
                EventStreamHeader("8", .timestamp(8)),
                EventStreamHeader("9", .uuid(EventStreamHeader.UUIDBytes(Array("0123456789abcdef".utf8))!)),
            ])
        ),
        (
            "0000005200000042bf23637e0d3a6d6573736167652d747970650700056572726f720b3a6572726f722d636f64650700"
                + "04636f64650e3a6572726f722d6d6573736167650700076d6573736167656b6cea3d",
            EventStreamMessage(headers: [
                .string(":message-type", "error"), .string(":error-code", "code"),
                .string(":error-message", "message"),
            ])
        ),
        (
            "0000007e0000004fc5a3ddc60d3a6d6573736167652d747970650700056576656e740b3a6576656e742d7479706507001069"
                + "6e697469616c2d726573706f6e73650d3a636f6e74656e742d74797065070009746578742f6a736f6e7b22496e69746961"
                + "6c526573706f6e7365223a2022736f6d6574657874227df6982483",
            EventStreamMessage(
                headers: [
                    .string(":message-type", "event"), .string(":event-type", "initial-response"),
                    .string(":content-type", "text/json"),
                ], payload: Array(#"{"InitialResponse": "sometext"}"#.utf8))
        ),
        (
            "0000002b0000000e348bec7b086576656e742d6964040000a00c7b27666f6f273a27626172277dd3890285",
            EventStreamMessage(
                headers: [EventStreamHeader("event-id", .integer(0xa00c))], payload: Array("{'foo':'bar'}".utf8))
        ),
    ]

    @Test func crc32HasItsCheckValueAndAgreesWithABitwiseOneAtEveryLength() {
        #expect(CRC32.checksum(Array("123456789".utf8)) == 0xCBF4_3926)
        #expect(CRC32.checksum([UInt8]()) == 0)
        // An independent, bit-at-a-time CRC-32 over lengths that exercise the eight-byte steps and the tail.
        func bitwise(_ bytes: [UInt8]) -> UInt32 {
            var crc: UInt32 = 0xFFFF_FFFF
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
            }
            return ~crc
        }
        var generator = SystemRandomNumberGenerator()
        for length in 0..<40 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(CRC32.checksum(bytes) == bitwise(bytes), "length \(length)")
            // Fed in two pieces, the same.
            var split = CRC32()
            split.update(bytes.prefix(length / 3))
            split.update(bytes.dropFirst(length / 3))
            #expect(split.value == bitwise(bytes))
        }
    }

    @Test(arguments: vectors.indices)
    func botocoreVectorEncodesToItsFrameAndDecodesToItsMessage(_ index: Int) throws {
        let (hex, message) = Self.vectors[index]
        let frame = Self.frame(hex)
        #expect(try message.encoded() == frame)
        #expect(try EventStreamDecoder.decode(frame) == message)
    }

    @Test func aStreamOfEveryVectorDecodesTheSameFedOneByteAtATime() throws {
        let stream = Self.vectors.flatMap { Self.frame($0.0) }
        var decoder = EventStreamDecoder()
        var messages: [EventStreamMessage] = []
        for byte in stream {
            decoder.append([byte])
            while let message = try decoder.next() { messages.append(message) }
        }
        #expect(messages == Self.vectors.map(\.1))
        #expect(decoder.pendingCount == 0)
    }

    /// botocore's negative cases, each refused with the reason and where.
    @Test(arguments: [
        // The total length's first byte changed: the prelude no longer matches its CRC.
        ("0100001d00000000fd528c5a7b27666f6f273a27626172277dc3653936", 8, "prelude's CRC-32"),
        // A payload byte changed.
        ("0000001d00000000fd528c5a7b27666f6f273a27626172278dc3653936", 25, "message's CRC-32"),
        // A header name's byte changed.
        (
            "0000003d0000002007fd83960c636f6e74656e742b747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a"
                + "27626172277d8d9c08b1", 57, "message's CRC-32"
        ),
        // The headers length changed.
        (
            "0000003dff00010207fd83960c636f6e74656e742d747970650700106170706c69636174696f6e2f6a736f6e7b27666f6f273a"
                + "27626172277d8d9c08b1", 8, "prelude's CRC-32"
        ),
        ("00000024000000144bb982d00474657374046173646604746573740461736466f3f47563", 32, "appears twice"),
    ])
    func botocoreNegativeVectorIsRefused(_ hex: String, _ offset: Int, _ reason: String) {
        #expect {
            try EventStreamDecoder.decode(Self.frame(hex))
        } throws: { error in
            guard let error = error as? EventStreamError else { return false }
            return error.offset == offset && error.reason.contains(reason)
        }
    }

    @Test func anErrorStopsTheStreamForGood() throws {
        var decoder = EventStreamDecoder()
        decoder.append(Self.frame("0000001d00000000fd528c5a7b27666f6f273a27626172278dc3653936"))
        #expect(throws: EventStreamError.self) { try decoder.next() }
        decoder.append(Self.frame(Self.vectors[0].0))
        #expect(throws: EventStreamError.self) { try decoder.next() }
    }

    /// A frame whose prelude (and CRC) are right but which lies about its parts.
    static func framed(total: Int, headersLength: Int, rest: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        for value in [UInt32(total), UInt32(headersLength)] {
            out += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
        }
        let preludeCRC = CRC32.checksum(out)
        out += [
            UInt8(preludeCRC >> 24), UInt8(preludeCRC >> 16 & 0xFF), UInt8(preludeCRC >> 8 & 0xFF),
            UInt8(preludeCRC & 0xFF),
        ]
        out += rest
        let crc = CRC32.checksum(out)
        out += [UInt8(crc >> 24), UInt8(crc >> 16 & 0xFF), UInt8(crc >> 8 & 0xFF), UInt8(crc & 0xFF)]
        return out
    }

    @Test(arguments: [
        (15, 0, [UInt8](), "outside 16"),
        (16 * 1024 * 1024 + 1, 0, [], "outside 16"),
        (Int(UInt32.max), 0, [], "outside 16"),
        (20, 5, [0, 0, 0, 0], "does not fit"),
        (16 + 200_000, 200_000, [], "at most 131,072"),
    ])
    func lengthsOutsideTheLimitsAreRefusedBeforeTheRestArrives(
        _ total: Int, _ headersLength: Int, _ rest: [UInt8], _ reason: String
    ) {
        // Only the prelude is given: a decoder must not wait (or allocate) for a message it will refuse.
        let prelude = Array(Self.framed(total: total, headersLength: headersLength, rest: rest).prefix(12))
        var decoder = EventStreamDecoder()
        decoder.append(prelude)
        #expect {
            try decoder.next()
        } throws: { error in
            (error as? EventStreamError)?.reason.contains(reason) == true
        }
    }

    @Test(arguments: [
        // Name length 9 with 4 bytes of headers.
        ([9, 0x61, 0x62, 0x63] as [UInt8], "a header name runs past"),
        // Type 10.
        ([1, 0x61, 10], "type 10"),
        // A string of 5 bytes in 4.
        ([1, 0x61, 7, 0, 5, 0x61, 0x62], "runs past"),
        // A string header that is not UTF-8.
        ([1, 0x61, 7, 0, 2, 0xC3, 0x28], "not valid UTF-8"),
        // A name that is not UTF-8.
        ([1, 0xFF, 0], "name is not valid UTF-8"),
        // A UUID of 15 bytes.
        ([1, 0x61, 9] + [UInt8](repeating: 1, count: 15), "runs past"),
        // A string longer than 32,767 bytes (the length field says 32,768).
        ([1, 0x61, 7, 0x80, 0x00], "more than 32,767"),
        // A name length with nothing after it.
        ([1, 0x61], "the type of header"),
    ])
    func malformedHeadersAreRefusedWithTheirPlace(_ headers: [UInt8], _ reason: String) {
        let frame = Self.framed(total: 16 + headers.count, headersLength: headers.count, rest: headers)
        #expect {
            try EventStreamDecoder.decode(frame)
        } throws: { error in
            guard let error = error as? EventStreamError else { return false }
            return error.reason.contains(reason) && error.offset >= 12 && error.offset <= 12 + headers.count
        }
    }

    @Test func encodingRefusesWhatTheFramingCannotCarry() {
        let long = String(repeating: "x", count: 32_768)
        #expect(throws: EventStreamError.self) { try EventStreamMessage(headers: [.string("a", long)]).encoded() }
        #expect(throws: EventStreamError.self) {
            try EventStreamMessage(headers: [.string(String(repeating: "n", count: 256), "v")]).encoded()
        }
        #expect(throws: EventStreamError.self) {
            try EventStreamMessage(headers: [.string("a", "1"), .string("a", "2")]).encoded()
        }
        #expect(throws: EventStreamError.self) {
            try EventStreamMessage(headers: [], payload: [UInt8](repeating: 0, count: 16 * 1024 * 1024 - 15)).encoded()
        }
        // The largest of each fits, and comes back as it went.
        let largest = EventStreamMessage(
            headers: [
                .string("a", String(repeating: "x", count: 32_767)), .string(String(repeating: "n", count: 255), ""),
            ],
            payload: [UInt8](repeating: 7, count: 16 * 1024 * 1024 - 16 - 32_767 - 5 - 255 - 4))
        #expect((try? largest.encoded()).flatMap { try? EventStreamDecoder.decode($0) } == largest)
    }

    @Test func extremeValuesRoundTrip() throws {
        let message = EventStreamMessage(
            headers: [
                EventStreamHeader("min8", .byte(.min)), EventStreamHeader("max16", .short(.max)),
                EventStreamHeader("min32", .integer(.min)), EventStreamHeader("max64", .long(.max)),
                EventStreamHeader("ts", .timestamp(-1)), EventStreamHeader("", .string("")),
                EventStreamHeader("日本語", .string("ünïcödé ✓")), EventStreamHeader("empty", .bytes([])),
            ], payload: [0, 255, 0])
        #expect(try EventStreamDecoder.decode(message.encoded()) == message)
    }

    @Test func trailingBytesAfterOneFrameAreAnError() throws {
        let frame = Self.frame(Self.vectors[0].0) + [0]
        #expect(throws: EventStreamError.self) { try EventStreamDecoder.decode(frame) }
    }
}

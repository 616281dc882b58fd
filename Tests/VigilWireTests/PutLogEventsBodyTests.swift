import Testing
import VigilAPI
import VigilWire

/// The PutLogEvents hot path reads plain bodies straight from bytes; the generic API decoder is its
/// oracle: wherever the fast reader answers, the decoder answers the same members, and every body
/// the fast reader declines still gets the decoder's answer (a value or AWS's error).
struct PutLogEventsBodyTests {
    /// The generic decoder's reading of a body, as the fast reader's type; nil when it refuses it.
    static func oracle(_ body: [UInt8]) -> PutLogEventsBody? {
        guard let input = try? APIDecoder.decode(CloudWatchLogs.PutLogEventsInput.self, from: body) else {
            return nil
        }
        // The fast reader never reads `entity`; a body with one must have been declined.
        guard input.entity == nil else { return nil }
        return PutLogEventsBody(
            logGroupName: input.logGroupName, logStreamName: input.logStreamName,
            events: input.logEvents.map { .init(timestamp: $0.timestamp, message: Array($0.message.utf8)) })
    }

    /// The bodies SDKs send, which the fast reader must take.
    static let plain: [String] = [
        // botocore 1.43's serialization of put_log_events (compact, members in the model's order).
        #"{"logGroupName": "app", "logStreamName": "web", "logEvents": [{"timestamp": 1700000000000, "message": "GET /health 200"}]}"#,
        // Another order, whitespace everywhere, the ignored sequenceToken, several events.
        " {\n\t\"logEvents\" : [ {\"message\":\"a\",\"timestamp\":0} ,{\"timestamp\":-5,\"message\":\"b\"} ] ,"
            + " \"sequenceToken\":\"49590\", \"logStreamName\":\"s\",\"logGroupName\":\"g\" } ",
        // Escapes in a message, decoded to UTF-8 bytes.
        #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"q\"b\\s\/\n\t\u00e9\ud83d\ude00\u0000"}]}"#,
        // Non-ASCII text as it is, and the extremes of a 64-bit timestamp.
        #"{"logGroupName":"grüße","logStreamName":"日本","logEvents":[{"timestamp":9223372036854775807,"message":"ünï"},{"timestamp":-9223372036854775808,"message":""}]}"#,
        // No events: the service refuses it, but that is its answer to give.
        #"{"logGroupName":"g","logStreamName":"s","logEvents":[]}"#,
    ]

    @Test("the bodies SDKs send are read by the fast path, exactly as the API decoder reads them")
    func plainBodies() throws {
        for text in Self.plain {
            let body = Array(text.utf8)
            let fast = try #require(PutLogEventsBody(parsing: body), "declined: \(text)")
            let reference = try #require(Self.oracle(body), "the decoder refused: \(text)")
            #expect(fast == reference, "\(text)")
        }
        let escaped = try #require(PutLogEventsBody(parsing: Array(Self.plain[2].utf8)))
        #expect(escaped.events.first?.message == Array("q\"b\\s/\n\té😀\u{0}".utf8))
    }

    @Test(
        "a body outside the plain shape is left to the API decoder",
        arguments: [
            // Members the fast reader does not read, or values it does not take.
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[],"entity":{"keyAttributes":{}}}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[],"sequenceToken":null}"#,
            #"{"logGroupName":null,"logStreamName":"s","logEvents":[]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1e3,"message":"m"}]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1.0,"message":"m"}]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":"1","message":"m"}]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m","extra":1}]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1}]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":7}]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[null]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":{}}"#,
            #"{"logGroupName":"g","logEvents":[]}"#,
            // 2^63 and -2^63-1 do not fit: the decoder's out-of-range error names the member.
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":9223372036854775808,"message":"m"}]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":-9223372036854775809,"message":"m"}]}"#,
            // A name written with an escape, a member twice, syntax errors, half a surrogate pair.
            #"{"logGroup\u004eame":"g","logStreamName":"s","logEvents":[]}"#,
            #"{"logGroupName":"g","logGroupName":"h","logStreamName":"s","logEvents":[]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"timestamp":2,"message":"m"}]}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[]} x"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}"#,
            #"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"\ud800"}]}"#,
            #"[]"#, "", "1e300",
        ])
    func declined(_ text: String) {
        #expect(PutLogEventsBody(parsing: Array(text.utf8)) == nil)
    }

    @Test("bytes that are not UTF-8 in a message are declined, and the decoder refuses them")
    func invalidUTF8() {
        for bad: [UInt8] in [[0xFF], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]] {
            let body =
                Array(#"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"a"#.utf8)
                + bad + Array(#""}]}"#.utf8)
            #expect(PutLogEventsBody(parsing: body) == nil)
            #expect(Self.oracle(body) == nil)
        }
    }

    /// Every body one edit away from a plain one: each byte replaced by bytes that matter to JSON,
    /// each byte deleted, each prefix.
    static func neighbours(of text: String) -> [[UInt8]] {
        let body = Array(text.utf8)
        let replacements = Array(#"{}[]",:\ -01.e9nu"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xC3, 0xFF]
        var out: [[UInt8]] = []
        for i in body.indices {
            for r in replacements where r != body[i] {
                var changed = body
                changed[i] = r
                out.append(changed)
            }
            var shorter = body
            shorter.remove(at: i)
            out.append(shorter)
            out.append(Array(body[..<i]))
        }
        return out
    }

    @Test("wherever the fast path answers for a body one edit from a plain one, it answers what the decoder does")
    func agreesWithTheDecoder() {
        var answered = 0
        var declined = 0
        for text in Self.plain {
            for body in Self.neighbours(of: text) {
                guard let fast = PutLogEventsBody(parsing: body) else {
                    declined += 1
                    continue
                }
                answered += 1
                let reference = Self.oracle(body)
                #expect(fast == reference, "\(String(decoding: body, as: UTF8.self))")
            }
        }
        // Both sides of the fast path are exercised: many edits keep a body plain (a digit for a digit,
        // a letter in a name), many do not.
        #expect(answered > 500)
        #expect(declined > 500)
    }
}

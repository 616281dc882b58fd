import Testing
import VigilAPI
import VigilPatterns

/// Decoding inputs: the model's types, checked numbers, closed sets, paths in every error.
struct APIDecoderTests {
    struct Probe: Decodable, Equatable {
        var period: Int32?
        var count: Int64?
        var threshold: Double?
        var name: String?
        var enabled: Bool?
        var items: [Item]?
        var map: [String: String]?
        var unit: Unit?
        var when: Timestamp?

        enum CodingKeys: String, CodingKey {
            case period = "Period"
            case count = "Count"
            case threshold = "Threshold"
            case name = "Name"
            case enabled = "Enabled"
            case items = "Items"
            case map = "Map"
            case unit = "Unit"
            case when = "When"
        }
    }

    struct Item: Decodable, Equatable {
        var value: Double
        enum CodingKeys: String, CodingKey { case value = "Value" }
    }

    enum Unit: String, APIEnumeration, CaseIterable, Decodable {
        case count = "Count"
        case seconds = "Seconds"
    }

    func decode(_ json: String) throws(APIInputError) -> Probe {
        try APIDecoder.decode(Probe.self, from: Array(json.utf8))
    }

    func problem(_ json: String) -> APIInputError? {
        do {
            _ = try decode(json)
            return nil
        } catch { return error }
    }

    @Test(
        "whole numbers convert exactly from any spelling of them",
        arguments: [
            ("300", 300), ("3e2", 300), ("300.0", 300), ("3000e-1", 300), ("-2147483648", Int32.min),
            ("2147483647", Int32.max),
            ("0", 0), ("-0", 0), ("0.000", 0), ("0e999999999", 0), ("21474836.47e2", Int32.max),
        ] as [(String, Int32)])
    func wholeNumbers(_ text: String, _ expected: Int32) throws {
        #expect(try decode("{\"Period\": \(text)}").period == expected)
    }

    @Test(
        "numbers that do not fit the field are refused with the field's range, never trapped",
        arguments: ["1e20", "2147483648", "-2147483649", "1e300", "99999999999999999999", "1e999999999999"])
    func outOfRange(_ text: String) {
        #expect(
            problem("{\"Period\": \(text)}")
                == APIInputError(path: [.member("Period")], .outOfRange(text: text, range: "-2147483648 to 2147483647"))
        )
    }

    @Test("a 64-bit field takes integers beyond 2^53 exactly and refuses 2^63")
    func longs() throws {
        #expect(try decode(#"{"Count": 9007199254740993}"#).count == 9_007_199_254_740_993)
        #expect(try decode(#"{"Count": -9223372036854775808}"#).count == Int64.min)
        #expect(
            problem(#"{"Count": 9223372036854775808}"#)?.problem
                == .outOfRange(text: "9223372036854775808", range: "\(Int64.min) to \(Int64.max)"))
    }

    @Test(
        "fractions where a whole number is needed are refused, not truncated",
        arguments: ["300.5", "1e-1", "2.0000001"])
    func fractions(_ text: String) {
        #expect(problem("{\"Period\": \(text)}")?.problem == .notWhole(text: text))
    }

    @Test("doubles beyond ±1.8e308 are refused; tiny ones round to zero")
    func doubles() throws {
        #expect(try decode(#"{"Threshold": 2.5e-3}"#).threshold == 0.0025)
        #expect(try decode(#"{"Threshold": 1e-400}"#).threshold == 0)
        #expect(
            problem(#"{"Threshold": 1e309}"#)?.problem
                == .outOfRange(text: "1e309", range: "a finite double, at most ±1.8e308"))
    }

    @Test(
        "each member takes only its own JSON type",
        arguments: [
            (#"{"Period": "300"}"#, "Period", "a whole number", "a string"),
            (#"{"Threshold": true}"#, "Threshold", "a number", "a boolean"),
            (#"{"Name": 5}"#, "Name", "a string", "a number"),
            (#"{"Enabled": "true"}"#, "Enabled", "true or false", "a string"),
            (#"{"Items": {}}"#, "Items", "a list", "an object"),
            (#"{"Map": []}"#, "Map", "an object", "a list"),
        ])
    func types(_ json: String, _ member: String, _ expected: String, _ found: String) {
        #expect(
            problem(json) == APIInputError(path: [.member(member)], .typeMismatch(expected: expected, found: found)))
    }

    @Test(
        "errors inside lists name the element: query style MetricData.member.2.Value, Logs style Items.2.member.Value")
    func paths() throws {
        let e = try #require(problem(#"{"Items": [{"Value": 1}, {"Value": "x"}]}"#))
        #expect(e.path == [.member("Items"), .index(1), .member("Value")])
        #expect(e.queryPath == "Items.member.2.Value" && e.memberPath == "Items.2.member.Value")
        #expect(
            problem(#"{"Items": [{}]}"#)
                == APIInputError(path: [.member("Items"), .index(0), .member("Value")], .missing))
    }

    @Test("null reads as absent; unknown members are ignored; the top level must be an object")
    func nullAndUnknown() throws {
        #expect(try decode(#"{"Period": null, "Nonsense": [1, {"x": 2}]}"#) == Probe())
        #expect(problem("[]")?.problem == .typeMismatch(expected: "an object", found: "a list"))
        #expect(problem("{")?.problem != nil)
        if case .syntax = problem("{")?.problem {} else { Issue.record("a truncated body is a syntax error") }
    }

    @Test("closed sets list what they accept")
    func enumerations() throws {
        #expect(try decode(#"{"Unit": "Seconds"}"#).unit == .seconds)
        #expect(
            problem(#"{"Unit": "seconds"}"#)?.problem == .notInSet(value: "seconds", allowed: ["Count", "Seconds"]))
    }

    @Test(
        "timestamps: ISO 8601 text or epoch seconds, in years 0001 to 9999",
        arguments: [
            ("\"2026-11-25T10:00:00Z\"", 1_795_600_800_000), ("\"2026-11-25T11:00:00+01:00\"", 1_795_600_800_000),
            ("1795600800", 1_795_600_800_000), ("1795600800.5", 1_795_600_800_500),
            ("\"2026-11-25T10:00:00.123456Z\"", 1_795_600_800_123),
            ("-62135596800", Timestamp.earliest), ("\"9999-12-31T23:59:59.999Z\"", Timestamp.latest),
        ] as [(String, Int64)])
    func timestamps(_ json: String, _ ms: Int64) throws {
        #expect(try decode("{\"When\": \(json)}").when == Timestamp(millisecondsSinceEpoch: ms))
    }

    @Test(
        "hostile timestamps are refused",
        arguments: ["1e300", "-1e300", "\"2026-02-30T00:00:00Z\"", "\"yesterday\"", "253402300800", "true"])
    func badTimestamps(_ json: String) {
        let p = problem("{\"When\": \(json)}")
        #expect(p?.path == [.member("When")], "\(json)")
        #expect(p != nil)
    }

    @Test("service errors word decode problems as each service does")
    func serviceWording() throws {
        let range = APIInputError(
            path: [.member("Period")], .outOfRange(text: "1e20", range: "-2147483648 to 2147483647"))
        #expect(
            CloudWatchError(range)
                == .invalid(
                    "The value 1e20 for parameter Period is out of range: it must be from -2147483648 to 2147483647."))
        #expect(CloudWatchError(APIInputError(path: [.member("Namespace")], .missing)) == .missing("Namespace"))
        let logs = CloudWatchLogsError(
            APIInputError(path: [.member("logEvents"), .index(0), .member("timestamp")], .missing))
        #expect(logs.code == .invalidParameter)
        #expect(
            logs.message
                == "1 validation error detected: Value null at 'logEvents.1.member.timestamp' failed to satisfy constraint: Member must not be null"
        )
        #expect(
            CloudWatchLogsError(APIInputError(path: [.member("orderBy")], .notInSet(value: "x", allowed: ["A", "B"])))
                .message
                == "1 validation error detected: Value 'x' at 'orderBy' failed to satisfy constraint: Member must satisfy enum value set: [A, B]"
        )
    }
}

import Testing
import VigilPatterns

/// The space-delimited examples of AWS's documentation, with their documented results.
struct DelimitedPatternTests {
    static let apache = [
        #"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534"#,
        #"127.0.0.1 - frank [10/Oct/2000:13:35:22 -0700] "GET /apache_pb.gif HTTP/1.0" 500 5324"#,
        #"127.0.0.1 - frank [10/Oct/2000:13:50:35 -0700] "GET /apache_pb.gif HTTP/1.0" 200 4355"#,
    ]

    @Test(
        "field lists, ellipses and conditions",
        arguments: [
            ("[ip, user, username, timestamp, request, status_code, bytes]", [1, 2, 3]),
            ("[..., status_code, bytes]", [1, 2, 3]),
            ("[ip, user, ..., status_code, bytes]", [1, 2, 3]),
            ("[ip, user, ...]", [1, 2, 3]),
            ("[ip, user, username, timestamp, request, status_code, bytes > 1000]", [1, 2, 3]),
            ("[ip, user, username, timestamp, request, status_code, bytes > 5000]", [2]),
            ("[ip, user, username, timestamp, request, status_code = 200, bytes]", [1, 3]),
            ("[ip, user, username, timestamp, request, status_code = 4*, bytes]", []),
            ("[ip, user, username, timestamp, request, status_code = 5*, bytes]", [2]),
            ("[ip, user, username, timestamp, request = *html*, status_code = 4*, bytes]", []),
            ("[ip, user, username, timestamp, request = *gif*, status_code, bytes]", [1, 2, 3]),
            ("[ip, user, username, timestamp, request, status_code = 403 || status_code = 404, bytes]", []),
            ("[ip, user, username, timestamp, request, status_code = 500 || status_code = 404, bytes]", [2]),
            ("[ip, user, username, timestamp, request, status_code != 200, bytes]", [2]),
            ("[ip, user, username, timestamp, request, status_code]", []),
            ("[ip, user, username, timestamp, request, status_code, bytes, extra]", []),
        ])
    func apacheExamples(pattern: String, expected: [Int]) throws {
        #expect(try matching(pattern, Self.apache) == expected)
    }

    @Test("OR in space-delimited filters: w1 is the first word")
    func orInDelimited() throws {
        let messages = ["ERROR WARN message", "ERROR message", "WARN message"]
        #expect(try matching("[w1=ERROR, w2]", messages) == [2])
        #expect(try matching("[w1=ERROR || w1=WARN, w2]", messages) == [2, 3])
        // The guide says this matches line 1, but line 1 has three fields and its first word is
        // ERROR; by the guide's own rules nothing matches (see docs/filter-patterns.md).
        #expect(try matching("[w1!=ERROR&&w1!=WARN, w2]", messages) == [])
        #expect(try matching("[w1!=ERROR&&w1!=WARN, ...]", messages + ["INFO message"]) == [4])
    }

    @Test("extracted values: $name for named fields, $N for the others")
    func extractedValues() throws {
        let event = #"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /index.html HTTP/1.0" 404 1534"#
        let matches = try TestMetricFilter.run(
            filterPattern: "[..., request=*.html*, status_code=4*,]", logEventMessages: [event])
        #expect(matches.count == 1)
        #expect(
            matches[0].extractedValues == [
                "$status_code": "404", "$request": "GET /index.html HTTP/1.0", "$7": "1534",
                "$4": "10/Oct/2000:13:25:15 -0700", "$3": "frank", "$2": "-", "$1": "127.0.0.1",
            ])
    }

    /// TestMetricFilter's example "without specifying any fields": `[]` matches every event and
    /// extracts each field by position (the values as the API reference's sample response lists them).
    @Test("[] matches every event and extracts every field as $1, $2, …")
    func emptyFieldList() throws {
        let matches = try TestMetricFilter.run(filterPattern: "[]", logEventMessages: Self.apache)
        #expect(matches.map(\.eventMessage) == Self.apache)
        let expected: [[String: String]] = [
            ("1534", "200", "13:25:15"), ("5324", "500", "13:35:22"), ("4355", "200", "13:50:35"),
        ]
        .map { size, status, time in
            [
                "$7": size, "$6": status, "$4": "10/Oct/2000:\(time) -0700", "$5": "GET /apache_pb.gif HTTP/1.0",
                "$2": "-", "$3": "frank", "$1": "127.0.0.1",
            ]
        }
        #expect(matches.map(\.extractedValues) == expected)
        #expect(
            try TestMetricFilter.run(filterPattern: "[]", logEventMessages: ["x"]).map(\.extractedValues) == [
                ["$1": "x"]
            ])
    }

    @Test("numbers compare numerically, text that is not a number only by = and !=")
    func numericFields() throws {
        let messages = ["GET 0200", "GET 2e2", "GET abc"]
        #expect(try matching("[m, code = 200]", messages) == [1, 2])
        #expect(try matching("[m, code > 100]", messages) == [1, 2])
        #expect(try matching("[m, code != 200]", messages) == [3])
    }

    @Test("regular expressions in fields")
    func regexFields() throws {
        #expect(
            try matching("[ip, user, username, timestamp, request, status_code = %^[45][0-9]{2}$%, bytes]", Self.apache)
                == [2])
    }

    @Test("a condition may read another named field")
    func crossFieldCondition() throws {
        #expect(
            try matching(
                "[ip, user, username, timestamp, request, status_code = 5* && bytes > 5000, bytes]", Self.apache) == [2]
        )
    }
}

import Testing
import VigilPatterns

/// The TestMetricFilter operation and the JSON the `aws` CLI prints for it.
struct TestMetricFilterTests {
    @Test("renders matches like aws logs test-metric-filter")
    func rendering() throws {
        let matches = try TestMetricFilter.run(filterPattern: "[a, b]", logEventMessages: ["x \"y z\"", "one", "p q"])
        #expect(TestMetricFilter.renderAWSCLI(matches) == """
        {
            "matches": [
                {
                    "eventNumber": 1,
                    "eventMessage": "x \\"y z\\"",
                    "extractedValues": {
                        "$a": "x",
                        "$b": "y z"
                    }
                },
                {
                    "eventNumber": 3,
                    "eventMessage": "p q",
                    "extractedValues": {
                        "$a": "p",
                        "$b": "q"
                    }
                }
            ]
        }
        """)
    }

    @Test("no matches renders an empty list")
    func empty() throws {
        #expect(TestMetricFilter.renderAWSCLI(try TestMetricFilter.run(filterPattern: "zzz", logEventMessages: ["a"])) == "{\n    \"matches\": []\n}")
    }

    @Test("requests need 1 to 50 non-empty messages")
    func messageLimits() {
        #expect(throws: FilterPatternError.self) { try TestMetricFilter.run(filterPattern: "a", logEventMessages: []) }
        #expect(throws: FilterPatternError.self) { try TestMetricFilter.run(filterPattern: "a", logEventMessages: Array(repeating: "a", count: 51)) }
        #expect(throws: FilterPatternError.self) { try TestMetricFilter.run(filterPattern: "a", logEventMessages: ["a", ""]) }
    }
}

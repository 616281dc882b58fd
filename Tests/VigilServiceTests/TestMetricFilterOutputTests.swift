import Testing
import VigilAPI
import VigilService

/// TestMetricFilter's output as the `aws` CLI prints it: extracted values in the order of the fields.
struct TestMetricFilterOutputTests {
    @Test("renders matches like aws logs test-metric-filter")
    func rendering() throws {
        let output = try LogsService.testMetricFilter(
            .init(filterPattern: "[a, b]", logEventMessages: ["x \"y z\"", "one", "p q"]))
        #expect(
            try AWSCLIJSON.text(output) == """
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
        #expect(
            try AWSCLIJSON.text(try LogsService.testMetricFilter(.init(filterPattern: "zzz", logEventMessages: ["a"])))
                == "{\n    \"matches\": []\n}")
    }
}

import Testing
import VigilPatterns

/// Metric values, default values and dimensions, as metric filters publish them.
struct MetricTransformationTests {
    static let apache = #"127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /apache_pb.gif HTTP/1.0" 200 1534"#

    func filter(_ pattern: String, value: String, defaultValue: Double? = nil, dimensions: [String: String]? = nil)
        throws -> MetricFilter
    {
        try MetricFilter(
            pattern: pattern,
            transformation: MetricTransformation(
                metricName: "M", metricNamespace: "N", metricValue: value, defaultValue: defaultValue,
                dimensions: dimensions))
    }

    @Test("extracting bytes from an Apache log by name and by position ($size, $7)")
    func apacheBytes() throws {
        let pattern = "[ip, id, user, timestamp, request, status_code, size]"
        #expect(try filter(pattern, value: "$size").observe(Self.apache)?.value == 1534)
        #expect(try filter(pattern, value: "$7").observe(Self.apache)?.value == 1534)
    }

    @Test("a literal metric value counts matches; the default value is published for other events")
    func countingWithDefault() throws {
        let f = try filter("ERROR", value: "1", defaultValue: 0)
        #expect(f.observe("ERROR boom") == MetricObservation(value: 1, dimensions: [:], isDefault: false))
        #expect(f.observe("all fine") == MetricObservation(value: 0, dimensions: [:], isDefault: true))
        #expect(try filter("ERROR", value: "1").observe("all fine") == nil)
    }

    @Test("{ $.latency = * } with metricValue $.latency publishes the latency")
    func jsonLatency() throws {
        let f = try filter("{ $.latency = * }", value: "$.latency")
        #expect(f.observe(#"{"latency": 42.5}"#)?.value == 42.5)
        #expect(f.observe(#"{"latency": "17"}"#)?.value == 17)
        #expect(f.observe(#"{"other": 1}"#) == nil)
    }

    @Test("a matching event whose value field is not a number publishes nothing")
    func nonNumericValue() throws {
        #expect(try filter("{ $.latency = * }", value: "$.latency").observe(#"{"latency": "fast"}"#) == nil)
        #expect(try filter("[a, b]", value: "$b").observe("x y") == nil)
    }

    @Test("dimensions come from JSON or delimited fields")
    func dimensions() throws {
        let json = try filter(
            "{ $.eventName = * }", value: "1", dimensions: ["EventName": "$.eventName", "Type": "$.userIdentity.type"])
        #expect(
            json.observe(#"{"eventName":"ConsoleLogin","userIdentity":{"type":"Root"}}"#)?.dimensions == [
                "EventName": "ConsoleLogin", "Type": "Root",
            ])
        let delimited = try filter(
            "[ip, id, user, timestamp, request, status_code, size]", value: "$size",
            dimensions: ["Status": "$status_code"])
        #expect(delimited.observe(Self.apache)?.dimensions == ["Status": "200"])
    }

    @Test(
        "invalid transformations are rejected with the parameter named",
        arguments: [
            (
                "ERROR", "$.latency", nil as [String: String]?, nil as Double?,
                "reads a json field, but the filter pattern is not a json pattern"
            ),
            (
                "{ $.a = 1 }", "$size", nil, nil,
                "reads a field, but the filter pattern is not a space-delimited pattern"
            ),
            ("[a, b]", "$c", nil, nil, "names no field"),
            ("ERROR", "one", nil, nil, "must be a number"),
            ("{ $.a = * }", "1", ["A": "$.a", "B": "$.b", "C": "$.c", "D": "$.d"], nil, "at most 3 dimensions"),
            ("{ $.a = * }", "1", ["A": "$.a"], 0, "both dimensions and a default value"),
            ("{ $.a = * }", "$.", nil, nil, "not a valid json selector"),
        ])
    func invalid(pattern: String, value: String, dimensions: [String: String]?, defaultValue: Double?, message: String)
    {
        #expect {
            _ = try filter(pattern, value: value, defaultValue: defaultValue, dimensions: dimensions)
        } throws: { error in
            (error as? FilterPatternError)?.message.contains(message) == true
        }
    }

    @Test("units must be CloudWatch standard units")
    func units() throws {
        _ = try MetricFilter(
            pattern: "x",
            transformation: .init(metricName: "M", metricNamespace: "N", metricValue: "1", unit: "Milliseconds"))
        #expect(throws: FilterPatternError.self) {
            try MetricFilter(
                pattern: "x",
                transformation: .init(metricName: "M", metricNamespace: "N", metricValue: "1", unit: "Fortnights"))
        }
    }
}

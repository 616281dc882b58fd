import VigilAPI
import VigilPatterns
import VigilService

/// PutMetricFilter's input decoded as the API decodes it, and `--metric-transformations` alone.
///
/// Properties: decoding never traps; a filter that compiles observes fixed events without trapping,
/// and an observation it makes carries a finite value.
enum MetricFilterFuzz {
    static let events: [[UInt8]] = [
        #"{"eventName":"ConsoleLogin","errorMessage":"Failed authentication","n":3,"a":{"b":[1,"x"]}}"#,
        "127.0.0.1 - alice [10/Oct/2000:13:55:36 -0700] \"GET /a HTTP/1.0\" 500 2326",
        "ERROR 42 something failed", "",
    ].map { Array($0.utf8) }

    static func run(_ bytes: [UInt8]) {
        if let input = try? APIDecoder.decode(CloudWatchLogs.PutMetricFilterInput.self, from: bytes) {
            for t in input.metricTransformations { check(pattern: input.filterPattern, t) }
        }
        if let list = try? APIDecoder.decode([CloudWatchLogs.MetricTransformation].self, from: bytes) {
            for t in list.prefix(4) { check(pattern: "{ $.n = * }", t) }
        }
    }

    static func check(pattern: String, _ t: CloudWatchLogs.MetricTransformation) {
        guard let filter = try? MetricFilter(pattern: pattern, transformation: LogsService.transformation(t)) else {
            return
        }
        for event in events {
            guard let observation = event.withUnsafeBufferPointer({ filter.observe($0) }) else { continue }
            precondition(observation.value.isFinite, "a metric filter observed a value that is not finite")
        }
    }
}

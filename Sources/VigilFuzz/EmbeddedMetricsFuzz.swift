import VigilMetrics
import VigilService

/// A log event in CloudWatch's embedded metric format.
///
/// Properties: never traps (a timestamp of 1e300 once did); every metric it yields has a timestamp at
/// or after 1970, finite values, and dimensions CloudWatch would accept.
enum EmbeddedMetricsFuzz {
    static func run(_ bytes: [UInt8]) {
        for (key, time, values, _) in EmbeddedMetrics.metrics(in: bytes) {
            precondition(time >= 0, "an embedded metric timed before 1970")
            precondition(values.allSatisfy(\.isFinite), "an embedded metric value that is not finite")
            for d in key.dimensions {
                precondition(
                    DimensionRules.problem(name: d.name, value: d.value) == nil, "a dimension CloudWatch refuses")
            }
        }
    }
}

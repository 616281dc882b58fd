import ArgumentParser
import Foundation
import VigilAPI
import VigilMetrics

/// `vigil metrics`: CloudWatch's metric API on the local store (aws cloudwatch …).
struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Publish and query metrics (aws cloudwatch …).",
        subcommands: [
            PutMetricDataCommand.self, GetMetricStatisticsCommand.self, GetMetricDataCommand.self,
            ListMetricsCommand.self,
        ]
    )

    /// The current time, to the millisecond.
    static func now() -> Timestamp { Timestamp(millisecondsSinceEpoch: Int64(Date().timeIntervalSince1970 * 1000)) }

    /// `Name=value` pairs (`--dimensions` as the aws CLI's shorthand).
    static func parseDimensions(_ pairs: [String]) throws -> [CloudWatch.Dimension] {
        try KeyValueArguments.pairs(pairs, what: "dimension").map {
            CloudWatch.Dimension(name: $0.key, value: $0.value ?? "")
        }
    }
}

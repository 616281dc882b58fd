import ArgumentParser
import Foundation
import VigilMetrics
import VigilService

/// `vigil metrics`: CloudWatch's metric API on the local store (aws cloudwatch …).
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Publish and query metrics (aws cloudwatch …).",
        subcommands: [
            PutMetricDataCommand.self, GetMetricStatisticsCommand.self, GetMetricDataCommand.self,
            ListMetricsCommand.self,
        ]
    )

    /// Parses an ISO 8601 time (`2026-11-25T10:00:00Z`, fractional seconds allowed) into epoch milliseconds.
    static func parseTime(_ text: String?, default value: Date) throws -> Int64 {
        guard let text else { return Int64(value.timeIntervalSince1970 * 1000) }
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let d = plain.date(from: text) ?? fractional.date(from: text) else {
            throw ValidationError("'\(text)' is not an ISO 8601 time such as 2026-11-25T10:00:00Z.")
        }
        return Int64((d.timeIntervalSince1970 * 1000).rounded())
    }

    static func format(_ t: Int64) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(t) / 1000))
    }

    /// `Name=value` pairs (`--dimensions` as the aws CLI's shorthand).
    static func parseDimensions(_ pairs: [String]) throws -> [MetricKey.Dimension] {
        try KeyValueArguments.pairs(pairs, what: "dimension").map {
            MetricKey.Dimension(name: $0.key, value: $0.value!)
        }
    }

    /// A JSON array of `{"Name": …, "Value": …}` objects.
    static func dimensions(_ json: Any?) throws -> [MetricKey.Dimension] {
        guard let json else { return [] }
        guard let list = json as? [[String: Any]] else {
            throw ValidationError("Dimensions must be a list of {\"Name\": …, \"Value\": …}.")
        }
        return try list.map { d in
            guard let n = d["Name"] as? String, let v = d["Value"] as? String else {
                throw ValidationError("each dimension needs a Name and a Value.")
            }
            return MetricKey.Dimension(name: n, value: v)
        }
    }

    static func json(_ text: String, _ what: String) throws -> Any {
        let raw =
            text.hasPrefix("file://") ? try String(contentsOfFile: String(text.dropFirst(7)), encoding: .utf8) : text
        guard let value = try? JSONSerialization.jsonObject(with: Data(raw.utf8)) else {
            throw ValidationError("\(what) is not valid JSON.")
        }
        return value
    }
}

import ArgumentParser
import Foundation
import VigilMetrics
import VigilService

/// `vigil metrics get-metric-data`, printed as `aws cloudwatch get-metric-data` prints it.
struct GetMetricDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get-metric-data",
        abstract: "Values of MetricStat queries per period, as JSON.",
        discussion:
            "--metric-data-queries takes the aws CLI's JSON list (Id, MetricStat {Metric {Namespace, MetricName, Dimensions}, Period, Stat, Unit}, Label, ReturnData), inline or as file://path."
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("metric-data-queries"), help: "A JSON list of MetricDataQuery objects, or file://path.")
    var queries: String
    @Option(name: .customLong("start-time"), help: "ISO 8601 start (inclusive).") var startTime: String
    @Option(name: .customLong("end-time"), help: "ISO 8601 end (exclusive).") var endTime: String
    @Option(name: .customLong("scan-by"), help: "TimestampDescending (default) or TimestampAscending.") var scanBy =
        "TimestampDescending"
    @Option(name: .customLong("max-datapoints"), help: "At most this many values in all per page.") var maxDatapoints:
        Int?
    @Option(name: .customLong("next-token"), help: "The NextToken of the previous page.") var nextToken: String?

    func validate() throws {
        guard ["TimestampDescending", "TimestampAscending"].contains(scanBy) else {
            throw ValidationError("--scan-by must be TimestampDescending or TimestampAscending.")
        }
    }

    func run() throws {
        guard let list = try MetricsCommand.json(queries, "--metric-data-queries") as? [[String: Any]] else {
            throw ValidationError("--metric-data-queries must be a JSON list of objects.")
        }
        let parsed = try list.map(Self.query)
        let service = try store.openService().metrics
        let start = try MetricsCommand.parseTime(startTime, default: Date())
        let end = try MetricsCommand.parseTime(endTime, default: Date())
        try ServiceErrorExit.run("GetMetricData") {
            let r = try service.getMetricData(
                queries: parsed, startTime: start, endTime: end, ascending: scanBy == "TimestampAscending",
                maxDatapoints: maxDatapoints, nextToken: nextToken)
            var out: [String: Any] = [
                "Messages": [Any](),
                "MetricDataResults": r.results.map { q in
                    [
                        "Id": q.id, "Label": q.label, "Timestamps": q.timestamps.map(MetricsCommand.format),
                        "Values": q.values, "StatusCode": q.statusCode,
                    ] as [String: Any]
                },
            ]
            if let token = r.nextToken { out["NextToken"] = token }
            ServiceErrorExit.printJSON(out)
        }
    }

    static func query(_ o: [String: Any]) throws -> MetricDataQuery {
        guard let id = o["Id"] as? String else { throw ValidationError("every query needs an Id.") }
        var q = MetricDataQuery(
            id: id, expression: o["Expression"] as? String, label: o["Label"] as? String,
            returnData: o["ReturnData"] as? Bool ?? true)
        if let stat = o["MetricStat"] as? [String: Any] {
            guard let m = stat["Metric"] as? [String: Any], let ns = m["Namespace"] as? String,
                let name = m["MetricName"] as? String
            else {
                throw ValidationError("MetricStat needs a Metric with Namespace and MetricName.")
            }
            let unit = stat["Unit"] as? String
            q.metric = MetricKey(
                namespace: ns, name: name, dimensions: try MetricsCommand.dimensions(m["Dimensions"]),
                unit: unit ?? "None")
            q.unitGiven = unit != nil
            q.period = (stat["Period"] as? NSNumber)?.intValue
            q.stat = stat["Stat"] as? String
        }
        return q
    }
}

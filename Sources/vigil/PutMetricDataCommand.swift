import ArgumentParser
import Foundation
import VigilMetrics
import VigilService

/// `vigil metrics put-metric-data`: one value from flags, or `--metric-data` JSON as the aws CLI takes it.
struct PutMetricDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "put-metric-data",
        abstract: "Publish metric datapoints (aws cloudwatch put-metric-data).",
        discussion: """
            Either --metric-name with --value (and optionally --unit, --dimensions, --timestamp, --storage-resolution), \
            or --metric-data with a JSON list of MetricDatum objects (MetricName, Dimensions, Timestamp, Value, Values, Counts, \
            StatisticValues, Unit, StorageResolution), inline or as file://path.
            """
    )

    @OptionGroup var store: StoreOptions
    @Option(name: .customLong("namespace"), help: "The namespace (not starting with AWS/).") var namespace: String
    @Option(name: .customLong("metric-name"), help: "The metric's name (with --value).") var name: String?
    @Option(name: .customLong("value"), help: "The value.") var value: Double?
    @Option(name: .customLong("unit"), help: "The unit, e.g. Count or Milliseconds.") var unit: String?
    @Option(name: .customLong("dimensions"), parsing: .upToNextOption, help: "Name=value pairs.") var dimensions:
        [String] = []
    @Option(name: .customLong("timestamp"), help: "ISO 8601 time of the value; default now.") var timestamp: String?
    @Option(name: .customLong("storage-resolution"), help: "1 (high resolution) or 60.") var storageResolution: Int?
    @Option(name: .customLong("metric-data"), help: "A JSON list of MetricDatum objects, or file://path.")
    var metricData: String?

    func validate() throws {
        guard (metricData == nil) != (name == nil) else {
            throw ValidationError("give either --metric-name with --value, or --metric-data.")
        }
        if name != nil && value == nil { throw ValidationError("--metric-name needs --value.") }
    }

    func run() throws {
        var data: [MetricDatum]
        if let metricData {
            guard let list = try MetricsCommand.json(metricData, "--metric-data") as? [[String: Any]] else {
                throw ValidationError("--metric-data must be a JSON list of objects.")
            }
            data = try list.map(Self.datum)
        } else {
            data = [
                MetricDatum(
                    metricName: name!, dimensions: try MetricsCommand.parseDimensions(dimensions),
                    timestamp: try timestamp.map { try MetricsCommand.parseTime($0, default: Date()) }, value: value,
                    unit: unit,
                    storageResolution: storageResolution)
            ]
        }
        let service = try store.openService().metrics
        try ServiceErrorExit.run("PutMetricData") { try service.putMetricData(namespace: namespace, data: data) }
    }

    static func datum(_ o: [String: Any]) throws -> MetricDatum {
        guard let name = o["MetricName"] as? String else {
            throw ValidationError("every MetricDatum needs a MetricName.")
        }
        func numbers(_ key: String) throws -> [Double]? {
            guard let v = o[key] else { return nil }
            guard let list = v as? [NSNumber] else { throw ValidationError("\(key) must be a list of numbers.") }
            return list.map(\.doubleValue)
        }
        var set: StatisticSet?
        if let s = o["StatisticValues"] as? [String: NSNumber] {
            guard let c = s["SampleCount"], let sum = s["Sum"], let mn = s["Minimum"], let mx = s["Maximum"] else {
                throw ValidationError("StatisticValues needs SampleCount, Sum, Minimum and Maximum.")
            }
            set = StatisticSet(
                sampleCount: c.doubleValue, sum: sum.doubleValue, minimum: mn.doubleValue, maximum: mx.doubleValue)
        }
        var time: Int64?
        if let t = o["Timestamp"] as? String { time = try MetricsCommand.parseTime(t, default: Date()) }
        // epoch seconds, as the aws CLI accepts
        if let t = o["Timestamp"] as? NSNumber { time = Int64(t.doubleValue * 1000) }
        return MetricDatum(
            metricName: name, dimensions: try MetricsCommand.dimensions(o["Dimensions"]), timestamp: time,
            value: (o["Value"] as? NSNumber)?.doubleValue, statisticValues: set, values: try numbers("Values"),
            counts: try numbers("Counts"), unit: o["Unit"] as? String,
            storageResolution: (o["StorageResolution"] as? NSNumber)?.intValue)
    }
}

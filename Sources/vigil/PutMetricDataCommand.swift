import ArgumentParser
import VigilAPI
import VigilService

/// `vigil metrics put-metric-data`: one value from flags, or `--metric-data` JSON as the aws CLI takes it.
struct PutMetricDataCommand: AsyncParsableCommand {
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
    @Option(name: .customLong("dimensions"), parsing: .upToNextOption, help: "Name=value pairs.")
    var dimensions: [String] = []
    @Option(name: .customLong("timestamp"), help: "ISO 8601 time of the value; default now.") var timestamp: String?
    @Option(name: .customLong("storage-resolution"), help: "1 (high resolution) or 60.") var storageResolution: Int32?
    @Option(name: .customLong("metric-data"), help: "A JSON list of MetricDatum objects, or file://path.")
    var metricData: String?

    func validate() throws {
        guard (metricData == nil) != (name == nil) else {
            throw ValidationError("give either --metric-name with --value, or --metric-data.")
        }
        if name != nil && value == nil { throw ValidationError("--metric-name needs --value.") }
    }

    func run() async throws {
        try await AWSErrorExit.run("PutMetricData") {
            var data: [CloudWatch.MetricDatum] = []
            if let metricData {
                data = try CLIJSON.cloudWatch(
                    [CloudWatch.MetricDatum].self, metricData, option: "--metric-data", at: [.member("MetricData")])
            } else if let name {
                data = [
                    CloudWatch.MetricDatum(
                        metricName: name, dimensions: try MetricsCommand.parseDimensions(dimensions),
                        timestamp: try timestamp.map { try CLIJSON.timestamp($0, member: "Timestamp") }, value: value,
                        unit: try unit.map {
                            try CLIJSON.cloudWatchValue(CloudWatch.StandardUnit.self, $0, member: "Unit")
                        },
                        storageResolution: storageResolution)
                ]
            }
            let service = try store.openService().metrics
            try await service.putMetricData(.init(namespace: namespace, metricData: data))
        }
    }
}

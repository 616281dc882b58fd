import Logging
import VigilAPI
import VigilPatterns
import VigilService
import VigilStore
import VigilWire

/// CloudWatch Logs' operations on awsJson 1.1 (`X-Amz-Target: Logs_20140328.<Operation>`), each a call
/// of ``LogsService``: every operation the CLI has.
enum CloudWatchLogsOperations {
    static let targetPrefix = "Logs_20140328"

    /// The operations; StartLiveTail only with a live-tail hub, its sessions ending after `maximumSession`
    /// if one is set.
    static func table(
        _ logs: LogsService, liveTail: LiveTailHub? = nil, maximumSession: Duration? = nil, logger: Logger
    )
        -> [String: AWSOperation]
    {
        let e: @Sendable (APIInputError) -> any Error = { CloudWatchLogsError($0) }
        typealias L = CloudWatchLogs
        var table: [String: AWSOperation] = [:]
        if let liveTail {
            table["StartLiveTail"] = .streamed(
                L.StartLiveTailInput.self, mapError: e,
                unavailable: CloudWatchLogsError(
                    .invalidOperation, "StartLiveTail answers with an event stream, which only awsJson carries.")
            ) { input in
                let filter = try await logs.liveTailFilter(input)
                let session = try await liveTail.open(filter)
                return LiveTailEventStream(
                    session: session, input: input,
                    groups: try input.logGroupIdentifiers.map(LiveTailEventStream.groupName),
                    maximumDuration: maximumSession, logger: logger
                ).body
            }
        }
        return table.merging([
            "CreateLogGroup": .noOutput(L.CreateLogGroupInput.self, mapError: e) { try await logs.createLogGroup($0) },
            "DeleteLogGroup": .noOutput(L.DeleteLogGroupInput.self, mapError: e) { try await logs.deleteLogGroup($0) },
            "DescribeLogGroups": .decoded(L.DescribeLogGroupsInput.self, mapError: e) {
                try await logs.describeLogGroups($0)
            },
            "PutRetentionPolicy": .noOutput(L.PutRetentionPolicyInput.self, mapError: e) {
                try await logs.putRetentionPolicy($0)
            },
            "DeleteRetentionPolicy": .noOutput(L.DeleteRetentionPolicyInput.self, mapError: e) {
                try await logs.deleteRetentionPolicy($0)
            },
            "TagResource": .noOutput(L.TagResourceInput.self, mapError: e) { try await logs.tagResource($0) },
            "UntagResource": .noOutput(L.UntagResourceInput.self, mapError: e) { try await logs.untagResource($0) },
            "ListTagsForResource": .decoded(L.ListTagsForResourceInput.self, mapError: e) {
                try await logs.listTagsForResource($0)
            },
            "TagLogGroup": .noOutput(L.TagLogGroupInput.self, mapError: e) { try await logs.tagLogGroup($0) },
            "UntagLogGroup": .noOutput(L.UntagLogGroupInput.self, mapError: e) { try await logs.untagLogGroup($0) },
            "ListTagsLogGroup": .decoded(L.ListTagsLogGroupInput.self, mapError: e) {
                try await logs.listTagsLogGroup($0)
            },
            "CreateLogStream": .noOutput(L.CreateLogStreamInput.self, mapError: e) {
                try await logs.createLogStream($0)
            },
            "DeleteLogStream": .noOutput(L.DeleteLogStreamInput.self, mapError: e) {
                try await logs.deleteLogStream($0)
            },
            "DescribeLogStreams": .decoded(L.DescribeLogStreamsInput.self, mapError: e) {
                try await logs.describeLogStreams($0)
            },
            "PutLogEvents": AWSOperation.decoded(L.PutLogEventsInput.self, mapError: e) {
                try await logs.putLogEvents($0)
            }.reading(plainJSON: { body in
                guard let plain = PutLogEventsBody(parsing: body) else { return nil }
                return try await logs.putLogEvents(
                    group: plain.logGroupName, stream: plain.logStreamName,
                    events: plain.events.map { NewLogEvent(timestamp: $0.timestamp, message: $0.message) }
                ).output
            }).bodyLimit(VigilHTTPServer.maximumBodyBytes),
            "GetLogEvents": .decoded(L.GetLogEventsInput.self, mapError: e) { try await logs.getLogEvents($0) },
            "FilterLogEvents": .decoded(L.FilterLogEventsInput.self, mapError: e) {
                try await logs.filterLogEvents($0)
            },
            "PutMetricFilter": .noOutput(L.PutMetricFilterInput.self, mapError: e) {
                try await logs.putMetricFilter($0)
            },
            "DeleteMetricFilter": .noOutput(L.DeleteMetricFilterInput.self, mapError: e) {
                try await logs.deleteMetricFilter($0)
            },
            "DescribeMetricFilters": .decoded(L.DescribeMetricFiltersInput.self, mapError: e) {
                try await logs.describeMetricFilters($0)
            },
            // Up to 50 sample events, each as large as a log event may be.
            "TestMetricFilter": AWSOperation.decoded(L.TestMetricFilterInput.self, mapError: e) {
                (input: L.TestMetricFilterInput) throws -> L.TestMetricFilterOutput in
                do throws(FilterPatternError) { return try LogsService.testMetricFilter(input) } catch {
                    throw CloudWatchLogsError(
                        .invalidParameter,
                        "Invalid filter pattern: \(error.message)\(error.offset > 0 ? " at \(error.offset)" : "")")
                }
            }.bodyLimit(VigilHTTPServer.maximumBodyBytes),
        ]) { first, _ in first }
    }
}

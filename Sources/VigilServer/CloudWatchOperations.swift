import VigilAPI
import VigilService

/// CloudWatch's operations on awsJson 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`,
/// query-compatible), each a call of ``MetricsService`` or ``AlarmsService``.
enum CloudWatchOperations {
    static let targetPrefix = "GraniteServiceVersion20100801"

    static func table(metrics: MetricsService, alarms: AlarmsService) -> [String: AWSOperation] {
        let e: @Sendable (APIInputError) -> any Error = { CloudWatchError($0) }
        typealias C = CloudWatch
        return [
            "PutMetricData": .noOutput(C.PutMetricDataInput.self, mapError: e) { try await metrics.putMetricData($0) },
            "GetMetricStatistics": .decoded(C.GetMetricStatisticsInput.self, mapError: e) {
                try await metrics.getMetricStatistics($0)
            },
            // Up to 500 queries, each with an expression of up to 2,048 characters and a label.
            "GetMetricData": AWSOperation.decoded(C.GetMetricDataInput.self, mapError: e) {
                try await metrics.getMetricData($0)
            }.bodyLimit(2 << 20),
            "ListMetrics": .decoded(C.ListMetricsInput.self, mapError: e) { try await metrics.listMetrics($0) },
            "PutMetricAlarm": .noOutput(C.PutMetricAlarmInput.self, mapError: e) {
                try await alarms.putMetricAlarm($0)
            },
            "PutCompositeAlarm": .noOutput(C.PutCompositeAlarmInput.self, mapError: e) {
                try await alarms.putCompositeAlarm($0)
            },
            "DescribeAlarms": .decoded(C.DescribeAlarmsInput.self, mapError: e) { try await alarms.describeAlarms($0) },
            "DescribeAlarmsForMetric": .decoded(C.DescribeAlarmsForMetricInput.self, mapError: e) {
                try await alarms.describeAlarmsForMetric($0)
            },
            "DescribeAlarmHistory": .decoded(C.DescribeAlarmHistoryInput.self, mapError: e) {
                try await alarms.describeAlarmHistory($0)
            },
            "SetAlarmState": .noOutput(C.SetAlarmStateInput.self, mapError: e) { try await alarms.setAlarmState($0) },
            "DeleteAlarms": .noOutput(C.DeleteAlarmsInput.self, mapError: e) { try await alarms.deleteAlarms($0) },
            "EnableAlarmActions": .noOutput(C.EnableAlarmActionsInput.self, mapError: e) {
                try await alarms.enableAlarmActions($0)
            },
            "DisableAlarmActions": .noOutput(C.DisableAlarmActionsInput.self, mapError: e) {
                try await alarms.disableAlarmActions($0)
            },
            // Their outputs have no members but exist in the model: awsQuery answers with an empty Result.
            "TagResource": .decoded(C.TagResourceInput.self, mapError: e) {
                try await alarms.tagResource($0)
                return C.TagResourceOutput()
            },
            "UntagResource": .decoded(C.UntagResourceInput.self, mapError: e) {
                try await alarms.untagResource($0)
                return C.UntagResourceOutput()
            },
            "ListTagsForResource": .decoded(C.ListTagsForResourceInput.self, mapError: e) {
                try await alarms.listTagsForResource($0)
            },
        ]
    }
}

import VigilAPI
import VigilService

/// CloudWatch's operations on awsJson 1.0 (`X-Amz-Target: GraniteServiceVersion20100801.<Operation>`,
/// query-compatible), each a call of ``MetricsService`` or ``AlarmsService``.
enum CloudWatchOperations {
    static let targetPrefix = "GraniteServiceVersion20100801"

    static func table(metrics: MetricsService, alarms: AlarmsService) -> [String: AWSJSONOperation] {
        let e: @Sendable (APIInputError) -> any Error = { CloudWatchError($0) }
        typealias C = CloudWatch
        return [
            "PutMetricData": .decoded(C.PutMetricDataInput.self, mapError: e) { try await metrics.putMetricData($0) },
            "GetMetricStatistics": .decoded(C.GetMetricStatisticsInput.self, mapError: e) {
                try await metrics.getMetricStatistics($0)
            },
            "GetMetricData": .decoded(C.GetMetricDataInput.self, mapError: e) { try await metrics.getMetricData($0) },
            "ListMetrics": .decoded(C.ListMetricsInput.self, mapError: e) { try await metrics.listMetrics($0) },
            "PutMetricAlarm": .decoded(C.PutMetricAlarmInput.self, mapError: e) {
                (input: C.PutMetricAlarmInput) async throws -> Void in try await alarms.putMetricAlarm(input)
            },
            "PutCompositeAlarm": .decoded(C.PutCompositeAlarmInput.self, mapError: e) {
                (input: C.PutCompositeAlarmInput) async throws -> Void in try await alarms.putCompositeAlarm(input)
            },
            "DescribeAlarms": .decoded(C.DescribeAlarmsInput.self, mapError: e) { try await alarms.describeAlarms($0) },
            "DescribeAlarmsForMetric": .decoded(C.DescribeAlarmsForMetricInput.self, mapError: e) {
                try await alarms.describeAlarmsForMetric($0)
            },
            "DescribeAlarmHistory": .decoded(C.DescribeAlarmHistoryInput.self, mapError: e) {
                try await alarms.describeAlarmHistory($0)
            },
            "SetAlarmState": .decoded(C.SetAlarmStateInput.self, mapError: e) {
                (input: C.SetAlarmStateInput) async throws -> Void in try await alarms.setAlarmState(input)
            },
            "DeleteAlarms": .decoded(C.DeleteAlarmsInput.self, mapError: e) {
                (input: C.DeleteAlarmsInput) async throws -> Void in try await alarms.deleteAlarms(input)
            },
            "EnableAlarmActions": .decoded(C.EnableAlarmActionsInput.self, mapError: e) {
                (input: C.EnableAlarmActionsInput) async throws -> Void in try await alarms.enableAlarmActions(input)
            },
            "DisableAlarmActions": .decoded(C.DisableAlarmActionsInput.self, mapError: e) {
                (input: C.DisableAlarmActionsInput) async throws -> Void in try await alarms.disableAlarmActions(input)
            },
            "TagResource": .decoded(C.TagResourceInput.self, mapError: e) {
                (input: C.TagResourceInput) async throws -> Void in try await alarms.tagResource(input)
            },
            "UntagResource": .decoded(C.UntagResourceInput.self, mapError: e) {
                (input: C.UntagResourceInput) async throws -> Void in try await alarms.untagResource(input)
            },
            "ListTagsForResource": .decoded(C.ListTagsForResourceInput.self, mapError: e) {
                try await alarms.listTagsForResource($0)
            },
        ]
    }
}

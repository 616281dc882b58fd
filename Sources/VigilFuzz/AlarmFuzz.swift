import VigilAPI
import VigilAlarms
import VigilService

/// PutMetricAlarm's input decoded and validated.
///
/// Properties: neither decoding nor validation traps, whatever the numbers (the checked conversions
/// turn out-of-range values into AWS's validation errors).
enum AlarmFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let input = try? APIDecoder.decode(CloudWatch.PutMetricAlarmInput.self, from: bytes) else { return }
        guard let alarm = try? MetricAlarm(validating: input) else { return }
        precondition(alarm.name == input.alarmName, "a validated alarm has another name than its input")
    }
}

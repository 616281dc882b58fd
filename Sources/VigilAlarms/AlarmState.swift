/// The three states of a CloudWatch alarm, spelled as the API spells them.
public enum AlarmState: String, Sendable, Codable, CaseIterable {
    case ok = "OK"
    case alarm = "ALARM"
    case insufficientData = "INSUFFICIENT_DATA"
}

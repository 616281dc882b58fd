/// CloudWatch's retention schedule for metric data, which ``MetricStore/rollUp(now:)`` applies:
/// 1-second data for 3 hours, 1-minute for 15 days, 5-minute for 63 days, 1-hour for 455 days
/// ("Metrics retention" in the CloudWatch User Guide). Older data is aggregated into the next
/// resolution, so statistics over old periods stay exact for sums, counts, minima and maxima.
public enum MetricRetention {
    /// (resolution in seconds, how long it is kept in milliseconds, the resolution it rolls into; nil: deleted).
    public static let schedule: [(resolution: Int64, keep: Int64, into: Int64?)] = [
        (1, 3 * 3_600_000, nil),  // the per-minute rows already hold these values
        (60, 15 * 86_400_000, 300),
        (300, 63 * 86_400_000, 3600),
        (3600, 455 * 86_400_000, nil),
    ]

    /// What one roll-up did.
    public struct Summary: Sendable, Equatable {
        public var rolledUp = 0
        public var deleted = 0
        public init() {}
    }
}

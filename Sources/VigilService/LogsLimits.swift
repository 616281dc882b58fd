/// CloudWatch Logs' documented limits and name rules, in one place.
///
/// Sources: the PutLogEvents, CreateLogGroup, CreateLogStream, PutRetentionPolicy and PutMetricFilter
/// API references (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/).
public enum LogsLimits {
    public static let maximumBatchEvents = 10_000
    public static let maximumBatchBytes = 1_048_576
    public static let perEventOverhead = 26
    /// One event, with its 26 bytes of overhead, fills at most a whole batch (1 MB).
    public static let maximumMessageBytes = maximumBatchBytes - perEventOverhead
    public static let maximumBatchSpan: Int64 = 24 * 3_600_000
    public static let maximumAge: Int64 = 14 * 86_400_000
    public static let maximumFuture: Int64 = 2 * 3_600_000
    public static let maximumMetricFiltersPerGroup = 100
    public static let retentionDays: [Int] = [
        1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
    ]

    /// `[\.\-_/#A-Za-z0-9]+`, 1 to 512 characters.
    public static func isValidLogGroupName(_ name: String) -> Bool {
        (1...512).contains(name.utf8.count)
            && name.utf8.allSatisfy { b in
                (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E
                    || b == 0x2D || b == 0x5F || b == 0x2F || b == 0x23
            }
    }

    /// `[^:*]*`, 1 to 512 characters (log streams and metric filters).
    public static func isValidStreamOrFilterName(_ name: String) -> Bool {
        (1...512).contains(name.utf8.count) && !name.contains(":") && !name.contains("*")
    }
}

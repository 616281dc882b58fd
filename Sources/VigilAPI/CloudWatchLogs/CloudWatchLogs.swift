/// The CloudWatch Logs API (`logs`, 2014-03-28): each operation's input and output as the service
/// model defines them, generated into `Generated/` by `scripts/generate-api.py`.
///
/// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/
public enum CloudWatchLogs {}

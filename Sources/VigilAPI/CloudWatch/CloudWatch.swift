public import VigilAlarms
public import VigilMetrics

/// CloudWatch's metric and alarm API (`monitoring`, 2010-08-01): each operation's input and output as
/// the service model defines them, generated into `Generated/` by `scripts/generate-api.py`.
///
/// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/
public enum CloudWatch {}

extension AlarmState: APIEnumeration {}
extension VigilMetrics.Statistic: APIEnumeration {}
extension ActionsSuppression.Cause: APIEnumeration {}
extension AlarmRule.MissingData: APIEnumeration {}

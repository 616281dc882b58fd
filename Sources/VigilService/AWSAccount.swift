/// The account and Region Vigil presents itself as: they appear the same in every ARN, in alarm
/// notifications and in STS GetCallerIdentity. Vigil is one account in one Region; `vigil serve
/// --account-id --region` sets them (docs/server.md).
public struct AWSAccount: Sendable, Equatable {
    public let accountID: String
    public let region: String

    /// 123456789012 in us-east-1: the account AWS's documentation uses in its examples.
    public static let standard = AWSAccount(accountID: "123456789012", region: "us-east-1")

    public init(accountID: String, region: String) {
        self.accountID = accountID
        self.region = region
    }

    /// Whether `text` is an account id as AWS writes them: twelve digits.
    public static func isAccountID(_ text: String) -> Bool {
        text.utf8.count == 12 && text.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Whether `text` looks like a Region code (`us-east-1`, `eu-central-2`, `us-gov-west-1`).
    public static func isRegion(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        return parts.count >= 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.isLowercase || $0.isNumber } }
            && parts.last?.allSatisfy(\.isNumber) == true
    }

    /// The Region's name as CloudWatch's alarm notifications write it (`US East (N. Virginia)`); the code
    /// for Regions not listed.
    public var regionName: String {
        switch region {
        case "us-east-1": "US East (N. Virginia)"
        case "us-east-2": "US East (Ohio)"
        case "us-west-1": "US West (N. California)"
        case "us-west-2": "US West (Oregon)"
        case "ca-central-1": "Canada (Central)"
        case "eu-west-1": "EU (Ireland)"
        case "eu-west-2": "EU (London)"
        case "eu-west-3": "EU (Paris)"
        case "eu-central-1": "EU (Frankfurt)"
        case "eu-north-1": "EU (Stockholm)"
        case "ap-northeast-1": "Asia Pacific (Tokyo)"
        case "ap-northeast-2": "Asia Pacific (Seoul)"
        case "ap-southeast-1": "Asia Pacific (Singapore)"
        case "ap-southeast-2": "Asia Pacific (Sydney)"
        case "ap-south-1": "Asia Pacific (Mumbai)"
        case "sa-east-1": "South America (Sao Paulo)"
        default: region
        }
    }

    /// A log group's ARN: `arn:aws:logs:REGION:ACCOUNT:log-group:NAME`.
    public func logGroupARN(_ group: String) -> String { "arn:aws:logs:\(region):\(accountID):log-group:\(group)" }

    /// An alarm's ARN: `arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME`.
    public func alarmARN(_ name: String) -> String { "arn:aws:cloudwatch:\(region):\(accountID):alarm:\(name)" }
}

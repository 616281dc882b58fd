import ArgumentParser
import VigilService

/// `--account-id` and `--region`: the account and Region in every ARN (shared by `serve` and `sns`, so
/// that topics made either way have the same ARNs).
struct AccountOptions: ParsableArguments {
    @Option(name: .customLong("account-id"), help: "The account id in every ARN and in sts get-caller-identity.")
    var accountID = AWSAccount.standard.accountID

    @Option(name: .customLong("region"), help: "The Region in every ARN and alarm notification.")
    var region = AWSAccount.standard.region

    func validate() throws {
        guard AWSAccount.isAccountID(accountID) else {
            throw ValidationError("--account-id must be twelve digits, as AWS account ids are, not '\(accountID)'.")
        }
        guard AWSAccount.isRegion(region) else {
            throw ValidationError("--region must be a Region code such as us-east-1, not '\(region)'.")
        }
    }

    var account: AWSAccount { AWSAccount(accountID: accountID, region: region) }
}

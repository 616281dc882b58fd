import ArgumentParser
import Foundation
import VigilAPI
import VigilNotify
import VigilService

/// `vigil sns`: SNS topics, subscriptions and publishing on the local store, named and printed as in
/// the aws CLI (a running `vigil serve` on the same data directory delivers what they queue).
struct SNSCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sns",
        abstract: "SNS topics, subscriptions and messages in the local store (aws sns …).",
        subcommands: [
            CreateTopicCommand.self, DeleteTopicCommand.self, ListTopicsCommand.self, GetTopicAttributesCommand.self,
            SetTopicAttributesCommand.self, SubscribeCommand.self, ConfirmSubscriptionCommand.self,
            UnsubscribeCommand.self, ListSubscriptionsCommand.self, ListSubscriptionsByTopicCommand.self,
            GetSubscriptionAttributesCommand.self, SetSubscriptionAttributesCommand.self, PublishCommand.self,
            SNSTagResourceCommand.self, SNSUntagResourceCommand.self, SNSListTagsForResourceCommand.self,
        ]
    )
}

/// `--data-dir`, `--account-id` and `--region`: the store, and the account the ARNs name.
struct SNSOptions: ParsableArguments {
    @OptionGroup var store: StoreOptions
    @OptionGroup var account: AccountOptions

    func service() throws -> SNSService {
        SNSService(store: try store.openService().store, account: account.account)
    }
}

/// Every page of a listing, as the aws CLI gathers them: `page` gets the previous page's token.
func allPages<Item>(_ page: (_ token: String?) async throws -> (items: [Item]?, next: String?)) async throws -> [Item] {
    var all: [Item] = []
    var token: String?
    repeat {
        let (items, next) = try await page(token)
        all += items ?? []
        token = next
    } while token != nil
    return all
}

/// The aws CLI's ways of writing an SNS map or tag list on the command line.
enum SNSArguments {
    /// `--attributes`: a JSON object of strings (inline or `file://path`), or the shorthand
    /// `Name=value,Name=value`.
    static func attributes(_ argument: String, option: String) throws -> [String: String] {
        if argument.hasPrefix("file://") || argument.drop(while: \.isWhitespace).hasPrefix("{") {
            return try CLIJSON.sns([String: String].self, argument, option: option)
        }
        var out: [String: String] = [:]
        for (key, value) in try KeyValueArguments.pairs([argument], what: option, commas: true) {
            out[key] = value ?? ""
        }
        return out
    }

    /// `--tags`: a JSON list (`[{"Key":"k","Value":"v"}]`) or shorthand arguments `Key=k,Value=v`.
    static func tags(_ arguments: [String], option: String) throws -> [SNS.Tag] {
        if let first = arguments.first, arguments.count == 1,
            first.hasPrefix("file://") || first.drop(while: \.isWhitespace).hasPrefix("[")
        {
            return try CLIJSON.sns([SNS.Tag].self, first, option: option)
        }
        return try arguments.map { argument in
            let pairs = try KeyValueArguments.pairs([argument], what: option, commas: true)
            guard let key = pairs.first(where: { $0.key == "Key" })?.value,
                let value = pairs.first(where: { $0.key == "Value" })?.value, pairs.count == 2
            else { throw ValidationError("\(option) '\(argument)' must be Key=key,Value=value.") }
            return SNS.Tag(key: key, value: value)
        }
    }
}

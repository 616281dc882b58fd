import VigilAPI
import VigilNotify

/// Amazon SNS's operations on awsQuery (`Version=2010-03-31`), each a call of ``SNSService``.
enum SNSOperations {
    static let version = "2010-03-31"
    static let namespace = "http://sns.amazonaws.com/doc/2010-03-31/"
    /// The output members that are maps (`<entry><key>…</key><value>…</value></entry>`).
    static let maps: Set<String> = ["Attributes"]
    /// What a receiver does by fetching a URL from a message (SubscribeURL, UnsubscribeURL): unsigned, as on SNS.
    static let anonymousActions: Set<String> = ["ConfirmSubscription", "Unsubscribe"]

    static func table(_ sns: SNSService) -> [String: AWSOperation] {
        let e: @Sendable (APIInputError) -> any Error = { SNSError($0) }
        typealias S = SNS
        return [
            "CreateTopic": .decoded(S.CreateTopicInput.self, mapError: e) { try await sns.createTopic($0) },
            "DeleteTopic": .noOutput(S.DeleteTopicInput.self, mapError: e) { try await sns.deleteTopic($0) },
            "ListTopics": .decoded(S.ListTopicsInput.self, mapError: e) { try await sns.listTopics($0) },
            "GetTopicAttributes": .decoded(S.GetTopicAttributesInput.self, mapError: e) {
                try await sns.getTopicAttributes($0)
            },
            "SetTopicAttributes": .noOutput(S.SetTopicAttributesInput.self, mapError: e) {
                try await sns.setTopicAttributes($0)
            },
            "Subscribe": .decoded(S.SubscribeInput.self, mapError: e) { try await sns.subscribe($0) },
            "Unsubscribe": .noOutput(S.UnsubscribeInput.self, mapError: e) { try await sns.unsubscribe($0) },
            "ConfirmSubscription": .decoded(S.ConfirmSubscriptionInput.self, mapError: e) {
                try await sns.confirmSubscription($0)
            },
            "ListSubscriptions": .decoded(S.ListSubscriptionsInput.self, mapError: e) {
                try await sns.listSubscriptions($0)
            },
            "ListSubscriptionsByTopic": .decoded(S.ListSubscriptionsByTopicInput.self, mapError: e) {
                try await sns.listSubscriptionsByTopic($0)
            },
            "GetSubscriptionAttributes": .decoded(S.GetSubscriptionAttributesInput.self, mapError: e) {
                try await sns.getSubscriptionAttributes($0)
            },
            "SetSubscriptionAttributes": .noOutput(S.SetSubscriptionAttributesInput.self, mapError: e) {
                try await sns.setSubscriptionAttributes($0)
            },
            "Publish": .decoded(S.PublishInput.self, mapError: e) { try await sns.publish($0) },
            // Ten messages of up to 256 KiB in all, with their attributes.
            "PublishBatch": AWSOperation.decoded(S.PublishBatchInput.self, mapError: e) {
                try await sns.publishBatch($0)
            }.bodyLimit(2 << 20),
            "TagResource": .decoded(S.TagResourceInput.self, mapError: e) { try await sns.tagResource($0) },
            "UntagResource": .decoded(S.UntagResourceInput.self, mapError: e) { try await sns.untagResource($0) },
            "ListTagsForResource": .decoded(S.ListTagsForResourceInput.self, mapError: e) {
                try await sns.listTagsForResource($0)
            },
        ]
    }
}

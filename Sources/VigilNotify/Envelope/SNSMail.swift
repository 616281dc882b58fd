public import VigilStore

/// The e-mail an `email` or `email-json` subscription gets for a delivery, as SNS sends them:
/// `email-json` carries the same JSON document an http receiver gets; `email` carries the message
/// itself with an unsubscribe link under it, or, for a confirmation, the link that confirms. SNS does
/// not publish its e-mail text word for word; docs/notifications.md shows Vigil's.
public enum SNSMail {
    /// SNS's subject when a message was published without one.
    public static let defaultSubject = "AWS Notification Message"
    public static let confirmationSubject = "AWS Notification - Subscription Confirmation"
    /// The sender's name when the topic has no DisplayName.
    public static let defaultSenderName = "Vigil Notifications"

    public static func message(
        _ d: NewDelivery, subscription: SubscriptionRecord, topicDisplayName: String?, document: String,
        from: String, links: SNSEnvelope.Links
    ) -> MailMessage {
        let json = subscription.protocol == "email-json"
        let subject: String
        let body: String
        switch d.kind {
        case .notification:
            subject = d.subject ?? defaultSubject
            body =
                json
                ? document
                : """
                \(document)

                --
                If you wish to stop receiving notifications from this topic, please visit the link below to unsubscribe:
                \(links.unsubscribeURL(subscription.arn))

                Please do not reply directly to this email.
                """
        case .subscriptionConfirmation:
            subject = confirmationSubject
            body =
                json
                ? document
                : """
                You have chosen to subscribe to the topic:
                \(d.topicARN)

                To confirm this subscription, visit the link below (if this was in error, no action is necessary):
                \(links.subscribeURL(topicARN: d.topicARN, token: d.token ?? ""))

                Please do not reply directly to this email.
                """
        case .unsubscribeConfirmation:
            subject = "AWS Notification - Unsubscribe Confirmation"
            body =
                json
                ? document
                : """
                Your subscription \(subscription.arn) to the topic \(d.topicARN) has been deactivated.

                To restore it, visit the link below:
                \(links.subscribeURL(topicARN: d.topicARN, token: d.token ?? ""))
                """
        }
        let name = topicDisplayName.flatMap { $0.isEmpty ? nil : $0 } ?? defaultSenderName
        return MailMessage(
            fromName: name, from: from, to: subscription.endpoint, subject: subject, body: body,
            messageID: d.messageID, date: d.timestamp)
    }
}

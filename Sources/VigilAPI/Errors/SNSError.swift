/// An error of Amazon SNS's API, as its model names it (awsQuery codes and HTTP statuses).
///
/// ```swift
/// throw SNSError(.notFound, "Topic does not exist")
/// ```
public struct SNSError: AWSServiceError, Equatable {
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// SNS's error shapes (raw value: the shape name), with their awsQuery codes and HTTP statuses.
    public enum Code: String, AWSErrorCode, CaseIterable {
        case invalidParameter = "InvalidParameterException"
        case invalidParameterValue = "InvalidParameterValueException"
        case notFound = "NotFoundException"
        case resourceNotFound = "ResourceNotFoundException"
        case authorizationError = "AuthorizationErrorException"
        case topicLimitExceeded = "TopicLimitExceededException"
        case subscriptionLimitExceeded = "SubscriptionLimitExceededException"
        case tagLimitExceeded = "TagLimitExceededException"
        case tagPolicy = "TagPolicyException"
        case emptyBatchRequest = "EmptyBatchRequestException"
        case tooManyEntriesInBatchRequest = "TooManyEntriesInBatchRequestException"
        case batchEntryIdsNotDistinct = "BatchEntryIdsNotDistinctException"
        case invalidBatchEntryId = "InvalidBatchEntryIdException"
        case batchRequestTooLong = "BatchRequestTooLongException"
        case throttled = "ThrottledException"
        case internalError = "InternalErrorException"

        public var awsJSONType: String { rawValue }

        /// The model's awsQuery code: the shape's name without `Exception` (`InvalidParameter`, `NotFound`).
        public var queryCode: String {
            rawValue.hasSuffix("Exception") ? String(rawValue.dropLast("Exception".count)) : rawValue
        }

        public var httpStatus: Int {
            switch self {
            case .notFound, .resourceNotFound: 404
            case .authorizationError: 403
            case .topicLimitExceeded, .subscriptionLimitExceeded, .tagLimitExceeded, .throttled: 403
            case .internalError: 500
            default: 400
            }
        }

        public var isSenderFault: Bool { self != .internalError }
    }

    public static func invalid(_ message: String) -> SNSError { SNSError(.invalidParameter, message) }

    /// A request that does not decode, worded as SNS words it: `Invalid parameter: Name` and the reason.
    public init(_ e: APIInputError) {
        switch e.problem {
        case .missing:
            self.init(
                .invalidParameter,
                "1 validation error detected: Value null at '\(e.memberPath)' failed to satisfy constraint: Member must not be null"
            )
        default:
            self.init(.invalidParameter, "Invalid parameter: \(e.queryPath) Reason: \(e.reason)")
        }
    }
}

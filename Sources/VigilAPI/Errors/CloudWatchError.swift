/// An error of CloudWatch's metric and alarm API, as CloudWatch's model names it.
///
/// ```swift
/// throw CloudWatchError(.invalidParameterValue, "The parameter Period must be 10, 20, 30, or a multiple of 60.")
/// ```
public struct CloudWatchError: AWSServiceError, Equatable {
    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// CloudWatch's error shapes (raw value: the shape name, awsJson's `__type`), with their awsQuery
    /// codes and HTTP statuses from the service model.
    public enum Code: String, AWSErrorCode, CaseIterable {
        case invalidParameterValue = "InvalidParameterValueException"
        case invalidParameterCombination = "InvalidParameterCombinationException"
        case missingParameter = "MissingRequiredParameterException"
        case invalidNextToken = "InvalidNextToken"
        case invalidFormat = "InvalidFormatFault"
        /// An alarm that does not exist (DeleteAlarms, SetAlarmState).
        case resourceNotFound = "ResourceNotFound"
        /// A resource named by ARN that does not exist (TagResource, ListTagsForResource).
        case resourceNotFoundException = "ResourceNotFoundException"
        /// Too many alarms, or too many tags.
        case limitExceeded = "LimitExceededFault"
        case limitExceededException = "LimitExceededException"
        case concurrentModification = "ConcurrentModificationException"
        case conflict = "ConflictException"
        case internalServiceFault = "InternalServiceFault"
        /// The request body is not JSON (not a modeled shape: the protocol's own error).
        case serialization = "SerializationException"

        public var awsJSONType: String { rawValue }

        public var queryCode: String {
            switch self {
            case .invalidParameterValue: "InvalidParameterValue"
            case .invalidParameterCombination: "InvalidParameterCombination"
            case .missingParameter: "MissingParameter"
            case .invalidFormat: "InvalidFormat"
            case .limitExceeded: "LimitExceeded"
            case .internalServiceFault: "InternalServiceError"
            default: rawValue
            }
        }

        public var httpStatus: Int {
            switch self {
            case .resourceNotFound, .resourceNotFoundException: 404
            case .concurrentModification: 429
            case .conflict: 409
            case .internalServiceFault: 500
            default: 400
            }
        }

        public var isSenderFault: Bool { self != .internalServiceFault }
    }

    public static func invalid(_ message: String) -> CloudWatchError {
        CloudWatchError(.invalidParameterValue, message)
    }
    public static func combination(_ message: String) -> CloudWatchError {
        CloudWatchError(.invalidParameterCombination, message)
    }
    public static func missing(_ parameter: String) -> CloudWatchError {
        CloudWatchError(.missingParameter, "The parameter \(parameter) is required.")
    }
    public static func alarmNotFound(_ name: String) -> CloudWatchError {
        CloudWatchError(.resourceNotFound, "The alarm \(name) does not exist.")
    }
}

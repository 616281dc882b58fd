/// What every protocol needs to know of an AWS error code: its awsJson `__type`, its awsQuery code,
/// its HTTP status and whether the caller is at fault.
///
/// The JSON and query names differ for CloudWatch (`InvalidParameterValueException` is sent as
/// `InvalidParameterValue` by awsQuery, and botocore expects that query code in `x-amzn-query-error`
/// when it speaks JSON); for CloudWatch Logs they are the same.
public protocol AWSErrorCode: Sendable, Hashable, CustomStringConvertible {
    /// The error shape's name, sent as awsJson's `__type` (e.g. `InvalidParameterValueException`).
    var awsJSONType: String { get }
    /// The code awsQuery sends in `<Code>` and in `x-amzn-query-error` (e.g. `InvalidParameterValue`).
    var queryCode: String { get }
    var httpStatus: Int { get }
    /// Whether the request was at fault (`Sender`) rather than the service (`Receiver`).
    var isSenderFault: Bool { get }
}

extension AWSErrorCode {
    /// The name a client shows: the query code, as the aws CLI prints it.
    public var description: String { queryCode }
}

/// An AWS error as a value: a typed code and a message saying what is wrong and where.
public protocol AWSServiceError: Error, Sendable, CustomStringConvertible {
    associatedtype Code: AWSErrorCode
    var code: Code { get }
    var message: String { get }
}

extension AWSServiceError {
    public var description: String { "\(code.queryCode): \(message)" }
}

import VigilAPI

/// One service on the AWS JSON protocols: the `X-Amz-Target` prefix that names it, the protocol version,
/// whether its errors also carry the awsQuery code (`x-amzn-query-error`), and its operations.
struct AWSJSONService: Sendable {
    let targetPrefix: String
    /// The prefix of its IAM action names (`logs` in `logs:PutLogEvents`).
    let actionPrefix: String
    let version: AWSJSONProtocol.Version
    let queryCompatible: Bool
    /// The Smithy namespace of its shapes when it is also served on RPC v2 CBOR (`com.amazonaws.cloudwatch`).
    var cborNamespace: String? = nil
    let operations: [String: AWSOperation]
    /// The service's internal-failure error, for anything unexpected.
    let internalFailure: any AWSServiceError
}

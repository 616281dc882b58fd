import Foundation
import Hummingbird
import VigilService

/// A request body's `Content-Encoding` (RFC 9110 §8.4) undone before the codec reads it.
///
/// botocore compresses PutMetricData bodies of 10 KiB or more with gzip (the model's
/// `requestcompression` trait), as CloudWatch accepts; the signature covers the compressed bytes, so
/// the body is decoded after it is authenticated. gzip (or its old name `x-gzip`) and `identity` are
/// understood; any other coding is refused rather than guessed at. A body may inflate to
/// ``VigilHTTPServer/maximumBodyBytes`` at most, so a gzip bomb is refused before it takes the memory.
enum ContentEncoding {
    /// Why a body could not be decoded; `message` says so in the error response.
    enum Failure: Error, Equatable {
        case unsupported(String)
        case malformed(String)

        var message: String {
            switch self {
            case .unsupported(let coding):
                "Content-Encoding '\(coding.prefix(64))' is not supported: send the body as it is, or compressed with gzip."
            case .malformed(let reason): "The gzip-compressed request body could not be decompressed: \(reason)."
            }
        }
    }

    /// The body of `request` as its operation reads it (see ``decode(_:header:maximumBytes:)``).
    static func decode(_ body: [UInt8], of request: Request) -> Result<[UInt8], Failure> {
        decode(body, header: request.headers[.contentEncoding], maximumBytes: VigilHTTPServer.maximumBodyBytes)
    }

    /// The body as the operation reads it: decoded in the reverse order of the codings listed.
    static func decode(_ body: [UInt8], header: String?, maximumBytes: Int) -> Result<[UInt8], Failure> {
        guard let header else { return .success(body) }
        var bytes = body
        let codings = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for coding in codings.reversed() where !coding.isEmpty {
            switch coding {
            case "identity": continue
            case "gzip", "x-gzip":
                do {
                    bytes = try Gzip.decompress(bytes, maximumSize: maximumBytes)
                } catch {
                    return .failure(.malformed(error.description))
                }
            default: return .failure(.unsupported(coding))
            }
        }
        return .success(bytes)
    }
}

import Foundation
import HTTPTypes
import Testing
import VigilServer
import VigilTestSupport

/// Request bodies as operations take them: each operation's size cap, and `Content-Encoding: gzip`
/// (botocore compresses PutMetricData bodies of 10 KiB or more) undone before the codec reads it.
struct RequestBodyTests {
    static let target = HTTPField.Name("X-Amz-Target")!

    /// `bytes` compressed by the system's gzip (the format's reference implementation).
    static func gzip(_ bytes: [UInt8]) async throws -> [UInt8] {
        try await ExternalFilter.run(["gzip", "-c", "-n"], input: bytes)
    }

    /// PutMetricData of `count` datums of one metric, one host each (about 80 bytes a datum).
    static func putMetricData(_ count: Int) -> [UInt8] {
        let minute = (Int64(Date().timeIntervalSince1970) / 60 - 2) * 60
        let datums = (0..<count).map {
            #"{"MetricName":"Requests","Dimensions":[{"Name":"Host","Value":"h\#($0)"}],"Value":1,"Timestamp":\#(minute)}"#
        }
        return Array(#"{"Namespace":"App","MetricData":[\#(datums.joined(separator: ","))]}"#.utf8)
    }

    static let cloudWatch: HTTPFields = [
        target: "GraniteServiceVersion20100801.PutMetricData", .contentType: "application/x-amz-json-1.0",
    ]

    @Test("a gzip-compressed PutMetricData is stored like the same body sent plain")
    func gzipBody() async throws {
        let body = Self.putMetricData(300)
        #expect(body.count > 10_240)  // botocore compresses from here on
        let compressed = try await Self.gzip(body)
        try await RouterExchange.withServer { send in
            var headers = Self.cloudWatch
            headers[.contentEncoding] = "gzip"
            let put = try await send(.post, "/", headers, compressed)
            #expect(put.status == 200, "\(put.text)")
            let listed = try await send(
                .post, "/",
                [Self.target: "GraniteServiceVersion20100801.ListMetrics", .contentType: "application/x-amz-json-1.0"],
                Array(#"{"Namespace":"App"}"#.utf8))
            #expect((listed.json["Metrics"] as? [Any])?.count == 300)
        }
    }

    @Test(
        "a body that is not what its Content-Encoding says, or in a coding Vigil does not know, is a 400 naming why",
        arguments: [
            ("gzip", "could not be decompressed"), ("br", "'br' is not supported"),
            ("gzip, deflate", "'deflate' is not supported"),
        ])
    func undecodable(_ coding: String, _ says: String) async throws {
        try await RouterExchange.withServer { send in
            var headers = Self.cloudWatch
            headers[.contentEncoding] = coding
            let reply = try await send(.post, "/", headers, Self.putMetricData(2))
            #expect(reply.status == 400)
            #expect(reply.json["__type"] as? String == "SerializationException")
            #expect((reply.json["message"] as? String)?.contains(says) == true, "\(reply.text)")
        }
    }

    @Test("a gzip bomb is refused at the server's cap without inflating it whole")
    func bomb() async throws {
        // 9 MiB of zeros compress to about 9 KiB.
        let bomb = try await Self.gzip([UInt8](repeating: 0x20, count: 9 << 20))
        #expect(bomb.count < 64 << 10)
        try await RouterExchange.withServer { send in
            var headers = Self.cloudWatch
            headers[.contentEncoding] = "gzip"
            let reply = try await send(.post, "/", headers, bomb)
            #expect(reply.status == 400 && reply.json["__type"] as? String == "SerializationException")
        }
    }

    @Test("each operation has its own cap: 1 MiB by default, 8 MiB for PutLogEvents")
    func operationCaps() async throws {
        try await RouterExchange.withServer { send in
            let logs: (String) -> HTTPFields = {
                [Self.target: "Logs_20140328.\($0)", .contentType: "application/x-amz-json-1.1"]
            }
            // One byte over 1 MiB of whitespace around a valid input.
            let padded = Array(#"{"logGroupName":"g"}"#.utf8) + [UInt8](repeating: 0x20, count: 1 << 20)
            let create = try await send(.post, "/", logs("CreateLogGroup"), padded)
            #expect(create.status == 413 && create.json["__type"] as? String == "SerializationException")
            #expect((create.json["message"] as? String)?.contains("1048576 bytes") == true, "\(create.text)")
            let small = try await send(.post, "/", logs("CreateLogGroup"), Array(#"{"logGroupName":"g"}"#.utf8))
            #expect(small.status == 200)
            // 2 MiB is within PutLogEvents' cap: the service answers (the stream does not exist).
            let put =
                Array(#"{"logGroupName":"g","logStreamName":"s","logEvents":[{"timestamp":1,"message":"m"}]}"#.utf8)
                + [UInt8](repeating: 0x20, count: 2 << 20)
            let reply = try await send(.post, "/", logs("PutLogEvents"), put)
            #expect(reply.status == 400 && reply.json["__type"] as? String == "ResourceNotFoundException")
            // Over 8 MiB it is refused before it is parsed.
            let huge = put + [UInt8](repeating: 0x20, count: VigilHTTPServer.maximumBodyBytes)
            let refused = try await send(.post, "/", logs("PutLogEvents"), huge)
            #expect(refused.status == 413)
        }
    }

    @Test("awsQuery: a gzip-compressed form is read, and the operation's cap applies once the form names it")
    func queryForms() async throws {
        let form =
            "Action=PutMetricData&Version=2010-08-01&Namespace=App"
            + (1...200).map {
                "&MetricData.member.\($0).MetricName=Requests&MetricData.member.\($0).Value=1"
                    + "&MetricData.member.\($0).Dimensions.member.1.Name=Host"
                    + "&MetricData.member.\($0).Dimensions.member.1.Value=h\($0)"
            }.joined()
        let headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded; charset=utf-8"]
        try await RouterExchange.withServer { send in
            var gzipped = headers
            gzipped[.contentEncoding] = "gzip"
            let put = try await send(.post, "/", gzipped, try await Self.gzip(Array(form.utf8)))
            #expect(put.status == 200, "\(put.text)")
            let over = Array((form + "&Padding=" + String(repeating: "x", count: 1 << 20)).utf8)
            let refused = try await send(.post, "/", headers, over)
            #expect(
                refused.status == 413 && refused.text.contains("<Code>MalformedQueryString</Code>"), "\(refused.text)")
        }
    }
}

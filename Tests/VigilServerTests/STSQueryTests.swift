import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing
import VigilServer
import VigilService
import VigilStore

/// STS GetCallerIdentity over awsQuery (a form body naming its Action, an XML answer), as
/// `aws sts get-caller-identity` sends it to check an endpoint.
struct STSQueryTests {
    static func call(_ form: String, account: AWSAccount = .standard) async throws -> (Int, String) {
        let store = try SQLiteLogStore(path: ":memory:")
        let server = VigilHTTPServer(
            logs: LogsService(store: store, account: account), metrics: MetricsService(store: store),
            alarms: AlarmsService(store: store, account: account), logger: Logger(label: "test"))
        return try await server.application(host: "127.0.0.1", port: 0).test(.router) { client in
            try await client.execute(
                uri: "/", method: .post, headers: [.contentType: "application/x-www-form-urlencoded; charset=utf-8"],
                body: ByteBuffer(string: form)
            ) { response in
                #expect(response.headers[.contentType] == "text/xml")
                return (Int(response.status.code), String(buffer: response.body))
            }
        }
    }

    @Test("GetCallerIdentity names the configured account")
    func callerIdentity() async throws {
        let (status, xml) = try await Self.call(
            "Action=GetCallerIdentity&Version=2011-06-15",
            account: AWSAccount(accountID: "111122223333", region: "eu-west-1"))
        #expect(status == 200)
        #expect(xml.hasPrefix(#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"#))
        #expect(xml.contains("<Account>111122223333</Account>"))
        #expect(xml.contains("<Arn>arn:aws:iam::111122223333:root</Arn>"))
        #expect(xml.contains("<RequestId>"))
    }

    @Test(
        "other actions, other versions, a missing Action and forms that are not forms get an ErrorResponse",
        arguments: [
            ("Action=GetSessionToken&Version=2011-06-15", "InvalidAction", true),
            ("Action=GetCallerIdentity&Version=2012-01-01", "InvalidAction", false),
            ("Action=GetCallerIdentity", "InvalidAction", false),
            ("Version=2011-06-15", "MissingAction", true), ("Action=%ZZ", "MalformedQueryString", false),
        ])
    func errors(_ form: String, _ code: String, _ inSTSNamespace: Bool) async throws {
        let (status, xml) = try await Self.call(form)
        #expect(status == 400)
        let start =
            inSTSNamespace ? #"<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">"# : "<ErrorResponse>"
        #expect(
            xml.hasPrefix(start) && xml.contains("<Code>\(code)</Code>") && xml.contains("<Type>Sender</Type>"),
            "\(xml)")
    }
}

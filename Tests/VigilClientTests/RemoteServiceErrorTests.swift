import Testing
import VigilClient

/// An awsJson error body read back into the code and message the aws CLI prints.
@Suite struct RemoteServiceErrorTests {
    @Test(
        "the code from __type (with or without its namespace) and the message",
        arguments: [
            (
                #"{"__type":"ResourceNotFoundException","message":"The specified log group does not exist."}"#,
                "ResourceNotFoundException", "The specified log group does not exist."
            ),
            (
                #"{"__type":"com.amazonaws.logs#InvalidParameterException","Message":"bad"}"#,
                "InvalidParameterException", "bad"
            ),
        ])
    func reads(body: String, code: String, message: String) {
        let error = RemoteServiceError(status: 400, awsJSON: Array(body.utf8))
        #expect(error.code == code && error.message == message && error.status == 400)
    }

    @Test("a body that is not JSON is quoted, under the HTTP status")
    func notJSON() {
        let error = RemoteServiceError(status: 502, awsJSON: Array("<html>Bad Gateway</html>".utf8))
        #expect(error.code == "HTTP502" && error.message == "<html>Bad Gateway</html>")
    }
}

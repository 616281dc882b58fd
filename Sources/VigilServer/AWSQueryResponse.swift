import Foundation

/// awsQuery's XML responses: `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>` and the
/// `<ErrorResponse>` of a failed request, as AWS's query services write them.
enum AWSQueryResponse {
    /// Text escaped for XML element content.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A successful response: `fields` are the result's members, in order, as escaped text.
    static func result(action: String, namespace: String, fields: [(String, String)], requestID: String) -> String {
        let members = fields.map { "    <\($0.0)>\(escape($0.1))</\($0.0)>\n" }.joined()
        return """
            <\(action)Response xmlns="\(namespace)">
              <\(action)Result>
            \(members)  </\(action)Result>
              <ResponseMetadata>
                <RequestId>\(requestID)</RequestId>
              </ResponseMetadata>
            </\(action)Response>

            """
    }

    /// An error response.
    static func error(code: String, message: String, sender: Bool, requestID: String) -> String {
        """
        <ErrorResponse>
          <Error>
            <Type>\(sender ? "Sender" : "Receiver")</Type>
            <Code>\(escape(code))</Code>
            <Message>\(escape(message))</Message>
          </Error>
          <RequestId>\(requestID)</RequestId>
        </ErrorResponse>

        """
    }
}

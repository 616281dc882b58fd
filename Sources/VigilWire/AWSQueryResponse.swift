import Foundation
public import VigilPatterns

/// awsQuery's XML responses: `<ActionResponse><ActionResult>…</ActionResult><ResponseMetadata>` and the
/// `<ErrorResponse>` of a failed request, as AWS's query services write them.
///
/// An output is written from its JSON tree (timestamps as ISO 8601 text): each member an element of its
/// name, each list element a `<member>`, members without a value left out.
public enum AWSQueryResponse {
    /// Text escaped for XML element content; characters XML 1.0 cannot carry become U+FFFD.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(c)
            case "\u{0}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// A value's XML content; the members named in `maps` are maps, written as SNS writes them.
    public static func xml(_ value: JSONValue, into out: inout String, maps: Set<String> = []) {
        switch value {
        case .null: break
        case .bool(let b): out += b ? "true" : "false"
        case .number(let text): out += text
        case .string(let s): out += escape(s)
        case .array(let elements):
            for e in elements where e != .null {
                out += "<member>"
                xml(e, into: &out, maps: maps)
                out += "</member>"
            }
        case .object(let object):
            for m in object.members where m.value != .null {
                let name = elementName(m.key)
                out += "<\(name)>"
                if maps.contains(m.key), case .object(let map) = m.value {
                    // A map: `<entry><key>…</key><value>…</value></entry>` per pair.
                    for pair in map.members {
                        out += "<entry><key>\(escape(pair.key))</key><value>"
                        xml(pair.value, into: &out, maps: maps)
                        out += "</value></entry>"
                    }
                } else {
                    xml(m.value, into: &out, maps: maps)
                }
                out += "</\(name)>"
            }
        }
    }

    /// A member's name as an element name: the model's names are letters and digits; anything else (a
    /// name that did not come from a model) becomes `_`, so no text can open or close an element.
    static func elementName(_ name: String) -> String {
        let kept = name.unicodeScalars.map { c -> Character in
            switch c {
            case "A"..."Z", "a"..."z", "0"..."9", "_", "-", ".": Character(c)
            default: "_"
            }
        }
        return kept.isEmpty || kept.first?.isNumber == true || kept.first == "-" || kept.first == "."
            ? "_" + String(kept) : String(kept)
    }

    /// A successful response; `members` are the result's (nil: an output without members, which has no
    /// `Result` element); `maps` names the members that are maps.
    public static func result(
        action: String, namespace: String, members: JSONValue?, requestID: String, maps: Set<String> = []
    ) -> String {
        var out = "<\(action)Response xmlns=\"\(namespace)\">"
        if let members {
            out += "<\(action)Result>"
            xml(members, into: &out, maps: maps)
            out += "</\(action)Result>"
        }
        out += "<ResponseMetadata><RequestId>\(requestID)</RequestId></ResponseMetadata></\(action)Response>\n"
        return out
    }

    /// An error response.
    public static func error(code: String, message: String, sender: Bool, requestID: String, namespace: String? = nil)
        -> String
    {
        """
        <ErrorResponse\(namespace.map { " xmlns=\"\($0)\"" } ?? "")>
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

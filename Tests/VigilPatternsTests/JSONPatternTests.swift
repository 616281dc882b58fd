import Testing
import VigilPatterns

/// The JSON examples of AWS's filter-pattern documentation, with their documented results.
struct JSONPatternTests {
    static let example = """
        {"eventType": "UpdateTrail", "sourceIPAddress": "111.111.111.111", "arrayKey": ["value", "another value"],
         "objectList": [{"name": "a", "id": 1}, {"name": "b", "id": 2}], "SomeObject": null, "ThisFlag": true}
        """.replacingAll("\n", " ")

    @Test(
        "each documented filter matches the example event",
        arguments: [
            "{ $.eventType = \"UpdateTrail\" }",
            "{ $.sourceIPAddress != 123.123.* }",
            "{ $.arrayKey[0] = \"value\" }",
            "{ $.objectList[1].id = 2 }",
            "{ $.SomeObject IS NULL }",
            "{ $.SomeOtherObject NOT EXISTS }",
            "{ $.ThisFlag IS TRUE }",
        ])
    func documentedFiltersMatch(pattern: String) throws {
        #expect(try FilterPattern(pattern).matches(Self.example))
    }

    @Test(
        "the negations of the documented filters do not match",
        arguments: [
            "{ $.eventType = \"UpdateTrailX\" }",
            "{ $.sourceIPAddress != 111.111.* }",
            "{ $.arrayKey[1] = \"value\" }",
            "{ $.objectList[1].id = 1 }",
            "{ $.eventType IS NULL }",
            "{ $.SomeObject NOT EXISTS }",
            "{ $.ThisFlag IS FALSE }",
            "{ $.objectList[0].id = 2 }",
            "{ $.arrayKey[0].name = a }",
        ])
    func negationsDoNotMatch(pattern: String) throws {
        #expect(try !FilterPattern(pattern).matches(Self.example))
    }

    static let compound = """
        {"user": {"id": 1, "email": "John.Stiles@example.com"},
         "users": [{"id": 2, "email": "John.Doe@example.com"}, {"id": 3, "email": "Jane.Doe@example.com"}],
         "actions": ["GET", "PUT", "DELETE"], "coordinates": [[0, 1, 2], [4, 5, 6], [7, 8, 9]]}
        """.replacingAll("\n", " ")

    @Test(
        "compound conditions follow () > && > ||",
        arguments: [
            ("{ ($.user.id = 1) && ($.users[0].email = \"John.Doe@example.com\") }", true),
            ("{ ($.user.id = 2 && $.users[0].email = \"nonmatch\") || $.actions[2] = \"GET\" }", false),
            (
                "{ $.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }",
                true
            ),
            (
                "{ ($.user.email = \"John.Stiles@example.com\" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }",
                false
            ),
            ("{ $.coordinates[1][2] = 6 }", true),
        ])
    func compoundConditions(pattern: String, matches: Bool) throws {
        #expect(try FilterPattern(pattern).matches(Self.compound) == matches)
    }

    @Test("a selector pointing at an array or object matches neither = nor !=")
    func selectorOnArray() throws {
        let event = "{\"users\": [1, 2, 3]}"
        #expect(try !FilterPattern("{$.users = 1}").matches(event))
        #expect(try !FilterPattern("{$.users != 1}").matches(event))
    }

    @Test(
        "OR in JSON filters",
        arguments: [
            ("{$.foo = bar}", [1]), ("{$.foo = baz }", [2]), ("{$.foo = bar || $.foo = baz }", [1, 2]),
        ])
    func orInJSON(pattern: String, expected: [Int]) throws {
        #expect(try matching(pattern, ["{\"foo\": \"bar\"}", "{\"foo\": \"baz\"}"]) == expected)
    }

    static let numeric = """
        {"latency": 500, "numbers": [5, 0.001], "processes": [{}, {}, {}, {}, {"averageRuntime": 55.5}], "errorCode": 400}
        """

    @Test(
        "numeric comparisons",
        arguments: [
            ("{ $.latency >= 500 }", true),
            ("{ $.latency > 500 }", false),
            ("{ $.numbers[0] < 10e3 }", true),
            ("{ $.numbers[0] < 10e-3 }", false),
            ("{ $.numbers[1] < 10e-3 }", true),
            ("{ $.processes[4].averageRuntime <= 55.5 }", true),
            ("{ $.processes[4].averageRuntime < 55.5 }", false),
            ("{ $.errorCode = 400 }", true),
            ("{ $.errorCode = 4e2 }", true),
            ("{ $.errorCode != 500 }", true),
            ("{ $.latency > +1000 }", false),
            ("{ $.latency > -1000 }", true),
            ("{ $.latency = 500.0 }", true),
        ])
    func numericComparisons(pattern: String, matches: Bool) throws {
        #expect(try FilterPattern(pattern).matches(Self.numeric) == matches)
    }

    @Test(
        "wildcards stand only at the start or end; an inner * is literal",
        arguments: [
            ("{ $.e = *Event }", ["PutEvent", "GetEvent"], [1, 2]),
            ("{ $.e = Event* }", ["EventId", "EventName", "PutEvent"], [1, 2]),
            ("{ $.e = Ev*ent }", ["Event", "Ev*ent"], [2]),
            ("{ $.e = * }", ["x", ""], [1, 2]),
        ])
    func wildcards(pattern: String, values: [String], expected: [Int]) throws {
        #expect(try matching(pattern, values.map { "{\"e\": \"\($0)\"}" }) == expected)
    }

    @Test("CloudTrail guide alarms: console sign-in failures, root usage, security group changes")
    func cloudTrailAlarms() throws {
        let failure =
            #"{"eventName":"ConsoleLogin","errorMessage":"Failed authentication","userIdentity":{"type":"IAMUser"}}"#
        let success =
            #"{"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"},"userIdentity":{"type":"IAMUser"}}"#
        let root = #"{"eventName":"DescribeInstances","userIdentity":{"type":"Root"},"eventType":"AwsApiCall"}"#
        let rootByService =
            #"{"eventName":"X","userIdentity":{"type":"Root","invokedBy":"s3.amazonaws.com"},"eventType":"AwsApiCall"}"#
        let sg = #"{"eventName":"AuthorizeSecurityGroupIngress","eventSource":"ec2.amazonaws.com"}"#
        let events = [failure, success, root, rootByService, sg]
        #expect(
            try matching("{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }", events)
                == [1])
        #expect(
            try matching(
                "{ $.userIdentity.type = \"Root\" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != \"AwsServiceEvent\" }",
                events) == [3])
        #expect(
            try matching(
                "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
                events) == [5])
    }

    @Test(
        "non-JSON events never match a JSON pattern, not even NOT EXISTS",
        arguments: [
            "plain text", "{\"a\": 1", "{\"a\": tru}", "[1, 2]", "{\"a\": 1} trailing", "{\"a\": \"\\x\"}",
            "{\"a\": 01}", "",
        ])
    func nonJSONNeverMatches(event: String) throws {
        #expect(try !FilterPattern("{ $.b NOT EXISTS }").matches(event))
    }

    @Test(
        "a malformed part the pattern does not look at still makes the event non-JSON",
        arguments: [
            #"{"eventName":"X","other":{"a":tru}}"#, #"{"eventName":"X","list":[1,,2]}"#,
            #"{"eventName":"X","o":{"k" 1}}"#,
            #"{"eventName":"X","s":"bad\q"}"#, #"{"eventName":"X","n":-}"#, "{\"eventName\":\"X\",\"c\":\"raw\ttab\"}",
        ])
    func malformedElsewhere(event: String) throws {
        #expect(try !FilterPattern("{ $.eventName = X }").matches(event))
        #expect(
            try FilterPattern("{ $.eventName = X }").matches(
                #"{"eventName":"X","other":{"a":true},"list":[1,2],"n":-1.5e3}"#))
    }

    @Test("keys are compared decoded, like values")
    func escapedKeys() throws {
        #expect(try FilterPattern("{ $.eventName = X }").matches(#"{"event\u004eame":"X"}"#))
        #expect(try FilterPattern("{ $.user.name = bob }").matches(#"{"us\u0065r":{"name":"bob"}}"#))
        #expect(try !FilterPattern("{ $.eventName = X }").matches(#"{"eventname":"X"}"#))
    }

    @Test("escaped JSON strings are decoded before comparing")
    func escapedStrings() throws {
        #expect(try FilterPattern("{ $.eventName = ConsoleLogin }").matches(#"{"eventName":"Console\u004cogin"}"#))
        #expect(try FilterPattern("{ $.path = \"/a/b\" }").matches(#"{"path":"\/a\/b"}"#))
        #expect(try FilterPattern("{ $.q = \"say \\\"hi\\\"\" }").matches(#"{"q":"say \"hi\""}"#))
    }

    @Test("[*] matches when any element satisfies the condition")
    func anyIndex() throws {
        let event = #"{"actions": ["GET", "PUT"], "items": [{"id": 1}, {"id": 7}]}"#
        #expect(try FilterPattern("{ $.actions[*] = PUT }").matches(event))
        #expect(try !FilterPattern("{ $.actions[*] = POST }").matches(event))
        #expect(try FilterPattern("{ $.items[*].id > 5 }").matches(event))
        #expect(try FilterPattern("{ $.items[*].id = 1 && $.items[1].id = 7 }").matches(event))
    }

    @Test("a bare number also equals a string holding it (recipientAccountId = 123456789012)")
    func numberAgainstString() throws {
        #expect(
            try FilterPattern("{ $.recipientAccountId = 123456789012 }").matches(
                #"{"recipientAccountId":"123456789012"}"#))
        #expect(try FilterPattern("{ $.id = 007 }").matches(#"{"id":"007"}"#))
    }

    @Test("regular expressions in JSON values")
    func regexValues() throws {
        let events = [
            #"{"eventName":"DeleteTrail"}"#, #"{"eventName":"StopLogging"}"#, #"{"eventName":"CreateTrail"}"#,
        ]
        #expect(
            try matching("{ $.eventName = %^(Delete|Stop)% }".replacingAll("(Delete|Stop)", "[DS][et]"), events) == [
                1, 2,
            ])
        #expect(try matching("{ $.eventName != %Trail$% }", events) == [2])
    }
}

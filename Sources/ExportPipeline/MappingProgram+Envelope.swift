import ExportCore

extension MappingProgram {
    /// The item up to the email's id: `{"identifiers":[{"type":"email","id":`.
    static let envelopeHead = Array("{\"identifiers\":[{\"type\":\"email\",\"id\":".utf8)

    /// The contact envelope's one writer: the email identifier's tail after its id,
    /// `,"channels":{"email":{…}},"sendWelcomeMessage":…}`.
    static func appendEmailChannel(
        _ decision: ConsentPolicy.Decision, sendWelcomeMessage: Bool, apiVersion: APIVersion, to out: inout [UInt8]
    ) {
        out.append(contentsOf: ",\"channels\":{\"email\":".utf8)
        appendChannel(decision, apiVersion: apiVersion, to: &out)
        out.append(contentsOf: "},\"sendWelcomeMessage\":".utf8)
        out.append(contentsOf: (sendWelcomeMessage ? "true}" : "false}").utf8)
    }

    /// The phone identifier up to its id: `,{"type":"phone","id":`.
    static let phoneHead = Array(",{\"type\":\"phone\",\"id\":".utf8)

    /// The phone identifier after its id: `,"channels":{"sms":{…}}}`.
    static func appendPhoneChannel(_ consent: ConsentPolicy.Decision, apiVersion: APIVersion, to out: inout [UInt8]) {
        out.append(contentsOf: ",\"channels\":{\"sms\":".utf8)
        appendChannel(consent, apiVersion: apiVersion, to: &out)
        out.append(contentsOf: "}}".utf8)
    }

    /// `{"status":…,"<date key>":…}` of one channel (no date key for "now").
    static func appendChannel(_ decision: ConsentPolicy.Decision, apiVersion: APIVersion, to out: inout [UInt8]) {
        out.append(contentsOf: "{\"status\":".utf8)
        JSONText.appendString(decision.status, to: &out)
        if let date = decision.date {
            out.append(contentsOf: ",\"\(apiVersion.statusDateKey)\":".utf8)
            JSONText.appendString(date, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }
}

extension MappingPlan {
    /// The contact fields whose values change every run without a change in the person, as
    /// `PayloadHasher` paths: fields filled from `source: run_date`, `input_file`, `row_number` or
    /// `line` (`firstName`, `customProperties.importedOn`), status dates set to `now`
    /// (`emailStatusDate`, `smsStatusDate`) and tags from such sources (`tags:PREFIX`).
    /// The destination state's payload hash leaves them out (docs/sync.md).
    public var volatileFields: [String] {
        var out: [String] = []
        for field in fields where Self.isVolatile(field.spec) { out.append(field.wireName) }
        for property in customProperties where Self.isVolatile(property.spec) { out.append("customProperties." + property.name) }
        if statusDateNow != nil || statusDate.map({ Self.isVolatile($0.spec) }) == true { out.append("emailStatusDate") }
        if let phone, phone.smsStatusDateNow != nil || phone.smsStatusDate.map({ Self.isVolatile($0.spec) }) == true {
            out.append("smsStatusDate")
        }
        for tag in tags where Self.isVolatile(tag.spec) { out.append("tags:" + tag.prefix) }
        return out
    }

    /// Whether a value comes (in any of its alternatives) from a per-run source.
    static func isVolatile(_ spec: ValueSpec) -> Bool {
        switch spec.source {
        case .inputFile, .rowNumber, .line, .runDate: return true
        case .firstNonEmpty(let alternatives): return alternatives.contains(where: isVolatile)
        case .column, .columns, .constant: return false
        }
    }
}

import ExportCore

extension MappingPlan {
    /// The optional contact fields this mapping can fill, by wire name in wire order, for fill
    /// rates: the status date key of `apiVersion` (`statusDate` or `statusChangedAt`), `phone`,
    /// `firstName` … `birthdate`, `tags`, then `customProperties.NAME` in mapping order. The email
    /// and its status are in every contact, so they are not listed.
    public func optionalFieldNames(apiVersion: APIVersion) -> [String] {
        var names: [String] = []
        if statusDate != nil { names.append(apiVersion.statusDateKey) }
        if phone != nil { names.append("phone") }
        names += fields.map(\.wireName)
        if !tags.isEmpty { names.append("tags") }
        names += customProperties.map { "customProperties.\($0.name)" }
        return names
    }
}

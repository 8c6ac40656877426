import Foundation
import GRDB

extension SimulatorStore {
    /// Upserts one contact body (`POST /contacts`), counting it as a received item.
    func upsertContact(_ contact: [String: BodyJSON], email: String?, brand: String, now: Date) async throws -> ContactWriter.Outcome {
        try await writer.write { db in
            let outcome = try ContactWriter.upsert(contact, brand: brand, now: now, in: db)
            try Self.recordReceived(brand: brand, emails: [email], requestID: nil, in: db)
            return outcome
        }
    }

    /// The contact with this id, if it belongs to `brand`.
    func contact(brand: String, id: String) async throws -> ContactRecord? {
        guard let rowID = ObjectID.rowID(ObjectID.contact, id) else { return nil }
        return try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM contact WHERE id = ? AND brand = ?", arguments: [rowID, brand]).map(ContactWriter.record)
        }
    }

    /// One page of a brand's contacts in id order, optionally only the one with this exact email
    /// and only those carrying a tag.
    func listContacts(brand: String, filter: ContactFilter, limit: Int, offset: Int, afterRowID: Int64?, beforeRowID: Int64?) async throws -> [ContactRecord] {
        try await writer.read { db in
            var sql = "SELECT * FROM contact WHERE brand = ?"
            var arguments: StatementArguments = [brand]
            if let email = filter.email {
                sql += " AND email = ?"
                _ = arguments.append(contentsOf: [email])
            }
            if let tag = filter.tag {
                sql += " AND EXISTS (SELECT 1 FROM json_each(contact.document, '$.tags') WHERE json_each.value = ?)"
                _ = arguments.append(contentsOf: [tag])
            }
            if let afterRowID {
                sql += " AND id > ?"
                _ = arguments.append(contentsOf: [afterRowID])
            }
            if let beforeRowID {
                sql += " AND id < ? ORDER BY id DESC"
                _ = arguments.append(contentsOf: [beforeRowID])
            } else {
                sql += " ORDER BY id"
            }
            sql += " LIMIT ? OFFSET ?"
            _ = arguments.append(contentsOf: [limit, offset])
            let rows = try Row.fetchAll(db, sql: sql, arguments: arguments).map(ContactWriter.record)
            return beforeRowID == nil ? rows : rows.reversed()
        }
    }

    /// Contacts of all brands with a row id above `afterRowID`, in id order (for the NDJSON dump).
    func contactsPage(afterRowID: Int64, limit: Int) async throws -> [ContactRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM contact WHERE id > ? ORDER BY id LIMIT ?", arguments: [afterRowID, limit])
                .map(ContactWriter.record)
        }
    }
}

import ExportCore
import Foundation

/// One stored contact. `document` is the contact's JSON object without the output-only fields.
struct ContactRecord: Sendable, Equatable {
    var rowID: Int64
    var brand: String
    var email: String?
    var phone: String?
    var document: String
    var createdAt: Double
    var updatedAt: Double

    var contactID: String { ObjectID.make(ObjectID.contact, rowID) }

    /// The contact as `GET /contacts/{id}` shows it: the output-only fields, then the document's.
    var json: String {
        let head = "{\"contactID\":\(JSONText.quoted(contactID)),\"createdAt\":\(JSONText.quoted(DateText.format(Date(timeIntervalSince1970: createdAt)))),\"updatedAt\":\(JSONText.quoted(DateText.format(Date(timeIntervalSince1970: updatedAt))))"
        let body = document.utf8.count > 2 ? "," + document.dropFirst() : "}"
        return head + body
    }
}

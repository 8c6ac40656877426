import Foundation

extension String {
    /// The canonical decomposition (NFD) of the string; used to strip diacritics from lookup keys.
    var decomposedForLookup: String { decomposedStringWithCanonicalMapping }
}

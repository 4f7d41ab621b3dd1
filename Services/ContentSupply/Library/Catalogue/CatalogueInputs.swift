import Foundation
import Hummingbird
import KepuContracts
import KepuDomain

/// `PUT /admin/books/{isbn}`: a book on the catalogue (its key, the ISBN, is in the path).
struct BookInput: Decodable, ValidatedPayload, ClosedPayload {
    var title: String
    var authors: [String]
    var category: BookCategory
    var ageBand: AgeBand
    var publisher: String

    func validate() throws(ContractViolation) {
        try FieldLimit.check(title, "title", max: FieldLimit.name)
        try FieldLimit.check(authors.count, "authors.count", in: 1...20)
        for (index, author) in authors.enumerated() { try FieldLimit.check(author, "authors[\(index)]", max: FieldLimit.name) }
        try FieldLimit.check(publisher, "publisher", max: FieldLimit.name)
    }

    static let fields = PayloadFields.object(["title": .value, "authors": .value, "category": .value, "ageBand": .value, "publisher": .value])
}

/// `PUT /admin/works/{id}`: an online work of 科普中国.
struct WorkInput: Decodable, ValidatedPayload, ClosedPayload {
    var title: String
    var type: WorkType
    /// A theme code, as on the activity menu.
    var theme: String
    var url: String

    func validate() throws(ContractViolation) {
        try FieldLimit.check(title, "title", max: FieldLimit.name)
        try FieldLimit.check(theme, "theme", max: FieldLimit.code)
        try FieldLimit.check(url, "url", max: FieldLimit.text)
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host?.isEmpty == false else {
            throw ContractViolation(field: "url", "is not an http(s) URL")
        }
    }

    static let fields = PayloadFields.object(["title": .value, "type": .value, "theme": .value, "url": .value])
}

struct BookView: ResponseEncodable {
    let isbn: String
    let title: String
    let authors: [String]
    let category: BookCategory
    let ageBand: AgeBand
    let publisher: String
}

struct BookList: ResponseEncodable {
    let books: [BookView]
    let next: String?
}

struct WorkView: ResponseEncodable {
    let id: String
    let title: String
    let type: WorkType
    let theme: String
    let url: String
}

struct WorkList: ResponseEncodable {
    let works: [WorkView]
    let next: String?
}

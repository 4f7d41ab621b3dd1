import Foundation
import Hummingbird
import KepuContracts
import KepuDomain

/// `PUT /admin/lots/{id}`: a donation to be shared among a district's sites.
struct LotInput: Decodable, ValidatedPayload, ClosedPayload {
    /// The district whose active centers, institutes and stations share it.
    var districtId: String
    /// The donating organisation (a publisher, a company, an association).
    var donor: String
    var titles: [TitleCopies]
    /// Copies of each title every site gets first, if the lot has enough for all (else one each, by demand).
    var minimumPerSite: Int

    func validate() throws(ContractViolation) {
        try FieldLimit.check(districtId, "districtId", max: FieldLimit.identifier)
        try FieldLimit.check(donor, "donor", max: FieldLimit.name)
        try FieldLimit.checkTitles(titles, "titles", copies: 1...100_000)
        try FieldLimit.check(minimumPerSite, "minimumPerSite", in: 0...1_000)
    }

    static let fields = PayloadFields.object(["districtId": .value, "donor": .value, "titles": .value, "minimumPerSite": .value])
}

/// What arrived of one title.
struct ReceivedTitle: Decodable, Sendable {
    var isbn: String
    /// Copies that arrived, damaged ones included.
    var received: Int
    var damaged: Int
}

/// `POST /admin/lots/{id}/receipts`: what a site found in its parcel.
struct ReceiptInput: Decodable, ValidatedPayload, ClosedPayload {
    var siteId: String
    var titles: [ReceivedTitle]

    func validate() throws(ContractViolation) {
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.check(titles.count, "titles.count", in: FieldLimit.titles)
        var seen = Set<String>()
        for (index, title) in titles.enumerated() {
            let isbn: ISBN
            do { isbn = try ISBN(title.isbn) } catch { throw ContractViolation(field: "titles[\(index)].isbn", "is not an ISBN: \(error)") }
            guard seen.insert(isbn.digits).inserted else { throw ContractViolation(field: "titles[\(index)].isbn", "names a title twice") }
            try FieldLimit.check(title.received, "titles[\(index)].received", in: FieldLimit.copies)
            try FieldLimit.check(title.damaged, "titles[\(index)].damaged", in: 0...title.received)
        }
    }

    static let fields = PayloadFields.object(["siteId": .value, "titles": .value])
}

/// A site's share of a title, with the rule's reasons.
struct AllocationView: Codable, Sendable {
    let siteId: String
    let isbn: String
    let copies: Int
    let explanation: String
    let received: Int?
    let damaged: Int?
}

struct DiscrepancyView: Codable, Sendable {
    let siteId: String
    let isbn: String
    let kind: DiscrepancyKind
    let copies: Int
}

struct LotView: ResponseEncodable {
    let id: String
    let districtId: String
    let donor: String
    let status: LotStatus
    let minimumPerSite: Int
    let titles: [TitleCopies]
    let allocations: [AllocationView]
    let discrepancies: [DiscrepancyView]
}

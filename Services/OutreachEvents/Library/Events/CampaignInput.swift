import KepuContracts
import KepuDomain

/// `PUT /admin/campaigns/{id}`: a campaign on the calendar.
struct CampaignInput: Decodable, ClosedPayload, ValidatedPayload {
    let name: String
    let from: String
    let until: String
    let themes: [String]

    static var fields: PayloadFields { .object(["name": .value, "from": .value, "until": .value, "themes": .value]) }

    func validate() throws(ContractViolation) {
        try record(id: "c").validate()
        guard from <= until else { throw ContractViolation(field: "until", "comes before from") }
    }

    func record(id: String) -> CampaignRecord { CampaignRecord(campaignId: id, name: name, from: from, until: until, themes: themes) }
}

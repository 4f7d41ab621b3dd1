import Foundation
import Hummingbird
import KepuContracts
import KepuDomain

/// `PUT /admin/kits/{id}`: an exhibit kit of the mobile science museum.
struct KitInput: Decodable, ClosedPayload, ValidatedPayload {
    let name: String
    let setupMinutes: Int
    let teardownMinutes: Int
    let active: Bool?

    static var fields: PayloadFields { .object(["name": .value, "setupMinutes": .value, "teardownMinutes": .value, "active": .value]) }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        try FieldLimit.check(setupMinutes, "setupMinutes", in: 0...10_080)
        try FieldLimit.check(teardownMinutes, "teardownMinutes", in: 0...10_080)
    }
}

/// `POST /admin/tours/{id}/stops`: a stop of a tour, at a site, with a kit, for a time.
struct TourStopInput: Decodable, ClosedPayload, ValidatedPayload {
    let eventId: String?
    let kitId: String
    let siteId: String
    let title: String
    let theme: String
    let campaigns: [String]?
    let startsAt: Date
    let endsAt: Date
    let seats: EventSeats?

    static var fields: PayloadFields {
        .object([
            "eventId": .value, "kitId": .value, "siteId": .value, "title": .value, "theme": .value, "campaigns": .value, "startsAt": .value,
            "endsAt": .value,
            "seats": EventSeats.fields,
        ])
    }

    func validate() throws(ContractViolation) {
        if let eventId { try EventInput.checkId(eventId) }
        try FieldLimit.check(kitId, "kitId", max: FieldLimit.identifier)
        try FieldLimit.check(siteId, "siteId", max: FieldLimit.identifier)
        try FieldLimit.check(title, "title", max: FieldLimit.name)
        try FieldLimit.check(theme, "theme", max: FieldLimit.code)
        if let campaigns { try FieldLimit.checkCodes(campaigns, "campaigns", max: FieldLimit.identifier) }
        try FieldLimit.checkTimes(startsAt, endsAt, "endsAt")
        guard endsAt.timeIntervalSince(startsAt) <= 31 * 86_400 else { throw ContractViolation(field: "endsAt", "a stop lasts at most 31 days") }
        if let seats { try seats.validate("seats") }
    }
}

/// `GET /api/kits/{id}/schedule`: where a kit is held, from now on.
struct KitSchedule: ResponseEncodable {
    struct Stop: Encodable {
        let eventId: String
        let tourId: String
        let siteId: String
        let startsAt: Date
        let endsAt: Date
        /// The hold: travel and set-up before the stop, tear-down after.
        let heldFrom: Date
        let heldUntil: Date
        let travelMinutes: Int
    }

    let kitId: String
    let stops: [Stop]
}

/// `PUT /admin/district-travel`: how long a kit's truck takes between two districts (set both ways).
struct DistrictTravelInput: Codable, ClosedPayload, ValidatedPayload {
    let from: String
    let to: String
    let minutes: Int

    static var fields: PayloadFields { .object(["from": .value, "to": .value, "minutes": .value]) }

    func validate() throws(ContractViolation) {
        try FieldLimit.check(from, "from", max: FieldLimit.identifier)
        try FieldLimit.check(to, "to", max: FieldLimit.identifier)
        try FieldLimit.check(minutes, "minutes", in: 0...1_440)
    }
}

/// `GET /district-travel`: the city's table, and the times used where it says nothing.
struct DistrictTravelList: ResponseEncodable {
    let travel: [DistrictTravelInput]
    let sameDistrictMinutes: Int
    let acrossDistrictsMinutes: Int
}

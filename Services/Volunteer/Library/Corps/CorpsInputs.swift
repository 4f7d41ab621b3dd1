import KepuContracts
import KepuDomain

/// `PUT /admin/teams/{id}`: a branch team (分队) in a district (or the city), at a practice center when formed there.
struct TeamInput: Decodable, ValidatedPayload, ClosedPayload {
    var name: String
    var unitId: String
    var centerSiteId: String?
    var leaderVolunteerId: String?

    func validate() throws(ContractViolation) {
        try FieldLimit.check(name, "name", max: FieldLimit.name)
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        if let centerSiteId { try FieldLimit.check(centerSiteId, "centerSiteId", max: FieldLimit.identifier) }
        if let leaderVolunteerId { try FieldLimit.check(leaderVolunteerId, "leaderVolunteerId", max: FieldLimit.identifier) }
    }

    static let fields = PayloadFields.object(["name": .value, "unitId": .value, "centerSiteId": .value, "leaderVolunteerId": .value])
}

/// `PUT /admin/volunteers/{id}`: the profile a registration over Kafka carries, without its request id.
struct VolunteerProfileInput: Decodable, ValidatedPayload, ClosedPayload {
    /// The hash of the claim token the volunteer's app will present; unchanged when absent.
    var claimTokenHash: String?
    var residentId: String
    var teamId: String
    var role: VolunteerRole
    var siteId: String?
    var name: String
    var phone: String?
    var skills: [String]
    var qualifications: [HeldQualification]?
    var homeUnitId: String
    var serveUnitIds: [String]?
    var availability: [WeeklyWindow]
    var blackoutDates: [String]?
    var monthlyHoursCap: Int

    func registration(volunteerId: String, requestId: String) -> RegistrationSubmitted {
        RegistrationSubmitted(
            requestId: requestId, volunteerId: volunteerId, claimTokenHash: claimTokenHash ?? "", residentId: residentId, teamId: teamId, role: role,
            siteId: siteId, name: name,
            phone: phone, skills: skills, qualifications: qualifications ?? [], homeUnitId: homeUnitId, serveUnitIds: serveUnitIds ?? [],
            availability: availability, blackoutDates: blackoutDates ?? [], monthlyHoursCap: monthlyHoursCap)
    }

    func validate() throws(ContractViolation) {
        // The hash is optional here (staff may register a volunteer before their app does): checked when given.
        try registration(volunteerId: "v", requestId: "admin").validatingHash(claimTokenHash != nil).validate()
    }

    static let fields: PayloadFields = {
        guard case .object(var names) = RegistrationSubmitted.fields else { return RegistrationSubmitted.fields }
        names["requestId"] = nil
        names["volunteerId"] = nil
        names["claimToken"] = nil
        return .object(names)
    }()
}

extension RegistrationSubmitted {
    /// The same registration, with a placeholder hash when none was given (for checking the rest).
    fileprivate func validatingHash(_ given: Bool) -> RegistrationSubmitted {
        var copy = self
        if !given { copy.claimTokenHash = String(repeating: "0", count: 64) }
        return copy
    }
}

import KepuDomain

extension FieldLimit {
    /// Activities or visits one pairing commits to per quarter.
    public static let commitment = 0...1_000
}

extension StaffRecorded: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(staffId, "staffId", max: FieldLimit.identifier)
        try FieldLimit.check(placeId, "placeId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(placePath, "placePath", maximum: maximumUnitPathLength + 1)
        try FieldLimit.checkDay(since, "since")
        try FieldLimit.checkDay(until, "until")
    }
}

extension PairingRecorded: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(pairingId, "pairingId", max: FieldLimit.identifier)
        try FieldLimit.check(baseId, "baseId", max: FieldLimit.identifier)
        try FieldLimit.check(partnerId, "partnerId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(basePath, "basePath", maximum: maximumUnitPathLength + 1)
        try FieldLimit.checkPath(partnerPath, "partnerPath", maximum: maximumUnitPathLength + 1)
        try FieldLimit.checkDay(from, "from")
        try FieldLimit.checkDay(until, "until")
        try FieldLimit.check(commitments.activitiesPerQuarter, "commitments.activitiesPerQuarter", in: FieldLimit.commitment)
        try FieldLimit.check(commitments.visitsPerQuarter, "commitments.visitsPerQuarter", in: FieldLimit.commitment)
    }
}

extension ApplicationStep: ValidatedPayload {
    public func validate() throws(ContractViolation) {
        try FieldLimit.check(applicationId, "applicationId", max: FieldLimit.identifier)
        try FieldLimit.check(siteName, "siteName", max: FieldLimit.name)
        try FieldLimit.check(unitId, "unitId", max: FieldLimit.identifier)
        try FieldLimit.checkPath(unitPath, "unitPath")
        try FieldLimit.check(actor, "actor", max: FieldLimit.identifier)
        try FieldLimit.check(actorRole, "actorRole", max: FieldLimit.code)
        try FieldLimit.check(comment, "comment", max: FieldLimit.text)
        try FieldLimit.checkDay(inspectionDay, "inspectionDay")
        try FieldLimit.check(practicePointId, "practicePointId", max: FieldLimit.identifier)
        try FieldLimit.checkDay(validUntil, "validUntil")
    }
}

/// A role in the three-level organisation (三级组织体系): the people who run a unit's or a site's programme.
public enum StaffRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// The head (负责人) of a center, institute, station or site.
    case head
    /// Dedicated staff (专门工作人员) for the programme.
    case dedicated
    /// The contact for volunteers and residents (联络员).
    case liaison
}

/// Where a pairing (结对共建) stands.
public enum PairingStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case active, ended
}

/// Where an application to become a practice point (申报成为新时代文明实践点) stands.
public enum ApplicationStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Submitted, waiting for the district's review.
    case submitted
    /// Passed the district's review (区级审核), waiting for the on-site inspection to be scheduled.
    case reviewed
    /// The on-site inspection (实地考察) is scheduled.
    case inspectionScheduled = "inspection_scheduled"
    /// Passed the inspection, waiting for the city's approval.
    case inspected
    /// Approved by the city (市级审批): the applicant is a practice point until its re-evaluation is due.
    case approved
    /// Refused at some step, with the reason.
    case rejected
    /// Not re-evaluated in time, or failed its re-evaluation: the practice point is retired.
    case expired
}

import Foundation
import KepuDomain

/// The CloudEvents types on `kepu.outreach.events.v1` so far: the organisation's staff, pairings, and
/// applications to become a practice point (the menu, orders and events come with issue 24).
public enum OutreachEventType {
    public static let staffAssigned = "kepu.outreach.staff-assigned.v1"
    public static let staffReleased = "kepu.outreach.staff-released.v1"
    public static let pairingCreated = "kepu.outreach.pairing-created.v1"
    public static let pairingChanged = "kepu.outreach.pairing-changed.v1"
    public static let pairingEnded = "kepu.outreach.pairing-ended.v1"
    public static let applicationSubmitted = "kepu.outreach.application-submitted.v1"
    public static let applicationReviewed = "kepu.outreach.application-reviewed.v1"
    public static let applicationInspectionScheduled = "kepu.outreach.application-inspection-scheduled.v1"
    public static let applicationInspected = "kepu.outreach.application-inspected.v1"
    public static let applicationApproved = "kepu.outreach.application-approved.v1"
    public static let applicationRejected = "kepu.outreach.application-rejected.v1"
    public static let applicationReevaluated = "kepu.outreach.application-reevaluated.v1"
    public static let applicationExpired = "kepu.outreach.application-expired.v1"

    public static let staff = [staffAssigned, staffReleased]
    public static let pairings = [pairingCreated, pairingChanged, pairingEnded]
    public static let applications = [
        applicationSubmitted, applicationReviewed, applicationInspectionScheduled, applicationInspected, applicationApproved,
        applicationRejected, applicationReevaluated, applicationExpired,
    ]
    public static let all = staff + pairings + applications
}

/// A member of a unit's or a site's staff, without contact details (those stay in outreach-events): enough to
/// measure staffing coverage per unit.
public struct StaffRecorded: Sendable, Hashable, Codable {
    public var staffId: String
    public var role: StaffRole
    /// The unit or site they work for, and its path (city first, ending with it).
    public var placeId: String
    public var placePath: [String]
    public var since: String
    /// Set when released.
    public var until: String?

    public init(staffId: String, role: StaffRole, placeId: String, placePath: [String], since: String, until: String?) {
        self.staffId = staffId
        self.role = role
        self.placeId = placeId
        self.placePath = placePath
        self.since = since
        self.until = until
    }
}

/// What a paired base commits to per quarter.
public struct PairingCommitments: Sendable, Hashable, Codable {
    /// Activities the base holds at (or with) its partner per quarter.
    public var activitiesPerQuarter: Int
    /// Organised visits of the partner's residents to the base per quarter.
    public var visitsPerQuarter: Int

    public init(activitiesPerQuarter: Int, visitsPerQuarter: Int) {
        self.activitiesPerQuarter = activitiesPerQuarter
        self.visitsPerQuarter = visitsPerQuarter
    }
}

/// A pairing (结对共建) as it now stands: a science base or demonstration site and a center, institute or station.
public struct PairingRecorded: Sendable, Hashable, Codable {
    public var pairingId: String
    public var baseId: String
    public var basePath: [String]
    public var partnerId: String
    public var partnerPath: [String]
    public var from: String
    public var until: String
    public var commitments: PairingCommitments
    public var status: PairingStatus

    public init(
        pairingId: String, baseId: String, basePath: [String], partnerId: String, partnerPath: [String], from: String, until: String,
        commitments: PairingCommitments, status: PairingStatus
    ) {
        self.pairingId = pairingId
        self.baseId = baseId
        self.basePath = basePath
        self.partnerId = partnerId
        self.partnerPath = partnerPath
        self.from = from
        self.until = until
        self.commitments = commitments
        self.status = status
    }
}

/// One step of an application to become a practice point: where it now stands, who took the step in which role,
/// when, and why. No contact details of the applicant.
public struct ApplicationStep: Sendable, Hashable, Codable {
    public var applicationId: String
    public var status: ApplicationStatus
    public var siteName: String
    /// The unit the applicant sits on, and its path.
    public var unitId: String
    public var unitPath: [String]
    /// Who took the step (a token's subject) and in which role.
    public var actor: String
    public var actorRole: String
    public var at: Date
    public var comment: String?
    /// For a scheduled inspection: the day.
    public var inspectionDay: String?
    /// Once approved: the practice point's site id, and the day its re-evaluation is due.
    public var practicePointId: String?
    public var validUntil: String?

    public init(
        applicationId: String, status: ApplicationStatus, siteName: String, unitId: String, unitPath: [String], actor: String,
        actorRole: String, at: Date, comment: String?, inspectionDay: String?, practicePointId: String?, validUntil: String?
    ) {
        self.applicationId = applicationId
        self.status = status
        self.siteName = siteName
        self.unitId = unitId
        self.unitPath = unitPath
        self.actor = actor
        self.actorRole = actorRole
        self.at = at
        self.comment = comment
        self.inspectionDay = inspectionDay
        self.practicePointId = practicePointId
        self.validUntil = validUntil
    }
}

import KepuDomain

// The domain's closed sets as they are stored (declared once here: two services declaring the same conformance
// would be linked together into the tools and tests).
extension VenueKind: TextEnum {}
extension PartyKind: TextEnum {}
extension UnitLevel: TextEnum {}
extension SiteKind: TextEnum {}
extension SiteStatus: TextEnum {}
extension StaffRole: TextEnum {}
extension PairingStatus: TextEnum {}
extension ApplicationStatus: TextEnum {}
extension ActivityFormat: TextEnum {}
extension AgeBand: TextEnum {}
extension ProviderKind: TextEnum {}
extension OrderStatus: TextEnum {}
extension ActivityEventStatus: TextEnum {}
extension VolunteerRole: TextEnum {}
extension Qualification: TextEnum {}
extension AssignmentStatus: TextEnum {}
extension HoursStatus: TextEnum {}
extension BookCategory: TextEnum {}
extension WorkType: TextEnum {}
extension LotStatus: TextEnum {}
extension DiscrepancyKind: TextEnum {}

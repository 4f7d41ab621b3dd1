/// Who an admin caller is to the programme: the roles a signed admin token carries (`role` claim).
public enum AdminRole: String, Sendable, Hashable, Codable, CaseIterable, TextEnum {
    /// City staff (市级管理员): everything in the city, the audit log included.
    case cityAdmin = "city_admin"
    /// District staff (区级管理员): what lies under their district.
    case districtAdmin = "district_admin"
    /// Reviews applications (审核) within their scope.
    case reviewer
    /// Inspects applicants on site (实地考察) within their scope.
    case inspector
    /// Runs one site (阵地管理员): its sessions and activities.
    case siteOperator = "site_operator"
    /// A provider on the activity menu (an expert, a base, the museum, an association): its scope is its provider
    /// id; it answers the orders dispatched to it, claims open ones, and keeps its own programmes.
    case provider
    /// Leads a branch team (分队) of the Tech Volunteer Service Corps: its scope is its team id; it keeps its team's
    /// volunteers and verifies their service hours.
    case teamLeader = "team_leader"
    /// The static `KEPU_ADMIN_TOKEN`: the operators' break-glass credential, allowed everything. Never in a token.
    case breakGlass = "operator"

    /// The roles a token may carry (`kepu token` issues them).
    public static let issuable: [AdminRole] = [.cityAdmin, .districtAdmin, .reviewer, .inspector, .siteOperator, .provider, .teamLeader]
}

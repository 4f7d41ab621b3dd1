import Foundation
import Hummingbird
import Mustache

/// The printable certificate: HTML for A4 paper, rendered from `CertificatePage.template` by swift-mustache (which
/// escapes every value), and the public verification of a code, which states what the certificate states without
/// contact details (the name shortened to its first character).
enum CertificatePage {
    static let template: MustacheTemplate? = try? MustacheTemplate(string: templateText)

    static func html(_ statement: CertificateStatement, name: String?) -> String? {
        template?.render(view(statement, name: name ?? "（姓名已删除）"))
    }

    /// What the template reads.
    private static func view(_ statement: CertificateStatement, name: String) -> [String: Any] {
        [
            "code": statement.code, "name": name, "volunteerId": statement.volunteerId, "teamName": statement.teamName,
            "issuedOn": statement.issuedOn, "totalHours": format(statement.totalHours),
            "starLevel": statement.starLevel.map { String(repeating: "★", count: $0) } ?? "",
            "hasStarLevel": statement.starLevel != nil,
            "years": statement.years.map { ["year": $0.year, "hours": format($0.hours), "activities": $0.activities] as [String: Any] },
            "activities": statement.activities.map { ["day": $0.day, "title": $0.title, "hours": format($0.hours)] },
            "moreActivities": statement.activitiesCount > statement.activities.count ? statement.activitiesCount - statement.activities.count : 0,
            "hasMore": statement.activitiesCount > statement.activities.count,
            "verifyPath": "/api/certificates/\(statement.code)",
        ]
    }

    static func format(_ hours: Double) -> String { String(format: "%.1f", hours) }

    /// The certificate as `GET /api/certificates/{code}` states it.
    static func verification(_ statement: CertificateStatement, name: String?) -> CertificateVerification {
        CertificateVerification(
            code: statement.code, valid: true, volunteer: name.flatMap(shortened),
            volunteerId: statement.volunteerId, teamName: statement.teamName, issuedOn: statement.issuedOn, totalHours: statement.totalHours,
            starLevel: statement.starLevel, years: statement.years, activitiesCount: statement.activitiesCount)
    }

    /// A name shortened to its first character, the rest starred (张三丰 → 张**).
    static func shortened(_ name: String) -> String? {
        guard let first = name.first else { return nil }
        return String(first) + String(repeating: "*", count: max(1, name.count - 1))
    }

    static let templateText = #"""
        <!DOCTYPE html>
        <html lang="zh-CN">
        <head>
        <meta charset="utf-8">
        <title>志愿服务记录证明 {{code}}</title>
        <style>
          @page { size: A4; margin: 18mm 16mm; }
          body { font-family: "Noto Serif CJK SC", "Songti SC", serif; color: #111; max-width: 178mm; margin: 0 auto; }
          h1 { text-align: center; letter-spacing: 0.3em; font-size: 22pt; margin: 0 0 4mm; }
          .subtitle { text-align: center; margin-bottom: 8mm; }
          table { width: 100%; border-collapse: collapse; margin: 4mm 0; font-size: 10.5pt; }
          th, td { border: 1px solid #333; padding: 1.5mm 2mm; text-align: left; }
          tr { page-break-inside: avoid; }
          .total { font-size: 13pt; }
          .code { font-family: monospace; font-size: 12pt; }
          footer { margin-top: 10mm; font-size: 9.5pt; }
          @media print { .no-print { display: none; } }
        </style>
        </head>
        <body>
        <h1>志愿服务记录证明</h1>
        <p class="subtitle">深圳市科技志愿服务总队 · {{teamName}}</p>
        <p class="total">兹证明 <strong id="name">{{name}}</strong>（志愿者编号 {{volunteerId}}）累计志愿服务时长
          <strong id="total-hours">{{totalHours}}</strong> 小时{{#hasStarLevel}}，星级 <span id="star-level">{{starLevel}}</span>{{/hasStarLevel}}。</p>
        <h2>按年度</h2>
        <table id="years">
          <thead><tr><th>年度</th><th>服务时长（小时）</th><th>活动数</th></tr></thead>
          <tbody>{{#years}}<tr><td>{{year}}</td><td>{{hours}}</td><td>{{activities}}</td></tr>{{/years}}</tbody>
        </table>
        <h2>按活动</h2>
        <table id="activities">
          <thead><tr><th>日期</th><th>活动</th><th>服务时长（小时）</th></tr></thead>
          <tbody>{{#activities}}<tr><td>{{day}}</td><td>{{title}}</td><td>{{hours}}</td></tr>{{/activities}}</tbody>
        </table>
        {{#hasMore}}<p>另有 {{moreActivities}} 项活动，计入上述合计。</p>{{/hasMore}}
        <footer>
          <p>出具日期：{{issuedOn}}　验证码：<span class="code" id="code">{{code}}</span></p>
          <p>核验：{{verifyPath}}</p>
        </footer>
        </body>
        </html>
        """#
}

/// `GET /api/certificates/{code}`: what the certificate states, for anyone holding its code.
struct CertificateVerification: ResponseEncodable {
    let code: String
    let valid: Bool
    /// The name shortened to its first character (nil once erased).
    let volunteer: String?
    let volunteerId: String
    let teamName: String
    let issuedOn: String
    let totalHours: Double
    let starLevel: Int?
    let years: [CertificateStatement.Year]
    let activitiesCount: Int
}

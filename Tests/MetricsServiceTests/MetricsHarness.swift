import Foundation
import KepuContracts
import KepuKafka
import KepuKafkaEmbedded
import KepuRuntime
import KepuTestSupport
import PostgresNIO

@testable import MetricsService

/// What the metrics integration tests share: the embedded cluster with every topic, and reads of a metrics
/// database.
enum MetricsHarness {
    static func cluster() throws -> EmbeddedKafkaCluster {
        let cluster = try EmbeddedKafkaCluster(brokers: 1)
        for topic in Topics.all { try cluster.createTopic(topic.name, partitions: topic.partitions) }
        return cluster
    }

    static func start(database: DatabaseSettings, cluster: EmbeddedKafkaCluster, extra: [String: String] = [:]) async throws -> ServiceProcess {
        let service = try ServiceProcess(
            "metrics", database: database, bootstrap: cluster.bootstrapServers,
            extra: ["KEPU_CONSUMER_BATCH_SIZE": "1000"].merging(extra) { _, new in new })
        try await service.waitUntilReady()
        return service
    }

    /// Records folded so far: the sum of the stored next offsets (every partition starts at 0).
    static func folded(_ database: DatabaseSettings) async throws -> Int {
        try await TestPostgres.count(database, "SELECT coalesce(sum(next_offset), 0)::bigint FROM consumer_offsets")
    }

    /// Every counter, as `unit|kind:key|kpi=value`, sorted.
    static func counterRows(_ database: DatabaseSettings) async throws -> [String] {
        try await TestPostgres.withClient(database) { client in
            var rows: [String] = []
            let result = try await client.query("SELECT unit_id, period_kind, period_key, \(unescaped: KPI.columns) FROM kpi_counter")
            for try await row in result {
                let columns = row.makeRandomAccess()
                let prefix = "\(try columns[0].decode(String.self))|\(try columns[1].decode(String.self)):\(try columns[2].decode(String.self))"
                for (offset, kpi) in KPI.counts.enumerated() { rows.append("\(prefix)|\(kpi)=\(try columns[3 + offset].decode(Int64.self))") }
            }
            return rows.sorted()
        }
    }

    /// One unit's counters in one period.
    static func counters(_ database: DatabaseSettings, unit: String, kind: String, key: String) async throws -> [String: Int64] {
        try await TestPostgres.withClient(database) { client in
            let result = try await client.query(
                "SELECT \(unescaped: KPI.columns) FROM kpi_counter WHERE unit_id = \(unit) AND period_kind = \(kind) AND period_key = \(key)")
            for try await row in result {
                let counts = try KPIValues(row: row.makeRandomAccess(), from: 0).counts
                return Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) })
            }
            return [:]
        }
    }

    static var november2026: Date { Date(timeIntervalSince1970: 1_793_462_400) } // 2026-11-01T00:00:00+08:00
}

/// What counter changes give `kpi` in `unit`'s `period` (e.g. `month:2026-11`): 0 when none.
func delta(_ deltas: [CounterGroup: [KPI: Int64]], _ unit: String, _ period: String, _ kpi: KPI) -> Int64 {
    deltas.first { $0.key.unitId == unit && $0.key.period.description == period }?.value[kpi] ?? 0
}
